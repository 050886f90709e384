"""Hand-graded written answers: manual.csv, the marking sheet, marks merged into the CSVs and
the feedback pages (also after a re-run of ``grade``), and the checks on a bad manual.csv.

The fast tests work on CSV files written here; ``graded_marks`` grades three Lab 1 notebooks
for real (with and without written answers) once, for the tests marked slow.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import time

import pytest

from autograder import cli
from autograder.grading import course, grade, marks, marks_page

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

LAB = hostile.LAB
COURSE = course.find()
WRITTEN = marks.written_answers(COURSE, LAB)
AUTO, WRITTEN_POINTS = builders.total_points(LAB)
XSS = "My answer <script>document.title='PWNED'</script> & <b>bold</b>"


def _read(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write(path: str, fields: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(fields)
        w.writerows(rows)


FAILED = "AssertionError: The root cause may be earlier: your returns_to_go calls ..."
"""A failed test cell's message in cells.csv: marking the written answers keeps it."""


def _out_with_cells(tmp_path, students=("alice", "bob")) -> str:
    """An OUT folder as grade leaves it: every written answer of LAB waiting for a mark."""
    out = str(tmp_path / "out")
    os.makedirs(out)
    cells, rows = [], []
    for s in students:
        cells.append([s, LAB, "test_discounted_return_basic", 1, 1, ""])
        cells.append([s, LAB, "test_returns_to_go_basic", 0, 1, FAILED])
        cells += [[s, LAB, gid, "", f"{p:g}", ""] for gid, p in WRITTEN.items()]
        rows.append(
            [
                s,
                LAB,
                1,
                f"{AUTO + WRITTEN_POINTS:g}",
                "graded",
                marks.written_note(
                    [
                        {"grade_id": g, "score": "", "max_score": p, "manual": True}
                        for g, p in WRITTEN.items()
                    ]
                ),
            ]
        )
    _write(os.path.join(out, "cells.csv"), grade.CELL_FIELDS, cells)
    _write(
        os.path.join(out, "grades.csv"),
        ["student_id", "assignment_id", "score", "max_score", "status", "message"],
        rows,
    )
    return out


def test_lab_has_written_answers():
    assert WRITTEN and sum(WRITTEN.values()) == WRITTEN_POINTS
    assert all(marks.question_text(COURSE, LAB, gid) for gid in WRITTEN)


def test_note_and_message_follow_the_marks():
    cells = [
        {"grade_id": "written_a", "score": "", "max_score": 2.0, "manual": True},
        {"grade_id": "written_b", "score": 1.5, "max_score": 2.0, "manual": True},
    ]
    note = marks.written_note(cells)
    assert "marked by your instructor: 1.5 of 2 points" in note and "written_a (2 points)" in note
    message = (
        "14 of 18 points. " + marks.written_note([dict(c, score="") for c in cells]) + " Tail."
    )
    new = marks.updated_message(message, 15.5, note)
    assert new == f"15.5 of 18 points. {note} Tail.", new
    assert marks.updated_message(new, 15.5, note) == new  # applying twice changes nothing


