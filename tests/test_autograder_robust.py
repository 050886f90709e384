"""Grading that loses nothing and leaks nothing: names, archives, caps, written answers
without metadata, feedback pages, re-runs, refusal without isolation.

The fast tests work on discovery and the sanitiser; ``graded_class`` grades one small class
(nine notebooks, two jobs) the way real classes submit work, once for every slow test here.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser

import nbformat
import pytest

from autograder import cli
from autograder.grading import discover, grade
from autograder.kernel import sanitize

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile
import test_autograder_submitted_cells as edited

LAB = hostile.LAB
LABS = ["lab1_rl_basics", "lab2_gae"]
SIGNATURES = {"lab1_rl_basics": {"discounted_return"}, "lab2_gae": {"compute_gae"}}
XSS_ANSWER = (
    "My answer <script>document.title='PWNED-script'</script>\n"
    "<iframe src=\"javascript:parent.document.title='PWNED-iframe'\"></iframe>\n"
    "<img src=x onerror=\"document.title='PWNED-img'\">\n"
    "[click me](javascript:document.title='PWNED-link')\n"
)
XSS_OUTPUT = (
    "from IPython.display import HTML, display\n"
    "display(HTML('<img src=x onerror=\"document.title=\\'PWNED-output\\'\">'\n"
    "             '<script>document.title=\"PWNED-output-script\"</script>'))\n"
)


def _read_csv(path: str) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _empty_nb(path: str, source: str = "def discounted_return(r, g):\n    pass") -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return builders.write(nb, path)


# --- student ids -------------------------------------------------------------------------------


def test_student_ids_keep_unicode_and_never_merge():
    assert discover.student_id("张伟") == ("张伟", "")
    assert discover.student_id("李娜") == ("李娜", "")
    assert discover.student_id("mary_ann") == ("mary_ann", "")
    adjusted, origin = discover.student_id("mary ann")
    assert adjusted.startswith("mary_ann-") and origin == "mary ann"
    names = ["mary ann", "mary_ann", "mary  ann", "mary/ann", "..", "", "张伟", "张 伟"]
    assert len({discover.student_id(n)[0] for n in names}) == len(names)


def test_discover_keeps_every_student(tmp_path):
    for name in ("张伟", "李娜", "mary ann", "mary_ann"):
        _empty_nb(str(tmp_path / name / f"{LAB}.ipynb"))
    subs = discover.discover(str(tmp_path), LABS, SIGNATURES)
    ids = {s.student_id: s for s in subs if s.lab == LAB}
    assert len(ids) == 4 and {"张伟", "李娜", "mary_ann"} <= set(ids)
    [adjusted] = [s for s in ids.values() if s.origin]
    assert adjusted.origin == "mary ann"


# --- archives ----------------------------------------------------------------------------------


def _zip(path, members: dict, dates: dict | None = None) -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, (dates or {}).get(name, (2024, 1, 1, 12, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return str(path)


def _nb_bytes(source: str = "def discounted_return(r, g):\n    pass") -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb).encode()


def test_nested_zips_are_opened(tmp_path):
    inner = _zip(tmp_path / "inner.zip", {f"{LAB}.ipynb": _nb_bytes()})
    with open(inner, "rb") as f:
        inner_bytes = f.read()
    inner2 = _zip(
        tmp_path / "inner2.zip",
        {f"bob/{LAB}.ipynb": _nb_bytes(), f"carol/{LAB}.ipynb": _nb_bytes()},
    )
    with open(inner2, "rb") as f:
        inner2_bytes = f.read()
    outer = _zip(
        tmp_path / "class.zip", {"alice/submission.zip": inner_bytes, "section-b.zip": inner2_bytes}
    )
    subs = discover.discover(outer, LABS, SIGNATURES, str(tmp_path))
    got = {(s.student_id, s.lab): s.problem for s in subs}
    assert got[("alice", LAB)] == "" and got[("bob", LAB)] == "", got


def test_archive_caps_reject_with_a_row(tmp_path, monkeypatch):
    monkeypatch.setattr(discover, "MAX_NOTEBOOK_BYTES", 4000)
    monkeypatch.setattr(discover, "MAX_ARCHIVE_BYTES", 20_000)
    filler = "x" * 3000
    members = {
        f"s{i:02d}/{LAB}.ipynb": _nb_bytes(f"def discounted_return(r, g):\n    '{filler}'")
        for i in range(12)
    }
    members["bomb/lab1_rl_basics.ipynb"] = b"{" + b" " * 5_000_000 + b"}"
    path = _zip(tmp_path / "class.zip", members)
    work = tmp_path / "work"
    work.mkdir()
    subs = discover.discover(path, LABS, SIGNATURES, str(work))
    assert {s.student_id for s in subs} == {f"s{i:02d}" for i in range(12)} | {"bomb"}
    rejected = [s for s in subs if s.problem == "rejected file"]
    assert any(s.student_id == "bomb" and "MB" in s.detail for s in rejected)
    assert len(rejected) >= 7, [s.detail for s in rejected]  # the total cap stopped the rest
    written = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(work) for f in fs)
    assert written <= 20_000


def test_archive_timestamps_decide_newest(tmp_path):
    path = _zip(
        tmp_path / "alice.zip",
        {f"{LAB}.ipynb": _nb_bytes("# newest"), f"{LAB} (1).ipynb": _nb_bytes("# old")},
        {f"{LAB}.ipynb": (2024, 5, 2, 9, 0, 0), f"{LAB} (1).ipynb": (2024, 5, 1, 9, 0, 0)},
    )
    subs = discover.discover(str(tmp_path), LABS, SIGNATURES, str(tmp_path))
    [sub] = [s for s in subs if s.lab == LAB]
    assert os.path.basename(sub.path) == f"{LAB}.ipynb" and len(sub.others) == 1
    assert path  # the zip itself is only read


def test_nothing_found_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no notebook"):
        discover.discover(str(tmp_path / "empty"), LABS, SIGNATURES)


# --- written answers, sanitising --------------------------------------------------------------


def _written_ids(nb) -> list[str]:
    return [
        builders.grade_id(c)
        for c in nb.cells
        if c.cell_type == "markdown" and (c.metadata.get("nbgrader") or {}).get("solution")
    ]


def test_written_answers_without_metadata_are_found_or_left_for_hand_grading():
    release = builders.release(LAB)
    submitted = builders.strip_metadata(builders.solved(LAB))
    rebuilt, _ = sanitize.rebuild(submitted, release, LAB)
    answers = {
        builders.grade_id(c): c.source
        for c in rebuilt.cells
        if builders.grade_id(c) in _written_ids(release)
    }
    assert answers and all("My answer" in a for a in answers.values()), answers
    unanswered = builders.strip_metadata(builders.solved(LAB, answers=False))
    rebuilt, notes = sanitize.rebuild(unanswered, release, LAB)
    for cell in rebuilt.cells:
        if builders.grade_id(cell) in answers:
            assert cell.source == sanitize.UNMATCHED_ANSWER
    assert any("left for your instructor" in n for n in notes)


@pytest.mark.parametrize(
    "payload, gone",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<iframe src=javascript:alert(1)></iframe>", "<iframe"),
        ("<img src=x onerror=alert(1)>", "onerror="),
        ("<a href='javascript:alert(1)'>x</a>", "javascript:"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](JaVa Script:alert(1))", "script:"),
    ],
)
def test_safe_markdown_removes_script(payload, gone):
    assert gone not in sanitize.safe_markdown(payload).lower()


def test_outputs_keep_no_script():
    data = {
        "text/html": "<b>ok</b><script>x()</script>",
        "application/javascript": "x()",
        "image/svg+xml": "<svg onload=x()>",
        "text/plain": "ok",
    }
    clean = sanitize.clean_output_data(data)
    assert set(clean) == {"text/html", "text/plain"} and "<script" not in clean["text/html"]
    assert "removed by the grader" in sanitize.clean_output_data({"x/y": 1})["text/plain"]


# --- isolation refusal, options -----------------------------------------------------------------


def _probe(**env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: PLW1510 -- the return code is asserted
        [sys.executable, "-m", "autograder.sandbox", "--probe"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=dict(os.environ, PPO_GRADER_UID="61000", **env),
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="the namespace sandbox is tested as root (CI)")
def test_probe_isolates_as_root():
    proc = _probe()
    assert proc.returncode == 0 and "isolated uid=61000 pid=1" in proc.stdout, proc.stderr


def test_refuses_loudly_without_isolation(tmp_path):
    proc = _probe(PPO_GRADER_NAMESPACES="0")
    assert proc.returncode == 78 and "REFUSING" in proc.stderr, proc.stderr
    proc = _probe(PPO_GRADER_NAMESPACES="0", PPO_GRADER_ALLOW_UNISOLATED="1")
    assert proc.returncode == 0 and "WARNING (--allow-unisolated)" in proc.stderr
    _empty_nb(str(tmp_path / "subs" / "alice" / f"{LAB}.ipynb"))
    run = subprocess.run(  # noqa: PLW1510
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            str(tmp_path / "subs"),
            "--out",
            str(tmp_path / "out"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=dict(os.environ, PPO_GRADER_NAMESPACES="0"),
    )
    assert run.returncode == 2 and "--allow-unisolated" in run.stderr, run.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_jobs_option():
    assert cli._jobs("auto") >= 1 and cli._jobs("3") == 3
    for bad in ("0", "-1", "many"):
        with pytest.raises(Exception, match="at least 1, or auto"):
            cli._jobs(bad)


def test_stale_feedback_is_removed_for_this_runs_labs_only(tmp_path):
    for student in ("alice", "gone", "other"):
        (tmp_path / "feedback" / student / LAB).mkdir(parents=True)
    (tmp_path / "feedback" / "alice" / "lab9_old").mkdir()
    (tmp_path / "feedback" / "left" / "lab9_old").mkdir(parents=True)
    subs = [
        discover.Submission("alice", LAB, None, "missing notebook"),
        discover.Submission("other", LAB, None, "missing notebook"),
    ]
    removed = grade.remove_stale_feedback(str(tmp_path), subs)
    assert sorted(removed) == [f"gone/{LAB}"]  # another lab's folders belong to its own run
    assert sorted(os.listdir(tmp_path / "feedback")) == ["alice", "left", "other"]
    assert sorted(os.listdir(tmp_path / "feedback" / "alice")) == sorted([LAB, "lab9_old"])


# --- one small class, graded for real -----------------------------------------------------------


def _class(subs: str) -> dict:
    """Write the class; student -> (expected status, "full" / "wrong" / "")."""
    solved = builders.solved(LAB)
    builders.write(solved, os.path.join(subs, "张伟", f"{LAB}.ipynb"))
    builders.write(solved, os.path.join(subs, "李娜", f"Copy of {LAB}.ipynb"))
    builders.write(solved, os.path.join(subs, "mary ann", f"{LAB}.ipynb"))
    builders.write(
        builders.solved(LAB, {hostile.FUNCTION: hostile.WRONG}),
        os.path.join(subs, "mary_ann", f"{LAB}.ipynb"),
    )
    os.makedirs(os.path.join(subs, "zoe"))
    _zip(os.path.join(subs, "zoe", "submission.zip"), {f"{LAB}.ipynb": nbformat.writes(solved)})
    big = builders.solved(LAB)
    first_code = next(c for c in big.cells if c.cell_type == "code")
    first_code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 24_000_000)]
    builders.write(big, os.path.join(subs, "big", f"{LAB}.ipynb"))
    builders.write(builders.strip_metadata(solved), os.path.join(subs, "stripped", f"{LAB}.ipynb"))
    xss = builders.solved(LAB, {hostile.FUNCTION: hostile._correct_after(XSS_OUTPUT)})
    for cell in xss.cells:
        if cell.cell_type == "markdown" and (cell.metadata.get("nbgrader") or {}).get("solution"):
            cell.source = XSS_ANSWER
    builders.write(xss, os.path.join(subs, "xss", f"{LAB}.ipynb"))
    _zip(
        os.path.join(subs, "timestamps.zip"),
        {
            f"{LAB}.ipynb": nbformat.writes(solved),
            f"{LAB} (1).ipynb": nbformat.writes(
                builders.solved(LAB, {hostile.FUNCTION: hostile.WRONG})
            ),
        },
        {f"{LAB}.ipynb": (2024, 5, 2, 9, 0, 0), f"{LAB} (1).ipynb": (2024, 5, 1, 9, 0, 0)},
    )
    _zip(os.path.join(subs, "bomb.zip"), {f"{LAB}.ipynb": b" " * (101 * 2**20)})
    copied, _ = edited.copied_exercise_cell(builders.solved(LAB))
    builders.write(copied, os.path.join(subs, "copied_cell", f"{LAB}.ipynb"))
    json_meta = edited.metadata_as_json_strings(builders.solved(LAB))
    builders.write(json_meta, os.path.join(subs, "json_meta", f"{LAB}.ipynb"))
    in_code = edited.answers_in_code_cells(builders.solved(LAB))
    builders.write(in_code, os.path.join(subs, "answer_in_code", f"{LAB}.ipynb"))
    return {
        "张伟": "full",
        "李娜": "full",
        "mary_ann": "wrong",
        "zoe": "full",
        "big": "full",
        "stripped": "full",
        "xss": "full",
        "timestamps": "full",
        "bomb": "",
        "copied_cell": "full",
        "json_meta": "full",
        "answer_in_code": "full",
    }


def _grade_cli(subs: str, out: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            subs,
            "--out",
            out,
            "--jobs",
            "2",
            "--timeout",
            "20",
            "--no-progress",
            *extra,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, PPO_TEST_SECRET=hostile.SECRET_PREFIX + "robust"),
    )


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs, out = str(base / "subs"), str(base / "out")
    expected = _class(subs)
    started = time.monotonic()
    proc = _grade_cli(subs, out)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = _read_csv(os.path.join(out, "grades.csv"))
    return {
        "subs": subs,
        "out": out,
        "rows": rows,
        "expected": expected,
        "proc": proc,
        "cells": _read_csv(os.path.join(out, "cells.csv")),
        "seconds": seconds,
    }


def _row(graded, student):
    hits = [r for r in graded["rows"] if r["student_id"] == student]
    assert len(hits) == 1, (student, graded["rows"])
    return hits[0]


@pytest.mark.slow
def test_every_student_one_row_never_merged(graded_class):
    rows = graded_class["rows"]
    auto, _ = builders.total_points(LAB)
    assert len(rows) == len(graded_class["expected"]) + 1  # "mary ann" has an adjusted id
    [mary] = [r for r in rows if r["student_id"].startswith("mary_ann-")]
    assert float(mary["score"]) == auto and "'mary ann'" in mary["message"]
    for student, outcome in graded_class["expected"].items():
        row = _row(graded_class, student)
        if outcome == "full":
            assert row["status"] == "graded" and float(row["score"]) == auto, row
        elif outcome == "wrong":
            assert row["status"] == "graded" and float(row["score"]) == auto - 3, row
    bomb = _row(graded_class, "bomb")
    assert bomb["status"] == "rejected file" and "MB" in bomb["message"], bomb
    assert "1 other file" in _row(graded_class, "timestamps")["message"]


@pytest.mark.slow
def test_edited_cells_keep_their_points(graded_class):
    """A scratch copy of an exercise cell, metadata as JSON strings and written answers in code
    cells: full automatic points (test_every_student_one_row_never_merged), and the answers
    in code cells wait for the instructor instead of scoring 0."""
    cells = [
        c
        for c in graded_class["cells"]
        if c["student_id"] == "answer_in_code" and c["grade_id"].startswith("written_")
    ]
    assert cells and all(c["score"] == "" for c in cells), cells


@pytest.mark.slow
def test_written_answers_without_metadata_wait_for_hand_grading(graded_class):
    cells = [
        c
        for c in graded_class["cells"]
        if c["student_id"] == "stripped" and c["grade_id"].startswith("written_")
    ]
    assert cells and all(c["score"] == "" for c in cells), cells
    assert "graded by hand" in _row(graded_class, "stripped")["message"]


def _feedback_html(graded_class, student: str) -> str:
    with open(
        os.path.join(graded_class["out"], "feedback", student, LAB, f"{LAB}.html"), encoding="utf-8"
    ) as f:
        return f.read()


class _Elements(HTMLParser):
    """Collects what could run: script texts, frames, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src") and "script:" in (value or "").lower().replace(" ", ""):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self._in_script and "PWNED" in data:
            self.found.append("a learner's <script>")

    def handle_endtag(self, tag):
        self._in_script = False


