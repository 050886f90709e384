"""``python -m autograder build-student-package``: the student build as a source tree and a wheel.

:func:`build_student_package` writes

* ``OUT/src/``: the tree of :func:`autograder.student_build.build_student_tree` with its own
  ``pyproject.toml`` (the distribution ``ppo-course``, version ``<version>+student``, the import
  names of the open package, the dependencies a learner needs) and a short ``README.md``; an
  instructor can publish it as a git branch for Colab's install cell;
* ``OUT/dist/ppo_course-<version>+student-py3-none-any.whl``, built from a copy of ``src``
  without network (``pip wheel --no-deps --no-build-isolation``).

Before the wheel is built, :func:`autograder.leak_scan.scan_build` looks for every answer of
the open course in the tree and refuses to go on if it finds one.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.leak_scan import Leak, answers_of, key_leaks, scan_build
from autograder.student_build import LAB5, REPO_ROOT, build_student_tree, exercise_labs

GRADER_ONLY = ("jupyterlab", "nbgrader", "bleach")
"""Dependencies of the open package a learner does not need: grading happens on the
instructor's side (nbgrader, bleach for feedback pages); JupyterLab is the extra ``lab``, as
Colab brings its own front end (and installs the course with ``--no-deps``)."""


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


def _quoted_list(text: str, key: str) -> list[str]:
    """The strings of the TOML array ``key = [...]`` in ``text`` (the open pyproject.toml; no
    TOML parser needed, which Python 3.10 lacks). Brackets inside strings are no end."""
    start = re.search(rf"^{re.escape(key)} = \[", text, re.M)
    if start is None:
        raise ValueError(f"pyproject.toml has no {key} = [...]: update "
                         f"autograder/student_package.py")
    items = []
    for token in re.findall(r'"[^"]*"|#[^\n]*|\]', text[start.end():]):
        if token == "]":
            return items
        if token.startswith('"'):
            items.append(token[1:-1])
    raise ValueError(f"pyproject.toml: {key} = [ is never closed")


def _package_layout(src: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The packages under ``src`` (folders with ``__init__.py``) and, per package, its data
    files (every other file below it that no subpackage holds)."""
    packages = sorted(".".join(p.parent.relative_to(src).parts)
                      for p in src.rglob("__init__.py") if "__pycache__" not in p.parts)
    data: dict[str, list[str]] = {}
    for path in sorted(src.rglob("*")):
        relative = path.relative_to(src)
        if path.is_dir() or path.suffix in (".py", ".pyc") or len(relative.parts) < 2:
            continue
        owner = max((p for p in packages if relative.parts[:len(p.split("."))]
                     == tuple(p.split("."))), key=len)
        data.setdefault(owner, []).append(
            "/".join(relative.parts[len(owner.split(".")):]))
    return packages, data


def _toml_list(items: Iterable[str], indent: str = "    ") -> str:
    return "[\n" + "".join(f'{indent}"{item}",\n' for item in items) + "]"


