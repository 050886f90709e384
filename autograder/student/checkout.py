"""What every part of the student build reads: the course's checkout it is built from and the
exercise registry. :mod:`autograder.student.build` and :mod:`autograder.student.checks` both
import it, so neither imports the other for it.
"""

from __future__ import annotations

from pathlib import Path

from ppo_core import exercises

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKOUT = ("pyproject.toml", "notebooks", "ppo_core", "ppo_viz")
"""What the build reads from the course's checkout; an installed wheel has no pyproject.toml and
no ``notebooks/`` (the release's visible test cells, read by :mod:`autograder.student.checks`)."""


def require_checkout() -> None:
    """Raise ``RuntimeError`` saying what to do when this autograder is not in a checkout."""
    missing = [name for name in CHECKOUT if not (REPO_ROOT / name).exists()]
    if missing:
        raise RuntimeError(
            f"the student package is built from a checkout of the course, and this "
            f"autograder is not in one: {REPO_ROOT} has no {', '.join(missing)}. Run "
            f"build-student-package in a git checkout of the course (with `pip install -e .` "
            f"there, or PYTHONPATH set to it)."
        )


def exercise_labs() -> dict[str, str]:
    """``{function: lab}`` for every exercise function."""
    return {e.name: e.lab for e in exercises.EXERCISES}
