"""The autograder installed from the course's wheel grades without a checkout of the course;
``--course`` and the course it finds by default (:mod:`autograder.grading.course`).

``installed`` builds the wheel from the checkout's files (those git does not ignore, as in a
fresh clone) and installs it into a new virtual environment that sees this environment's
packages (torch, nbgrader...) as preinstalled ones through a ``.pth`` file, as
test_colab_install.py does. A folder named in a ``.pth`` file goes on ``sys.path`` without its
own ``.pth`` files being run, so the editable install's finder, which would import the
checkout, stays off. Every command runs in an empty folder, without PYTHONPATH.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import cli
from autograder.grading import course
from autograder.student.package import build_wheel

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE / "fixtures" / "autograder"))

import builders

LAB = "lab1_rl_basics"
WHERE = (
    "import autograder, ppo_core, ppo_viz\n"
    "from autograder.grading import course\n"
    "for path in (autograder.__file__, ppo_core.__file__, ppo_viz.__file__, course.find()):\n"
    "    print(path)\n"
)


@dataclass
class Installed:
    """The new environment: its python, its site-packages (the wheel), an empty folder."""

    python: Path
    site: Path
    work: Path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """``python *args`` in the empty folder, the environment cleared of PYTHON* paths."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        # Landlock lets a kernel read its interpreter's own installation only
        # (autograder.sandbox.run._python_paths): here that holds the wheel, not the torch this
        # environment borrows through the .pth file. Namespaces and the uid drop stay on.
        env["PPO_GRADER_LANDLOCK"] = "0"
        return subprocess.run(
            [str(self.python), *args],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def grade(self, subs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
        return self.run("-m", "autograder", "grade", str(subs), "--out", str(out), *extra)


def _checkout_files(dest: Path) -> Path:
    """A copy of the checkout's files that git does not ignore: what a fresh clone builds."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():  # a tracked file deleted in the work tree is not built
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """The course's wheel in a new virtual environment; the copy it was built from is gone."""
    base = tmp_path_factory.mktemp("installed")
    checkout = _checkout_files(base / "checkout")
    wheel = build_wheel(checkout, base / "dist")
    shutil.rmtree(checkout)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (site / "course_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--no-compile"]
        + ["--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (base / "work").mkdir()
    return Installed(venv / "bin" / "python", site, base / "work")


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _assert_full_marks(out: Path) -> None:
    """One graded Lab 1 notebook with every autograded point; written answers wait."""
    auto, written = builders.total_points(LAB)
    (row,) = _rows(out / "grades.csv")
    assert row["status"] == "graded", row
    assert (float(row["score"]), float(row["max_score"])) == (auto, auto + written), row
    cells = [c for c in _rows(out / "cells.csv") if c["score"] != ""]  # "" = graded by hand
    assert cells and all(c["score"] == c["max_score"] for c in cells), cells


@pytest.mark.slow
def test_the_installed_wheel_grades_without_the_checkout(installed, tmp_path):
    where = installed.run("-c", WHERE)
    assert where.returncode == 0, where.stderr
    paths = where.stdout.split()
    assert all(Path(p).is_relative_to(installed.site) for p in paths), paths
    assert paths[-1] == str(installed.site / "autograder"), "the course is the installed copy"
    subs = tmp_path / "subs"
    builders.write(builders.solved(LAB), str(subs / "alice" / f"{LAB}.ipynb"))
    done = installed.grade(subs, tmp_path / "out", "--no-progress")
    assert done.returncode == 0, done.stderr[-3000:]
    _assert_full_marks(tmp_path / "out")

    # The control: the same install without its copy of the labs finds no course (so the run
    # above graded that copy); given the copy as --course, it grades the same again.
    packaged, moved = installed.site / "autograder" / course.SOURCE, tmp_path / "course"
    moved.mkdir()
    shutil.move(packaged, moved / course.SOURCE)
    try:
        refused = installed.grade(subs, tmp_path / "refused", "--no-progress")
        given = installed.grade(subs, tmp_path / "given", "--no-progress", "--course", str(moved))
    finally:
        shutil.move(moved / course.SOURCE, packaged)
    assert refused.returncode == 2, refused.stderr[-3000:]
    assert refused.stderr.startswith("error: no course to grade") and "Traceback" not in (
        refused.stderr
    ), refused.stderr
    assert not (tmp_path / "refused" / "grades.csv").exists()
    assert given.returncode == 0, given.stderr[-3000:]
    _assert_full_marks(tmp_path / "given")


@pytest.mark.slow
def test_the_installed_wheel_refuses_to_build_the_student_package(installed, tmp_path):
    done = installed.run("-m", "autograder", "build-student-package", "--out", str(tmp_path / "b"))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: the student package is built from a checkout"), (
        done.stderr
    )
    assert "pyproject.toml" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "b" / "src").exists()


# --- which course, in this process (the checkout) ----------------------------------------------


def test_in_the_checkout_the_course_is_the_checkout():
    assert course.find() == str(REPO)
    assert course.find(str(REPO)) == str(REPO)
    assert LAB in course.labs(str(REPO))


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("missing", "no such folder"),
        ("empty", "no solutions/<lab>/<lab>.ipynb in it"),
        ("solutions", "this is the solutions/ folder itself; give the folder that holds it"),
    ],
)
def test_a_wrong_course_says_what_was_expected(tmp_path, capsys, given, problem):
    (tmp_path / "empty").mkdir()
    shutil.copytree(REPO / "solutions" / LAB, tmp_path / "solutions" / LAB)
    code = cli.main(
        ["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--course", str(tmp_path / given)]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"error: --course {tmp_path / given}: {problem}"), err
    assert "the folder that holds the labs' nbgrader sources as solutions/<lab>/<lab>.ipynb" in err
    assert not (tmp_path / "out").exists()
