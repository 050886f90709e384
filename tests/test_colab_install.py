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

VERSIONS = "import json, torch, ipywidgets; print(json.dumps([torch.__version__, " \
           "ipywidgets.__version__]))"


def _run(python: Path, code: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=env,
                          timeout=540, **kwargs)


def _colab_like_env(tmp_path: Path, colab_python: str) -> Path:
    """A new venv whose interpreter also sees the ipywidgets-7 env's site-packages."""
    venv = tmp_path / "colab"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = _run(python, "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    preinstalled = _run(Path(colab_python),
                        "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(site.stdout.strip(), "colab_preinstalled.pth").write_text(preinstalled.stdout)
    return python


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_colab_cell_installs_quietly(tmp_path):
    colab_python = os.environ.get("PPO_IPYWIDGETS7_PYTHON")
    if not colab_python:
        pytest.skip("set PPO_IPYWIDGETS7_PYTHON (make test does) to run the Colab install check")
    python = _colab_like_env(tmp_path, colab_python)
    before = _run(python, VERSIONS)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)[1].startswith("7.")

    cell = next(c for c in nbformat.read(str(RELEASE), as_version=4).cells
                if c.cell_type == "code")
    assert "COURSE_REPO_URL = " in cell.source
    # The learner's cell as released, pointed at this checkout instead of the public repository.
    source = "\n".join(f'COURSE_REPO_URL = "file://{ROOT}"'
                       if line.startswith("COURSE_REPO_URL = ") else line
                       for line in cell.source.splitlines())
    fake_colab = "import sys, types; sys.modules['google.colab'] = types.ModuleType('colab')\n"
    done = _run(python, fake_colab + source, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "", f"the cell printed to stderr (red in Colab): {done.stderr}"
    assert done.stdout.strip() == SUCCESS

    after = _run(python, VERSIONS)
    assert json.loads(after.stdout) == json.loads(before.stdout)  # torch, ipywidgets untouched
    works = _run(python, "import gymnasium, ppo_core; "
                         "gymnasium.make('LunarLander-v3').reset(seed=0); print('ok')",
                 cwd=tmp_path)
    assert works.stdout.strip() == "ok", works.stderr


@pytest.mark.slow
def test_colab_cell_failure_is_one_clear_error(tmp_path):
    """A wrong COURSE_REPO_URL: pip's output is shown, and the error says what to check."""
    cell = next(c for c in nbformat.read(str(RELEASE), as_version=4).cells
                if c.cell_type == "code")
    source = "\n".join(f'COURSE_REPO_URL = "file://{tmp_path}/no-such-repo"'
                       if line.startswith("COURSE_REPO_URL = ") else line
                       for line in cell.source.splitlines())
    # gymnasium[box2d] is installed in this environment already (a no-op for pip), so only the
    # course URL fails, and a failed install changes nothing.
    fake_colab = "import sys, types; sys.modules['google.colab'] = types.ModuleType('colab')\n"
    done = subprocess.run([sys.executable, "-c", fake_colab + source], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert done.returncode != 0
    assert "failed (pip's output is above): check COURSE_REPO_URL" in done.stderr
    assert "no-such-repo" in done.stdout
