"""``results.json`` in Gradescope's format, from what ``python -m autograder grade`` wrote.

Gradescope's contract (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output
format"): ``/autograder/results/results.json`` holds an object with an optional ``score``
(required unless every test has one), ``execution_time`` (seconds), ``output`` (text for the whole
submission), ``visibility`` and ``stdout_visibility``, ``extra_data`` and ``tests``: a list of
objects with ``score``, ``max_score``, ``name``, ``output``, ``visibility`` (and optional
``status``, ``number``, ``tags``, ``name_format``, ``output_format``, ``extra_data``). A
visibility is one of ``hidden``, ``after_due_date``, ``after_published`` or ``visible``.

One test per graded code cell of the lab (its nbgrader ``grade_id``) with the points the grader
gave it in ``cells.csv``; a test cell that holds hidden tests is ``after_published`` (the learner
sees it when the instructor publishes the grades), the others ``visible``. Written answers
(markdown cells with points) are no test: they are marked by hand in a manual question of the
Gradescope assignment, and the top-level output says so.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re

import nbformat

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"
TOP_FIELDS = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
TEST_FIELDS = {
    "score",
    "max_score",
    "status",
    "name",
    "name_format",
    "number",
    "output",
    "output_format",
    "tags",
    "visibility",
    "extra_data",
}
REQUIRED_TEST_FIELDS = ("name", "score", "max_score", "output", "visibility")
"""What every test this package writes carries (Gradescope itself makes most of them optional)."""


@dataclasses.dataclass
class LabCells:
    """The graded cells of a lab's nbgrader source, in notebook order."""

    points: dict[str, float]  # grade_id -> points, code and markdown cells
    written: list[str]  # grade_ids of written answers (marked by hand)
    hidden: set[str]  # grade_ids of test cells that hold hidden tests


def lab_cells(source_notebook: str) -> LabCells:
    """Read the graded cells of ``solutions/<lab>/<lab>.ipynb``."""
    nb = nbformat.read(source_notebook, as_version=4)
    cells = LabCells({}, [], set())
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if not meta.get("grade") or not meta.get("grade_id"):
            continue
        grade_id = str(meta["grade_id"])
        cells.points[grade_id] = float(meta.get("points", 0))
        if cell.cell_type == "markdown":
            cells.written.append(grade_id)
        elif HIDDEN_MARK in cell.source:
            cells.hidden.add(grade_id)
    return cells


def _number(value) -> float:
    return float(value) if value not in ("", None) else 0.0


def _test(grade_id: str, cells: LabCells, scored: dict, errors: dict, problem: str) -> dict:
    """One Gradescope test of a graded code cell."""
    got = scored.get(grade_id)
    score = _number(got["score"]) if got else 0.0
    max_score = _number(got["max_score"]) if got else cells.points[grade_id]
    if problem:
        output = f"Not run: {problem}"
    elif grade_id in errors:
        output = f"Failed: {errors[grade_id]}"
    else:
        output = "Passed." if score >= max_score else "Failed."
    return {
        "name": grade_id,
        "score": score,
        "max_score": max_score,
        "output": output,
        "visibility": "after_published" if grade_id in cells.hidden else "visible",
    }


def written_note(cells: LabCells) -> str:
    """What the top-level output says about the written answers ("" when the lab has none)."""
    if not cells.written:
        return ""
    points = sum(cells.points[g] for g in cells.written)
    return (
        f"Written answers ({points:g} points: {', '.join(cells.written)}) are not part of this "
        f"score: your instructor marks them by hand (a manual question of this assignment)."
    )


# The grader's row message counts written answers in its total and calls them "graded by hand";
# here the total is the autograded points and the written answers get their own sentence.
_TOTALS = re.compile(
    r"(?:\b\d+(?:\.\d+)? of \d+(?:\.\d+)? points\.|Written answers \(\d+(?:\.\d+)? points\) "
    r"are graded by hand\.)\s*"
)


def _without_totals(message: str) -> str:
    return _TOTALS.sub("", message).strip()


def from_grading(row: dict, cell_rows: list[dict], errors: dict, cells: LabCells) -> dict:
    """results.json of one graded submission: its grades.csv ``row``, its cells.csv rows and the
    ``errors`` of its feedback/errors.json (grade_id -> first line of the error)."""
    scored = {c["grade_id"]: c for c in cell_rows}
    problem = "" if row["status"] in ("graded", "timed out", "kernel died") else row["status"]
    tests = [
        _test(g, cells, scored, errors, problem) for g in cells.points if g not in cells.written
    ]
    score = sum(t["score"] for t in tests)
    auto = sum(t["max_score"] for t in tests)
    output = " ".join(
        p
        for p in (
            f"Autograded: {score:g} of {auto:g} points.",
            _without_totals(str(row.get("message", ""))),
            written_note(cells),
        )
        if p
    )
    return {
        "score": score,
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",  # the grader's log is the instructor's
        "extra_data": {"status": row["status"], "written_answers": cells.written},
        "tests": tests,
    }


def crash(detail: str) -> dict:
    """results.json when grading itself failed: score 0, the error for the instructor."""
    return {
        "score": 0.0,
        "output": "The autograder failed on this submission (not necessarily your fault): "
        "tell your instructor, who sees the details. Your score is 0 until then.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"status": "grader error", "error": detail[:4000]},
        "tests": [],
    }


def write(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` through a temporary name: never half written."""
    tmp = path + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
