"""Lab 5's recorded runs in a student build: under their letters only, without the answer key.

The open library names the recorded LunarLander runs by their fault (``gae_leak.json``, a
manifest entry per fault) and shows them in Lab 5 under the labels ``run_A``, ``run_B``, ...
from a seeded permutation (:func:`ppo_core.recorded_runs.run_labels`): anyone with the library
can read the key. A student build ships

* ``assets/runs/run_A.json``, ... -- each history as the lab shows it, named by its label; the
  ``charts/learning_rate`` column is left out, because it *is* the ``lr_too_high`` fault (the
  dashboard does not plot it);
* a manifest with the baseline configuration, the seed study and the faults' signatures (the
  lab shows them), and per run only its label, file and number of updates;
* a ``recorded_runs`` module without the seed or the permutation: the open module's ``FAULTS``
  and ``mean_advantage_positive_share`` (copied from it, so they stay one definition), and
  loaders by label.

``--reveal lab5_diagnostics`` keeps the open module and data instead.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

KEPT_MANIFEST_KEYS = (
    "script",
    "description",
    "ppo_core_version",
    "torch_version",
    "gymnasium_version",
    "python_version",
    "baseline",
    "signatures",
    "seed_study",
)
"""What the student manifest keeps of the open one: nothing that says which run is which."""

DROPPED_COLUMNS = ("charts/learning_rate",)
"""History keys a student build leaves out: the learning rate names the ``lr_too_high`` run."""

_SHARED = ("FAULTS", "mean_advantage_positive_share")
"""Definitions of the open ``recorded_runs`` module the student module keeps as they are."""

_MODULE = '''\
"""The recorded LunarLander runs of Lab 5's diagnosis exercise, in a student build.

``scripts/record_diagnosis_runs.py`` trained one healthy run and five runs with one injected
fault each. This build ships them under the labels ``run_A``, ``run_B``, ... only (written by
``python -m autograder build-student-package``): which run has which fault is the exercise, and
its answer key stays with the instructor.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

RUNS_DIR = Path(__file__).resolve().parent / "assets" / "runs"
"""Where the recorded histories (``run_A.json``, ...) and ``manifest.json`` live."""

{shared}


LABELS = {labels!r}
"""The labels of the recorded runs, one per fault."""


def run_labels() -> dict[str, str]:
    """Not in a student build: the answer key of Lab 5 stays with the instructor."""
    raise RuntimeError("this student build of the course does not say which run has which "
                       "fault: that is Lab 5's exercise. Diagnose the runs from their curves "
                       "(recorded_runs.load_diagnosis_runs())")


def diagnosis_manifest() -> dict:
    """The manifest of the recorded runs: the script, the date, the baseline configuration,
    the seed study, the faults' signatures and, per run, its label, file and updates."""
    return json.loads((RUNS_DIR / "manifest.json").read_text())


def load_run(label: str) -> list[dict]:
    """The history of the run ``label`` (one of :data:`LABELS`): a list of per-update dicts
    with CleanRL's keys. Missing values (no episode finished in that update) are ``nan``."""
    if label not in LABELS:
        raise ValueError(f"no recorded run named {{label!r}}: pick one of {{list(LABELS)}} (this "
                         f"student build names the runs by their labels only)")
    data = json.loads((RUNS_DIR / f"{{label}}.json").read_text())
    return [{{k: (math.nan if v is None else v) for k, v in row.items()}}
            for row in data["history"]]


def load_diagnosis_runs() -> dict[str, list[dict]]:
    """``{{"run_A": history, ...}}``: the recorded histories under their labels, as
    :func:`load_run` reads them."""
    return {{label: load_run(label) for label in LABELS}}
'''


def _shared_source(open_source: str) -> str:
    """The source of the definitions named in :data:`_SHARED` (with the docstring that follows
    an assignment), in the open module's order."""
    parts: list[str] = []
    found: set[str] = set()
    keep_docstring = False
    for node in ast.parse(open_source).body:
        names: set[str] = (
            {t.id for t in node.targets if isinstance(t, ast.Name)}
            if isinstance(node, ast.Assign)
            else {getattr(node, "name", "")}
        )
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if names & set(_SHARED) or (keep_docstring and is_docstring):
            parts.append(
                ("\n" if is_docstring else "\n\n\n")
                + (ast.get_source_segment(open_source, node) or "")
            )
            found |= names & set(_SHARED)
        keep_docstring = isinstance(node, ast.Assign) and bool(names & set(_SHARED))
    missing = sorted(set(_SHARED) - found)
    if missing:
        raise ValueError(
            f"ppo_core/recorded_runs.py no longer defines {missing}: update "
            f"_SHARED in autograder/student/runs.py"
        )
    return "".join(parts).strip("\n")


def student_module(open_source: str, labels: list[str]) -> str:
    """The student build's ``ppo_core/recorded_runs.py``."""
    return _MODULE.format(shared=_shared_source(open_source), labels=tuple(labels))


def student_manifest(manifest: dict, labels: dict[str, str]) -> dict:
    """The open ``manifest`` without the fault of each run; ``labels`` is ``{label: fault}``."""
    updates = {run["name"]: run.get("updates") for run in manifest.get("runs", [])}
    kept = {key: manifest[key] for key in KEPT_MANIFEST_KEYS if key in manifest}
    kept["runs"] = [
        {"label": label, "file": f"{label}.json", "updates": updates.get(fault)}
        for label, fault in sorted(labels.items())
    ]
    return kept


def anonymise_runs(library: Path, labels: dict[str, str]) -> None:
    """Rewrite ``library/ppo_core``'s recorded runs and ``recorded_runs.py`` for a student
    build: files by label, a manifest without faults, a module without the key."""
    runs_dir = library / "ppo_core" / "assets" / "runs"
    manifest = json.loads((runs_dir / "manifest.json").read_text())
    for label, fault in sorted(labels.items()):
        data = json.loads((runs_dir / f"{fault}.json").read_text())
        history = [
            {k: v for k, v in row.items() if k not in DROPPED_COLUMNS} for row in data["history"]
        ]
        (runs_dir / f"{label}.json").write_text(json.dumps({"name": label, "history": history}))
    for fault in set(labels.values()):
        (runs_dir / f"{fault}.json").unlink()
    (runs_dir / "manifest.json").write_text(
        json.dumps(student_manifest(manifest, labels), indent=1) + "\n"
    )
    module = library / "ppo_core" / "recorded_runs.py"
    module.write_text(student_module(module.read_text(), sorted(labels)))