@pytest.mark.slow
def test_feedback_html_carries_no_script(graded_class):
    text = _feedback_html(graded_class, "xss")
    assert "Content-Security-Policy" in text.split("<body")[0]
    parser = _Elements()
    parser.feed(text)
    assert parser.found == [], parser.found
    assert "My answer" in text


@pytest.mark.slow
def test_rerun_resumes_and_removes_stale_feedback(graded_class, tmp_path):
    import shutil

    subs = str(tmp_path / "subs")
    shutil.copytree(graded_class["subs"], subs)
    shutil.rmtree(os.path.join(subs, "xss"))
    out = str(tmp_path / "out")
    shutil.copytree(graded_class["out"], out)
    proc = _grade_cli(subs, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "nothing graded now" in proc.stdout, proc.stdout
    assert not os.path.exists(os.path.join(out, "feedback", "xss"))
    rows = _read_csv(os.path.join(out, "grades.csv"))
    assert rows == [r for r in graded_class["rows"] if r["student_id"] != "xss"]


@pytest.mark.slow
@pytest.mark.browser
def test_feedback_page_runs_nothing_in_a_browser(graded_class):
    chromium = "/usr/bin/chromium"
    if not os.path.exists(chromium):
        pytest.skip(f"{chromium} not found: run scripts/install_browser.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    path = os.path.join(graded_class["out"], "feedback", "xss", LAB, f"{LAB}.html")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(f"file://{path}")
            page.wait_for_timeout(1500)
            for link in page.query_selector_all("a"):
                if "click me" in (link.inner_text() or ""):
                    link.click()
            page.wait_for_timeout(500)
            assert "PWNED" not in page.title() and not dialogs, page.title()
            assert "My answer" in page.content()
        finally:
            browser.close()