def test_marks_csv_created_kept_and_applied(tmp_path):
    out = _out_with_cells(tmp_path)
    added, open_marks = marks.update_manual(out, COURSE)
    assert (added, open_marks) == (2 * len(WRITTEN), 2 * len(WRITTEN))
    rows = _read(os.path.join(out, marks.MANUAL))
    first = next(iter(WRITTEN))
    for r in rows:
        if r["student_id"] == "alice" and r["grade_id"] == first:
            r["score"], r["comment"] = "1.5", "Good"
    _write(os.path.join(out, marks.MANUAL), marks.MANUAL_FIELDS, [list(r.values()) for r in rows])
    assert marks.update_manual(out, COURSE) == (0, 2 * len(WRITTEN) - 1)  # the mark is kept
    kept = _read(os.path.join(out, marks.MANUAL))
    assert [r["score"] for r in kept if r["score"]] == ["1.5"]
    marks.apply_marks(out, COURSE)
    alice = next(r for r in _read(os.path.join(out, "grades.csv")) if r["student_id"] == "alice")
    assert float(alice["score"]) == 2.5
    assert "marked by your instructor: 1.5 of" in alice["message"]
    cells = {
        (c["student_id"], c["grade_id"]): c["score"] for c in _read(os.path.join(out, "cells.csv"))
    }
    assert cells[("alice", first)] == "1.5" and cells[("bob", first)] == ""
    with open(os.path.join(out, "cells.csv"), encoding="utf-8") as f:
        assert next(csv.reader(f)) == grade.CELL_FIELDS
    failed = [c["message"] for c in _read(os.path.join(out, "cells.csv")) if c["message"]]
    assert failed == [FAILED, FAILED]
    assert marks.pending(out, COURSE) == sorted(
        [("alice", LAB, g) for g in WRITTEN if g != first] + [("bob", LAB, g) for g in WRITTEN]
    )


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("alice,{lab},{gid},3,2,", "outside 0 to 2"),
        ("alice,{lab},{gid},-1,2,", "outside 0 to 2"),
        ("alice,{lab},{gid},two,2,", "is not a number"),
        ("alice,{lab},{gid},nan,2,", "is not a number"),
        ("carol,{lab},{gid},1,2,", "student 'carol'"),
        ("alice,lab9_nothing,{gid},1,2,", "lab 'lab9_nothing'"),
        ("alice,{lab},test_discounted_return_basic,1,1,", "is not a written answer"),
        ("alice,{lab},{gid},1,2,\nalice,{lab},{gid},2,2,", "marked twice"),
    ],
)
def test_bad_manual_csv_names_the_line_and_changes_nothing(tmp_path, line, needle):
    out = _out_with_cells(tmp_path)
    gid = next(iter(WRITTEN))
    with open(os.path.join(out, marks.MANUAL), "w", encoding="utf-8") as f:
        f.write(",".join(marks.MANUAL_FIELDS) + f"\nbob,{LAB},{gid},1,2,ok\n")
        f.write(line.format(lab=LAB, gid=gid) + "\n")
    before = {n: open(os.path.join(out, n), "rb").read() for n in ("grades.csv", "cells.csv")}
    with pytest.raises(marks.MarksError) as err:
        marks.apply_marks(out, COURSE)
    assert needle in str(err.value) and "line 3" in str(err.value), err.value
    assert before == {
        n: open(os.path.join(out, n), "rb").read() for n in ("grades.csv", "cells.csv")
    }
    assert cli.main(["marks", out, "--apply"]) == 2


def test_manual_csv_saved_with_semicolons_and_decimal_commas(tmp_path):
    out = _out_with_cells(tmp_path)
    gid = next(iter(WRITTEN))
    with open(os.path.join(out, marks.MANUAL), "w", encoding="utf-8-sig") as f:
        f.write(";".join(marks.MANUAL_FIELDS) + f"\nalice;{LAB};{gid};1,5;2;bien\n")
    marks.apply_marks(out, COURSE)
    alice = next(r for r in _read(os.path.join(out, "grades.csv")) if r["student_id"] == "alice")
    assert float(alice["score"]) == 2.5


def test_manual_csv_without_its_columns_is_refused(tmp_path):
    out = _out_with_cells(tmp_path)
    _write(os.path.join(out, marks.MANUAL), ["student", "lab", "score"], [["alice", LAB, "1"]])
    with pytest.raises(marks.MarksError, match="no column"):
        marks.apply_marks(out, COURSE)


