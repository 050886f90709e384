"""``python -m autograder grade SUBMISSIONS --out OUT [--jobs N]``: grade a folder of submissions.

Pipeline: find the submissions (:mod:`autograder.discover`), build a private working course
(``source/`` copied from ``solutions/``, ``nbgrader generate_assignment`` for each lab, its own
gradebook), then N worker processes -- each with its own copy of that course, gradebook and
kernel uid -- run the real ``nbgrader autograde`` (with the course's hardened preprocessors, see
``autograder/nbgrader_config.py``) and ``generate_feedback`` student by student. Rows go to
``OUT/grades.csv`` and ``OUT/cells.csv``, feedback to ``OUT/feedback/<student>/<lab>/``.

The working course lives in a private temporary folder (mode 700) that the sandboxed kernels
cannot read; SUBMISSIONS is only read.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import html
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback

import nbformat

from autograder import discover, sanitize

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE_FIELDS = ["student_id", "assignment_id", "score", "max_score", "status", "message"]
CELL_FIELDS = ["student_id", "assignment_id", "grade_id", "score", "max_score"]

MESSAGES = {
    "missing notebook": "No notebook for {lab} was found in your submission: submit {lab}.ipynb "
                        "(File > Download > .ipynb in Colab).",
    "unreadable file": "{file} could not be read as a Jupyter notebook ({detail}). Download it "
                       "again (File > Download > .ipynb) and resubmit.",
    "unknown lab": "{detail}: name it after its lab (e.g. lab2_gae.ipynb) and resubmit.",
    "timed out": "Your notebook did not finish in time: a function ran for more than {timeout} s "
                 "(an infinite loop, or a loop that waits forever). Tests that did not finish "
                 "score zero.",
    "kernel died": "The Python process running your notebook crashed during the tests (os._exit,"
                   " a segmentation fault, or more than {memory} MB of memory), so the tests "
                   "after that point could not run and score zero. Run your notebook top to "
                   "bottom to find the cell that crashes.",
    "grader error": "The grader failed on this notebook (not necessarily your fault): tell your "
                    "instructor. Details: {detail}",
}


# --- course template ---------------------------------------------------------------------------

def course_labs(repo_root: str = REPO_ROOT) -> list[str]:
    src = os.path.join(repo_root, "solutions")
    return sorted(d for d in os.listdir(src)
                  if os.path.isfile(os.path.join(src, d, f"{d}.ipynb")))


def lab_signatures(repo_root: str, labs: list[str]) -> dict[str, set[str]]:
    out = {}
    for lab in labs:
        nb = nbformat.read(os.path.join(repo_root, "solutions", lab, f"{lab}.ipynb"), 4)
        ids = {(c.metadata.get("nbgrader") or {}).get("grade_id") for c in nb.cells}
        out[lab] = {i for i in ids if i} | set(sanitize.exercises_of(nb))
    return out


CONFIG_TEMPLATE = '''# Working course of `python -m autograder grade` (generated; deleted after grading).
c = get_config()  # noqa: F821
load_subconfig({course_config!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.Execute.timeout = {timeout}
c.SandboxedExecute.notebook_timeout = {notebook_timeout}
'''


def write_config(root: str, settings: dict) -> None:
    with open(os.path.join(root, "nbgrader_config.py"), "w") as f:
        f.write(CONFIG_TEMPLATE.format(
            course_config=os.path.join(settings["repo_root"], "autograder", "nbgrader_config.py"),
            root=root, timeout=settings["timeout"], notebook_timeout=settings["notebook_timeout"]))


def load_api(root: str):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def build_template(workdir: str, labs: list[str], settings: dict) -> str:
    """A course folder with the labs' sources, generated releases and a gradebook."""
    root = os.path.join(workdir, "template")
    os.makedirs(os.path.join(root, "source"))
    for lab in labs:
        shutil.copytree(os.path.join(settings["repo_root"], "solutions", lab),
                        os.path.join(root, "source", lab),
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    write_config(root, settings)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        api = load_api(root)
        for lab in labs:
            result = api.generate_assignment(lab, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(f"nbgrader generate_assignment {lab} failed:\n"
                                   f"{result.get('error') or result.get('log')}")
    finally:
        os.chdir(cwd)
    return root


# --- one worker --------------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(template: str, workdir: str, settings: dict, slots) -> None:
    slot = slots.get()
    root = os.path.join(workdir, f"course-{slot}")
    shutil.copytree(template, root)
    write_config(root, settings)
    os.chdir(root)
    os.environ["PPO_GRADER_UID"] = str(settings["uid_base"] + slot)
    os.environ["PPO_GRADER_MEMORY_MB"] = str(settings["memory_mb"])
    os.environ["PPO_GRADER_NPROC_MARGIN"] = str(settings["nproc_margin"])
    os.environ["PPO_GRADER_CPU_S"] = str(settings["cpu_s"])
    import logging
    import warnings
    warnings.filterwarnings("ignore")  # SQLAlchemy chatter from nbgrader's gradebook
    logging.disable(logging.WARNING)  # nbgrader's own log goes to the result dicts, not stderr
    _WORKER.update(root=root, api=load_api(root), settings=settings)


def _error_outputs(nb) -> dict[str, str]:
    """grade_id -> first line of the error its test cell produced."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if cell.cell_type != "code" or not meta.get("grade"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                value = str(output.get("evalue", "")).strip()
                out[meta.get("grade_id")] = f"{output.get('ename')}: {value}"
                break
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                out[meta.get("grade_id")] = "the test wrote to stderr"
                break
    return out


def _timed_out(nb) -> bool:
    """True if a cell hit the per-cell time limit (the grader interrupted it)."""
    return any(output.get("output_type") == "error"
               and output.get("ename") in ("CellTimeoutError", "KeyboardInterrupt")
               for cell in nb.cells if cell.cell_type == "code"
               for output in cell.get("outputs", []))


def _read_gradebook(root: str, lab: str, student: str):
    from nbgrader.api import Gradebook, MissingEntry
    cells, max_score = [], 0.0
    with Gradebook(f"sqlite:///{os.path.join(root, 'gradebook.db')}") as gb:
        assignment = gb.find_assignment(lab)
        max_score = float(assignment.max_score)
        try:
            sub = gb.find_submission_notebook(lab, lab, student)
            for g in sorted(sub.grades, key=lambda g: g.name):
                manual = g.cell.cell_type == "markdown"  # written answers: graded by hand
                pending = manual and g.manual_score is None and g.auto_score is None
                cells.append({"grade_id": g.name, "score": "" if pending else float(g.score or 0.0),
                              "max_score": float(g.max_score), "manual": manual})
        except MissingEntry:
            for nb in assignment.notebooks:
                for gc in nb.grade_cells:
                    cells.append({"grade_id": gc.name, "score": 0.0,
                                  "max_score": float(gc.max_score),
                                  "manual": gc.cell_type == "markdown"})
    return cells, max_score


def _write_html(path: str, title: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
                f"</title></head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
                f"</body></html>\n")


def _message_feedback(out_dir: str, row: dict) -> None:
    """Feedback for a submission that could not be executed: a page with the message."""
    student, lab = row["student_id"], row["assignment_id"]
    fb_dir = os.path.join(out_dir, "feedback", student, lab)
    _write_html(os.path.join(fb_dir, f"{lab}.html"), f"{lab}: {row['status']}", row["message"])
    with open(os.path.join(fb_dir, "errors.json"), "w") as f:
        json.dump({"status": row["status"], "errors": {}, "grader_notes": []}, f, indent=1)


def _grade_one(sub: discover.Submission, out_dir: str) -> tuple[dict, list[dict]]:
    root, api, settings = _WORKER["root"], _WORKER["api"], _WORKER["settings"]
    lab, student = sub.lab, sub.student_id
    fmt = {"lab": lab, "timeout": settings["timeout"], "memory": settings["memory_mb"],
               "file": os.path.basename(sub.path or ""), "detail": sub.detail}
    row = {"student_id": student, "assignment_id": lab, "score": 0.0, "max_score": 0.0}
    if sub.problem:
        row.update(status=sub.problem, message=MESSAGES[sub.problem].format(**fmt))
        if lab != "unknown":
            _, row["max_score"] = _read_gradebook(root, lab, "\0none")
        _message_feedback(out_dir, row)
        return row, []
    # A copy of the notebook only (no extra files: a submitted numpy.py never reaches the kernel).
    try:
        if os.path.getsize(sub.path) > discover.MAX_NOTEBOOK_BYTES:
            raise ValueError("larger than 20 MB")
        with open(sub.path, encoding="utf-8") as f:
            nb = nbformat.read(f, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")  # noqa: TRY004 -- reported as a message
    except Exception as exc:  # noqa: BLE001 -- any unreadable file becomes a row
        fmt["detail"] = f"{type(exc).__name__}: {str(exc)[:120]}"
        row.update(status="unreadable file", message=MESSAGES["unreadable file"].format(**fmt))
        _, row["max_score"] = _read_gradebook(root, lab, "\0none")
        _message_feedback(out_dir, row)
        return row, []
    dest = os.path.join(root, "submitted", student, lab)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    with open(os.path.join(dest, f"{lab}.ipynb"), "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    import resource
    t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = api.autograde(lab, student, force=True, create=True)
    r1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    timings = {"autograde": time.monotonic() - t0, "cpu_self": r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime,
               "cpu_kernel": c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime}
    log = (result.get("log") or "") + (result.get("error") or "")
    autograded = os.path.join(root, "autograded", student, lab, f"{lab}.ipynb")
    errors = {}
    if result["success"] and os.path.exists(autograded):
        executed = nbformat.read(autograded, 4)
        errors = _error_outputs(executed)
        status = "timed out" if _timed_out(executed) else "graded"
    elif "CellTimeoutError" in log or "timed out" in log:
        status = "timed out"
    elif "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        status = "kernel died"
    else:
        status = "grader error"
        fmt["detail"] = (result.get("error") or log).strip().splitlines()[-1:][0][:300] \
            if (result.get("error") or log).strip() else "unknown"
    cells, max_score = _read_gradebook(root, lab, student)
    if status in ("kernel died", "grader error") or (status == "timed out" and not result["success"]):
        for c in cells:  # a notebook that did not finish earns nothing it did not prove
            if not c["manual"]:
                c["score"] = 0.0
    score = sum(c["score"] for c in cells if c["score"] != "")
    notes_file = os.path.join(root, "grader_notes", student, lab, f"{lab}.json")
    notes = []
    if os.path.exists(notes_file):
        with open(notes_file) as f:
            notes = json.load(f)["notes"]
    parts = []
    if status == "graded":
        parts.append(f"{score:g} of {max_score:g} points.")
    else:
        parts.append(MESSAGES[status].format(**fmt))
        parts.append(f"{score:g} of {max_score:g} points.")
    failed = [c["grade_id"] for c in cells if not c["manual"] and c["score"] < c["max_score"]]
    unanswered = [c["grade_id"] for c in cells if c["manual"] and c["score"] == 0.0]
    if failed:
        reasons = [f"{g} ({errors[g].splitlines()[0][:300]})" if errors.get(g) else g
                   for g in failed]
        parts.append("Failed tests: " + "; ".join(reasons[:4])
                     + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else "") + ".")
    manual = sum(c["max_score"] for c in cells if c["manual"] and c["score"] == "")
    if manual:
        parts.append(f"Written answers ({manual:g} points) are graded by hand.")
    if unanswered and status == "graded":
        parts.append("Written answers not found (0 points): " + ", ".join(unanswered) + ".")
    if notes:
        parts.append(f"The grader removed or changed {len(notes)} thing(s) in your cells "
                     f"(see the grader notes at the top of your feedback): {notes[0]}"
                     + (" ..." if len(notes) > 1 else ""))
    if sub.others:
        parts.append(f"{len(sub.others)} other file(s) for this lab were ignored; graded "
                     f"{os.path.basename(sub.path)}.")
    row.update(score=score, max_score=max_score, status=status, message=" ".join(parts))
    row["_timings"] = timings
    # Feedback: nbgrader's HTML when the notebook was autograded, else a page with the message.
    fb_dir = os.path.join(out_dir, "feedback", student, lab)
    made = False
    if os.path.exists(autograded):
        t0 = time.monotonic()
        fb = api.generate_feedback(lab, student, force=True)
        timings["feedback"] = time.monotonic() - t0
        src = os.path.join(root, "feedback", student, lab)
        if fb["success"] and os.path.isdir(src):
            shutil.rmtree(fb_dir, ignore_errors=True)
            shutil.copytree(src, fb_dir)
            made = True
    if not made:
        _write_html(os.path.join(fb_dir, f"{lab}.html"), f"{lab}: {status}", row["message"])
    with open(os.path.join(fb_dir, "errors.json"), "w") as f:  # machine-readable, per test cell
        json.dump({"status": status, "errors": errors, "grader_notes": notes}, f, indent=1)
    return row, [{"student_id": student, "assignment_id": lab, "grade_id": c["grade_id"],
                  "score": c["score"], "max_score": c["max_score"]} for c in cells]


def _grade_student(subs: list, out_dir: str):
    results = []
    for sub in subs:
        try:
            results.append(_grade_one(sub, out_dir))
        except Exception as exc:  # noqa: BLE001 -- one broken submission never stops the rest
            detail = f"{type(exc).__name__}: {exc}"[:300]
            results.append(({"student_id": sub.student_id, "assignment_id": sub.lab, "score": 0.0,
                             "max_score": 0.0, "status": "grader error",
                             "message": MESSAGES["grader error"].format(detail=detail)}, []))
            traceback.print_exc(file=sys.stderr)
    return results


# --- the command -------------------------------------------------------------------------------

DEFAULT_SETTINGS = {"timeout": 60, "notebook_timeout": 240, "memory_mb": 4096, "cpu_s": 300,
                        "nproc_margin": 64, "uid_base": 61000}


def grade(submissions: str, out: str, jobs: int = 1, progress: bool = True,
          repo_root: str = REPO_ROOT, **overrides) -> list[dict]:
    settings = dict(DEFAULT_SETTINGS, repo_root=repo_root, **overrides)
    # nbgrader runs the `alembic` script of this environment when it creates a gradebook.
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    labs = course_labs(repo_root)
    os.makedirs(out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="ppo-grade-")
    os.chmod(workdir, 0o700)
    try:
        subs = discover.discover(os.path.abspath(submissions), labs,
                                 lab_signatures(repo_root, labs), workdir)
        needed = sorted({s.lab for s in subs if s.lab in labs})
        template = build_template(workdir, needed, settings)
        by_student: dict[str, list] = {}
        for s in subs:
            by_student.setdefault(s.student_id, []).append(s)
        rows, cells = [], []
        ctx = multiprocessing.get_context("spawn")
        slots = ctx.Queue()
        for i in range(max(jobs, 1)):
            slots.put(i)
        bar = _progress(len(subs), progress)
        with cf.ProcessPoolExecutor(max_workers=max(jobs, 1), mp_context=ctx,
                                    initializer=_init_worker,
                                    initargs=(template, workdir, settings, slots)) as pool:
            futures = {pool.submit(_grade_student, group, os.path.abspath(out)): student
                       for student, group in by_student.items()}
            for fut in cf.as_completed(futures):
                try:
                    results = fut.result()
                except Exception as exc:  # noqa: BLE001 -- a crashed worker: rows anyway
                    results = [({"student_id": s.student_id, "assignment_id": s.lab,
                                 "score": 0.0, "max_score": 0.0, "status": "grader error",
                                 "message": MESSAGES["grader error"].format(detail=repr(exc))},
                                []) for s in by_student[futures[fut]]]
                for row, cell_rows in results:
                    rows.append(row)
                    cells.extend(cell_rows)
                    bar.update(1)
        bar.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows.sort(key=lambda r: (r["student_id"], r["assignment_id"]))
    cells.sort(key=lambda r: (r["student_id"], r["assignment_id"], r["grade_id"]))
    _write_csv(os.path.join(out, "grades.csv"), GRADE_FIELDS, rows)
    _write_csv(os.path.join(out, "cells.csv"), CELL_FIELDS, cells)
    return rows


def _fmt_number(x):
    return f"{x:g}" if isinstance(x, float) else x


def _write_csv(path: str, fields: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: _fmt_number(r.get(k, "")) for k in fields})


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
