"""Known-wrong implementations lose points with feedback that names the mistake; correct ones
written differently get full marks (``tests/fixtures/autograder/catalogue.py``).

What runs where:

* every wrong implementation, in this process: its source runs as the exercise cell, among the
  names the solved notebook gives it (the setup cell's imports, the reference code of the lab's
  other exercises: ``builders.namespace``), and every check of its function runs on it through
  the comparator the grader uses (``compare.run_check``). One must fail, naming the mistake.
  Each correct implementation, run the same way, passes every check (the control).
* one grading run (``python -m autograder grade``) over a few packed notebooks: every correct
  implementation, which must get full marks through the grading kernel's transport, and the
  wrong ones of :data:`SAMPLE`, whose feedback (``errors.json``) must name the mistake too and
  agree with the in-process verdict. ``PPO_CATALOGUE_ALL=1`` (``make test-slow``) grades every
  wrong implementation there as well. Only these tests are marked slow (``make test-fast``
  leaves them out).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import catalogue

from autograder.checks import CHECKS, compare

# Graded through the grader as well: two labs in two notebooks, a numpy loop, a torch formula
# and an in-place edit of the input, which only the kernel sees happen.
SAMPLE = {
    ("compute_gae", "seed_reset"),
    ("gaussian_log_prob", "no_2pi"),
    ("clip_action", "in_place"),
}
GRADED_WRONG = [
    e for e in catalogue.WRONG if os.environ.get("PPO_CATALOGUE_ALL") or (e[1], e[2]) in SAMPLE
]


def _ids(entries) -> list[str]:
    return [f"{e[1]}-{e[2]}" for e in entries]


def test_catalogue_is_large_enough():
    assert len(catalogue.WRONG) >= 20
    assert len(catalogue.CORRECT) >= 8
    assert len({e[0] for e in catalogue.WRONG}) == 6  # every lab
    sampled = [e for e in catalogue.WRONG if (e[1], e[2]) in SAMPLE]
    assert len(sampled) == len(SAMPLE), "an entry of SAMPLE is no longer in the catalogue"
    assert len({e[0] for e in sampled}) >= 2


# --- Every wrong implementation, in this process ----------------------------------------------


@functools.cache
def _in_process(entry) -> dict[str, str | None]:
    """``{aspect: failure message or None}`` of every check of the entry's function on it."""
    lab, function, _, source = entry[:4]
    learner = builders.namespace(lab, {function: source.strip() + "\n"})[function]
    found: dict[str, str | None] = {}
    for aspect in CHECKS[function]:
        with contextlib.redirect_stdout(io.StringIO()):
            error = compare.run_check(function, aspect, learner, (), {})
        found[aspect] = None if error is None else str(error)
    return found


@pytest.mark.parametrize("entry", catalogue.WRONG, ids=_ids(catalogue.WRONG))
def test_wrong_implementation_loses_points_and_is_named(entry):
    _, function, name, _, keyword = entry
    failed = [m for m in _in_process(entry).values() if m is not None]
    assert failed, f"{name}: every check of {function} passed"
    messages = " | ".join(failed)
    assert keyword.lower() in messages.lower(), f"{name}: feedback does not name it: {messages}"


@pytest.mark.parametrize("entry", catalogue.CORRECT, ids=_ids(catalogue.CORRECT))
def test_correct_implementation_passes_every_check_in_process(entry):
    """The control of the test above: among the same names, a right answer passes."""
    failed = {a: m for a, m in _in_process(entry).items() if m is not None}
    assert not failed, (entry[2], failed)


# --- One grading run: the correct implementations and a sample of the wrong ones --------------


def _read_csv(path: str) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _students() -> dict[str, tuple[str, dict]]:
    return {
        **catalogue.students(GRADED_WRONG, "wrong"),
        **catalogue.students(catalogue.CORRECT, "correct", callers_apart=False),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("catalogue")
    subs, out = str(base / "subs"), str(base / "out")
    for student, (lab, overrides) in _students().items():
        builders.write(
            builders.solved(lab, overrides), os.path.join(subs, student, lab, f"{lab}.ipynb")
        )
    proc = subprocess.run(  # noqa: PLW1510 -- the return code is asserted
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
            "--no-progress",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = _read_csv(os.path.join(out, "grades.csv"))
    cells = _read_csv(os.path.join(out, "cells.csv"))
    return {"rows": rows, "cells": cells, "out": out}


def _cells(graded, student, lab, function):
    return [
        c
        for c in graded["cells"]
        if c["student_id"] == student
        and c["assignment_id"] == lab
        and c["grade_id"].startswith(f"test_{function}_")
    ]


def _errors(graded, student, lab):
    with open(os.path.join(graded["out"], "feedback", student, lab, "errors.json")) as f:
        return json.load(f)["errors"]


def _graded_losses(graded, entry) -> dict[str, str]:
    """``{aspect: feedback}`` of the tests of the entry's function that lost points when graded."""
    lab, function, name = entry[:3]
    student = catalogue.where(GRADED_WRONG, "wrong")[(lab, function, name)]
    cells = _cells(graded, student, lab, function)
    assert cells, f"no test cells of {function} for {student}"
    errors = _errors(graded, student, lab)
    return {
        c["grade_id"][len(f"test_{function}_") :]: errors.get(c["grade_id"], "")
        for c in cells
        if float(c["score"]) < float(c["max_score"])
    }


@pytest.mark.slow
@pytest.mark.parametrize("entry", GRADED_WRONG, ids=_ids(GRADED_WRONG))
def test_the_grader_agrees_with_the_in_process_verdict(graded, entry):
    """A graded wrong implementation loses points on every check that fails in this process
    (so on at least one), and both feedbacks name the mistake: what the in-process test proves
    holds for the grader."""
    keyword = entry[4].lower()
    failed = {a: m for a, m in _in_process(entry).items() if m is not None}
    lost = _graded_losses(graded, entry)
    assert failed, entry[2]
    assert set(failed) <= set(lost), (entry[2], sorted(failed), sorted(lost))
    found = [keyword in " | ".join(side.values()).lower() for side in (failed, lost)]
    assert found == [True, True], (entry[2], failed, lost)


@pytest.mark.slow
@pytest.mark.parametrize("entry", catalogue.CORRECT, ids=_ids(catalogue.CORRECT))
def test_correct_implementation_gets_full_marks(graded, entry):
    lab, function, name, _ = entry
    student = catalogue.where(catalogue.CORRECT, "correct", callers_apart=False)[
        (lab, function, name)
    ]
    row = next(
        r for r in graded["rows"] if r["student_id"] == student and r["assignment_id"] == lab
    )
    assert row["status"] == "graded", row
    cells = [
        c
        for c in graded["cells"]
        if c["student_id"] == student
        and c["assignment_id"] == lab
        and not c["grade_id"].startswith("written_")
    ]
    missed = [c for c in cells if float(c["score"]) < float(c["max_score"])]
    assert not missed, (name, missed, _errors(graded, student, lab))
