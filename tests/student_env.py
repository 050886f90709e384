"""A student build of the course and a fresh virtual environment with its wheel, once per session.

``tests/conftest.py`` makes the two session fixtures available to every test:

* ``student_package``: :func:`autograder.student.package.build_student_package` run once into a
  temporary folder (``.src``, ``.wheel``, ``.withheld``);
* ``student_env``: a :class:`StudentEnv`, a new ``python -m venv`` with torch 2.13.0, the wheel
  (its dependencies from pip's sources) and ipykernel installed, plus a Jupyter kernel
  ``student_env.kernel_name`` that runs in it. ``NotebookClient(nb, kernel_name=
  student_env.kernel_name)`` runs a notebook against the student build (the fixture puts the
  kernel on ``JUPYTER_PATH`` for the session). Run notebooks from a folder without ``ppo_core``
  in it (IPython puts the working folder on ``sys.path``), e.g. ``notebooks/<lab>/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.student.package import StudentPackage, build_student_package

KERNEL_NAME = "ppo-course-student"
TORCH_SPEC = "torch==2.13.0"  # the CPU wheel on this disk; as the Makefile installs it


def build(out: Path, reveal: tuple[str, ...] = ()) -> StudentPackage:
    """``build_student_package`` into ``out``."""
    return build_student_package(out, reveal)


@dataclass
class StudentEnv:
    """A virtual environment with the student build installed."""

    package: StudentPackage
    root: Path
    python: Path
    kernel_name: str = KERNEL_NAME

    def run(self, code: str, timeout: int = 300) -> subprocess.CompletedProcess:
        """Run ``code`` with the environment's python, in an empty folder (so that no checkout
        of the course shadows the installed build); raises if it fails."""
        work = self.root / "work"
        work.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        done = subprocess.run(
            [str(self.python), "-c", code],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"the student environment failed:\n{done.stdout}{done.stderr}")
        return done


def _pip(python: Path, *args: str) -> None:
    """``pip install`` into the new environment; ``--no-compile`` skips byte-compiling torch."""
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-compile", *args],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def make_student_env(package: StudentPackage, root: Path) -> StudentEnv:
    """A fresh venv under ``root`` with torch, the wheel (with its dependencies) and ipykernel,
    and a kernel spec for it under ``root/jupyter``."""
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    _pip(python, TORCH_SPEC)
    _pip(python, str(package.wheel), "ipykernel")
    spec = root / "jupyter" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "PPO course (student build)",
                "language": "python",
                "env": {"PYTHONPATH": ""},
            }
        )
    )  # a checkout on PYTHONPATH would shadow the build
    return StudentEnv(package, root, python)


@pytest.fixture(scope="session")
def student_package(tmp_path_factory) -> StudentPackage:
    """The student build (source tree and wheel), built once per session."""
    return build(tmp_path_factory.mktemp("student_build") / "out")


@pytest.fixture(scope="session")
def student_env(student_package, tmp_path_factory):
    """A fresh virtual environment with the student build's wheel, and its Jupyter kernel."""
    env = make_student_env(student_package, tmp_path_factory.mktemp("student_env"))
    patch = pytest.MonkeyPatch()
    paths = [str(env.root / "jupyter"), os.environ.get("JUPYTER_PATH", "")]
    patch.setenv("JUPYTER_PATH", os.pathsep.join(p for p in paths if p))
    yield env
    patch.undo()
