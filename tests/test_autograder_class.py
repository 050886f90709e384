"""Grading a whole class when processes die: workers, the main process, the kernel.

One class of Lab 1 is graded for real, once, by the module's fixtures: five students (every
fourth one wrong), one whose function calls ``os._exit`` when the tests call it, and one whose
grading kills its worker every time (the test hook ``PPO_GRADER_TEST_KILL``). During that run the
test SIGKILLs a worker that is grading (what the OOM killer does). Every other submission must
get its true score, the doomed one the row ``worker died`` and the exit status 3; a re-run
without ``--fresh`` then grades only that one. A second run of the class is SIGKILLed in its
main process: no process of it may survive, and the next run removes its temporary folder. That
next run grades Lab 2 into the class's output folder, a last one Lab 3: the folder must keep
every lab's rows and feedback.

The rest needs no kernel: the pool on its own, the lock, the sweep of temporary folders, the
merge of CSV rows by lab, and the journal's refusal to keep failures of the grader.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

from autograder.grading import journal, outdir, pool, tempdirs, worker

LAB = hostile.LAB
N = 5
DOOMED, EXITER = "doomed", "exiter"
# Calls 1 to 3 come from the "try it" cell after the function; the 4th is the first test's.
EXITS_LATE = (
    "import os\n_calls = []\n\n"
    "def categorical_entropy(logits):\n"
    "    _calls.append(1)\n"
    "    if len(_calls) > 3:\n"
    "        os._exit(3)\n"
    "    p = logits.softmax(-1)\n"
    "    return -(p * logits.log_softmax(-1)).sum(-1)\n"
)
ENTROPY = "categorical_entropy"
FIRST_ENTROPY_TEST = "test_categorical_entropy_bounds"


# --- helpers -------------------------------------------------------------------------------------


def _command(subs: str, out: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "autograder", "grade", subs, "--out", out, "--jobs", "2"] + [
        *builders.QUICK_LIMITS,
        "--no-progress",
        *extra,
    ]


def _env(tmp: str, **extra: str) -> dict:
    os.makedirs(tmp, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != worker.TEST_KILL}
    return dict(env, TMPDIR=tmp, **extra)  # every temporary folder of the run lands here


def _start(subs: str, out: str, tmp: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        _command(subs, out),
        cwd=REPO,
        env=_env(tmp, **extra),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _marked(main_pid: int) -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, command line) of every process marked with the run of ``main_pid``
    (workers, sandboxes, kernels)."""
    needle = f"PPO_GRADER_RUN={main_pid}-".encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle not in f.read():
                    continue
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rpartition(")")[2].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                found[int(entry)] = (ppid, f.read()[:200])
        except (OSError, ValueError):
            continue
    return found


def _busy_worker(main_pid: int) -> int | None:
    """A worker of the run that has a child (the sandbox of the notebook it is grading)."""
    procs = _marked(main_pid)
    workers = [p for p, (ppid, cmd) in procs.items() if ppid == main_pid and b"spawn" in cmd]
    busy = [w for w in workers if any(ppid == w for ppid, _ in procs.values())]
    return busy[0] if busy else None


def _descendants(main_pid: int, pid: int) -> set[int]:
    """The marked processes below ``pid`` (its sandbox, and the kernel in it)."""
    procs, found = _marked(main_pid), {pid}
    grew = True
    while grew:
        more = {p for p, (ppid, _) in procs.items() if ppid in found} - found
        found |= more
        grew = bool(more)
    return found - {pid}


def _wait_for_busy_worker(proc: subprocess.Popen, out: str, recorded: int) -> int:
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        busy = _busy_worker(proc.pid) if builders.journal_count(out) >= recorded else None
        if busy:
            return busy
        time.sleep(0.05)
    raise AssertionError(f"no worker was grading (exit status {proc.poll()})")


