"""Known-wrong implementations lose points with feedback that names the mistake; correct ones
written differently get full marks. One grading run over packed notebooks."""

from __future__ import annotations

import csv
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

pytestmark = pytest.mark.slow


def test_catalogue_is_large_enough():
    assert len(catalogue.WRONG) >= 20
    assert len(catalogue.CORRECT) >= 8
    assert len({e[0] for e in catalogue.WRONG}) == 6  # every lab


def _read_csv(path: str) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("catalogue")
    subs, out = str(base / "subs"), str(base / "out")
    for prefix, entries in (("wrong", catalogue.WRONG), ("correct", catalogue.CORRECT)):
        for student, (lab, overrides) in catalogue.students(entries, prefix).items():
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


@pytest.mark.parametrize("entry", catalogue.WRONG, ids=[f"{e[1]}-{e[2]}" for e in catalogue.WRONG])
def test_wrong_implementation_loses_points_and_is_named(graded, entry):
    lab, function, name, _, keyword = entry
    student = catalogue.where(catalogue.WRONG, "wrong")[(lab, function, name)]
    cells = _cells(graded, student, lab, function)
    assert cells, f"no test cells of {function} for {student}"
    lost = [c for c in cells if float(c["score"]) < float(c["max_score"])]
    assert lost, f"{name}: every test of {function} passed"
    errors = _errors(graded, student, lab)
    messages = " | ".join(errors.get(c["grade_id"], "") for c in lost)
    assert keyword.lower() in messages.lower(), f"{name}: feedback does not name it: {messages}"


@pytest.mark.parametrize(
    "entry", catalogue.CORRECT, ids=[f"{e[1]}-{e[2]}" for e in catalogue.CORRECT]
)
def test_correct_implementation_gets_full_marks(graded, entry):
    lab, function, name, _ = entry
    student = catalogue.where(catalogue.CORRECT, "correct")[(lab, function, name)]
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
