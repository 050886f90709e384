"""Every solutions notebook runs top to bottom under nbgrader's shrink mode, every cell passing.

``NBGRADER_EXECUTION`` set makes the labs shrink their long cells (fewer timesteps, no GIFs);
the whole notebook must then run in at most 60 s so it autogrades in time. The full-size run
(<= 5 min, no NBGRADER_EXECUTION) is measured by hand, see the report in docs/labs.md.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import labkit

LABS = [lab for lab in labkit.LABS if labkit.solution_path(lab).exists()]
BUDGET_S = float(os.environ.get("LAB_AUTOGRADE_BUDGET_S", "60"))


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_solution_notebook_runs_under_nbgrader(lab, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    nb = nbformat.read(str(labkit.solution_path(lab)), as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT / "solutions" / lab)}},
    ).execute()
    elapsed = time.perf_counter() - start
    errors = [
        (
            i,
            cell.metadata.get("nbgrader", {}).get("grade_id", ""),
            out.get("ename"),
            out.get("evalue"),
        )
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{lab}: cells raised {errors}"
    assert elapsed <= BUDGET_S, (
        f"{lab} took {elapsed:.1f} s under NBGRADER_EXECUTION (max {BUDGET_S})"
    )
