"""The project's layering: the library does not know the grader, and no module reaches into
another package's private names.

* ``ppo_core`` imports nothing from ``autograder`` (checked twice: by importing every ppo_core
  module in a fresh interpreter, and by reading every ppo_core file's imports, which also covers
  imports inside functions);
* no file of ppo_core/, autograder/, scripts/, tests/ or benchmarks/ imports an underscore name
  (``from x import _name``, ``import x._private``) from outside its own package.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("ppo_core", "autograder", "scripts", "tests", "benchmarks")

IMPORT_EVERY_PPO_CORE_MODULE = """
import json, pkgutil, importlib, sys
import ppo_core
for info in pkgutil.iter_modules(ppo_core.__path__):
    if info.name != "__main__":  # the CLI entry point: importing it runs the command line
        importlib.import_module(f"ppo_core.{info.name}")
print(json.dumps(sorted(sys.modules)))
"""


def _imported_modules(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    """``(line, module, imported names)`` of every absolute import in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names]
    return found


def _resolve(module: str, importer: Path) -> Path | None:
    """The repository file or folder ``module`` names, from the root or next to ``importer``
    (scripts and tests put their own folder on sys.path); None for third-party modules."""
    rel = Path(*module.split("."))
    for base in (ROOT, importer.parent):
        for candidate in (base / rel, base / rel.with_suffix(".py")):
            if candidate.exists():
                return candidate
    return None


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if ROOT in path.parents else str(path)


def private_imports_across_packages(path: Path) -> list[str]:
    """Imports in ``path`` of an underscore name that lives outside ``path``'s own package."""
    problems = []
    package = path.parent
    for line, module, names in _imported_modules(ast.parse(path.read_text())):
        private = [p for p in module.split(".") if p.startswith("_") and p != "__future__"]
        private += [n for n in names if n.startswith("_")]
        if not private:
            continue
        target = _resolve(module, path)
        if target is None or package not in (target, *target.parents):
            problems.append(
                f"{_shown(path)}:{line}: imports {', '.join(private)} "
                f"from {module}, outside its package"
            )
    return problems


def test_importing_ppo_core_loads_nothing_of_the_grader():
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_PPO_CORE_MODULE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "ppo_core.recorded_runs" in loaded and "ppo_core.gae" in loaded  # it did import them
    grader = [m for m in loaded if m == "autograder" or m.startswith("autograder.")]
    assert not grader, f"importing ppo_core loaded {grader}: the library must not know the grader"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "ppo_core").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_ppo_core_file_imports_the_grader(path):
    for line, module, _ in _imported_modules(ast.parse(path.read_text())):
        assert module.split(".")[0] != "autograder", (
            f"{_shown(path)}:{line} imports {module}: the library must not know the grader"
        )


def test_no_private_name_is_imported_from_another_package():
    problems = [
        p
        for top in SCANNED
        for path in sorted((ROOT / top).rglob("*.py"))
        for p in private_imports_across_packages(path)
    ]
    assert not problems, "\n".join(problems)


def test_the_private_import_scan_can_fail(tmp_path):
    """A deliberately broken file: the scan must report both forms of private import."""
    bad = tmp_path / "probe.py"
    bad.write_text(
        "from autograder.checks.compare import _float\nimport ppo_core._checks\n"
        "from ppo_core.gae import compute_gae\n"
    )
    problems = private_imports_across_packages(bad)
    assert len(problems) == 2 and "_float" in problems[0] and "_checks" in problems[1], problems


def test_ppo_core_needs_no_figures_or_widgets():
    """Importing every ppo_core module loads nothing of ppo_viz; only the CLI's ``record``
    command reaches for it (to write a video), at the moment it runs."""
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_PPO_CORE_MODULE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not [m for m in loaded if m.split(".")[0] == "ppo_viz"]
    users = sorted(
        _shown(path)
        for path in (ROOT / "ppo_core").rglob("*.py")
        if any(
            module.split(".")[0] == "ppo_viz"
            for _, module, _ in _imported_modules(ast.parse(path.read_text()))
        )
    )
    assert users == ["ppo_core/cli.py"], users