def pyproject(src: Path) -> str:
    """The student build's ``pyproject.toml`` for the tree ``src``: the open package's version
    with the local label ``+student``, its dependencies but :data:`GRADER_ONLY`."""
    text = (REPO_ROOT / "pyproject.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    dependencies = _quoted_list(text, "dependencies")
    runtime = [d for d in dependencies if not d.startswith(GRADER_ONLY)]
    lab = [d for d in dependencies if d.startswith("jupyterlab")]
    packages, data = _package_layout(src)
    package_data = "".join(f'"{package}" = {_toml_list(files)}\n'
                           for package, files in sorted(data.items()))
    return f'''# The student build of the PPO course (python -m autograder build-student-package).
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "ppo-course"
version = "{version}+student"
description = "The PPO course's library for a graded class: the exercises are left to you."
readme = "README.md"
requires-python = ">=3.10"
license = {{ text = "MIT" }}
dependencies = {_toml_list(runtime)}

[project.optional-dependencies]
# Colab brings torch, numpy, matplotlib, ipywidgets, tqdm and imageio: install with --no-deps.
colab = {_toml_list(_quoted_list(text, "colab"))}
# A local Jupyter to open the labs in.
lab = {_toml_list(lab)}

[project.scripts]
ppo-core = "ppo_core.cli:main"

[tool.setuptools]
packages = {_toml_list(packages)}

[tool.setuptools.package-data]
{package_data}'''


README = """# PPO course: the student build

This is the course's small PPO library, `ppo_core`, as your class uses it: the functions you
write in the labs are left to you. Calling one before you have written it raises
`NotImplementedError`, naming its lab; `ppo_core.plug_in(compute_gae=compute_gae)` lets the
library (networks, rollout, update, training) call your version.

{withheld}

Install it here with `pip install ".[lab]"` (`[lab]` adds JupyterLab), or the wheel the same
way; on Colab each lab's first cell installs it. The visible tests of the labs come with it
(`autograder.checks`); your instructor grades with the full course.
"""


def _build_wheel(src: Path, dist: Path) -> Path:
    """Build the wheel of ``src`` into ``dist`` from a copy (setuptools writes ``build/`` and
    ``*.egg-info`` next to the sources), without network or build isolation."""
    if importlib.util.find_spec("setuptools") is None:
        raise RuntimeError("building the wheel needs setuptools in this environment: "
                           f"{sys.executable} -m pip install setuptools")
    dist.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(src, copy)
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                               "--no-build-isolation", "--no-index", "-q", "-w", str(dist),
                               str(copy)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip wheel failed:\n{done.stdout}{done.stderr}")
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"pip wheel wrote {[w.name for w in wheels]} into {dist}, not one wheel")
    return wheels[0]


def _check_out(out: Path) -> None:
    """``out`` must be missing or empty: a build never overwrites anything."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"--out {out} is not an empty folder: give a new or empty folder "
                              f"(nothing is overwritten)")


def leaks_in(src: Path, reveal: Iterable[str] = (), skip: Iterable[str] = ()) -> list[Leak]:
    """Every answer of the open course (except the revealed labs') found in the tree ``src``;
    files under the folders ``skip`` (relative to ``src``) are not read."""
    answers = answers_of(REPO_ROOT, exercise_labs(), reveal)
    leaks = scan_build(src, answers)
    if LAB5 not in set(reveal):
        from autograder.checks.lab5_diagnostics import diagnosis_key

        leaks += key_leaks(src, diagnosis_key())
    return [leak for leak in leaks
            if not any(leak.path.startswith(folder.rstrip("/") + "/") for folder in skip)]


def build_student_package(out: Path, reveal: Iterable[str] = (),
                          checks_writer: Callable[[Path], None] | None = None,
                          scan_skip: Iterable[str] = ()) -> StudentPackage:
    """Write ``out/src`` and ``out/dist/<wheel>``; raise :class:`LeakFound` (no wheel) if the
    tree contains an answer. ``checks_writer`` as in ``build_student_tree``; ``scan_skip``:
    folders of the tree the leak scan leaves out (tests with a stand-in checks writer)."""
    out, reveal = Path(out), sorted(set(reveal))
    _check_out(out)
    src = build_student_tree(out, reveal, checks_writer)
    withheld = sorted(read_withheld(src))
    listed = (f"Left to you in this build: {', '.join(withheld) or 'nothing'}. Revealed by "
              f"your instructor: {', '.join(reveal) or 'no lab'}.")
    (src / "README.md").write_text(README.format(withheld=textwrap.fill(listed, 96)))
    (src / "pyproject.toml").write_text(pyproject(src))
    leaks = leaks_in(src, reveal, scan_skip)
    if leaks:
        raise LeakFound(f"{len(leaks)} answer(s) in the student build {src}, no wheel built:\n"
                        + "\n".join(f"  {leak.path}: {leak.origin}: {leak.excerpt}"
                                    for leak in leaks))
    wheel = _build_wheel(src, out / "dist")
    labs = sorted(set(exercise_labs().values()))
    return StudentPackage(src, wheel, withheld, reveal, labs)


def read_withheld(src: Path) -> list[str]:
    """The names in ``WITHHELD`` of the build's ``ppo_core/_withheld.py`` (one per line)."""
    text = (src / "ppo_core" / "_withheld.py").read_text()
    return re.findall(r"^    '(\w+)',$", text, re.M)
