"""Where the grader finds the course it grades: the labs' nbgrader sources.

Grading needs only ``solutions/<lab>/<lab>.ipynb`` (solutions, hidden tests, points): the grader
generates each lab's release from them in its private working course
(:mod:`autograder.grading.grade`), and the kernels import the installed ``ppo_core``. A *course
root* is a folder holding ``solutions/``; :func:`find` takes the first of

1. the folder given as ``--course PATH``, e.g. a checkout whose labs differ from the installed
   ones;
2. the copy installed with the autograder: ``pyproject.toml`` maps ``solutions/`` to the package
   ``autograder.solutions`` (``[tool.setuptools.package-dir]``), so a wheel carries the sources as
   ``autograder/solutions/<lab>/<lab>.ipynb`` without a second copy in git, and the installed
   package folder is itself a course root;
3. the checkout this autograder was imported from (``autograder/`` beside ``solutions/``): a git
   checkout run in place, or an editable install, whose package folder has no ``solutions/``.

The installed copy comes before the folder above the package: installed, that folder is
``site-packages``, where a ``solutions/`` would belong to something else.
"""

from __future__ import annotations

import os

SOURCE = "solutions"
# The autograder package's folder (this module is in its grading/ subpackage).
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTED = f"{SOURCE}/<lab>/<lab>.ipynb"


class CourseNotFound(FileNotFoundError):
    """No course where one was asked for or expected; the message says what was expected."""


def _labs_in(folder: str) -> list[str]:
    """The labs ``<lab>`` of ``folder/<lab>/<lab>.ipynb``, sorted; none if it is no folder."""
    if not os.path.isdir(folder):
        return []
    return sorted(
        d for d in os.listdir(folder) if os.path.isfile(os.path.join(folder, d, f"{d}.ipynb"))
    )


def labs(root: str) -> list[str]:
    """The labs of the course at ``root``: ``solutions/<lab>/<lab>.ipynb``."""
    return _labs_in(os.path.join(root, SOURCE))


def _given(path: str) -> str:
    """``--course PATH`` as a course root, or :class:`CourseNotFound` saying what is wrong."""
    root = os.path.abspath(path)
    if labs(root):
        return root
    if not os.path.isdir(root):
        problem = "no such folder"
    elif _labs_in(root):
        problem = (
            f"this is the {SOURCE}/ folder itself; give the folder that holds it, "
            f"{os.path.dirname(root)}"
        )
    else:
        problem = f"no {EXPECTED} in it"
    raise CourseNotFound(
        f"--course {path}: {problem}. --course takes the folder that holds the labs' nbgrader "
        f"sources as {EXPECTED} (a checkout of the course); leave it out to grade the course "
        f"installed with the autograder."
    )


def find(path: str | None = None) -> str:
    """The course root to grade: ``path`` if given, else the installed copy, else the checkout
    around this package (see the module docstring)."""
    if path is not None:
        return _given(path)
    for root in (PACKAGE, os.path.dirname(PACKAGE)):
        if labs(root):
            return root
    raise CourseNotFound(
        f"no course to grade: this autograder ({PACKAGE}) holds no {EXPECTED} and is not "
        f"inside a checkout of the course. Install it from a wheel of the course (the wheel "
        f"carries the labs), or give --course PATH, the folder that holds {EXPECTED}."
    )
