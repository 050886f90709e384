"""The student build of the course package: the library without the answers.

A graded class hands learners a copy of ``ppo_core`` in which what the learner writes of every
exercise function (its body after the docstring and the input checks, as
:mod:`autograder.student.regions` finds it) is replaced by a stub that raises
``ppo_core.exercises.Withheld`` (a ``NotImplementedError``) naming the lab and the exercise, as
nbgrader does for the release notebooks. Labs named in ``reveal`` keep their reference code
(publish a lab's solutions after its deadline).
``ppo_core/_withheld.py`` of the build lists what was withheld.

Two more parts of the open library would give answers away, so the build leaves them out:

* ``ppo_core/fast/``, the opt-in speed layer: it writes the update, the loss and the rollout
  again in another form (``PPOConfig(fast=True)`` then says how to get it);
* Lab 5's answer key: the recorded runs are shipped under their labels only
  (:mod:`autograder.student.runs`), unless ``lab5_diagnostics`` is revealed.

:mod:`autograder.student.package` turns the tree into a wheel.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from autograder.student.checkout import REPO_ROOT, exercise_labs, require_checkout
from autograder.student.checks import write_student_checks
from autograder.student.metadata import pyproject, readme
from autograder.student.regions import regions
from autograder.student.runs import anonymise_runs
from ppo_core import exercises

LEFT_OUT = ("fast",)
"""Subpackages of ``ppo_core`` a student build leaves out: the speed layer computes the update,
the loss and the rollout again in its own form (Labs 2-4's answers)."""
LAB5 = "lab5_diagnostics"
STUDENT_KERNEL_MODULES = ("__init__.py", "wire.py", "spies.py")
"""The modules of ``autograder/kernel`` the visible checks import: the plain-data format (its
``Refused``) and ``ppo_update``'s spies."""
"""The lab whose answer key (which recorded run has which fault) is data, not a region."""

_STUB = """\
{indent}from ppo_core.exercises import Withheld

{indent}raise Withheld("{name}")  # {lab_title}: write it in the lab's notebook
"""


def lab_title(lab: str) -> str:
    """``"lab2_gae"`` -> ``"Lab 2"``."""
    return exercises.lab(lab).name


def withhold(
    source: str,
    labs: dict[str, str],
    reveal: Iterable[str] = (),
    module: str = "",
    filename: str = "<source>",
) -> tuple[str, list[str]]:
    """``source``, the library's module ``module``, with what the learner writes of each of its
    exercises (:func:`autograder.student.regions.regions`) replaced by a stub; also the functions
    withheld. Exercises whose lab is in ``reveal`` are kept."""
    reveal = set(reveal)
    lines = source.splitlines(keepends=True)
    withheld: list[str] = []
    for region in reversed(regions(source, module, filename)):
        if labs[region.name] in reveal:
            continue
        first = lines[region.first - 1]
        stub = _STUB.format(
            indent=first[: len(first) - len(first.lstrip())],
            name=region.name,
            lab_title=lab_title(labs[region.name]),
        )
        lines[region.first - 1 : region.last] = [stub]
        withheld.insert(0, region.name)
    return "".join(lines), withheld


def _library_ignore(source_dir: Path) -> Callable[[str, list[str]], set[str]]:
    """``copytree``'s ignore: caches everywhere, and the speed layer ``ppo_core/fast``."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        """The names in ``folder`` not to copy."""
        left_out = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
        if Path(folder) == source_dir:
            left_out |= set(LEFT_OUT) & set(names)
        return left_out

    return ignore


def _withheld_module(names: list[str]) -> str:
    """The source of the build's ``ppo_core/_withheld.py``."""
    listed = "".join(f"    {name!r},\n" for name in sorted(names))
    return (
        '"""Exercise functions this student build of the library leaves to the learner '
        '(written by\n``python -m autograder build-student-package``)."""\n\n'
        f"WITHHELD: frozenset[str] = frozenset({{\n{listed}}})\n"
    )


def write_library(dest: Path, reveal: Iterable[str] = ()) -> list[str]:
    """Copy ``ppo_core`` into ``dest/ppo_core`` with the answers withheld; return their names."""
    labs = exercise_labs()
    unknown = set(reveal) - set(labs.values())
    if unknown:
        raise ValueError(
            f"--reveal {sorted(unknown)}: no such lab; the labs are {sorted(set(labs.values()))}"
        )
    source_dir = REPO_ROOT / "ppo_core"
    target = dest / "ppo_core"
    shutil.copytree(source_dir, target, ignore=_library_ignore(source_dir))
    withheld: list[str] = []
    for path in sorted(target.glob("*.py")):  # the exercises' modules: ppo_core/<module>.py
        text = path.read_text()
        new_text, names = withhold(text, labs, reveal, path.stem, str(path))
        path.write_text(new_text)
        withheld.extend(names)
    (target / "_withheld.py").write_text(_withheld_module(withheld))
    if LAB5 not in set(reveal):
        from autograder.checks.lab5_diagnostics import diagnosis_key

        anonymise_runs(dest, diagnosis_key())
    return withheld


def build_student_tree(
    out: Path, reveal: Iterable[str] = (), checks_writer: Callable[[Path], None] | None = None
) -> Path:
    """Write the student build's source tree under ``out/src`` and return that folder: the
    library without the answers, ``ppo_viz``, the visible checks, a ``pyproject.toml`` and a
    README (``pip install out/src`` works).

    ``checks_writer(dest)`` writes the student version of ``autograder/checks`` into ``dest``.
    """
    require_checkout()
    src = Path(out) / "src"
    if src.exists():
        raise FileExistsError(f"{src} exists: give an empty --out folder (nothing is overwritten)")
    src.mkdir(parents=True)
    withheld = write_library(src, reveal)
    shutil.copytree(
        REPO_ROOT / "ppo_viz",
        src / "ppo_viz",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    if checks_writer is None:
        checks_writer = write_student_checks
    (src / "autograder").mkdir()
    (src / "autograder" / "__init__.py").write_text(
        '"""The learner\'s side of the course autograder: the visible checks only."""\n'
    )
    checks_writer(src / "autograder" / "checks")
    kernel = src / "autograder" / "kernel"  # what the checks import of it (no grading code)
    kernel.mkdir()
    for name in STUDENT_KERNEL_MODULES:
        shutil.copy(REPO_ROOT / "autograder" / "kernel" / name, kernel / name)
    (src / "README.md").write_text(readme(withheld, reveal))
    (src / "pyproject.toml").write_text(pyproject(src))
    return src
