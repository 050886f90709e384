"""The project's layering: the library does not know the grader, and no module reaches into
another package's private names.

* ``ppo_core`` imports nothing from ``autograder`` (checked twice: by importing every ppo_core
  module in a fresh interpreter, and by reading every ppo_core file's imports, which also covers
  imports inside functions);
* no file of ppo_core/, autograder/, scripts/, tests/ or benchmarks/ imports an underscore name
  (``from x import _name``, ``import x._private``) from outside its own package;
* ``autograder`` keeps one subpackage per concern (grading, sandbox, kernel, student, checks)
  with only the command line at its top, its package ``__init__`` files import nothing, and no
  autograder module imports, directly or through other autograder modules, a module that
  imports it back (imports inside functions count: they run too).
"""

from __future__ import annotations

import ast
import json
import shutil
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


# --- autograder's layout and import graph ------------------------------------------------------

LAYOUT = {
    "": {"__init__", "__main__", "cli", "nbgrader_config"},
    "grading": {
        "__init__",
        "archives",
        "course",
        "discover",
        "feedback_html",
        "grade",
        "gradebook",
        "identity",
        "journal",
        "kernel_build",
        "kernel_link",
        "lean_imports",
        "lms_export",
        "marks",
        "marks_page",
        "outdir",
        "pages",
        "pool",
        "preprocessors",
        "remote",
        "roster",
        "tempdirs",
        "which_lab",
        "worker",
    },
    "sandbox": {"__init__", "__main__", "isolation", "run", "seccomp_filter"},
    "gradescope": {"__init__", "build", "check", "results", "run"},
    "kernel": {"__init__", "remote", "sanitize", "spies", "wire"},
    "student": {
        "__init__",
        "build",
        "checkout",
        "checks",
        "leak_scan",
        "metadata",
        "model_answers",
        "package",
        "regions",
        "release",
        "runs",
    },
}
"""What each part of autograder holds (``checks/``, one module per lab, is not listed here).
The top level is the command line only (``python -m autograder``; nbgrader_config.py stays
where the repository's nbgrader_config.py loads it by path): a new module goes into the
subpackage of its concern."""
EMPTY_INITS = ("", "grading", "sandbox", "kernel", "student", "gradescope")
"""Packages whose ``__init__`` imports nothing: ``python -m autograder`` starts fast, and the
grading kernel imports ``autograder.kernel.remote`` and ``autograder.sandbox.seccomp_filter``
through them without loading the grader."""


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_imports(root: Path, package: str) -> dict[str, set[str]]:
    """``{module: modules of package it imports}`` for every module of the package ``package``
    under ``root``, from its source (imports inside functions included). ``from p import x``
    imports ``p`` and, where ``x`` is a module, ``p.x``; relative imports are resolved."""
    paths = sorted((root / package).rglob("*.py"))
    modules = {_module_name(p, root): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                module = node.module or ""
                if node.level:
                    module = ".".join(base + ([module] if module else []))
                targets |= {module} | {f"{module}.{a.name}" for a in node.names}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """The modules ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += graph[module]
    return seen


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other (directly or through others), sorted."""
    reach = {module: _reachable(graph, module) for module in graph}
    groups = {
        tuple(sorted({m} | {n for n in reach[m] if m in reach[n]})) for m in graph if m in reach[m]
    }
    return sorted(list(group) for group in groups)


def test_autograder_has_one_subpackage_per_concern():
    found = {
        str(path.parent.relative_to(ROOT / "autograder")).replace(".", ""): set()
        for path in (ROOT / "autograder").rglob("__init__.py")
    }
    for path in (ROOT / "autograder").rglob("*.py"):
        folder = str(path.parent.relative_to(ROOT / "autograder")).replace(".", "")
        found[folder].add(path.stem)
    assert set(found) == {*LAYOUT, "checks"}, sorted(found)
    for folder, modules in LAYOUT.items():
        assert found[folder] == modules, (folder or "autograder/", sorted(found[folder]))


@pytest.mark.parametrize("package", EMPTY_INITS, ids=lambda p: p or "autograder")
def test_package_inits_import_nothing(package):
    path = ROOT / "autograder" / package / "__init__.py"
    imports = _imported_modules(ast.parse(path.read_text()))
    assert not [m for _, m, _ in imports if m != "__future__"], (_shown(path), imports)


def test_no_import_cycle_inside_autograder():
    graph = package_imports(ROOT, "autograder")
    assert "autograder.grading.gradebook" in graph["autograder.grading.worker"]  # it reads them
    assert import_cycles(graph) == []


def test_the_cycle_scan_can_fail(tmp_path):
    """Deliberately broken packages: a circle through a third module and inside a function, one
    through a relative import and a package __init__; a one-way import is no circle."""
    pkg = tmp_path / "autograder"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from autograder import b\n")
    (pkg / "b.py").write_text("def f():\n    import autograder.c\n")
    (pkg / "c.py").write_text("from autograder.a import thing\nimport json\n")
    (pkg / "sub" / "__init__.py").write_text("from . import d\n")
    (pkg / "sub" / "d.py").write_text("from autograder.sub import e\n")
    (pkg / "sub" / "e.py").write_text("from .. import a\n")
    (pkg / "sub" / "f.py").write_text("from autograder.sub.d import x\n")
    graph = package_imports(tmp_path, "autograder")
    assert import_cycles(graph) == [
        ["autograder.a", "autograder.b", "autograder.c"],
        ["autograder.sub", "autograder.sub.d"],
    ], graph
    shutil.rmtree(pkg / "sub")
    (pkg / "c.py").write_text("import json\n")
    assert import_cycles(package_imports(tmp_path, "autograder")) == []
