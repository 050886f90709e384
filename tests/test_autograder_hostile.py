"""Hostile and broken Lab 1 submissions through `python -m autograder grade`.

One grading run (two jobs, short timeouts) over ~30 generated students; each must get a row with
the expected status, must not raise its own score, and the submissions folder must be unchanged.
The run has a secret in its environment (``PPO_TEST_SECRET``): the isolation probes
(``isolation_probe_a`` / ``_b``) prove from inside a learner's function that the kernel runs
unprivileged, sees neither the secret nor other processes, and has a /tmp and /dev/shm of its
own.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

pytestmark = pytest.mark.slow


def _tree_digest(root: str) -> dict:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            st = os.stat(path)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = (
                    hashlib.sha256(fh.read()).hexdigest(),
                    st.st_mode,
                    st.st_mtime_ns,
                )
    return out


def _read_csv(path: str) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not os.path.exists(os.path.join(REPO, "notebooks", hostile.LAB, f"{hostile.LAB}.ipynb")):
        pytest.skip("lab 1 is not released yet")
    base = tmp_path_factory.mktemp("hostile")
    subs, out = str(base / "subs"), str(base / "out")
    expected = hostile.build(subs)
    before = _tree_digest(subs)
    proc = builders.grade(subs, out, env={"PPO_TEST_SECRET": hostile.SECRET_PREFIX + "hostile"})
    rows = {r["student_id"]: r for r in _read_csv(os.path.join(out, "grades.csv"))}
    cells = _read_csv(os.path.join(out, "cells.csv"))
    return {
        "proc": proc,
        "rows": rows,
        "cells": cells,
        "expected": expected,
        "before": before,
        "after": _tree_digest(subs),
        "out": out,
    }


def test_exit_zero_and_a_row_per_submission(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]
    assert set(graded["rows"]) == set(graded["expected"])


def test_submissions_are_never_modified(graded):
    assert graded["after"] == graded["before"]


@pytest.mark.parametrize("student", hostile.case_names())
def test_status_and_score(graded, student):
    statuses, outcome = graded["expected"][student]
    row = graded["rows"][student]
    assert row["status"] in statuses, row
    assert row["message"].strip(), row
    scores = {c["grade_id"]: c for c in graded["cells"] if c["student_id"] == student}
    target = [c for gid, c in scores.items() if gid.startswith(f"test_{hostile.FUNCTION}_")]
    auto, _ = builders.total_points(hostile.LAB)
    if outcome == "zero":
        assert all(float(c["score"] or 0) == 0 for c in target), (row, target)
        assert float(row["score"]) <= auto - 3, row
    else:
        assert target and all(float(c["score"]) == float(c["max_score"]) for c in target), row
        assert float(row["score"]) == auto, row


def test_feedback_names_what_happened(graded):
    rows = graded["rows"]
    # The grading kernel's library leaves the lab's exercises out; the checks run outside it,
    # so a stack walk finds no reference and patches in the kernel leave the verdict alone.
    assert "leaves to you" in rows["delegate_reference"]["message"]
    for student in ("stack_walk_reference", "patch_numpy_call", "patch_numpy_top"):
        assert "Failed tests: test_discounted_return" in rows[student]["message"], student
    assert "removed or changed" in rows["patch_numpy_top"]["message"]
    assert "did not finish in time" in rows["infinite_loop"]["message"]
    assert "crashed" in rows["segfault"]["message"]
    for student in ("infinite_loop", "patch_numpy_top", "garbage"):
        lab_dir = os.path.join(graded["out"], "feedback", student, hostile.LAB)
        assert os.path.exists(os.path.join(lab_dir, f"{hostile.LAB}.html")), student
    with open(
        os.path.join(
            graded["out"], "feedback", "patch_numpy_top", hostile.LAB, f"{hostile.LAB}.html"
        )
    ) as f:
        html = f.read()
    assert "Grader notes" in html and "np.allclose" in html
    # Hidden tests ran (their points count) but their code stays with the instructor.
    assert "HIDDEN TESTS" not in html and "your instructor keeps them" in html
