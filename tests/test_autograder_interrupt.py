"""Ctrl-C during a real grading run, and resuming it: nothing graded is lost or graded twice.

Ten Lab 1 submissions, two jobs. The first SIGINT (to the whole process group, as a terminal
sends it) arrives once two submissions are recorded: the run must stop, write a row for every
submission and leave no process and no temporary folder. Re-running the same command then
grades only the rest, and its CSVs equal those of an uninterrupted run. Two SIGINTs one second
apart end the run at once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

pytestmark = pytest.mark.slow
LAB = hostile.LAB
N = 6  # enough for results recorded, in flight and still queued when Ctrl-C comes


def _command(subs: str, out: str) -> list[str]:
    return [
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
    ]


def _env(tmp: str) -> dict:
    os.makedirs(tmp, exist_ok=True)
    return dict(os.environ, TMPDIR=tmp)  # every temporary folder of the run lands here


def _leftovers(pid: int) -> list[str]:
    """Processes still marked with the grading run of ``pid`` (workers, sandboxes, kernels)."""
    needle = f"PPO_GRADER_RUN={pid}-".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read():
                    with open(f"/proc/{entry}/cmdline", "rb") as c:
                        found.append(f"{entry}: {c.read()[:120]!r}")
        except OSError:
            continue
    return found


def _interrupt(subs: str, out: str, tmp: str, signals: int) -> tuple[subprocess.Popen, float]:
    """Start a run, SIGINT its process group ``signals`` times once 2 results are recorded."""
    proc = subprocess.Popen(
        _command(subs, out),
        cwd=REPO,
        env=_env(tmp),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while builders.journal_count(out) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    for i in range(signals):
        if i:
            time.sleep(1)
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:  # the first one already ended the run
            break
    started = time.monotonic()
    proc.wait(timeout=120)
    return proc, time.monotonic() - started


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    if not os.path.exists(os.path.join(REPO, "notebooks", LAB, f"{LAB}.ipynb")):
        pytest.skip("lab 1 is not released yet")
    subs = str(tmp_path_factory.mktemp("interrupt") / "subs")
    builders.write_class(subs, LAB, N, {hostile.FUNCTION: hostile.WRONG})
    return subs


@pytest.fixture(scope="module")
def interrupted(class_folder, tmp_path_factory):
    base = tmp_path_factory.mktemp("interrupted")
    out, tmp = str(base / "out"), str(base / "tmp")
    proc, seconds = _interrupt(class_folder, out, tmp, signals=1)
    with open(os.path.join(out, "grades.csv"), encoding="utf-8") as f:
        grades = f.read()
    return {
        "proc": proc,
        "seconds": seconds,
        "out": out,
        "tmp": tmp,
        "grades": grades,
        "stdout": proc.stdout.read(),
        "stderr": proc.stderr.read(),
    }


def test_first_ctrl_c_writes_every_row_and_leaves_nothing(interrupted):
    import csv

    assert interrupted["proc"].returncode == 130, interrupted["stderr"][-3000:]
    rows = list(csv.DictReader(interrupted["grades"].splitlines()))
    assert len(rows) == N and len({r["student_id"] for r in rows}) == N
    graded = [r for r in rows if r["status"] == "graded"]
    stopped = [r for r in rows if r["status"] == "not graded: interrupted"]
    assert len(graded) >= 2 and stopped and len(graded) + len(stopped) == N, rows
    auto, _ = builders.total_points(LAB)
    for r in graded:
        wrong = int(r["student_id"][-2:]) % 4 == 3
        assert float(r["score"]) == (auto - 3 if wrong else auto), r
    assert os.path.exists(os.path.join(interrupted["out"], "cells.csv"))
    assert interrupted["seconds"] < 60, interrupted["seconds"]
    assert _leftovers(interrupted["proc"].pid) == []
    assert os.listdir(interrupted["tmp"]) == []
    assert "interrupted" in interrupted["stdout"]


def test_resume_equals_an_uninterrupted_run(interrupted, class_folder, tmp_path):
    env = _env(str(tmp_path / "tmp"))
    resumed = subprocess.run(
        _command(class_folder, interrupted["out"]),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "from the journal" in resumed.stdout
    full = str(tmp_path / "full")
    whole = subprocess.run(
        _command(class_folder, full),
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert whole.returncode == 0, whole.stderr[-3000:]
    for name in ("grades.csv", "cells.csv"):
        with (
            open(os.path.join(interrupted["out"], name), encoding="utf-8") as a,
            open(os.path.join(full, name), encoding="utf-8") as b,
        ):
            assert a.read() == b.read(), name
    assert sorted(os.listdir(os.path.join(full, "feedback"))) == sorted(
        os.listdir(os.path.join(interrupted["out"], "feedback"))
    )


def test_second_ctrl_c_exits_at_once(class_folder, tmp_path):
    out, tmp = str(tmp_path / "out"), str(tmp_path / "tmp")
    proc, seconds = _interrupt(class_folder, out, tmp, signals=2)
    assert proc.returncode == 130, (proc.stdout.read()[-3000:], proc.stderr.read()[-3000:])
    assert seconds < 15, seconds
    time.sleep(1)  # SIGKILLed processes may take a moment to be reaped
    assert _leftovers(proc.pid) == []
    assert os.listdir(tmp) == []
    shutil.rmtree(out, ignore_errors=True)
