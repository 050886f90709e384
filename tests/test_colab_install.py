"""The labs' Colab install cell, run as a learner runs it in an environment like Colab's.

Colab preinstalls torch and ipywidgets 7.7.1 and lacks the course package and Box2D. The
environment here is a fresh virtual environment that sees the ipywidgets-7 environment's packages
(``PPO_IPYWIDGETS7_PYTHON``, built by ``make test``: torch, ipywidgets 7.7.1, numpy, matplotlib)
as preinstalled ones, through a ``.pth`` file, so nothing is installed into that environment. The
first code cell of a released lab runs there with a stand-in ``google.colab`` module: it must
print its one line of success, nothing on stderr (Jupyter shows stderr in red), leave torch and
ipywidgets as they were, and leave a working ``ppo_core`` and LunarLander-v3 behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "notebooks" / "lab1_rl_basics" / "lab1_rl_basics.ipynb"
SUCCESS = "Installed the course package and gymnasium[box2d]."

VERSIONS = (
    "import json, torch, ipywidgets; print(json.dumps([torch.__version__, ipywidgets.__version__]))"
)


def _run(python: Path, code: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, env=env, timeout=540, **kwargs
    )


def _colab_like_env(tmp_path: Path, colab_python: str) -> Path:
    """A new venv whose interpreter also sees the ipywidgets-7 env's site-packages."""
    venv = tmp_path / "colab"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = _run(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    preinstalled = _run(
        Path(colab_python), "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    )
    Path(site.stdout.strip(), "colab_preinstalled.pth").write_text(preinstalled.stdout)
    return python


def _install_cell(url: str) -> str:
    """The first code cell of a released lab, its COURSE_REPO_URL set to ``url``, run as in
    Colab (a stand-in ``google.colab`` module)."""
    cell = next(c for c in nbformat.read(str(RELEASE), as_version=4).cells if c.cell_type == "code")
    assert "COURSE_REPO_URL = " in cell.source
    source = "\n".join(
        f'COURSE_REPO_URL = "{url}"' if line.startswith("COURSE_REPO_URL = ") else line
        for line in cell.source.splitlines()
    )
    return "import sys, types; sys.modules['google.colab'] = types.ModuleType('colab')\n" + source


def _install_in_colab_like_env(tmp_path: Path, url: str) -> Path:
    """Run the install cell pointed at ``url`` where Colab's packages are preinstalled; check it
    is quiet and leaves torch and ipywidgets as they were; return the environment's python."""
    colab_python = os.environ.get("PPO_IPYWIDGETS7_PYTHON")
    if not colab_python:
        pytest.skip("set PPO_IPYWIDGETS7_PYTHON (make test does) to run the Colab install check")
    python = _colab_like_env(tmp_path, colab_python)
    before = _run(python, VERSIONS)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)[1].startswith("7.")
    done = _run(python, _install_cell(url), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "", f"the cell printed to stderr (red in Colab): {done.stderr}"
    assert done.stdout.strip() == SUCCESS
    after = _run(python, VERSIONS)
    assert json.loads(after.stdout) == json.loads(before.stdout)  # torch, ipywidgets untouched
    return python


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_colab_cell_installs_quietly(tmp_path):
    # The learner's cell as released, pointed at this checkout instead of the public repository.
    python = _install_in_colab_like_env(tmp_path, f"file://{ROOT}")
    works = _run(
        python,
        "import gymnasium, ppo_core; gymnasium.make('LunarLander-v3').reset(seed=0); print('ok')",
        cwd=tmp_path,
    )
    assert works.stdout.strip() == "ok", works.stderr


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_colab_cell_installs_a_student_build_wheel(tmp_path, student_package):
    """A graded class points COURSE_REPO_URL at the student build's wheel (docs/instructors.md)."""
    python = _install_in_colab_like_env(tmp_path, f"file://{student_package.wheel}")
    works = _run(
        python,
        "import ppo_core, autograder.checks.lab2_gae; "
        "print(sorted(ppo_core._withheld.WITHHELD) == "
        f"{sorted(student_package.withheld)!r})",
        cwd=tmp_path,
    )
    assert works.stdout.strip() == "True", works.stdout + works.stderr


@pytest.mark.slow
def test_colab_cell_failure_is_one_clear_error(tmp_path):
    """A wrong COURSE_REPO_URL: pip's output is shown, and the error says what to check."""
    # gymnasium[box2d] is installed in this environment already (a no-op for pip), so only the
    # course URL fails, and a failed install changes nothing.
    source = _install_cell(f"file://{tmp_path}/no-such-repo")
    done = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert done.returncode != 0
    assert "failed (pip's output is above): check COURSE_REPO_URL" in done.stderr
    assert "no-such-repo" in done.stdout
