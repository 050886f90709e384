"""The pre-commit hooks (.pre-commit-config.yaml) run what `make lint` and `make test` run.

Each hook is a local one whose command, run on the whole tree, is a command of the Makefile's
``lint`` or ``test`` recipe (its variables expanded), and each command of ``lint`` has a hook:
a check added to one and not the other fails here. Where pre-commit is installed (the dev
extra), it must accept the file.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # PyYAML comes with jupyterlab (through jupyter-events)

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".pre-commit-config.yaml"


def makefile_variables(text: str) -> dict[str, str]:
    """``NAME := value`` and ``NAME ?= value`` lines of a Makefile."""
    return dict(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)\s*[:?]?=\s*(.*?)\s*$", text, re.M))


def expand(command: str, variables: dict[str, str]) -> str:
    """``command`` with every ``$(NAME)`` replaced, recursively."""
    while (found := re.search(r"\$\((\w+)\)", command)) is not None:
        command = command.replace(found.group(0), variables[found.group(1)])
    return " ".join(command.split())


def recipe(text: str, target: str) -> list[str]:
    """The command lines of ``target``'s recipe, variables expanded."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"^{target}:", line))
    commands = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        commands.append(expand(line.strip(), makefile_variables(text)))
    return commands


def hooks() -> list[tuple[str, dict]]:
    config = yaml.safe_load(CONFIG.read_text())
    return [(repo["repo"], hook) for repo in config["repos"] for hook in repo["hooks"]]


def hook_command(hook: dict) -> str:
    """What the hook runs: its entry, then its args (the hooks pass no file names)."""
    return " ".join([hook["entry"], *hook.get("args", [])]).strip()


MAKEFILE = (ROOT / "Makefile").read_text()
LINT, TEST = recipe(MAKEFILE, "lint"), recipe(MAKEFILE, "test")


def test_the_makefile_recipes_are_read():
    """The reading of the Makefile finds the commands (else the comparisons prove nothing)."""
    assert any("ruff check" in command for command in LINT), LINT
    assert any("sync_labs.py --check" in command for command in TEST), TEST
    assert all("$(" not in command for command in LINT + TEST)


@pytest.mark.parametrize("repo,hook", hooks(), ids=lambda x: x["id"] if isinstance(x, dict) else x)
def test_each_hook_runs_a_command_of_make_lint_or_make_test(repo, hook):
    assert repo == "local", "only local hooks: remote hook repositories are not fetched here"
    assert hook["language"] == "system", "hooks run in the project's .venv, as make does"
    assert hook.get("pass_filenames") is False, (
        f"{hook['id']}: pass_filenames: false, so the command is the Makefile's, on the whole tree"
    )
    assert hook_command(hook) in LINT + TEST, (
        f"{hook['id']} runs {hook_command(hook)!r}, which neither make lint nor make test runs: "
        f"{LINT + TEST}"
    )


def test_each_command_of_make_lint_has_a_hook():
    commands = {hook_command(hook) for _, hook in hooks()}
    missing = [command for command in LINT if command not in commands]
    assert not missing, f"make lint runs {missing}, which no pre-commit hook runs"


@pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None, reason="pre-commit is not installed"
)
def test_pre_commit_accepts_the_config():
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
