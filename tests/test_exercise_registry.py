"""The exercise registry (``ppo_core.exercises``) is the one list of labs and exercises.

It must be right (each entry names a function that exists where it says, checks that exist, and
callers that call it), and nothing else may list the exercises or the labs again: a Python
file that spells them out in one literal fails here (see :func:`listings`), and the README's and
the instructors' guide's tables are held to the registry.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
from pathlib import Path

import pytest

import ppo_core
from autograder.checks import CHECKS
from autograder.student.regions import regions
from ppo_core import exercises

ROOT = Path(__file__).resolve().parents[1]
NAMES = set(exercises.names())
LAB_IDS = {lab.id for lab in exercises.LABS}


def _resolve(dotted: str):
    """``ppo_core.networks.ActorCritic.get_action`` -> that function."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


@pytest.mark.parametrize("name", exercises.names())
def test_each_exercise_is_where_the_registry_says(name):
    entry = exercises.exercise(name)
    module = importlib.import_module(f"ppo_core.{entry.module}")
    assert getattr(module, name) is getattr(ppo_core, name)
    assert getattr(module, name).__module__ == module.__name__
    assert CHECKS[name], f"autograder.checks has no check of {name}"
    assert next(iter(CHECKS[name].values())).__module__ == f"autograder.checks.{entry.lab}"
    earlier = exercises.names()[: exercises.names().index(name)]
    assert set(entry.uses) <= set(earlier), f"{name} may only use exercises taught before it"
    for caller in entry.called_by:
        source = inspect.getsource(_resolve(f"ppo_core.{caller}"))
        assert re.search(rf"\b{name}\b", source), f"{caller} does not call {name}"


def test_labs_are_numbered_in_order_and_each_has_its_files():
    assert [lab.number for lab in exercises.LABS] == list(range(1, len(exercises.LABS) + 1))
    assert {e.lab for e in exercises.EXERCISES} == LAB_IDS
    for lab in exercises.LABS:
        for path in (
            ROOT / "scripts" / "labs" / f"{lab.id}.py",
            ROOT / "autograder" / "checks" / f"{lab.id}.py",
            ROOT / "solutions" / lab.id / f"{lab.id}.ipynb",
            ROOT / "notebooks" / lab.id / f"{lab.id}.ipynb",
        ):
            assert path.exists(), path
    assert {p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()} == LAB_IDS


def test_unknown_names_are_refused_with_the_list():
    with pytest.raises(ValueError, match="the exercise functions are: discounted_return"):
        exercises.exercise("compute_gea")
    with pytest.raises(ValueError, match="the labs are: lab1_rl_basics"):
        exercises.names("lab2")


def listings(source: str, filename: str = "<source>") -> list[str]:
    """Literals in ``source`` that spell out four or more exercises or three or more labs
    (``__all__``, which Python needs, excepted). Fewer are a fact about those few (the widget
    argument that takes each of three functions), not a list of the course."""
    tree = ast.parse(source, filename)
    exempt = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt or not isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            continue
        items = node.keys if isinstance(node, ast.Dict) else node.elts
        strings = {
            item.value
            for item in items
            if isinstance(item, ast.Constant) and isinstance(item.value, str)
        }
        for kind, known, most in (("exercises", NAMES, 3), ("labs", LAB_IDS, 2)):
            if len(strings & known) > most:
                found.append(f"{filename}:{node.lineno}: {len(strings & known)} {kind}")
    return found


def test_the_scan_finds_a_planted_list():
    planted = (
        'LABS = ("lab1_rl_basics", "lab2_gae", "lab3_clipped_loss")\n'
        'TODO = {"compute_gae": 1, "ppo_loss": 2, "ppo_update": 3, "value_loss": 4}\n'
        'FEW = {"compute_gae": "gae_fn", "ppo_loss": "loss_fn", "ppo_update": "fn"}\n'
        '__all__ = ["compute_gae", "ppo_loss", "ppo_update", "value_loss"]\n'
    )
    assert [line.split(": ", 1)[1] for line in listings(planted)] == ["3 labs", "4 exercises"]


def test_no_other_python_file_lists_the_exercises_or_the_labs():
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) > 50
    found = [
        hit
        for file in files
        if file != "ppo_core/exercises.py"
        for hit in listings((ROOT / file).read_text(), file)
    ]
    assert not found, "list them through ppo_core.exercises instead:\n" + "\n".join(found)


def _table_rows(text: str, pattern: str) -> dict[str, tuple[str, ...]]:
    """``{lab id: the exercises a row names}`` for each table row matching ``pattern``."""
    rows = {}
    for match in re.finditer(pattern, text, re.MULTILINE):
        rows[match["lab"]] = tuple(re.findall(r"`(\w+)`", match["functions"]))
    return rows


@pytest.mark.parametrize(
    "doc, pattern",
    [
        ("README.md", r"^\| \d\. [^|]*\(`(?P<lab>lab\d_\w+)`\) \| (?P<functions>[^|]*) \|"),
        ("docs/instructors.md", r"^\| \d \| `(?P<lab>lab\d_\w+)` \| (?P<functions>[^|]*) \|"),
    ],
)
def test_documented_tables_match_the_registry(doc, pattern):
    rows = _table_rows((ROOT / doc).read_text(), pattern)
    assert rows == {lab.id: exercises.names(lab.id) for lab in exercises.LABS}


@pytest.mark.parametrize("module", sorted({e.module for e in exercises.EXERCISES}))
def test_what_opens_an_exercise_as_a_check_is_an_input_check(module):
    """The registry takes the bare calls that open an exercise's body for the library's input
    checks and leaves them out of the notebook: each must call a checking helper (``check_*``,
    ``_check_*``, or ``as_*`` of ``ppo_core._checks``), so that a solution that happened to
    begin with a bare call could not lose that line silently."""
    source = (ROOT / "ppo_core" / f"{module}.py").read_text()
    tree = ast.parse(source)
    found = regions(source, module)
    assert {r.name for r in found} == {e.name for e in exercises.EXERCISES if e.module == module}
    for region in found:
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr) and node.lineno in region.checks:
                assert isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                callee = node.value.func.id
                assert re.match(r"_?check_|as_", callee), (region.name, callee)
