"""The labs' single source of truth and nbgrader structure (ppo_core -> solutions -> notebooks).

Runs real nbgrader: ``scripts/sync_labs.py --check`` (generate_assignment into a temporary course
directory), ``nbgrader validate`` on every solutions notebook, and the unmodified student release
executed cell by cell, which must fail every autograded test cell.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.student.regions import regions
from ppo_core import exercises

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import labkit
import sync_labs

from autograder.checks import CHECKS

LABS = [lab for lab in labkit.LABS if labkit.solution_path(lab).exists()]
MISSING = [lab for lab in labkit.LABS if lab not in LABS]


def _nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test(cell) -> bool:
    return bool(_meta(cell).get("grade")) and not _meta(cell).get("solution")


def _all_notebooks() -> list[Path]:
    return sorted((ROOT / "solutions").rglob("*.ipynb")) + sorted(
        (ROOT / "notebooks").rglob("*.ipynb")
    )


def test_some_lab_exists():
    assert LABS, "no solutions/<lab>/<lab>.ipynb found: run python scripts/sync_labs.py"


def test_sync_check_passes():
    proc = subprocess.run(
        [sys.executable, "scripts/sync_labs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"sync_labs.py --check failed:\n{proc.stdout}\n{proc.stderr}"


def test_sync_detects_a_library_change(monkeypatch):
    """If ppo_core's solution changes, the committed solutions notebook no longer matches."""
    lab = LABS[0]
    solution_cells = [
        c
        for c in _nb(labkit.solution_path(lab)).cells
        if _meta(c).get("solution") and c.cell_type == "code"
    ]
    name = _meta(solution_cells[0])["grade_id"]
    original = labkit.solution_source
    edited = "x = 1\n    ### END SOLUTION"
    monkeypatch.setattr(
        labkit,
        "solution_source",
        lambda f: original(f).replace("### END SOLUTION", edited) if f == name else original(f),
    )
    regenerated = labkit.dumps(sync_labs.expected_source(lab))
    assert regenerated != labkit.solution_path(lab).read_text()


@pytest.mark.parametrize("function", sorted(labkit.CONTRACT_FUNCTIONS))
def test_solution_cell_is_valid_python_without_library_checks(function):
    """A solution cell compiles, holds nbgrader's markers around what the learner writes, and
    keeps none of the library's input checks nor its calls through the registry."""
    source = labkit.solution_source(function)
    compile(source, f"<{function}>", "exec")
    assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION") == 1
    assert source.rstrip().endswith("### END SOLUTION")
    assert "current." not in source
    module = exercises.exercise(function).module
    library = (ROOT / "ppo_core" / f"{module}.py").read_text()
    [region] = [r for r in regions(library, module) if r.name == function]
    lines = library.splitlines()
    for number in region.checks:
        assert lines[number - 1].strip() not in source.splitlines(), (function, number)


def test_regions_split_checks_from_what_the_learner_writes():
    source = (
        "def compute_gae(x, gamma):\n"
        '    """Doc."""\n'
        "    check(\n"
        "        x,\n"
        "    )\n"
        "    check_gamma(gamma)\n"
        "\n"
        "    # the learner's part begins with this comment\n"
        "    y = current.td_residuals(x)\n"
        "    return y\n"
        "def helper(x):\n"
        "    return x\n"
    )
    [region] = regions(source, "gae")
    assert (region.name, region.first, region.last, region.checks) == (
        "compute_gae",
        8,
        10,
        (3, 4, 5, 6),
    )
    assert regions(source, "losses") == []  # compute_gae is declared in gae


@pytest.mark.parametrize("path", _all_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_notebook_has_no_outputs(path):
    nb = _nb(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.relative_to(ROOT)} cell {i} carries outputs: run scripts/sync_labs.py"
            )
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", _all_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_as_jupyterlab_keeps_it(path):
    """Opening a notebook in JupyterLab and saving it untouched changes nothing we control.

    The file is a fixed point of nbformat's read, validate and write (what Jupyter's contents
    manager does on save), and its metadata holds the kernelspec and language_info that
    JupyterLab writes on opening from ipykernel, any difference marking the notebook modified
    before the learner touches it. Only language_info's "version", the learner's Python, is
    left for JupyterLab to add.
    """
    from ipykernel.ipkernel import IPythonKernel
    from ipykernel.kernelspec import get_kernel_dict

    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    saved = io.StringIO()
    nbformat.write(nb, saved, version=nbformat.NO_CONVERT)
    assert saved.getvalue() == text, "not as nbformat writes it: run scripts/sync_labs.py"
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5) and all("id" in c for c in nb.cells)
    spec = get_kernel_dict()  # the "python3" kernelspec ipykernel provides
    assert nb.metadata["kernelspec"] == {
        "name": "python3",
        "display_name": spec["display_name"],
        "language": spec["language"],
    }
    reported = {k: v for k, v in IPythonKernel.language_info.items() if k != "version"}
    assert nb.metadata["language_info"] == reported