def _gone(main_pid: int, seconds: float = 15) -> dict:
    """The processes of the run still alive after ``seconds`` (SIGKILLed ones take a moment)."""
    deadline = time.monotonic() + seconds
    while _marked(main_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _marked(main_pid)


def _rows(out: str, name: str = "grades.csv") -> list[dict]:
    with open(os.path.join(out, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _expected(student: str) -> float:
    auto, _ = builders.total_points(LAB)
    if student == EXITER:
        return auto - _points(ENTROPY)
    return auto - 3 if student[-2:].isdigit() and int(student[-2:]) % 4 == 3 else auto


def _points(function: str) -> float:
    return sum(
        float(c.metadata["nbgrader"].get("points", 0))
        for c in builders.test_cells(builders.source_notebook(LAB))
        if builders.grade_id(c).startswith(f"test_{function}")
    )


# --- the class, graded once ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    if not os.path.exists(os.path.join(REPO, "notebooks", LAB, f"{LAB}.ipynb")):
        pytest.skip("lab 1 is not released yet")
    subs = str(tmp_path_factory.mktemp("class") / "subs")
    builders.write_class(subs, LAB, N, {hostile.FUNCTION: hostile.WRONG})
    for student, overrides in ((DOOMED, {}), (EXITER, {ENTROPY: EXITS_LATE})):
        builders.write(
            builders.solved(LAB, overrides), os.path.join(subs, student, LAB, f"{LAB}.ipynb")
        )
    return subs


@pytest.fixture(scope="module")
def graded(class_folder, tmp_path_factory):
    """The class graded with one worker SIGKILLed mid-run and one student killing its worker."""
    base = tmp_path_factory.mktemp("graded")
    out, tmp = str(base / "out"), str(base / "tmp")
    proc = _start(class_folder, out, tmp, **{worker.TEST_KILL: DOOMED})
    killed = _wait_for_busy_worker(proc, out, recorded=1)
    below = _descendants(proc.pid, killed)
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while set(_marked(proc.pid)) & below and time.monotonic() < deadline:
        time.sleep(0.1)
    orphans = set(_marked(proc.pid)) & below  # the killed worker's sandbox and kernel
    stdout, stderr = proc.communicate(timeout=900)
    return {
        "proc": proc,
        "killed": killed,
        "below": below,
        "orphans": orphans,
        "out": out,
        "tmp": tmp,
        "stdout": stdout,
        "stderr": stderr,
        "rows": {r["student_id"]: r for r in _rows(out)},
        "cells": _rows(out, "cells.csv"),
        "recorded": builders.journal_count(out),
        "left": _gone(proc.pid),
    }


@pytest.fixture(scope="module")
def resumed(graded, class_folder, tmp_path_factory):
    """The same command again, without --fresh and without the test hook."""
    tmp = str(tmp_path_factory.mktemp("resumed"))
    done = subprocess.run(
        _command(class_folder, graded["out"]),
        cwd=REPO,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return {"proc": done, "rows": {r["student_id"]: r for r in _rows(graded["out"])}}


@pytest.mark.slow
def test_a_killed_worker_costs_no_other_submission(graded):
    rows = graded["rows"]
    assert graded["proc"].returncode == 3, graded["stderr"][-3000:]
    assert len(rows) == N + 2, rows
    for student, row in rows.items():
        if student == DOOMED:
            continue
        assert float(row["score"]) == _expected(student), row
        assert row["status"] == ("kernel died" if student == EXITER else "graded"), row
    assert graded["below"] and graded["orphans"] == set(), graded  # its kernel died with it
    assert graded["left"] == {}, graded["left"]
    assert os.listdir(graded["tmp"]) == []


@pytest.mark.slow
def test_a_worker_that_dies_twice_gives_its_row_and_exit_3(graded):
    row = graded["rows"][DOOMED]
    assert row["status"] == "worker died" and float(row["score"]) == 0, row
    assert row["message"] == worker.MESSAGES["worker died"]
    assert "Needs your attention: 1 thing(s)" in graded["stdout"]
    assert f"{DOOMED}/{LAB}" in graded["stderr"]
    assert "needs attention: 1 submission(s) not graded" in graded["stderr"]
    page = os.path.join(graded["out"], "feedback", DOOMED, LAB, f"{LAB}.html")
    assert "killed twice" in open(page, encoding="utf-8").read()
    assert graded["recorded"] == N + 1  # the failure of the grader is not a result


@pytest.mark.slow
def test_os_exit_in_a_late_test_keeps_the_earlier_points_and_names_the_cell(graded):
    row = graded["rows"][EXITER]
    assert f"It died in test cell {FIRST_ENTROPY_TEST}" in row["message"], row["message"]
    tests = {
        c["grade_id"]: float(c["score"])
        for c in graded["cells"]
        if c["student_id"] == EXITER and c["grade_id"].startswith("test_")
    }
    assert FIRST_ENTROPY_TEST in tests
    for grade_id, score in tests.items():
        assert score == (0 if grade_id.startswith(f"test_{ENTROPY}") else 1), grade_id


@pytest.mark.slow
def test_a_rerun_without_fresh_grades_what_the_grader_failed(resumed):
    proc, rows = resumed["proc"], resumed["rows"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"{N + 1} from the journal" in proc.stdout, proc.stdout
    assert len(rows) == N + 2
    for student, row in rows.items():
        assert float(row["score"]) == _expected(student), row


# --- the main process killed; the next run; one --out for two labs -----------------------------


@pytest.fixture(scope="module")
def killed_main(class_folder, tmp_path_factory):
    """A run whose main process is SIGKILLed while a worker grades."""
    base = tmp_path_factory.mktemp("killed")
    out, tmp = str(base / "out"), str(base / "tmp")
    proc = _start(class_folder, out, tmp)
    _wait_for_busy_worker(proc, out, recorded=0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)  # not communicate(): that waits for every holder of the pipes
    # SIGKILLed processes die at once; a worker that merely noticed its closed line would go on
    # grading for seconds.
    left = _gone(proc.pid, seconds=10)
    proc.communicate(timeout=120)
    return {"pid": proc.pid, "tmp": tmp, "left": left, "folders": os.listdir(tmp)}


@pytest.fixture(scope="module")
def second_lab(resumed, graded, killed_main, tmp_path_factory):
    """Lab 2 (then Lab 3) graded into the class's --out, one run each, with the killed run's
    temporary folder around."""
    base, labs, runs = tmp_path_factory.mktemp("later"), _later_labs(), []
    for lab in labs:
        one = str(base / lab)
        builders.write(builders.solved(lab), os.path.join(one, "student00", lab, f"{lab}.ipynb"))
        runs.append(
            subprocess.run(
                _command(one, graded["out"]),
                cwd=REPO,
                env=_env(killed_main["tmp"]),
                capture_output=True,
                text=True,
                timeout=900,
            )
        )
    return {"runs": runs, "labs": labs, "out": graded["out"], "tmp": killed_main["tmp"]}


def _later_labs() -> list[str]:
    """Lab 2 and Lab 3: the two labs after ``LAB`` in course order."""
    from autograder.grading import course

    labs = course.labs(course.find(None))
    return labs[labs.index(LAB) + 1 :][:2]


@pytest.mark.slow
def test_killing_the_main_process_leaves_no_process(killed_main):
    assert killed_main["left"] == {}, killed_main["left"]
    [folder] = killed_main["folders"]
    assert folder.startswith(tempdirs.PREFIX)
    with open(os.path.join(killed_main["tmp"], folder, tempdirs.OWNER)) as f:
        assert json.load(f)["pid"] == killed_main["pid"]


@pytest.mark.slow
def test_the_next_run_removes_the_killed_runs_folder(second_lab, killed_main):
    first = second_lab["runs"][0]
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"Removed {os.path.join(killed_main['tmp'], killed_main['folders'][0])}" in first.stderr
    assert os.listdir(second_lab["tmp"]) == []


@pytest.mark.slow
def test_one_out_keeps_every_lab_graded_into_it(second_lab, resumed):
    for run in second_lab["runs"]:
        assert run.returncode == 0, run.stderr[-3000:]
    out, labs = second_lab["out"], second_lab["labs"]
    rows = _rows(out)
    lab1 = {r["student_id"]: r for r in rows if r["assignment_id"] == LAB}
    assert lab1 == resumed["rows"]  # untouched by the later labs' runs
    for lab in labs:
        [row] = [r for r in rows if r["assignment_id"] == lab]
        assert row["student_id"] == "student00" and row["status"] == "graded", row
        assert float(row["score"]) == builders.total_points(lab)[0], row
        assert os.path.isdir(os.path.join(out, "feedback", "student00", lab))
    assert {c["assignment_id"] for c in _rows(out, "cells.csv")} == {LAB, *labs}
    for student in resumed["rows"]:
        assert os.path.isdir(os.path.join(out, "feedback", student, LAB)), student


# --- without a kernel ----------------------------------------------------------------------------


def test_the_pool_replaces_a_dead_worker_and_gives_up_after_two_deaths(tmp_path):
    """One worker: results before and after a task that kills its process prove the
    replacement; that task is handed out twice (it leaves a mark each time), then reported."""
    marks = str(tmp_path / "marks")
    dies = f"open({marks!r}, 'a').write('x') and __import__('os')._exit(3)"
    tasks = [("a", ("6 * 7",)), ("dies", (dies,)), ("b", ("'after'",))]
    results, deaths = {}, []
    workers = pool.Pool(1, int, lambda slot: (), eval)
    try:
        workers.run(
            tasks,
            lambda key, args, result: results.__setitem__(key, result),
            lambda key, args: deaths.append(key),
            threading.Event(),
        )
    finally:
        workers.close()
    assert results == {"a": 42, "b": "after"}
    assert deaths == ["dies"]
    assert open(marks).read() == "x" * pool.MAX_TRIES
    assert workers.processes() == [] or not any(p.is_alive() for p in workers.processes())


def test_workers_that_cannot_start_stop_the_pool():
    with pytest.raises(pool.WorkersFailToStart, match="died while starting"):
        pool.Pool(1, os._exit, lambda slot: (1,), eval).run(
            [("a", ("1",))], lambda *a: None, lambda *a: None, threading.Event()
        )


def test_a_second_run_on_one_out_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").write_text("kept by the instructor\n")
    with outdir.lock(str(out)):
        with pytest.raises(outdir.OutLocked, match="another grading run"):
            with outdir.lock(str(out)):
                pass
        done = subprocess.run(
            _command(str(tmp_path), str(out)),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2, done.stderr
    assert "another grading run is writing into" in done.stderr and ".lock" in done.stderr
    assert (out / "grades.csv").read_text() == "kept by the instructor\n"
    with outdir.lock(str(out)):  # released with the block
        pass


def test_the_sweep_removes_only_folders_whose_run_is_gone(tmp_path):
    def folder(name: str, owner: dict | None) -> str:
        path = tmp_path / f"{tempdirs.PREFIX}{name}"
        path.mkdir()
        if owner is not None:
            (path / tempdirs.OWNER).write_text(json.dumps(owner))
        return str(path)

    ended = subprocess.Popen(["true"])
    ended.wait()
    me = os.getpid()
    dead = folder("dead", {"pid": ended.pid, "start": "1"})
    reused = folder("reused", {"pid": me, "start": "0"})  # a pid now held by another process
    live = folder("live", {"pid": me, "start": tempdirs.start_time(me)})
    unknown = folder("unknown", None)
    other = tmp_path / "not-ours"
    other.mkdir()
    (tmp_path / f"{tempdirs.PREFIX}link").symlink_to(other)
    removed = tempdirs.sweep(str(tmp_path))
    assert sorted(removed) == sorted([dead, reused])
    assert os.path.isdir(live) and os.path.isdir(unknown) and other.is_dir()


def test_merge_by_lab_keeps_other_labs_and_replaces_this_ones(tmp_path):
    path = str(tmp_path / "grades.csv")
    fields = ["student_id", "assignment_id", "score"]
    outdir.write_csv(
        path,
        fields,
        [
            {"student_id": "ann", "assignment_id": "labA", "score": 1.0},
            {"student_id": "bob", "assignment_id": "labA", "score": 2.0},
            {"student_id": "ann", "assignment_id": "labB", "score": 3.0},
        ],
    )
    new = [{"student_id": "cat", "assignment_id": "labB", "score": 4.5, "_new": True}]
    outdir.merge_by_lab(path, fields, new, {"labB"})
    assert [(r["student_id"], r["assignment_id"], r["score"]) for r in _rows_at(path)] == [
        ("ann", "labA", "1"),
        ("bob", "labA", "2"),
        ("cat", "labB", "4.5"),
    ]
    (tmp_path / "other.csv").write_text("name,points\nann,3\n")
    with pytest.raises(outdir.OutUnusable, match="no assignment_id column"):
        outdir.check(str(tmp_path), ["other.csv"])


def _rows_at(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_journal_never_keeps_a_failure_of_the_grader(tmp_path):
    book = journal.Journal(str(tmp_path))
    row = {"student_id": "ann", "assignment_id": LAB, "status": "graded", "score": 1.0}
    assert book.put("k1", row, [])
    for status in sorted(journal.NOT_RESULTS):
        assert not book.put("k2", dict(row, status=status), [])
        assert book.get("k2") is None
    # A failure recorded by an older version is graded again, not reused.
    book.db.execute(
        "INSERT INTO results VALUES (?, ?, ?, ?, ?)",
        ("k3", "ann", LAB, json.dumps(dict(row, status="grader error")), "[]"),
    )
    assert book.get("k3") is None and book.get("k1") == (row, [])
    book.close()
