"""Grades back to the LMS: Canvas's gradebook import and Moodle's grading worksheet, compared
against the header samples of ``autograder/data/lms_formats/`` (built from each LMS's
documentation), keyed by the LMS's ids, with unmatched students and pending marks reported.

No kernel runs here: grades.csv and cells.csv are written by the tests in the CONTRACT's columns.
"""

from __future__ import annotations

import csv
import os
import sys

import pytest

from autograder import cli
from autograder.grading import course, grade, lms_export, marks

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import hostile

LAB = hostile.LAB
WRITTEN = marks.written_answers(course.find(), LAB)
GRADE_FIELDS = grade.GRADE_FIELDS
ASSIGNMENT = "Lab 1: RL basics (12345)"


def _read_table(path: str) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(path: str, rows: list[list]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def _out(tmp_path, pending: bool = False) -> str:
    """grades.csv / cells.csv of three students of LAB: two known to the LMS, one not."""
    out = tmp_path / "out"
    out.mkdir()
    students = [("alice", "4021", "Alice A"), ("bob", "", "Bob B"), ("zed", "9999", "Zed Z")]
    rows, cells = (
        [GRADE_FIELDS],
        [grade.CELL_FIELDS],
    )
    for i, (sid, lms_id, name) in enumerate(students):
        rows.append([sid, LAB, 10 + i, 18, "graded", "", lms_id, name, ""])
        for gid, points in WRITTEN.items():
            cells.append([sid, LAB, gid, "" if pending and sid == "alice" else 1, points, ""])
    rows.append(["alice", "lab2_other", 3, 5, "graded", "", "4021", "Alice A", ""])
    _write(str(out / "grades.csv"), rows)
    _write(str(out / "cells.csv"), cells)
    return str(out)


def _gradebook(tmp_path, extra_assignment: str = "Lab 2: GAE (12346)") -> str:
    header = lms_export.sample_header("canvas")[:5] + [
        ASSIGNMENT,
        extra_assignment,
        "Current Score",
    ]
    return _write(
        str(tmp_path / "gradebook.csv"),
        [
            header,
            ["    Points Possible", "", "", "", "", "18.00", "10.00", "(read only)"],
            ["A, Alice", "4021", "S1", "alice_login", "PPO", "", "", "80"],
            ["B, Bob", "4022", "S2", "bob", "PPO", "", "", "70"],
            ["C, Carol", "4023", "S3", "carol", "PPO", "", "", "60"],
        ],
    )


def test_canvas_export_matches_the_sample_and_joins_on_lms_ids(tmp_path):
    out = _out(tmp_path)
    code = cli.main(["export", "canvas", out, "--gradebook", _gradebook(tmp_path), "--lab", LAB])
    assert code == 3  # zed is not in Canvas, carol has no grade
    table = _read_table(os.path.join(out, "exports", f"canvas_{LAB}.csv"))
    sample = lms_export.sample_header("canvas")
    assert table[0][:5] == sample[:5] and table[0][5] == ASSIGNMENT and len(table[0]) == 6
    lms_export.check_columns("canvas", table[0])
    by_id = {r[1]: r for r in table[1:]}
    assert table[1][0].strip() == "Points Possible"
    assert by_id["4021"][5] == "10" and by_id["4022"][5] == "11"  # lms_id, then login "bob"
    assert "4023" not in by_id
    unmatched = _read_table(os.path.join(out, "exports", f"canvas_{LAB}_unmatched.csv"))
    assert sorted(r[0] + ":" + (r[1] or r[2]) for r in unmatched[1:]) == [
        "LMS:4023",
        "grades.csv:zed",
    ]


def test_canvas_assignment_column_by_option_or_error_listing_them(tmp_path, capsys):
    out = _out(tmp_path)
    same_lab = "Lab 1 (rl_basics) retake (12399)"
    book = _gradebook(tmp_path, extra_assignment=same_lab)
    args = ["export", "canvas", out, "--gradebook", book, "--lab", LAB]
    assert cli.main([*args, "--assignment", "Nope (1)"]) == 2
    err = capsys.readouterr().err
    assert ASSIGNMENT in err and same_lab in err
    assert cli.main([*args, "--assignment", same_lab]) == 3
    assert _read_table(os.path.join(out, "exports", f"canvas_{LAB}.csv"))[0][5] == same_lab


def test_canvas_export_names_the_lab_column_from_the_lab_name(tmp_path):
    out = _out(tmp_path)
    header = lms_export.sample_header("canvas")[:5] + [f"{LAB} (777)", "Lab 2 (778)"]
    book = _write(str(tmp_path / "g.csv"), [header, ["A, Alice", "4021", "", "", "", "", ""]])
    result = lms_export.canvas(out, book, None, LAB, False)
    assert _read_table(result.path)[0][5] == f"{LAB} (777)"


def test_moodle_worksheet_filled_keeping_every_column_and_row(tmp_path):
    out = _out(tmp_path)
    header = lms_export.sample_header("moodle")
    rows = [
        ["Participant 4021", "Alice A", "a@x", "Submitted", "", "18.00", "Yes", "x", "-", ""],
        ["Participant 5000", "Nora N", "n@x", "No submission", "", "18.00", "Yes", "-", "-", "hi"],
    ]
    sheet = _write(str(tmp_path / "w.csv"), [header, *rows])
    code = cli.main(["export", "moodle", out, "--worksheet", sheet, "--lab", LAB])
    assert code == 3
    table = _read_table(os.path.join(out, "exports", f"moodle_{LAB}.csv"))
    assert table[0] == header
    grade = header.index("Grade")
    assert table[1] == rows[0][:grade] + ["10"] + rows[0][grade + 1 :]
    assert table[2] == rows[1]
    unmatched = _read_table(os.path.join(out, "exports", f"moodle_{LAB}_unmatched.csv"))
    assert {r[2] or r[1] for r in unmatched[1:]} == {"5000", "bob", "9999"}


def test_pending_marks_refused_unless_allowed(tmp_path, capsys):
    out = _out(tmp_path, pending=True)
    args = ["export", "canvas", out, "--gradebook", _gradebook(tmp_path), "--lab", LAB]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "not marked yet" in err and f"alice {next(iter(WRITTEN))}" in err
    assert not os.path.exists(os.path.join(out, "exports", f"canvas_{LAB}.csv"))
    assert cli.main([*args, "--allow-pending"]) == 3
    assert "count 0" in capsys.readouterr().err


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_samples_hold_the_columns_each_import_reads(lms):
    header = lms_export.sample_header(lms)
    lms_export.check_columns(lms, header)
    needed = lms_export.CANVAS_IDS if lms == "canvas" else lms_export.MOODLE_REQUIRED
    assert all(c in header for c in needed)


@pytest.mark.parametrize("lms", ["canvas", "moodle"])
def test_a_missing_or_misnamed_column_fails_the_check(lms):
    header = lms_export.sample_header(lms)
    needed = lms_export.CANVAS_IDS if lms == "canvas" else lms_export.MOODLE_REQUIRED
    for column in needed:
        misnamed = [c + "s" if c == column else c for c in header]
        with pytest.raises(lms_export.ExportError):
            lms_export.check_columns(lms, misnamed)
        with pytest.raises(lms_export.ExportError):
            lms_export.check_columns(lms, [c for c in header if c != column])


def test_unknown_lab_and_missing_files_are_clear_errors(tmp_path, capsys):
    out = _out(tmp_path)
    book = _gradebook(tmp_path)
    assert cli.main(["export", "canvas", out, "--gradebook", book, "--lab", "lab7"]) == 2
    assert "its labs are" in capsys.readouterr().err
    missing = str(tmp_path / "none.csv")
    assert cli.main(["export", "moodle", out, "--worksheet", missing, "--lab", LAB]) == 2
    assert "not found" in capsys.readouterr().err
