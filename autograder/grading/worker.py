"""One grading worker process of ``python -m autograder grade`` (see
:mod:`autograder.grading.grade`).

Each worker owns a copy of the working course (its own gradebook) and a kernel uid. For every
submission it runs nbgrader's ``autograde`` and ``generate_feedback`` and returns the CSV rows;
the main process records them in the journal (:mod:`autograder.grading.journal`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import traceback

from autograder.grading import lean_imports  # noqa: F401 -- before nbformat, see there

# isort: split
import nbformat

from autograder.grading import archives, discover, marks
from autograder.grading.gradebook import load_api, skip_gradebook_fsync, write_config
from autograder.grading.pages import harden_html, write_html

MESSAGES = {
    "missing notebook": "No notebook for {lab} was found in your submission: submit {lab}.ipynb "
    "(File > Download > .ipynb in Colab).",
    "unreadable file": "{file} could not be read as a Jupyter notebook ({detail}). Download it "
    "again (File > Download > .ipynb) and resubmit.",
    "rejected file": "A file of your submission was not graded: {detail}. Resubmit the notebook "
    "itself (File > Download > .ipynb), not a bigger archive.",
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
    "not graded: interrupted": "Grading was stopped (Ctrl-C) before this notebook was graded: "
    "run the same command again to grade what is missing.",
    "worker died": "The grader's own process was killed twice while grading this notebook (for "
    "example by the system when memory ran out), so it has no grade yet; this is not a verdict "
    "on your work. Instructor: run the same command again to grade it (see the "
    "system log, e.g. dmesg, for an out-of-memory kill).",
}

_WORKER: dict = {}


def _stop(signum, frame) -> None:
    """SIGTERM from the main process (Ctrl-C): kill this worker's kernel, then exit at once."""
    from autograder.sandbox.run import kill_marked

    kill_marked("PPO_GRADER_TOKEN", os.environ.get("PPO_GRADER_TOKEN", ""))
    os._exit(1)


def init_worker(template: str, workdir: str, settings: dict, slot: int) -> None:
    """Per process: a private copy of the course, the kernel uid, quiet logs, signal policy.
    A worker that replaces a dead one in ``slot`` starts from a fresh copy."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, _stop)
    root = os.path.join(workdir, f"course-{slot}")
    tmp = os.path.join(workdir, f"tmp-{slot}")  # inside the private work folder: removed with it
    for left in (root, tmp):  # what a dead predecessor left, its gradebook possibly half written
        shutil.rmtree(left, ignore_errors=True)
    shutil.copytree(template, root)
    write_config(root, settings)
    os.chdir(root)
    os.makedirs(tmp, mode=0o700)
    os.environ["TMPDIR"] = tmp
    os.environ.update(
        PPO_GRADER_UID=str(settings["uid_base"] + slot),
        PPO_GRADER_MEMORY_MB=str(settings["memory_mb"]),
        PPO_GRADER_NPROC_MARGIN=str(settings["nproc_margin"]),
        PPO_GRADER_CPU_S=str(settings["cpu_s"]),
        PPO_GRADER_ALLOW_UNISOLATED="1" if settings["allow_unisolated"] else "0",
    )
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # SQLAlchemy chatter from nbgrader's gradebook
    logging.disable(logging.WARNING)  # nbgrader's own log goes to the result dicts, not stderr
    skip_gradebook_fsync()  # this worker's gradebook is a scratch copy
    _WORKER.update(root=root, api=load_api(root), settings=settings)


# --- reading results ---------------------------------------------------------------------------


def error_outputs(nb) -> dict[str, str]:
    """grade_id -> first line of the error its test cell produced."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        grade_id = meta.get("grade_id")
        if cell.cell_type != "code" or not meta.get("grade") or not grade_id:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                value = str(output.get("evalue", "")).strip()
                out[grade_id] = f"{output.get('ename')}: {value}"
                break
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                out[grade_id] = "the test wrote to stderr"
                break
    return out


