"""Bypass attempts through `python -m autograder grade`: attacks must never earn a point.

Every attempt of ``tests/fixtures/autograder/bypass.py`` is wrong code wrapped in an attack on
the grader (patching the checks, numpy, torch, builtins, sys hooks or the guard, reaching saved
references, compiling under a library file name, import hooks, threads, signals, writing the
output files, fake output, exiting early, objects that equal anything, frame walking, and for
Lab 4 the spies of ppo_update). Its control is the same wrong code without the attack. The tests
are black-box -- only the grader's command line and its CSV files -- so that they hold for any
design of the grader (checks in the kernel behind a guard, or checks in the grader's process that
only call the learner's function in the kernel):

* each attempt scores, on every test cell of its lab, at most what its control scores there;
* honest work that uses numpy's testing helpers and the standard library keeps full marks;
* a probe that looks for answers the way a learner would (calling ppo_core's or the checks'
  reference, reading solutions, the checks' source, the hidden seeds, the history) finds nothing
  when isolated, and -- its positive control -- does find something with isolation switched off.

One grading run (two jobs, short timeouts) covers the attempts that have a positive control
(they score with the checks in the kernel), each generic attack on one of Lab 2 and Lab 3;
``PPO_BYPASS_ALL=1``, run by ``make test-slow``, grades every attack on every lab it targets and
the attempts without a positive control. A second, small run grades the probe unisolated.
"""

from __future__ import annotations

import csv
import os
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import bypass

ATTEMPTS = bypass.attempts()
LABS = tuple(bypass.TARGETS)


def _read_csv(path: str) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _grade(subs: str, out: str, env: dict | None = None, extra: tuple = ()) -> dict:
    """Run the grader as an instructor would (quick limits) and read its CSV files."""
    start = time.monotonic()
    proc = builders.grade(subs, out, *extra, env=env)
    grades = os.path.join(out, "grades.csv")
    rows = _read_csv(grades) if os.path.exists(grades) else []
    cells_path = os.path.join(out, "cells.csv")
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for c in _read_csv(cells_path) if os.path.exists(cells_path) else []:
        cells.setdefault((c["student_id"], c["assignment_id"]), {})[c["grade_id"]] = float(
            c["score"] or 0
        )
    return {"proc": proc, "rows": rows, "cells": cells, "seconds": time.monotonic() - start}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("bypass")
    subs, out = str(base / "subs"), str(base / "out")
    bypass.build(subs)
    return _grade(subs, out)


@pytest.fixture(scope="module")
def graded_unisolated(tmp_path_factory):
    """The probe alone, with the sandbox's namespaces and Landlock switched off."""
    base = tmp_path_factory.mktemp("bypass_unisolated")
    subs, out = str(base / "subs"), str(base / "out")
    bypass.write_student(subs, bypass.PROBE_STUDENT, "lab2_gae", bypass.probe_notebook())
    return _grade(
        subs,
        out,
        env={"PPO_GRADER_NAMESPACES": "0", "PPO_GRADER_LANDLOCK": "0"},
        extra=("--allow-unisolated",),
    )


def _scores(graded, student: str, lab: str) -> dict[str, float]:
    return graded["cells"].get((student, lab), {})


def _test_cells(lab: str, functions=None) -> list[str]:
    ids = [builders.grade_id(c) for c in builders.test_cells(builders.source_notebook(lab))]
    if functions is None:
        return ids
    return [g for g in ids if any(g.startswith(f"test_{f}_") for f in functions)]


def test_exit_zero_and_a_row_per_student(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]
    students = (
        {a.student: a.lab for a in ATTEMPTS}
        | {bypass.control_name(lab): lab for lab in LABS}
        | {bypass.HONEST_STUDENT: "lab2_gae", bypass.PROBE_STUDENT: "lab2_gae"}
    )
    # The grader writes a row per (student, lab it grades); each student's own lab is there once.
    own = [(r["student_id"], r["assignment_id"]) for r in graded["rows"]]
    for student, lab in students.items():
        assert own.count((student, lab)) == 1, (student, lab)
    assert {r["student_id"] for r in graded["rows"]} == set(students)


def test_controls_are_wrong(graded):
    """The wrong code really fails: otherwise "no more than the control" would prove nothing."""
    for lab in LABS:
        functions = [t.function for t in bypass.TARGETS[lab]]
        scores = _scores(graded, bypass.control_name(lab), lab)
        lost = [g for g in _test_cells(lab, functions) if scores.get(g, 0.0) == 0.0]
        assert lost, (lab, scores)


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[a.student for a in ATTEMPTS])
def test_attack_earns_nothing(graded, attempt):
    mine = _scores(graded, attempt.student, attempt.lab)
    control = _scores(graded, attempt.control, attempt.lab)
    assert control, f"the control {attempt.control} was not graded"
    gained = {
        g: (mine.get(g, 0.0), control.get(g, 0.0))
        for g in _test_cells(attempt.lab)
        if mine.get(g, 0.0) > control.get(g, 0.0)
    }
    assert not gained, (
        f"{attempt.attack} ({bypass.attack_named(attempt.attack).what}) earned points over the "
        f"wrong code alone on {gained} (attempt, control)"
    )


def test_honest_work_gets_full_marks(graded):
    """numpy.testing as a self-check and the standard library are not attacks."""
    scores = _scores(graded, bypass.HONEST_STUDENT, "lab2_gae")
    cells = _test_cells("lab2_gae", ("td_residuals", "compute_gae"))
    source = builders.source_notebook("lab2_gae")
    points = {
        builders.grade_id(c): float(c.metadata["nbgrader"]["points"])
        for c in builders.test_cells(source)
    }
    assert {g: scores.get(g) for g in cells} == {g: points[g] for g in cells}


def test_probe_finds_nothing_when_isolated(graded):
    """A correct compute_gae that returns a wrong answer if it found any way to the answers: the
    kernel must reach no reference, solution, hidden seed or hidden test source."""
    scores = _scores(graded, bypass.PROBE_STUDENT, "lab2_gae")
    source = builders.source_notebook("lab2_gae")
    points = {
        builders.grade_id(c): float(c.metadata["nbgrader"]["points"])
        for c in builders.test_cells(source)
    }
    cells = _test_cells("lab2_gae", ("compute_gae",))
    assert {g: scores.get(g) for g in cells} == {g: points[g] for g in cells}


def test_probe_finds_something_unisolated(graded_unisolated):
    """The probe's positive control: unisolated, the same probe must find something (so that its
    full marks above mean "nothing to find", not "a probe that cannot see")."""
    assert graded_unisolated["proc"].returncode == 0, graded_unisolated["proc"].stderr[-3000:]
    scores = _scores(graded_unisolated, bypass.PROBE_STUDENT, "lab2_gae")
    cells = _test_cells("lab2_gae", ("compute_gae",))
    assert scores and all(scores.get(g, 0.0) == 0.0 for g in cells), scores