# --- a class graded for real ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded_marks(tmp_path_factory):
    base = tmp_path_factory.mktemp("marks")
    subs, out = str(base / "subs"), str(base / "out")
    builders.write(builders.solved(LAB), os.path.join(subs, "alice", LAB, f"{LAB}.ipynb"))
    builders.write(
        builders.solved(LAB, answers=False), os.path.join(subs, "bob", LAB, f"{LAB}.ipynb")
    )
    carol = builders.solved(LAB)
    for cell in carol.cells:
        if builders.grade_id(cell) in WRITTEN:
            cell.source = XSS
    builders.write(carol, os.path.join(subs, "carol", LAB, f"{LAB}.ipynb"))
    started = time.monotonic()
    proc = builders.grade(subs, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    pages = {s: _page(out, s) for s in ("alice", "bob", "carol")}
    return {"subs": subs, "out": out, "pages": pages, "seconds": time.monotonic() - started}


def _page(out: str, student: str) -> str:
    with open(os.path.join(out, "feedback", student, LAB, f"{LAB}.html"), encoding="utf-8") as f:
        return f.read()


def _row(out: str, student: str) -> dict:
    return next(r for r in _read(os.path.join(out, "grades.csv")) if r["student_id"] == student)


@pytest.mark.slow
def test_pending_answers_say_marked_by_your_instructor(graded_marks):
    page = graded_marks["pages"]["alice"]
    for gid, points in WRITTEN.items():
        assert (
            f'<a href="#{gid}">Written response</a> '
            f"(Score: pending / {points:g}, marked by your instructor)" in page
        )
    assert f"Score: 0.0 / {points:.1f}" not in page
    assert (
        f"(Score: {AUTO:g} / {AUTO + WRITTEN_POINTS:g}; {WRITTEN_POINTS:g} points of written"
        in page
    )
    row = _row(graded_marks["out"], "alice")
    assert float(row["score"]) == AUTO and "still to be marked by your instructor" in row["message"]
    # bob wrote nothing: nbgrader's 0 for a missing answer stays, nothing waits for a mark
    assert "pending" not in graded_marks["pages"]["bob"]
    assert "still to be marked" not in _row(graded_marks["out"], "bob")["message"]


@pytest.mark.slow
def test_marks_reach_csvs_and_feedback_and_survive_a_rerun(graded_marks, tmp_path):
    out = str(tmp_path / "out")
    shutil.copytree(graded_marks["out"], out)
    assert cli.main(["marks", out]) == 0
    manual = _read(os.path.join(out, marks.MANUAL))
    assert sorted((r["student_id"], r["grade_id"]) for r in manual) == sorted(
        (s, g) for s in ("alice", "carol") for g in WRITTEN
    )
    with open(os.path.join(out, "marking", f"{LAB}.html"), encoding="utf-8") as f:
        sheet = f.read()
    assert "Content-Security-Policy" in sheet.split("<body")[0] and "<script>document" not in sheet
    assert "My answer: it depends on the horizon" in sheet and "&lt;script&gt;" in sheet
    first, second = list(WRITTEN)[:2]
    for r in manual:
        if r["student_id"] == "alice":
            r["score"] = "1.5" if r["grade_id"] == first else "2"
            r["comment"] = "Check 0.99^300 <again>" if r["grade_id"] == first else ""
    _write(os.path.join(out, marks.MANUAL), marks.MANUAL_FIELDS, [list(r.values()) for r in manual])
    assert cli.main(["marks", out, "--apply"]) == 0
    _check_alice_marked(out, first, second)
    # a re-run of grade (from the journal, no notebook runs) keeps the marks
    proc = builders.grade(graded_marks["subs"], out)
    assert proc.returncode == 0 and "nothing graded now" in proc.stdout, proc.stderr[-2000:]
    _check_alice_marked(out, first, second)
    carol = _row(out, "carol")
    assert float(carol["score"]) == AUTO and "still to be marked" in carol["message"]


def _check_alice_marked(out: str, first: str, second: str) -> None:
    row = _row(out, "alice")
    assert float(row["score"]) == AUTO + 3.5, row
    assert f"{AUTO + 3.5:g} of {AUTO + WRITTEN_POINTS:g} points." in row["message"]
    assert "marked by your instructor: 3.5 of 4 points" in row["message"]
    page = _page(out, "alice")
    assert f"(Score: {AUTO + 3.5:g} / {AUTO + WRITTEN_POINTS:g})</h4>" in page
    assert f"Score: 1.5 / {WRITTEN[first]:g}, marked by your instructor" in page
    assert f"Score: 2 / {WRITTEN[second]:g}, marked by your instructor" in page
    assert "Check 0.99^300 &lt;again&gt;" in page and "pending" not in page
    cells = {
        c["grade_id"]: c["score"]
        for c in _read(os.path.join(out, "cells.csv"))
        if c["student_id"] == "alice"
    }
    assert cells[first] == "1.5" and cells[second] == "2"


@pytest.mark.slow
def test_bad_manual_csv_at_the_end_of_grade_exits_3(graded_marks, tmp_path):
    out = str(tmp_path / "out")
    shutil.copytree(graded_marks["out"], out)
    _write(
        os.path.join(out, marks.MANUAL),
        marks.MANUAL_FIELDS,
        [["alice", LAB, next(iter(WRITTEN)), "9", "2", ""]],
    )
    proc = builders.grade(graded_marks["subs"], out)
    assert proc.returncode == 3, (proc.returncode, proc.stderr[-2000:])
    assert "outside 0 to 2" in proc.stderr and "hand marks not applied" in proc.stderr
    assert float(_row(out, "alice")["score"]) == AUTO


def test_page_rewrite_is_idempotent_and_escapes():
    page = (
        "<h4>lab (Score: 14.0 / 18.0)</h4>\n"
        '<li><a href="#written_a">Written response</a> (Score: 0.0 / 2.0)</li>\n'
        '<a name="written_a"></a><div class="panel-heading"><span class="nbgrader-label">'
        'Student\'s answer</span><span class="pull-right">\n      Score: 0.0 / 2.0 '
        '<a href="#top">(Top)</a>\n</span></div><div class="panel-body">x</div>'
    )
    cells = [{"grade_id": "written_a", "score": 1.0, "max_score": 2.0}]
    once = marks_page.rewrite(page, 15, 18, cells, {"written_a": "<img src=x onerror=alert(1)>"})
    assert once == marks_page.rewrite(
        once, 15, 18, cells, {"written_a": "<img src=x onerror=alert(1)>"}
    )
    assert (
        "<img" not in once
        and "&lt;img" in once
        and "Score: 1 / 2, marked by your instructor" in once
    )
    assert "(Score: 15 / 18)</h4>" in once
    cleared = marks_page.rewrite(once, 15, 18, cells, {})
    assert "hand-mark" not in cleared
