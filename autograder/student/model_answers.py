"""``python -m autograder model-answers LAB --out DIR``: a lab's solutions for learners to read
after its deadline.

The notebook is the lab's nbgrader source (``solutions/<lab>/<lab>.ipynb`` of the course the
grader finds, :func:`autograder.grading.course.find`) made readable: the reference code stays in
the exercise cells and the model answers in the written ones, without nbgrader's solution
markers; the hidden tests (``### BEGIN HIDDEN TESTS`` regions) are removed, and with them any
cell that held nothing else; no cell keeps nbgrader's grading metadata (points, grade ids,
locks), which would make a learner's Jupyter treat it as an assignment. The visible test cells
stay: they run the checks a learner ran. With ``--repo-url`` (the address given to ``release``)
its Colab badge and install cell point to the instructor's repository or wheel, as the class's
released notebooks do; without it, to this course's.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder.grading.course import find
from ppo_core import exercises

HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.M | re.S
)
SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
BANNER = (
    "**Model answers** of {title}, released by your instructor after the deadline: the "
    "reference code is in each exercise cell and a model answer under each written question. "
    "Compare them with your own work; the hidden tests of grading are not included."
)


class UnknownLab(ValueError):
    """A lab that is not one of the course's."""


def check_lab(lab: str) -> str:
    """``lab`` if it is one of the course's labs, else :class:`UnknownLab` listing them."""
    known = [each.id for each in exercises.LABS]
    if lab not in known:
        raise UnknownLab(f"no lab {lab!r}: the labs are {', '.join(known)}")
    return lab


def _readable(cell: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """``cell`` without hidden tests, solution markers and grading metadata; None if nothing of
    it is left."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    source = HIDDEN.sub("", cell.source)
    if meta.get("solution"):
        source = SOLUTION_MARKER.sub("", source)
        if cell.cell_type == "markdown":
            source = "**Model answer.** " + source
    if source.strip() == "" and cell.source.strip() != "":
        return None
    cell.source = source.rstrip("\n")
    cell.metadata = {}
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def model_answers(
    lab: str, course_root: str | None = None, repo_url: str | None = None
) -> nbformat.NotebookNode:
    """The learner-readable notebook of ``lab``'s solutions (pointing to ``repo_url``)."""
    check_lab(lab)
    path = Path(find(course_root)) / "solutions" / lab / f"{lab}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    if repo_url is not None:
        from autograder.student import release  # imports the checkout's notebook kit

        release.check_url(repo_url)
        labkit = release.notebook_kit()
        nb = labkit.with_release(nb, lab, labkit.Release(repo_url=repo_url))
    cells = [c for c in (_readable(cell) for cell in nb.cells) if c is not None]
    banner = nbformat.v4.new_markdown_cell(BANNER.format(title=exercises.lab(lab).name))
    banner["id"] = "model-answers"
    nb.cells = [banner, *cells]
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    nbformat.validate(nb)
    return nb


def write_model_answers(
    lab: str, out: Path, course_root: str | None = None, repo_url: str | None = None
) -> Path:
    """Write ``out/<lab>_model_answers.ipynb``; never over an existing file."""
    nb = model_answers(lab, course_root, repo_url)
    target = Path(out) / f"{lab}_model_answers.ipynb"
    if target.exists():
        raise FileExistsError(
            f"{target} exists: remove it or give another --out (nothing is overwritten)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))
    return target
