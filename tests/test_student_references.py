"""What the released notebooks point to works where a student opens them.

A student has the released notebooks and the installed package (a student build in a graded
class), not this repository: a relative link resolves among the notebooks' files, a file path
the prose names is a file of the package or of the notebooks, every external address is one of
those listed here (a new one is added on purpose, not by accident), and every command quoted
for ``python -m ppo_core`` parses with the package's own command line.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import nbformat
import pytest

import ppo_core
from autograder.checks import carry
from ppo_core import cli, exercises

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SITE = Path(ppo_core.__file__).resolve().parent.parent
PACKAGES = ("ppo_core", "ppo_viz", "autograder")  # what the course's wheel installs
RELEASED = sorted(NOTEBOOKS.glob("*/*.ipynb"))

# The addresses the labs cite, besides the course's own repository (its Colab badges and
# install cell, which `make release` rewrites to the instructor's).
EXTERNAL = {
    "http://joschu.net/blog/kl-approx.html",
    "https://arxiv.org/abs/1506.02438",
    "https://arxiv.org/abs/1707.06347",
    "https://colab.research.google.com/assets/colab-badge.svg",
    "https://github.com/vwxyzjn/cleanrl",
    "https://spinningup.openai.com/en/latest/algorithms/ppo.html",
    "https://stable-baselines3.readthedocs.io/",
}
OURS = ("https://github.com/ppo-course/ppo-course", "https://colab.research.google.com/github/")

URL = re.compile(r"https?://[^\s\"'<>`)\]]+")
LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH = re.compile(r"`([\w.-]+(?:/[\w.-]+)+)`")
COMMAND = re.compile(r"`python -m ppo_core ([^`]+)`")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)


def installed(name: str) -> bool:
    """Whether ``name`` (``ppo_core/train.py``) is a file the course's package installs."""
    return name.split("/")[0] in PACKAGES and (SITE / name).is_file()


def _cells(path: Path) -> list:
    return nbformat.read(str(path), as_version=4).cells


def _markdown(path: Path) -> str:
    """The prose of the notebook's markdown cells, without its formulas."""
    return MATH.sub("", "\n".join(c.source for c in _cells(path) if c.cell_type == "markdown"))


def test_the_released_notebooks_are_found():
    assert [p.parent.name for p in RELEASED] == [lab.id for lab in exercises.LABS]


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_every_external_address_is_listed(path):
    found = {u.rstrip(".,;:") for c in _cells(path) for u in URL.findall(c.source)}
    unlisted = sorted(u for u in found - EXTERNAL if not u.startswith(OURS))
    assert not unlisted, f"{path.name}: addresses not in EXTERNAL: {unlisted}"


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_relative_links_and_named_files_exist_for_a_student(path):
    text = _markdown(path)
    broken = [
        link
        for link in LINK.findall(text)
        if not link.startswith(("http://", "https://", "#"))
        and not (path.parent / link.split("#")[0]).resolve().is_relative_to(NOTEBOOKS)
        or not link.startswith(("http://", "https://", "#"))
        and not (path.parent / link.split("#")[0]).exists()
    ]
    assert not broken, f"{path.name}: links that do not resolve among the notebooks: {broken}"
    missing = [
        name
        for name in PATH.findall(text)
        if "." in name.rsplit("/", 1)[-1]
        and not installed(name)
        and not (path.parent / name).is_file()
        and not name.startswith(carry.FOLDER + "/")  # written by the labs' saving cells
    ]
    assert not missing, f"{path.name}: files a student does not have: {missing}"


@pytest.mark.parametrize("path", RELEASED, ids=lambda p: p.parent.name)
def test_quoted_commands_parse(path):
    for quoted in COMMAND.findall(_markdown(path)):
        argv = shlex.split(" ".join(quoted.split()))
        args = cli.parse_args(argv)  # SystemExit (argparse's error) fails the test
        assert args.command == argv[0]


def test_a_file_only_the_repository_has_is_caught(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("See `docs/labs.md` and `ppo_core/train.py`.")]
    named = PATH.findall(nb.cells[0].source)
    assert [n for n in named if not installed(n)] == ["docs/labs.md"]