def _has_error(nb, names: tuple[str, ...]) -> bool:
    """True if a code cell's output is an error named in ``names``."""
    return any(
        output.get("output_type") == "error" and output.get("ename") in names
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def death_note(errors: dict[str, str]) -> str:
    """Where the kernel died, from the test cells' errors in notebook order ("" if none)."""
    for grade_id, text in errors.items():
        if text.startswith("DeadKernelError: not run: "):
            cause = text.removeprefix("DeadKernelError: not run: ").rstrip(".")
            return (
                f"Before test cell {grade_id}, {cause}; the tests before that point keep "
                f"their points."
            )
        if text.startswith("DeadKernelError"):
            return f"It died in test cell {grade_id}; the tests before it keep their points."
    return ""


def died(nb) -> bool:
    """True if the kernel died during the run (the cells after it were not run)."""
    return _has_error(nb, ("DeadKernelError",))


def timed_out(nb) -> bool:
    """True if a cell hit the per-cell time limit (the grader interrupted it)."""
    return _has_error(nb, ("CellTimeoutError", "KeyboardInterrupt"))


def read_gradebook(root: str, lab: str, student: str) -> tuple[list[dict], float]:
    """(cells with score and max_score, the lab's max score); zeros if nothing was recorded."""
    from nbgrader.api import Gradebook, MissingEntry

    cells = []
    with Gradebook(f"sqlite:///{os.path.join(root, 'gradebook.db')}") as gb:
        assignment = gb.find_assignment(lab)
        max_score = float(assignment.max_score)
        try:
            sub = gb.find_submission_notebook(lab, lab, student)
            for g in sorted(sub.grades, key=lambda g: g.name):
                manual = g.cell.cell_type == "markdown"  # written answers: graded by hand
                pending = manual and g.manual_score is None and g.auto_score is None
                cells.append(
                    {
                        "grade_id": g.name,
                        "score": "" if pending else float(g.score or 0.0),
                        "max_score": float(g.max_score),
                        "manual": manual,
                    }
                )
        except MissingEntry:
            for nb in assignment.notebooks:
                for gc in nb.grade_cells:
                    cells.append(
                        {
                            "grade_id": gc.name,
                            "score": 0.0,
                            "max_score": float(gc.max_score),
                            "manual": gc.cell_type == "markdown",
                        }
                    )
    return cells, max_score


# --- feedback pages ----------------------------------------------------------------------------


def _write_errors(fb_dir: str, status: str, errors: dict, notes: list) -> None:
    os.makedirs(fb_dir, exist_ok=True)
    with open(os.path.join(fb_dir, "errors.json"), "w") as f:  # machine-readable, per test
        json.dump({"status": status, "errors": errors, "grader_notes": notes}, f, indent=1)


def message_feedback(out_dir: str, row: dict) -> None:
    """Feedback for a submission that could not be executed: a page with the message."""
    student, lab = row["student_id"], row["assignment_id"]
    fb_dir = os.path.join(out_dir, "feedback", student, lab)
    write_html(os.path.join(fb_dir, f"{lab}.html"), f"{lab}: {row['status']}", row["message"])
    _write_errors(fb_dir, row["status"], {}, [])


# --- one submission ----------------------------------------------------------------------------


def _fmt(sub: discover.Submission) -> dict:
    settings = _WORKER["settings"]
    return {
        "lab": sub.lab,
        "timeout": settings["timeout"],
        "memory": settings["memory_mb"],
        "file": os.path.basename(sub.path or ""),
        "detail": sub.detail,
    }


def _origin_note(sub: discover.Submission) -> str:
    return (
        f" (Student id {sub.student_id} comes from the name {sub.origin!r}.)" if sub.origin else ""
    )


def _problem_row(sub: discover.Submission, status: str, fmt: dict, out_dir: str) -> dict:
    """The row (and a message page) of a submission that is not executed."""
    row = {
        "student_id": sub.student_id,
        "assignment_id": sub.lab,
        "score": 0.0,
        "max_score": 0.0,
        "status": status,
        "message": MESSAGES[status].format(**fmt) + _origin_note(sub),
    }
    if sub.lab != "unknown":
        _, row["max_score"] = read_gradebook(_WORKER["root"], sub.lab, "\0none")
    message_feedback(out_dir, row)
    return row


def load_notebook(path: str):
    """The submitted notebook without outputs or attachments (read only if it is a regular
    file of bounded size and JSON nesting, see :func:`archives.read_json_bytes`)."""
    data = archives.read_json_bytes(path, discover.MAX_NOTEBOOK_BYTES)  # size, depth, no link
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("no cells")  # noqa: TRY004 -- reported as a message
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.pop("attachments", None)
    return nb


def _autograde(sub: discover.Submission, nb, fmt: dict) -> tuple[str, dict, bool]:
    """Run nbgrader autograde: (status, test-cell errors, whether nbgrader succeeded)."""
    root, api = _WORKER["root"], _WORKER["api"]
    lab, student = sub.lab, sub.student_id
    dest = os.path.join(root, "submitted", student, lab)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    with open(os.path.join(dest, f"{lab}.ipynb"), "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    result = api.autograde(lab, student, force=True, create=True)
    log = (result.get("log") or "") + (result.get("error") or "")
    autograded = os.path.join(root, "autograded", student, lab, f"{lab}.ipynb")
    if result["success"] and os.path.exists(autograded):
        executed = nbformat.read(autograded, 4)
        status = (
            "timed out" if timed_out(executed) else "kernel died" if died(executed) else "graded"
        )
        return status, error_outputs(executed), True
    if "CellTimeoutError" in log or "timed out" in log:
        return "timed out", {}, False
    if "DeadKernelError" in log or "kernel died" in log.lower():
        return "kernel died", {}, False
    lines = (result.get("error") or log).strip().splitlines()
    fmt["detail"] = lines[-1][:300] if lines else "unknown"
    return "grader error", {}, False


def _message(
    status: str, cells: list[dict], errors: dict, notes: list, fmt: dict, sub: discover.Submission
) -> tuple[float, str]:
    """(score, the row's message) from the cells' scores."""
    score, max_score = sum(c["score"] for c in cells if c["score"] != ""), fmt["max_score"]
    parts = [] if status == "graded" else [MESSAGES[status].format(**fmt)]
    if status == "kernel died" and death_note(errors):
        parts.append(death_note(errors))
    parts.append(f"{score:g} of {max_score:g} points.")
    failed = [c["grade_id"] for c in cells if not c["manual"] and c["score"] < c["max_score"]]
    if failed:
        reasons = [
            f"{g} ({errors[g].splitlines()[0][:300]})" if errors.get(g) else g for g in failed
        ]
        parts.append(
            "Failed tests: "
            + "; ".join(reasons[:4])
            + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else "")
            + "."
        )
    if any(c["manual"] and c["score"] == "" for c in cells):
        parts.append(marks.written_note(cells))
    unanswered = [c["grade_id"] for c in cells if c["manual"] and c["score"] == 0.0]
    if unanswered and status == "graded":
        parts.append("Written answers not found (0 points): " + ", ".join(unanswered) + ".")
    if notes:
        parts.append(
            f"The grader removed or changed {len(notes)} thing(s) in your cells "
            f"(see the grader notes at the top of your feedback): {notes[0]}"
            + (" ..." if len(notes) > 1 else "")
        )
    if sub.others and sub.path:
        parts.append(
            f"{len(sub.others)} other file(s) for this lab were not graded; graded "
            f"{os.path.basename(sub.path)}."
        )
    return score, " ".join(parts) + _origin_note(sub)


def _keep_answers(out_dir: str, sub: discover.Submission, autograded: str) -> None:
    """The written answers, for the instructor's marking sheet (``python -m autograder marks``)."""
    nb = nbformat.read(autograded, 4)
    marks.save_answers(out_dir, sub.lab, sub.student_id, nb, _WORKER["settings"]["course_root"])


def _feedback(sub: discover.Submission, out_dir: str, row: dict, errors: dict, notes: list) -> None:
    """nbgrader's HTML (with a CSP) when the notebook was autograded, else a message page."""
    root, api, lab, student = _WORKER["root"], _WORKER["api"], sub.lab, sub.student_id
    fb_dir = os.path.join(out_dir, "feedback", student, lab)
    made = False
    autograded = os.path.join(root, "autograded", student, lab, f"{lab}.ipynb")
    if os.path.exists(autograded):
        _keep_answers(out_dir, sub, autograded)
        fb = api.generate_feedback(lab, student, force=True)
        src = os.path.join(root, "feedback", student, lab)
        if fb["success"] and os.path.isdir(src):
            shutil.rmtree(fb_dir, ignore_errors=True)
            shutil.copytree(src, fb_dir)
            for name in os.listdir(fb_dir):
                if name.endswith(".html"):
                    harden_html(os.path.join(fb_dir, name))
            made = True
    if not made:
        write_html(os.path.join(fb_dir, f"{lab}.html"), f"{lab}: {row['status']}", row["message"])
    _write_errors(fb_dir, row["status"], errors, notes)


def grade_one(sub: discover.Submission, out_dir: str) -> tuple[dict, list[dict]]:
    """The grades.csv row and the cells.csv rows of one submission (feedback written)."""
    root, lab, student = _WORKER["root"], sub.lab, sub.student_id
    fmt = _fmt(sub)
    if sub.problem or sub.path is None:  # (no problem means a path)
        return _problem_row(sub, sub.problem, fmt, out_dir), []
    try:
        nb = load_notebook(sub.path)
    except Exception as exc:  # noqa: BLE001 -- any unreadable file becomes a row
        fmt["detail"] = f"{type(exc).__name__}: {str(exc)[:120]}"
        return _problem_row(sub, "unreadable file", fmt, out_dir), []
    status, errors, success = _autograde(sub, nb, fmt)
    cells, max_score = read_gradebook(root, lab, student)
    fmt["max_score"] = max_score
    if not success:  # nothing was verified: the verdicts of a finished run are the grader's own
        for c in cells:
            if not c["manual"]:
                c["score"] = 0.0
    notes_file = os.path.join(root, "grader_notes", student, lab, f"{lab}.json")
    notes = []
    if os.path.exists(notes_file):
        with open(notes_file) as f:
            notes = json.load(f)["notes"]
    score, message = _message(status, cells, errors, notes, fmt, sub)
    row = {
        "student_id": student,
        "assignment_id": lab,
        "score": score,
        "max_score": max_score,
        "status": status,
        "message": message,
    }
    _feedback(sub, out_dir, row, errors, notes)
    return row, [
        {
            "student_id": student,
            "assignment_id": lab,
            "grade_id": c["grade_id"],
            "score": c["score"],
            "max_score": c["max_score"],
            "message": cell_message(c, errors),
        }
        for c in cells
    ]


CELL_MESSAGE_CHARS = 300
"""What ``cells.csv`` keeps of a failed test's message: one line of at most this many
characters. The checks put first what to fix first (an earlier function that fails its own
tests), so the cut never loses it."""


def cell_message(cell: dict, errors: dict) -> str:
    """``cells.csv``'s message of a test cell: its error on one line, capped; "" when the test
    passed or the cell is a written answer."""
    if cell["manual"] or cell["score"] == "" or cell["score"] >= cell["max_score"]:
        return ""
    text = " ".join(str(errors.get(cell["grade_id"], "")).split())
    if len(text) > CELL_MESSAGE_CHARS:
        text = text[: CELL_MESSAGE_CHARS - 3].rstrip() + "..."
    return text


def failure_row(sub: discover.Submission, detail: str, status: str = "grader error") -> dict:
    """The row of a submission whose grading raised (or, with ``status="worker died"``, whose
    worker died twice)."""
    return {
        "student_id": sub.student_id,
        "assignment_id": sub.lab,
        "score": 0.0,
        "max_score": 0.0,
        "status": status,
        "message": MESSAGES[status].format(detail=detail[:300]),
    }


TEST_KILL = "PPO_GRADER_TEST_KILL"
"""Tests only: the student id whose grading SIGKILLs its worker, as the OOM killer would. Only
the tests of dying workers set this variable; a run without it is unaffected."""


def grade_safely(sub: discover.Submission, out_dir: str) -> tuple[dict, list[dict]]:
    """:func:`grade_one`; a broken submission becomes a ``grader error`` row, never a crash."""
    if os.environ.get(TEST_KILL) and os.environ.get(TEST_KILL) == sub.student_id:
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        return grade_one(sub, out_dir)
    except Exception as exc:  # noqa: BLE001 -- one broken submission never stops the rest
        traceback.print_exc(file=sys.stderr)
        return failure_row(sub, f"{type(exc).__name__}: {exc}"), []
