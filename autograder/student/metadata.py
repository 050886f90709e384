"""The files that make a student build's source tree a package: ``pyproject.toml`` and README.

The ``pyproject.toml`` keeps the open package's distribution name (``ppo-course``) and import
names, takes its version with the local label ``+student`` (``pip list`` shows which build is
installed), and its dependencies without those only the grading side needs
(:data:`GRADER_ONLY`). Packages and data files are listed from the tree as written, so whatever
the checks writer adds (data files included) is packaged.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from autograder.student.checkout import REPO_ROOT

GRADER_ONLY = ("jupyterlab", "nbgrader", "bleach")
"""Dependencies of the open package a learner does not need: grading happens on the
instructor's side (nbgrader, bleach for feedback pages); JupyterLab is the extra ``lab``, as
Colab brings its own front end (and installs the course with ``--no-deps``)."""


def _quoted_list(text: str, key: str) -> list[str]:
    """The strings of the TOML array ``key = [...]`` in ``text`` (the open pyproject.toml; no
    TOML parser needed, which Python 3.10 lacks). Brackets inside strings are no end."""
    start = re.search(rf"^{re.escape(key)} = \[", text, re.M)
    if start is None:
        raise ValueError(
            f"pyproject.toml has no {key} = [...]: update autograder/student/package.py"
        )
    items: list[str] = []
    for token in re.findall(r'"[^"]*"|#[^\n]*|\]', text[start.end() :]):
        if token == "]":
            return items
        if token.startswith('"'):
            items.append(token[1:-1])
    raise ValueError(f"pyproject.toml: {key} = [ is never closed")


def _package_layout(src: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The packages under ``src`` (folders with ``__init__.py``) and, per package, its data
    files (every other file below it that no subpackage holds)."""
    packages = sorted(
        ".".join(p.parent.relative_to(src).parts)
        for p in src.rglob("__init__.py")
        if "__pycache__" not in p.parts
    )
    data: dict[str, list[str]] = {}
    for path in sorted(src.rglob("*")):
        relative = path.relative_to(src)
        if path.is_dir() or path.suffix in (".py", ".pyc") or len(relative.parts) < 2:
            continue
        owner = max(
            (p for p in packages if relative.parts[: len(p.split("."))] == tuple(p.split("."))),
            key=len,
        )
        data.setdefault(owner, []).append("/".join(relative.parts[len(owner.split(".")) :]))
    return packages, data


def _toml_list(items: Iterable[str], indent: str = "    ") -> str:
    """A TOML array of strings, one per line."""
    return "[\n" + "".join(f'{indent}"{item}",\n' for item in items) + "]"


def pyproject(src: Path) -> str:
    """The student build's ``pyproject.toml`` for the tree ``src``: the open package's version
    with the local label ``+student``, its dependencies but :data:`GRADER_ONLY`."""
    text = (REPO_ROOT / "pyproject.toml").read_text()
    version_line = re.search(r'^version = "([^"]+)"', text, re.M)
    if version_line is None:
        raise ValueError(
            'pyproject.toml has no version = "...": update autograder/student/metadata.py'
        )
    version = version_line.group(1)
    dependencies = _quoted_list(text, "dependencies")
    runtime = [d for d in dependencies if not d.startswith(GRADER_ONLY)]
    lab = [d for d in dependencies if d.startswith("jupyterlab")]
    packages, data = _package_layout(src)
    package_data = "".join(
        f'"{package}" = {_toml_list(files)}\n' for package, files in sorted(data.items())
    )
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


def readme(withheld: Iterable[str], reveal: Iterable[str]) -> str:
    """The student build's ``README.md``: what it is, what it leaves out, how to install it."""
    listed = (
        f"Left to you in this build: {', '.join(sorted(withheld)) or 'nothing'}. "
        f"Revealed by your instructor: {', '.join(sorted(reveal)) or 'no lab'}."
    )
    return README.format(withheld=textwrap.fill(listed, 96))
