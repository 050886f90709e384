"""Every lab runs top to bottom against the student build, with a learner's answers.

The student build's source tree (``autograder.student.build.build_student_tree``: ``ppo_core``
with every exercise withheld, ``ppo_viz``, the visible checks) goes first on the kernel's
``PYTHONPATH``. Each *release* notebook gets its solution cells from the solution notebook
(matched by nbgrader ``grade_id``; the hidden tests stay absent, as in the release) and, in the
cell "Your functions from earlier labs", the solution cells of the earlier labs it names, as a
learner pastes them. It then runs under ``NBGRADER_EXECUTION`` (the labs' short mode) and no cell
may raise. A last cell reports which ``ppo_core`` the kernel imported, so the test knows that the
student build, not the installed library, ran.

The kernel runs in a fresh virtual environment with the student build's wheel installed
(``student_env``, see tests/student_env.py): the checks are the student build's (stored numbers,
no reference code), the library withholds every exercise. The kernel's Python is a parameter of
:func:`run_release_notebook` (``python=``, ``pythonpath=``).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from ppo_core import exercises

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import labkit

LABS = [lab for lab in labkit.LABS if labkit.release_path(lab).exists()]
REPORT = "STUDENT-BUILD-REPORT "
REPORT_CELL = f"""
import json, ppo_core, ppo_viz, autograder.checks, ppo_core._withheld
print({REPORT!r} + json.dumps({{
    "ppo_core": ppo_core.__file__, "ppo_viz": ppo_viz.__file__,
    "checks": autograder.checks.__file__,
    "withheld": sorted(ppo_core._withheld.WITHHELD)}}))
"""


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _solution_cells(lab: str) -> dict[str, str]:
    """``{grade_id: source}`` of the solution notebook's code solution cells."""
    nb = nbformat.read(str(labkit.solution_path(lab)), as_version=4)
    return {
        _grade_id(c): c.source
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }


def earlier_labs(nb) -> list[str]:
    """The labs whose functions the cell after "Your functions from earlier labs" brings in."""
    plug = next((c for c in nb.cells if _grade_id(c) == "earlier_functions"), None)
    if plug is None:
        return []
    return [
        lab
        for lab in labkit.LABS
        if any(f'"{name}"' in plug.source for name in labkit.CONTRACT[lab])
    ]


def learner_notebook(lab: str):
    """The release notebook of ``lab`` as a learner fills it (solutions by grade_id, earlier
    labs pasted), with a last cell that reports the kernel's ``ppo_core``."""
    nb = nbformat.read(str(labkit.release_path(lab)), as_version=4)
    answers = _solution_cells(lab)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[_grade_id(cell)]
    pasted = [
        source
        for earlier in earlier_labs(nb)
        for gid, source in _solution_cells(earlier).items()
        if gid in labkit.CONTRACT[earlier]
    ]
    paste_cells = [c for c in nb.cells if c.source.startswith(labkit.EARLIER_HEADER)]
    assert len(paste_cells) == (1 if pasted else 0), f"{lab}: one paste cell per lab that needs it"
    for cell in paste_cells:
        cell.source = cell.source + "\n\n" + "\n\n\n".join(pasted)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    return nb


def _kernel_manager(kernels: Path, python: str, pythonpath: str | None):
    """A kernel running ``python`` with ``pythonpath`` first and the labs' short mode on."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    # An inherited PYTHONPATH holding a checkout would shadow the build: set it either way.
    env = {"NBGRADER_EXECUTION": "autograde", "PYTHONPATH": pythonpath or ""}
    spec = kernels / "ppo-student"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "student build",
                "language": "python",
                "env": env,
            }
        )
    )
    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    return AsyncKernelManager(kernel_name="ppo-student", kernel_spec_manager=specs)


def run_release_notebook(
    lab: str,
    workdir: Path,
    python: str = sys.executable,
    pythonpath: str | None = None,
    timeout: int = 300,
):
    """Run ``learner_notebook(lab)`` in ``workdir`` with a kernel of ``python``; return it.

    ``workdir`` is the kernel's working directory (a copy of the lab's release folder), never
    the repository root, whose ``ppo_core`` would shadow the build.
    """
    from nbclient import NotebookClient

    nb = learner_notebook(lab)
    shutil.copytree(labkit.release_path(lab).parent, workdir, dirs_exist_ok=True)
    km = _kernel_manager(workdir / ".kernels", python, pythonpath)
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    asyncio.run(client.async_execute())
    return nb


def cell_errors(nb) -> list[tuple]:
    return [
        (
            i,
            _grade_id(cell) or cell.source.splitlines()[0][:60],
            out.get("ename"),
            out.get("evalue", "")[:1000],
        )
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]


def kernel_report(nb) -> dict:
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    line = next(line for line in text.splitlines() if line.startswith(REPORT))
    return json.loads(line[len(REPORT) :])


@pytest.fixture(scope="module")
def executed(student_env, tmp_path_factory) -> dict:
    """Every lab's learner notebook run against the installed student build, two at a time."""
    work = tmp_path_factory.mktemp("labs")

    def run(lab):
        return lab, run_release_notebook(lab, work / lab, python=str(student_env.python))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, LABS))


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_lab_runs_against_the_student_build(lab, executed, student_env):
    nb = executed[lab]
    errors = cell_errors(nb)
    assert not errors, f"{lab}: cells raised {errors}"
    report = kernel_report(nb)
    venv = student_env.root / "venv"
    assert Path(report["ppo_core"]).is_relative_to(venv), report
    assert Path(report["ppo_viz"]).is_relative_to(venv), report
    assert Path(report["checks"]).is_relative_to(venv), report
    assert set(report["withheld"]) == set(labkit.CONTRACT_FUNCTIONS), report


@pytest.mark.slow
def test_without_the_pasted_functions_lab4_says_what_is_missing(student_env, tmp_path):
    """The check can fail: an empty paste cell stops Lab 4 with the names to paste."""
    nb = learner_notebook("lab4_training")
    paste = next(c for c in nb.cells if c.source.startswith(labkit.EARLIER_HEADER))
    paste.source = labkit.EARLIER_HEADER
    nb.cells = nb.cells[: nb.cells.index(paste) + 2]  # up to the cell that plugs them in
    from nbclient import NotebookClient

    km = _kernel_manager(tmp_path / ".kernels", str(student_env.python), None)
    client = NotebookClient(
        nb, km=km, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    asyncio.run(client.async_execute())
    errors = cell_errors(nb)
    assert len(errors) == 1 and errors[0][2] == "NameError", errors
    for words in ("Lab 1: discounted_return", "Lab 5: approx_kl", "paste your solution cells"):
        assert words in errors[0][3], errors


def test_learner_notebooks_fill_every_solution_cell():
    for lab in LABS:
        nb = learner_notebook(lab)
        for cell in nb.cells:
            assert "raise NotImplementedError()" not in cell.source, (lab, _grade_id(cell))
        if lab == "lab4_training":
            paste = next(c for c in nb.cells if c.source.startswith(labkit.EARLIER_HEADER))
            earlier = [lab.id for lab in exercises.LABS if lab.number in (1, 2, 3, 5)]
            for name in (name for earlier_lab in earlier for name in exercises.names(earlier_lab)):
                assert f"def {name}(" in paste.source, name
