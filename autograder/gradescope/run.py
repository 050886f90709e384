"""``python -m autograder.gradescope.run``: what ``run_autograder`` starts in a container.

Gradescope unpacks the package of :mod:`autograder.gradescope.build` into ``ROOT/source``, puts
the learner's files into ``ROOT/submission`` and uploads ``ROOT/results/results.json``
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, "File hierarchy"). ROOT is
``$AUTOGRADER_ROOT``, default ``/autograder``.

The run, as root: ``source/`` and ``results/`` become root-only (mode 700); the submission is
copied into a private folder as the files of one student (regular files and folders only; any
notebook name, zips opened: the discovery of ``python -m autograder grade``) and graded by that
same pipeline, in the same sandbox, with the same points (:func:`autograder.grading.grade.grade`).
The kernel runs as an unprivileged uid on the lab's kernel tree (the library without the lab's
answers); where the container has no namespaces the sandbox keeps the uid alone
(``PPO_GRADER_UID_ONLY=1``), and it still refuses to run a kernel as root. The verdicts are
computed by the grader's processes, as root, out of the kernel's reach.

``results.json`` is always written: a failure of the grader itself gives score 0 and the error
for the instructor (:func:`autograder.gradescope.results.crash`).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
import time
import traceback

from autograder.gradescope import results
from autograder.grading import archives

DEFAULT_ROOT = "/autograder"
STUDENT = "submission"  # the one student of a container: the folder name discovery sees


def autograder_root() -> str:
    return os.environ.get("AUTOGRADER_ROOT") or DEFAULT_ROOT


def _regular_or_folder(folder: str, names: list[str]) -> list[str]:
    """``copytree``'s ignore: only regular files and folders are copied. A link (a submission
    pulled from a git repository may hold one) would be read by this root process, e.g. one
    named after the lab that points at the solutions; FIFOs and devices may hang a reader."""
    return [n for n in names if archives.classify(os.path.join(folder, n))[0] == "other"]


def lock_down(root: str) -> str:
    """Make the library and the results root-only; the results folder."""
    out = os.path.join(root, "results")
    os.makedirs(out, exist_ok=True)
    for folder in (os.path.join(root, "source"), out):
        if os.path.isdir(folder):
            os.chmod(folder, 0o700)
    return out


def the_lab(source: str) -> str:
    """The lab this package grades: the one ``solutions/<lab>/<lab>.ipynb`` it carries."""
    from autograder.grading import course

    labs = course.labs(source)
    if len(labs) != 1:
        raise RuntimeError(
            f"{source} holds {len(labs)} labs ({', '.join(labs) or 'none'}): a Gradescope "
            f"package carries exactly one; rebuild it with python -m autograder gradescope LAB"
        )
    return labs[0]


def kernel_folders() -> str:
    """A folder the kernel's uid may traverse (mode 711: not list) for the kernels' working
    folders and the lab's kernel tree; the grading run's own folders are root-only."""
    parent = tempfile.mkdtemp(prefix="ppo-gradescope-kernels-")
    os.chmod(parent, 0o711)
    os.environ["PPO_GRADER_KERNEL_PARENT"] = parent
    os.environ["PPO_GRADER_CACHE"] = os.path.join(parent, "trees")
    os.environ.setdefault("PPO_GRADER_UID_ONLY", "1")
    return parent


def _lab_rows(out: str, lab: str) -> tuple[list[dict], list[dict]]:
    """The grades.csv rows and cells.csv rows that ``grade`` wrote into ``out`` for ``lab``."""
    with open(os.path.join(out, "grades.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out, "cells.csv"), encoding="utf-8") as f:
        cells = [c for c in csv.DictReader(f) if c["assignment_id"] == lab]
    return rows, cells


def _errors(out: str, row: dict) -> dict:
    path = os.path.join(out, "feedback", row["student_id"], row["assignment_id"], "errors.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f).get("errors", {})


def _no_notebook(lab: str, rows: list[dict]) -> dict:
    """The row of a submission without a notebook of ``lab``: the other rows' messages."""
    from autograder.grading.worker import MESSAGES

    messages = [r["message"] for r in rows if r.get("message")]
    return {
        "student_id": STUDENT,
        "assignment_id": lab,
        "status": "missing notebook",
        "message": " ".join(messages) or MESSAGES["missing notebook"].format(lab=lab),
    }


def grade_submission(root: str, out: str) -> dict:
    """Grade ``root/submission`` into the private folder ``out``; the results.json object."""
    from autograder.grading.grade import grade

    source = os.path.join(root, "source")
    lab = the_lab(source)
    cells = results.lab_cells(os.path.join(source, "solutions", lab, f"{lab}.ipynb"))
    subs = os.path.join(out, "submissions")
    shutil.copytree(
        os.path.join(root, "submission"),
        os.path.join(subs, STUDENT),
        symlinks=True,
        ignore=_regular_or_folder,
    )
    try:
        grade(subs, os.path.join(out, "graded"), jobs=1, progress=False, course_root=source)
    except FileNotFoundError as exc:  # discovery found no notebook at all
        return results.from_grading(_no_notebook(lab, [{"message": str(exc)}]), [], {}, cells)
    rows, cell_rows = _lab_rows(os.path.join(out, "graded"), lab)
    mine = sorted(
        (r for r in rows if r["assignment_id"] == lab), key=lambda r: r["status"] != "graded"
    )
    row = mine[0] if mine else _no_notebook(lab, rows)
    cell_rows = [c for c in cell_rows if c["student_id"] == row["student_id"]]
    return results.from_grading(row, cell_rows, _errors(os.path.join(out, "graded"), row), cells)


def main() -> int:
    """Grade, and write results.json whatever happens; 0, or 1 when the grader failed."""
    started = time.monotonic()
    root = autograder_root()
    path = os.path.join(root, "results", "results.json")
    code, folders = 0, []
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        lock_down(root)
        folders = [tempfile.mkdtemp(prefix="ppo-gradescope-"), kernel_folders()]
        data = grade_submission(root, folders[0])
    except BaseException as exc:  # noqa: BLE001 -- Gradescope gets a results.json in any case
        traceback.print_exc(file=sys.stdout)  # results/stdout: the instructor's log
        data, code = results.crash(f"{type(exc).__name__}: {exc}"), 1
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    data["execution_time"] = round(time.monotonic() - started, 1)
    results.write(path, data)
    print(f"score {data['score']:g}: {data['output']}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
