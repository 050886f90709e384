"""When a later function fails because an earlier one of the learner's is wrong, every place a
learner or an instructor reads says first which earlier function to fix: the check called in the
notebook, the feedback page and ``cells.csv`` of ``python -m autograder grade``.

The learner's Lab 2: ``td_residuals`` forgets the discount; ``compute_gae`` is right and calls
it. A second learner solves the lab (their ``cells.csv`` messages stay empty). Two notebooks, one
grading run (the tests marked slow). Along a chain of calls (Lab 3's ppo_loss calls
clipped_surrogate_loss, which calls probability_ratio) the last failing function is named.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import os
import re
import sys

import numpy as np
import pytest
import torch

from autograder.checks import CHECKS
from autograder.grading import grade

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders

LAB = "lab2_gae"
HELPER, LATER = "td_residuals", "compute_gae"
FIX_FIRST = (
    f"The root cause may be earlier: your {LATER} calls your {HELPER}, which fails its own test "
    f"test_{HELPER}_"
)


def _learner_cells() -> dict[str, str]:
    """The two solution cells: td_residuals without the discount, compute_gae the reference's
    (it calls td_residuals)."""
    right = builders.reference_code(LAB, HELPER)
    wrong = right.replace("rewards + gamma * next_values", "rewards + next_values")
    assert wrong != right
    assert f"{HELPER}(" in builders.reference_code(LAB, LATER)
    return {HELPER: wrong, LATER: builders.reference_code(LAB, LATER)}


def test_the_check_in_the_notebook_names_the_function_to_fix_first():
    namespace: dict = {"np": np}
    for source in _learner_cells().values():
        exec(source, namespace)  # noqa: S102 -- the learner's cells, at the notebook's top level
    for aspect, check in CHECKS[LATER].items():
        with contextlib.redirect_stdout(io.StringIO()), pytest.raises(AssertionError) as caught:
            check(namespace[LATER])
        assert str(caught.value).startswith(FIX_FIRST), (aspect, str(caught.value))


def test_along_a_chain_of_calls_the_last_failing_function_is_the_one_to_fix_first():
    """ppo_loss calls clipped_surrogate_loss (right), which calls probability_ratio (wrong)."""
    lab = "lab3_clipped_loss"
    namespace: dict = {"torch": torch}
    for function in ("value_loss", "clipped_surrogate_loss", "ppo_loss"):
        exec(builders.reference_code(lab, function), namespace)  # noqa: S102 -- learner's cells
    exec(  # noqa: S102 -- the learner's wrong cell: the log-ratio, not the ratio
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    return new_log_probs - old_log_probs\n",
        namespace,
    )
    with contextlib.redirect_stdout(io.StringIO()), pytest.raises(AssertionError) as caught:
        CHECKS["ppo_loss"]["gradient"](namespace["ppo_loss"])
    message = str(caught.value)
    assert message.startswith(
        "The root cause may be earlier: your ppo_loss calls your clipped_surrogate_loss, which "
        "calls your probability_ratio, which fails its own test test_probability_ratio_"
    ), message
    assert "Fix probability_ratio first" in message and "Fix clipped_surrogate" not in message


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("root_cause")
    subs, out = str(base / "subs"), str(base / "out")
    for student, overrides in (("wrong_helper", _learner_cells()), ("solved", {})):
        builders.write(
            builders.solved(LAB, overrides), os.path.join(subs, student, LAB, f"{LAB}.ipynb")
        )
    proc = builders.grade(subs, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(os.path.join(out, "cells.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, cells = reader.fieldnames, list(reader)
    return {"out": out, "header": header, "cells": cells}


def _cells(graded, student: str, function: str) -> list[dict]:
    return [
        c
        for c in graded["cells"]
        if c["student_id"] == student and c["grade_id"].startswith(f"test_{function}_")
    ]


@pytest.mark.slow
def test_cells_csv_has_the_message_column(graded):
    assert graded["header"] == grade.CELL_FIELDS and grade.CELL_FIELDS[-1] == "message"
    for c in graded["cells"]:
        assert "\n" not in c["message"] and len(c["message"]) <= 300, c
        if c["student_id"] == "solved" or c["score"] == "":  # passed, or a written answer
            assert c["message"] == "", c


@pytest.mark.slow
def test_cells_csv_names_the_function_to_fix_first(graded):
    later = _cells(graded, "wrong_helper", LATER)
    assert later and all(float(c["score"]) < float(c["max_score"]) for c in later), later
    for c in later:
        message = c["message"].removeprefix("AssertionError: ")
        assert message.startswith(FIX_FIRST), c
        assert f"Fix {HELPER} first" in message, c
    helper = _cells(graded, "wrong_helper", HELPER)
    assert helper and all("not discounted" in c["message"] for c in helper), helper
    assert not any("root cause" in c["message"] for c in helper), helper


@pytest.mark.slow
def test_the_feedback_page_names_the_function_to_fix_first(graded):
    page = os.path.join(graded["out"], "feedback", "wrong_helper", LAB, f"{LAB}.html")
    with open(page, encoding="utf-8") as f:
        parts = [p.split('"', 1) for p in f.read().split('id="cell-id=')[1:]]
    sections = {gid: html.unescape(re.sub(r"<[^>]+>", "", rest)) for gid, rest in parts}
    for c in _cells(graded, "wrong_helper", LATER):
        section = sections.get(c["grade_id"], "")
        assert FIX_FIRST in section and f"Fix {HELPER} first" in section, c["grade_id"]
        assert section.index(FIX_FIRST) < section.index("This test says:"), c["grade_id"]