def test_every_lab_exists():
    assert not MISSING, f"labs without a solutions notebook: {MISSING}; run scripts/sync_labs.py"


def test_every_contract_function_is_one_solution_cell():
    """Each function of an existing lab: exactly one solution cell, grade_id == name, right lab;
    no other cell anywhere defines it (other solution cells, e.g. a lab's own auto-graded
    answer, are allowed if they define no contract function)."""
    found: dict[str, list[str]] = {}
    for lab in LABS:
        for i, cell in enumerate(_nb(labkit.solution_path(lab)).cells):
            defined = re.findall(r"^def (\w+)\(", cell.source, flags=re.MULTILINE)
            meta = _meta(cell)
            if (
                meta.get("solution")
                and cell.cell_type == "code"
                and meta.get("grade_id") in labkit.CONTRACT_FUNCTIONS
            ):
                assert meta["grade_id"] in labkit.CONTRACT[lab], (
                    f"{lab} cell {i}: solution cell {meta['grade_id']!r} belongs to another lab"
                )
                assert defined == [meta["grade_id"]], (
                    f"{lab} cell {i}: the solution cell must define exactly {meta['grade_id']}"
                )
                found.setdefault(meta["grade_id"], []).append(lab)
            else:
                clash = set(defined) & set(labkit.CONTRACT_FUNCTIONS)
                assert not clash, f"{lab} cell {i} (not a solution cell) defines {clash}"
    for lab in LABS:
        for name in labkit.CONTRACT[lab]:
            assert found.get(name) == [lab], f"{name}: solution cells in {found.get(name)}"


@pytest.mark.parametrize("lab", LABS)
def test_test_cells_follow_conventions(lab):
    nb = _nb(labkit.solution_path(lab))
    tests = [c for c in nb.cells if _is_test(c)]
    per_function: dict[str, int] = {}
    for cell in tests:
        meta = _meta(cell)
        gid = meta["grade_id"]
        assert cell.cell_type == "code" and meta["locked"] is True, (
            f"{gid} must be a locked code cell"
        )
        assert isinstance(meta.get("points"), int) and meta["points"] > 0, f"{gid} needs points"
        function = next((f for f in labkit.CONTRACT[lab] if gid.startswith(f"test_{f}_")), None)
        assert gid.startswith("test_"), f"{gid}: test cells are named test_<function>_<aspect>"
        if function is None:
            continue  # a lab-specific auto-graded exercise (not a contract function)
        per_function[function] = per_function.get(function, 0) + 1
        check = "check_" + gid[len("test_") :]
        assert f"from autograder.checks.{lab} import {check}" in cell.source, (
            f"{gid} must call autograder.checks.{lab}.{check}"
        )
        assert gid[len(f"test_{function}_") :] in CHECKS.get(function, {}), (
            f"{check} is not registered in autograder.checks.CHECKS"
        )
    for function in labkit.CONTRACT[lab]:
        assert per_function.get(function, 0) >= 2, (
            f"{function} needs several test cells (one aspect each) for partial credit"
        )
    hidden = [c for c in tests if "### BEGIN HIDDEN TESTS" in c.source]
    assert hidden, f"{lab} has no hidden tests"


@pytest.mark.parametrize("lab", LABS)
def test_lab_structure(lab):
    nb = _nb(labkit.solution_path(lab))
    written = [
        c
        for c in nb.cells
        if c.cell_type == "markdown"
        and _meta(c).get("grade")
        and _meta(c).get("solution")
        and _meta(c)["grade_id"].startswith("written_")
    ]
    assert written, f"{lab} has no manually graded written question"
    assert all(_meta(c).get("points", 0) > 0 for c in written)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "google.colab" in first_code.source and "COURSE_REPO_URL" in first_code.source
    intro = nb.cells[0].source.lower()
    assert "objectives" in intro and "expected time" in intro, (
        f"{lab}: the first cell states the objectives and the expected time"
    )


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS[:1])
def test_nbgrader_validate_solutions(lab):
    """``nbgrader validate`` accepts a solutions notebook with the course's configuration. One lab
    is enough here: ``tests/test_labs_execute.py`` runs every lab's solutions under the same
    shrink mode and fails on any cell that raises, a failing test cell included."""
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "validate", str(labkit.solution_path(lab))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Success! Your notebook passes all the tests." in out, out


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_unmodified_release_fails_every_test(lab):
    from nbclient import NotebookClient

    nb = _nb(labkit.release_path(lab))
    env_before = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # the kernel inherits it: shrunk cells
    try:
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(ROOT)}},
        ).execute()
    finally:
        if env_before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = env_before
    tests = [c for c in nb.cells if _is_test(c)]
    assert tests
    passed = [
        _meta(c)["grade_id"]
        for c in tests
        if not any(o.get("output_type") == "error" for o in c.outputs)
    ]
    assert not passed, f"these test cells pass on the unmodified release of {lab}: {passed}"
