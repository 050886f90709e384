"""``python -m autograder build-student-package``: the student build as a source tree and a wheel.

:func:`build_student_package` writes

* ``OUT/src/``: the tree of :func:`autograder.student.build.build_student_tree`, with its own
  ``pyproject.toml`` and ``README.md`` (:mod:`autograder.student.metadata`); an instructor can
  publish it as a git branch for Colab's install cell;
* ``OUT/dist/ppo_course-<version>+student-py3-none-any.whl``, built from a copy of ``src``
  without network (``pip wheel --no-deps --no-build-isolation``).

Before the wheel is built, :func:`autograder.student.leak_scan.scan_build` looks for every answer of
the open course in the tree and refuses to go on if it finds one.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.student.build import LAB5, build_student_tree
from autograder.student.checkout import REPO_ROOT, exercise_labs
from autograder.student.leak_scan import Leak, answers_of, key_leaks, scan_build


class LeakFound(RuntimeError):
    """A student build contains code of an answer."""


@dataclass
class StudentPackage:
    """What :func:`build_student_package` wrote."""

    src: Path
    wheel: Path
    withheld: list[str]
    revealed: list[str]
    labs: list[str] = field(default_factory=list)


def build_wheel(src: Path, dist: Path) -> Path:
    """Build the wheel of ``src`` into ``dist`` from a copy (setuptools writes ``build/`` and
    ``*.egg-info`` next to the sources), without network or build isolation."""
    if importlib.util.find_spec("setuptools") is None:
        raise RuntimeError(
            "building the wheel needs setuptools in this environment: "
            f"{sys.executable} -m pip install setuptools"
        )
    dist.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(src, copy)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "-q",
                "-w",
                str(dist),
                str(copy),
            ],
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise RuntimeError(f"pip wheel failed:\n{done.stdout}{done.stderr}")
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"pip wheel wrote {[w.name for w in wheels]} into {dist}, not one wheel")
    return wheels[0]


def check_out(out: Path) -> None:
    """``out`` must be missing or empty: a build never overwrites anything."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(
            f"--out {out} is not an empty folder: give a new or empty folder "
            f"(nothing is overwritten)"
        )


def leaks_in(src: Path, reveal: Iterable[str] = ()) -> list[Leak]:
    """Every answer of the open course (except the revealed labs') found in the tree ``src``."""
    answers = answers_of(REPO_ROOT, exercise_labs(), reveal)
    leaks = scan_build(src, answers)
    if LAB5 not in set(reveal):
        from autograder.checks.lab5_diagnostics import diagnosis_key

        leaks += key_leaks(src, diagnosis_key())
    return leaks


def build_student_package(
    out: Path, reveal: Iterable[str] = (), checks_writer: Callable[[Path], None] | None = None
) -> StudentPackage:
    """Write ``out/src`` and ``out/dist/<wheel>``; raise :class:`LeakFound` (no wheel) if the
    tree contains an answer. ``checks_writer`` as in ``build_student_tree``."""
    out, reveal = Path(out), sorted(set(reveal))
    check_out(out)
    try:
        src = build_student_tree(out, reveal, checks_writer)
    except BaseException:  # a half-written tree is of no use: out was empty, remove ours
        shutil.rmtree(out / "src", ignore_errors=True)
        raise
    withheld = sorted(read_withheld(src))
    leaks = leaks_in(src, reveal)
    if leaks:
        raise LeakFound(
            f"{len(leaks)} answer(s) in the student build {src}, no wheel built:\n"
            + "\n".join(f"  {leak.path}: {leak.origin}: {leak.excerpt}" for leak in leaks)
        )
    wheel = build_wheel(src, out / "dist")
    labs = sorted(set(exercise_labs().values()))
    return StudentPackage(src, wheel, withheld, reveal, labs)


def read_withheld(src: Path) -> list[str]:
    """The names in ``WITHHELD`` of the build's ``ppo_core/_withheld.py`` (one per line)."""
    text = (src / "ppo_core" / "_withheld.py").read_text()
    return re.findall(r"^    '(\w+)',$", text, re.M)
