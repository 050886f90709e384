"""The recorded LunarLander runs of Lab 5's diagnosis exercise (course data, not library code).

``scripts/record_diagnosis_runs.py`` trained one healthy run and five runs with one injected
fault each, and wrote their per-update histories (CleanRL's metric keys) with a manifest to
``ppo_core/assets/runs/``. Lab 5 shows them under the labels ``run_A``, ``run_B``, ... in an
order fixed by :data:`LABEL_SEED`, and asks which run has which fault. The order is derivable
from this file, of course: the exercise is for learning, not for secrecy.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

RUNS_DIR = Path(__file__).resolve().parent / "assets" / "runs"
"""Where the recorded histories (``<fault>.json``) and ``manifest.json`` live."""

FAULTS = (
    "healthy",
    "lr_too_high",
    "ent_coef_too_high",
    "no_adv_norm",
    "gae_leak",
    "critic_not_trained",
)

LABELS = tuple(f"run_{chr(ord('A') + i)}" for i in range(len(FAULTS)))
"""The anonymous labels Lab 5 shows the runs under (a student build defines the same)."""

LABEL_SEED = 2024


def run_labels() -> dict[str, str]:
    """``{"run_A": fault, ...}``: which recorded run each anonymous label shows."""
    order = np.random.default_rng(LABEL_SEED).permutation(len(FAULTS))
    return {label: FAULTS[int(k)] for label, k in zip(LABELS, order)}


def diagnosis_manifest() -> dict:
    """The manifest of the recorded runs: the script, the date, the baseline configuration and,
    per run, the fault (so reading it gives the answers away: the lab shows only the baseline)."""
    return json.loads((RUNS_DIR / "manifest.json").read_text())


def load_run(fault: str) -> list[dict]:
    """The history of the run ``fault`` (one of :data:`FAULTS`): a list of per-update dicts with
    CleanRL's keys. Missing values (no episode finished in that update) are ``nan``."""
    if fault not in FAULTS:
        raise ValueError(f"no recorded run named {fault!r}: pick one of {list(FAULTS)}")
    data = json.loads((RUNS_DIR / f"{fault}.json").read_text())
    return [{k: (math.nan if v is None else v) for k, v in row.items()} for row in data["history"]]


def mean_advantage_positive_share(history: list[dict]) -> float:
    """The share of the updates after the first quarter whose batch mean advantage
    (``advantages/mean``, return minus value before normalisation) is positive.

    A critic that tracks its targets errs both ways, so this share stays well under 1 (the
    healthy recorded run: 0.75); a critic whose targets keep outgrowing it, as when GAE runs on
    across episode ends, leaves it near 1. The first quarter is left out while the untrained
    critic settles. A missing value (NaN) counts as not positive; an empty history gives NaN.
    """
    rows = history[len(history) // 4 :]
    if not rows:
        return math.nan
    means = np.array(
        [
            math.nan if row.get("advantages/mean") is None else row["advantages/mean"]
            for row in rows
        ],
        dtype=np.float64,
    )
    return float(np.mean(means > 0))


def load_diagnosis_runs() -> dict[str, list[dict]]:
    """``{"run_A": history, ...}``: the recorded histories under their anonymous labels, as
    :func:`load_run` reads them."""
    return {label: load_run(fault) for label, fault in sorted(run_labels().items())}
