"""``python -m autograder grade SUBMISSIONS --out OUT [--jobs N|auto]``: grade a folder or zip.

Pipeline: lock OUT (one run at a time, :mod:`autograder.grading.outdir`), check that kernels
can be isolated (``python -m autograder.sandbox --probe``), find
the submissions (:mod:`autograder.grading.discover`), skip those already in the journal of OUT
(:mod:`autograder.grading.journal`), build a private working course (``source/`` copied from the
course's ``solutions/``, found by :mod:`autograder.grading.course`; ``nbgrader
generate_assignment`` for each lab; its own gradebook), then N worker processes
(:mod:`autograder.grading.worker`, in the pool of :mod:`autograder.grading.pool`) -- each with
its own copy of that course, gradebook and kernel uid -- run the real ``nbgrader autograde``
(with the course's hardened preprocessors, see ``autograder/nbgrader_config.py``) and
``generate_feedback``, one submission at a time. Each finished submission is recorded in the
journal at once (failures of the grader are not); ``OUT/grades.csv`` and ``OUT/cells.csv`` get
this run's rows in place of the rows of its labs (other labs' rows stay), feedback goes to
``OUT/feedback/<student>/<lab>/``. A worker that dies is replaced and its submission graded
again, once; a second death gives the row ``worker died``. ``OUT/ids.csv`` (how every file found
became which student's row, :mod:`autograder.grading.identity`) is written right after
discovery, once ``--roster`` has resolved what it can.

Ctrl-C: the first one stops starting new work, stops the workers and their kernels and writes
the CSVs (``not graded: interrupted`` for the rest); a second one kills everything and exits.
The working course lives in a private temporary folder (mode 700), removed in every case; if
the run itself is killed, the next run removes it (:mod:`autograder.grading.tempdirs`).
SUBMISSIONS is only read.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from autograder.grading import lean_imports  # noqa: F401 -- before nbformat, see there

# isort: split
import nbformat

from autograder.grading import (
    course,
    discover,
    identity,
    journal,
    marks,
    outdir,
    roster,
    tempdirs,
    worker,
)
from autograder.grading.gradebook import (
    gradebook_stamp_in_process,
    load_api,
    scratch_gradebooks,
    write_config,
)
from autograder.grading.pool import Pool
from autograder.kernel import sanitize
from autograder.sandbox.run import kill_marked

# The folder holding this autograder package (a checkout, or site-packages): the sandbox probe
# starts there, where ``python -m`` imports this same autograder.
IMPORT_ROOT = os.path.dirname(course.PACKAGE)
GRADE_FIELDS = [
    "student_id",
    "assignment_id",
    "score",
    "max_score",
    "status",
    "message",
    "lms_id",
    "name",
    "flag",
]
CELL_FIELDS = ["student_id", "assignment_id", "grade_id", "score", "max_score", "message"]

MESSAGES = worker.MESSAGES
INTERRUPTED = "not graded: interrupted"


# --- course template ---------------------------------------------------------------------------


def lab_signatures(course_root: str, labs: list[str]) -> dict[str, set[str]]:
    """lab -> its grade_ids and exercise names (to recognise a notebook by its content)."""
    out = {}
    for lab in labs:
        nb = nbformat.read(os.path.join(course_root, course.SOURCE, lab, f"{lab}.ipynb"), 4)
        ids = {(c.metadata.get("nbgrader") or {}).get("grade_id") for c in nb.cells}
        out[lab] = {i for i in ids if i} | set(sanitize.exercises_of(nb))
    return out


def build_template(workdir: str, labs: list[str], settings: dict) -> str:
    """A course folder with the labs' sources, generated releases and a gradebook."""
    root = os.path.join(workdir, "template")
    os.makedirs(os.path.join(root, "source"))
    for lab in labs:
        shutil.copytree(
            os.path.join(settings["course_root"], course.SOURCE, lab),
            os.path.join(root, "source", lab),
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    write_config(root, settings)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        api = load_api(root)
        for lab in labs:
            with gradebook_stamp_in_process(), scratch_gradebooks():
                result = api.generate_assignment(lab, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(
                    f"nbgrader generate_assignment {lab} failed:\n"
                    f"{result.get('error') or result.get('log')}"
                )
    finally:
        os.chdir(cwd)
    return root


# --- isolation check ---------------------------------------------------------------------------


class IsolationUnavailable(RuntimeError):
    """Kernels cannot be isolated here and --allow-unisolated was not given."""


def check_isolation(settings: dict) -> str:
    """Start the sandbox once as for a kernel; its warning ("" if isolated), or raise."""
    env = dict(
        os.environ,
        PPO_GRADER_UID=str(settings["uid_base"]),
        PPO_GRADER_ALLOW_UNISOLATED="1" if settings["allow_unisolated"] else "0",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.sandbox", "--probe"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=IMPORT_ROOT,
    )
    if proc.returncode != 0:
        raise IsolationUnavailable(
            proc.stderr.strip() or f"the sandbox probe failed (exit {proc.returncode})"
        )
    return proc.stderr.strip()


# --- the run -----------------------------------------------------------------------------------

DEFAULT_SETTINGS = {
    "timeout": 60,
    "notebook_timeout": 240,
    "memory_mb": 4096,
    "cpu_s": 300,
    "nproc_margin": 64,
    "uid_base": 61000,
    "allow_unisolated": False,
}


class GradingInterrupted(KeyboardInterrupt):
    """Ctrl-C: the CSVs were written with what was graded; ``rows`` holds them."""

    def __init__(self, rows: list[dict]) -> None:
        super().__init__("grading interrupted")
        self.rows = rows


class _Run:
    """State of one grading run shared with the SIGINT handler."""

    def __init__(self, workdir: str) -> None:
        self.workdir = workdir
        self.run_id = f"{os.getpid()}-{os.urandom(4).hex()}"
        self.interrupted = threading.Event()
        self.pool: Pool | None = None

    def on_sigint(self, signum, frame) -> None:
        """First Ctrl-C: stop after the current step. Second: kill everything, exit now."""
        if not self.interrupted.is_set():
            self.interrupted.set()
            print(
                "\nInterrupted: stopping the workers and writing what was graded "
                "(Ctrl-C again to quit at once).",
                file=sys.stderr,
                flush=True,
            )
            return
        self.kill_all()
        shutil.rmtree(self.workdir, ignore_errors=True)
        print(
            "\nStopped. Graded submissions are in the journal: re-run the same command to "
            "write the CSVs and grade the rest.",
            file=sys.stderr,
            flush=True,
        )
        os._exit(130)

    def kill_all(self) -> None:
        """SIGTERM the workers (they kill their kernel), then SIGKILL anything of this run."""
        procs = self.pool.processes() if self.pool else []
        for p in procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + 5
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
        for _ in range(3):  # sandbox parents, kernels, stragglers; repeat: they may be starting
            if not kill_marked("PPO_GRADER_RUN", self.run_id):
                break
            time.sleep(0.2)


def _keys(subs: list, settings: dict) -> list[str]:
    """The journal key of every submission (its lab's source notebook is part of it)."""
    sources = {}
    for lab in {s.lab for s in subs}:
        path = os.path.join(settings["course_root"], course.SOURCE, lab, f"{lab}.ipynb")
        sources[lab] = b""
        if os.path.exists(path):
            with open(path, "rb") as f:
                sources[lab] = f.read()
    return [journal.submission_key(s, sources[s.lab], settings) for s in subs]


def _run_pool(
    run: _Run, todo: list, out: str, book: journal.Journal, settings: dict, jobs: int, bar
) -> dict[str, tuple[dict, list]]:
    """The worker processes over ``todo`` [(key, submission)]; key -> (row, cells) of every
    submission finished by this run (recorded in the journal unless the grader failed)."""
    labs = sorted({s.lab for _, s in todo if s.lab in course.labs(settings["course_root"])})
    template = build_template(run.workdir, labs, settings)
    done: dict[str, tuple[dict, list]] = {}

    def on_result(key: str, args: tuple, result: tuple) -> None:
        book.put(key, *result)
        done[key] = result
        bar.update(1)

    def on_death(key: str, args: tuple) -> None:
        row = worker.failure_row(args[0], "", status="worker died")
        worker.message_feedback(out, row)
        done[key] = (row, [])
        bar.update(1)

    pool = run.pool = Pool(
        max(1, min(jobs, len(todo))),  # a worker with nothing to grade would only start up
        worker.init_worker,
        lambda slot: (template, run.workdir, settings, slot),
        worker.grade_safely,
    )
    try:
        pool.run([(k, (s, out)) for k, s in todo], on_result, on_death, run.interrupted)
        if not run.interrupted.is_set():
            pool.close()
    finally:
        run.kill_all()  # nothing of this run outlives it
    return done


def _collect(
    subs: list, keys: list[str], book: journal.Journal, out: str, new: dict
) -> tuple[list, list]:
    """Rows and cells for every submission: from this run (``new``: key -> (row, cells)), else
    the journal, else ``not graded``; rows of this run carry ``_new`` (not written)."""
    rows: list[dict] = []
    cells: list[dict] = []
    for sub, key in zip(subs, keys):
        hit = new.get(key) or book.get(key)
        if hit is None:
            row = {
                "student_id": sub.student_id,
                "assignment_id": sub.lab,
                "score": 0.0,
                "max_score": 0.0,
                "status": INTERRUPTED,
                "message": MESSAGES[INTERRUPTED],
            }
            worker.message_feedback(out, row)
            rows.append(dict(row, **identity.row_fields(sub)))
            continue
        rows.append(dict(hit[0], _new=key in new, **identity.row_fields(sub)))
        cells.extend(hit[1])
    rows.sort(key=lambda r: (r["student_id"], r["assignment_id"]))
    cells.sort(key=lambda r: (r["student_id"], r["assignment_id"], r["grade_id"]))
    return rows, cells


def _record_ids(out: str, subs: list, entries: list[dict] | None) -> None:
    """Resolve provisional ids with the roster (if any), then write OUT/ids.csv: before any
    grading, so an interrupted run has it too."""
    if entries is not None:
        roster.apply_roster(subs, entries)
    identity.write_ids(out, subs)


def remove_stale_feedback(out: str, subs: list) -> list[str]:
    """Delete feedback/<student>/<lab> folders of this run's labs whose submission is not in
    this run (other labs' folders stay: OUT holds every lab graded into it); what went."""
    keep = {(s.student_id, s.lab) for s in subs}
    labs = {s.lab for s in subs}
    root, removed = os.path.join(out, "feedback"), []
    for student in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        folder = os.path.join(root, student)
        for lab in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if lab in labs and (student, lab) not in keep:
                shutil.rmtree(os.path.join(folder, lab), ignore_errors=True)
                removed.append(f"{student}/{lab}")
        if os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
    return removed


def _merge_hand_marks(out: str, course_root: str, rows: list[dict]) -> list[dict]:
    """The instructor's marks of OUT/manual.csv in the CSVs and feedback (see
    :mod:`autograder.grading.marks`); a manual.csv that cannot be applied is reported on
    stderr and in each row's ``_attention``, and changes nothing."""
    merged, error = marks.after_grading(out, course_root)
    if error:
        print(f"error: {error}", file=sys.stderr)
        return [
            dict(r, _attention=f"hand marks not applied: {error.splitlines()[0]}") for r in rows
        ]
    new = {(r["student_id"], r["assignment_id"]): r for r in merged or []}
    out_rows = []
    for r in rows:
        m = new.get((r["student_id"], r["assignment_id"]))
        out_rows.append(dict(r, score=float(m["score"]), message=m["message"]) if m else r)
    return out_rows


def grade(
    submissions: str,
    out: str,
    jobs: int = 1,
    progress: bool = True,
    course_root: str | None = None,
    fresh: bool = False,
    keep_stale: bool = False,
    roster_csv: str | None = None,
    **overrides,
) -> list[dict]:
    """Grade SUBMISSIONS into OUT; the grades.csv rows (raises GradingInterrupted on Ctrl-C,
    :class:`autograder.grading.outdir.OutLocked` while another run writes into OUT).

    ``course_root``: the folder holding the labs' ``solutions/`` (default: see
    :func:`autograder.grading.course.find`). ``roster_csv``: the class list that resolves
    provisional student ids (:mod:`autograder.grading.roster`; RosterError if unusable)."""
    entries = roster.read_roster(roster_csv) if roster_csv else None
    course_root = course.find(course_root)
    settings = dict(DEFAULT_SETTINGS, course_root=course_root, **overrides)
    # nbgrader runs the `alembic` script of this environment when it creates a gradebook.
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    warning = check_isolation(settings)
    if warning:
        print(warning, file=sys.stderr)
    os.makedirs(out, exist_ok=True)
    out = os.path.abspath(out)
    with outdir.lock(out):
        outdir.check(out, ["grades.csv", "cells.csv", "ids.csv"])
        for left in tempdirs.sweep():
            print(f"Removed {left}, left by a grading run that was killed.", file=sys.stderr)
        return _grade_locked(submissions, out, jobs, progress, settings, fresh, keep_stale, entries)


def _grade_locked(
    submissions: str,
    out: str,
    jobs: int,
    progress: bool,
    settings: dict,
    fresh: bool,
    keep_stale: bool,
    entries: list[dict] | None,
) -> list[dict]:
    """:func:`grade` once OUT is locked: the run in its private temporary folder (``entries``:
    the roster's, or None)."""
    course_root = settings["course_root"]
    labs = course.labs(course_root)
    workdir = tempdirs.make()
    run = _Run(workdir)
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()  # started before the mark: it must outlive the sweep
    os.environ["PPO_GRADER_RUN"] = run.run_id
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, run.on_sigint) if main_thread else None
    book = journal.Journal(out, fresh)
    try:
        subs = discover.discover(
            os.path.abspath(submissions), labs, lab_signatures(course_root, labs), workdir
        )
        _record_ids(out, subs, entries)
        keys = _keys(subs, settings)
        todo = [(k, s) for k, s in zip(keys, subs) if book.get(k) is None]
        bar = _progress(len(todo), progress)
        done = {}
        if todo and not run.interrupted.is_set():
            jobs = max(1, min(jobs, len(todo)))  # no idle worker: each one costs a copy
            done = _run_pool(run, todo, out, book, settings, jobs, bar)
        bar.close()
        rows, cells = _collect(subs, keys, book, out, done)
        these = {s.lab for s in subs}
        outdir.merge_by_lab(os.path.join(out, "grades.csv"), GRADE_FIELDS, rows, these)
        outdir.merge_by_lab(os.path.join(out, "cells.csv"), CELL_FIELDS, cells, these)
        if not run.interrupted.is_set() and not keep_stale:
            remove_stale_feedback(out, subs)
        rows = _merge_hand_marks(out, course_root, rows)
    finally:
        book.close()
        shutil.rmtree(workdir, ignore_errors=True)
        os.environ.pop("PPO_GRADER_RUN", None)
        if main_thread and not run.interrupted.is_set():  # else a 2nd Ctrl-C still exits 130
            signal.signal(signal.SIGINT, previous)
    if run.interrupted.is_set():
        raise GradingInterrupted(rows)
    return rows


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="grading", unit="notebook", file=sys.stderr)
