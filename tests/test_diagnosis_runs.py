"""Lab 5's diagnosis runs: each shows its signature and only its own, so a learner can name
the fault from the dashboard.

The signatures live in scripts/record_diagnosis_runs.py (FAULTS): a sentence for the lab and a
predicate over one run's history against fixed thresholds (the dashboard's healthy bands). These
tests check the recorded runs against them, the bands against the healthy run, the predicates
against deliberately wrong histories, and the logic of ``--check`` on synthetic histories (the
multi-seed check itself trains for an hour: it is a command, not a test). Fast: no training.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import record_diagnosis_runs as rdr

from ppo_core import PPOConfig
from ppo_viz.plots import ENTROPY_FLOOR, HEALTHY

RUNS = ROOT / "ppo_core" / "assets" / "runs"
N_UPDATES = 150


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((RUNS / "manifest.json").read_text())


@pytest.fixture(scope="module")
def recorded() -> dict[str, list[dict]]:
    return {name: json.loads((RUNS / f"{name}.json").read_text())["history"] for name in rdr.FAULTS}


def synthetic(n: int = N_UPDATES, **shapes) -> list[dict]:
    """A healthy-looking history of ``n`` updates; ``shapes`` replaces a metric by a constant or
    by a function of the update's progress p in [0, 1)."""
    curves = {
        "charts/mean_return_100": lambda p: -150.0 + 400.0 * min(p / 0.5, 1.0),
        "losses/approx_kl": 0.008,
        "losses/clipfrac": 0.08,
        "losses/entropy": lambda p: 1.38 - 0.7 * min(p / 0.5, 1.0),
        "losses/explained_variance": lambda p: min(0.9, 0.1 + 8.0 * p),
        "losses/policy_loss": -0.01,
        "advantages/mean": lambda p: 0.2 * math.sin(60.0 * p),  # changes sign: the critic keeps up
    } | shapes
    return [
        {
            "iteration": i + 1,
            **{key: float(c(i / n) if callable(c) else c) for key, c in curves.items()},
        }
        for i in range(n)
    ]


# What each fault does to the synthetic healthy history: one change each.
FAULTY_SHAPES = {
    "lr_too_high": {
        "losses/approx_kl": lambda p: 0.9 if 0.02 < p < 0.04 else 1e-6,
        "losses/entropy": lambda p: 1.38 if p < 0.03 else 0.001,
        "charts/mean_return_100": -700.0,
    },
    "ent_coef_too_high": {"losses/entropy": 1.3, "charts/mean_return_100": 50.0},
    "no_adv_norm": {"losses/policy_loss": lambda p: 0.3 * math.cos(7 * p)},
    "gae_leak": {"advantages/mean": 0.5},  # the critic keeps underestimating
    "critic_not_trained": {
        "losses/explained_variance": lambda p: 0.03 * math.sin(9 * p),
        "charts/mean_return_100": 100.0,
    },
}
SYNTHETIC = {"healthy": synthetic()} | {
    name: synthetic(**shape) for name, shape in FAULTY_SHAPES.items()
}


# --- The recorded runs ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(rdr.FAULTS))
def test_recorded_run_shows_its_signature_and_only_its_own(name, recorded, manifest):
    assert rdr.signatures_holding(recorded[name]) == [name]
    entry = next(run for run in manifest["runs"] if run["name"] == name)
    assert entry["signatures_holding"] == [name]
    assert entry["signature"] == rdr.FAULTS[name].signature.text == manifest["signatures"][name]


def test_recorded_healthy_run_lands(recorded):
    assert rdr.final_return(recorded["healthy"]) >= rdr.SOLVED
    # and lands better than every faulty run
    assert all(
        rdr.final_return(recorded["healthy"]) > rdr.final_return(history)
        for name, history in recorded.items()
        if name != "healthy"
    )


@pytest.mark.parametrize("key", sorted(HEALTHY) + ["losses/entropy"])
def test_dashboard_bands_contain_the_healthy_run(key, recorded):
    band = HEALTHY.get(key, (ENTROPY_FLOOR, math.log(4)))
    assert rdr.share_in_band(recorded["healthy"], key, band, "after_warmup") >= 0.8


def test_seed_study_lands_on_every_seed(manifest):
    """The healthy baseline on other seeds: no knife edge (the old one ended at 66 to 218)."""
    study = manifest["seed_study"]
    assert len(study) >= 3
    assert all(entry["lands"] and entry["final_mean_return_100"] >= rdr.SOLVED for entry in study)


def _same_config(recorded: dict, pinned: dict) -> None:
    """The recorded config equals the pinned one; a field added to PPOConfig after the runs were
    recorded (``fast``) may be missing from the file, but then the pin leaves it at its default."""
    defaults = PPOConfig().to_dict()
    assert {k: pinned[k] for k in recorded} == recorded
    assert all(pinned[k] == defaults[k] for k in pinned.keys() - recorded.keys())


def test_manifest_records_the_pinned_baseline(manifest):
    _same_config(manifest["baseline"], rdr.make_config().to_dict())
    for run in manifest["runs"]:
        _same_config(run["config"], rdr.make_config(run["overrides"]).to_dict())


# --- The predicates ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(rdr.FAULTS))
def test_each_signature_fires_on_its_own_synthetic_run_only(name):
    assert rdr.signatures_holding(SYNTHETIC[name]) == [name]


@pytest.mark.parametrize(
    "change, metric",
    [
        ({"charts/mean_return_100": 150.0}, "the return stays under 200"),
        ({"losses/approx_kl": 0.0005}, "approx KL below its band"),
        ({"losses/clipfrac": 0.5}, "the clip fraction above its band"),
        ({"losses/policy_loss": 0.2}, "|policy loss| on the scale of raw advantages"),
        ({"advantages/mean": 0.3}, "the critic always underestimating"),
        ({"losses/explained_variance": 0.3}, "explained variance below its band"),
        ({"losses/entropy": lambda p: 1.38 - 1.37 * p}, "the entropy collapsing"),
    ],
)
def test_healthy_signature_rejects_a_run_outside_a_band(change, metric):
    assert rdr.lands(synthetic())
    assert not rdr.lands(synthetic(**change)), metric


@pytest.mark.parametrize(
    "name, history",
    [
        ("lr_too_high", synthetic(**{"losses/approx_kl": 0.2})),  # high KL, no collapse
        ("lr_too_high", synthetic(**{"losses/entropy": 0.1})),  # collapse, KL in its band
        ("ent_coef_too_high", synthetic(**{"losses/entropy": 1.05})),
        ("no_adv_norm", synthetic(**{"losses/policy_loss": 0.03})),
        ("gae_leak", synthetic(**{"charts/mean_return_100": 80.0})),  # poor return alone
        ("gae_leak", synthetic(**{"advantages/mean": lambda p: 0.5 if p % 0.1 < 0.07 else -0.5})),
        (
            "gae_leak",
            synthetic(**{"advantages/mean": 0.5, "losses/explained_variance": 0.3}),
        ),  # the critic fails instead
        (
            "gae_leak",
            synthetic(**{"advantages/mean": 0.5, "losses/entropy": 1.3}),
        ),  # the entropy is pinned instead
        (
            "gae_leak",
            synthetic(**{"advantages/mean": 0.5, "losses/policy_loss": 0.3}),
        ),  # raw advantages instead
        (
            "gae_leak",
            synthetic(**{"advantages/mean": 0.5, "losses/approx_kl": 0.05}),
        ),  # steps too large instead
        ("critic_not_trained", synthetic(**{"losses/explained_variance": 0.15})),
        (
            "critic_not_trained",
            synthetic(**{"losses/explained_variance": lambda p: 0.6 if p > 0.9 else 0.0}),
        ),
    ],
)
def test_fault_signature_rejects_a_near_miss(name, history):
    assert not rdr.FAULTS[name].signature.holds(history)


def test_missing_values_are_ignored_not_fatal():
    history = synthetic()
    for row in history[:20]:
        row["charts/mean_return_100"] = None  # no episode finished yet
    history[40]["losses/explained_variance"] = None
    assert rdr.lands(history)
    assert math.isnan(rdr.final_return([{"charts/mean_return_100": None}]))


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="unknown part 'middle'"):
        rdr.window(synthetic(), "middle")
    with pytest.raises(ValueError, match="unknown run 'lucky'"):
        rdr.check_row("lucky", 1, synthetic())
    with pytest.raises(SystemExit, match="--check needs seeds"):
        rdr.run_check([], None, False)


def test_make_config_drops_fields_ppoconfig_does_not_have(monkeypatch):
    monkeypatch.setitem(rdr.BASELINE, "no_such_field", 3)
    config = rdr.make_config({"ent_coef": 0.1}, seed=7)
    assert (config.ent_coef, config.seed) == (0.1, 7)
    assert not hasattr(config, "no_such_field")


# --- The check's logic, on synthetic histories ------------------------------------------------


def rows_for(histories_by_seed: dict[int, dict[str, list[dict]]]) -> list[dict]:
    return [
        rdr.check_row(name, seed, history)
        for seed, histories in histories_by_seed.items()
        for name, history in histories.items()
    ]


def test_check_passes_when_every_run_is_told_apart():
    rows = rows_for({seed: SYNTHETIC for seed in (11, 12, 13)})
    assert all(rdr.row_passes(row) for row in rows)
    assert rdr.check_failures(rows) == []
    table = rdr.format_check(rows)
    assert table.count("\n") == 2 + len(rdr.FAULTS) - 1
    assert "| `gae_leak` | yes (250) | yes (250) | yes (250) |" in table


def test_check_tolerates_one_bad_seed_but_not_two():
    swapped = dict(SYNTHETIC, gae_leak=SYNTHETIC["critic_not_trained"])
    one_bad = rows_for({11: swapped, 12: SYNTHETIC, 13: SYNTHETIC})
    assert rdr.check_failures(one_bad) == []
    two_bad = rows_for({11: swapped, 12: swapped, 13: SYNTHETIC})
    assert rdr.check_failures(two_bad) == [
        "gae_leak: not told apart on 2 seeds: 11 (also critic_not_trained), "
        "12 (also critic_not_trained)"
    ]
    assert "**no**, also critic_not_trained (100)" in rdr.format_check(two_bad)


def test_check_fails_when_the_healthy_run_does_not_land():
    stuck = dict(SYNTHETIC, healthy=synthetic(**{"charts/mean_return_100": 120.0}))
    rows = rows_for({11: stuck, 12: stuck, 13: SYNTHETIC})
    assert rdr.check_failures(rows) == ["healthy: not told apart on 2 seeds: 11, 12"]


def test_check_command_reads_kept_histories(tmp_path, capsys):
    """``--check --reuse`` end to end, on kept synthetic histories (no training)."""
    for seed in (21, 22):
        for name, history in SYNTHETIC.items():
            config = rdr.make_config(rdr.FAULTS[name].overrides, seed).to_dict()
            (tmp_path / f"{name}_seed{seed}.json").write_text(
                json.dumps({"name": name, "seed": seed, "config": config, "history": history})
            )
    args = ["--check", "--seeds", "21", "22", "--histories", str(tmp_path), "--reuse"]
    assert rdr.main(args) == 0
    assert "OK: every run told apart" in capsys.readouterr().out
    for seed in (21, 22):  # break the healthy run on both seeds: the command fails
        path = tmp_path / f"healthy_seed{seed}.json"
        kept = json.loads(path.read_text())
        kept["history"] = SYNTHETIC["lr_too_high"]
        path.write_text(json.dumps(kept))
    assert rdr.main(args) == 1
    assert "FAILED healthy" in capsys.readouterr().out


def test_reuse_needs_a_histories_folder():
    with pytest.raises(SystemExit):
        rdr.main(["--check", "--seeds", "1", "--reuse"])


def test_synthetic_histories_are_what_they_claim():
    """The helpers read the synthetic runs as intended (a guard on the fixtures above)."""
    healthy = SYNTHETIC["healthy"]
    assert rdr.final_return(healthy) == pytest.approx(250.0)
    assert rdr.median(healthy, "losses/entropy", "second_half") == pytest.approx(0.68)
    assert len(rdr.window(healthy, "first_quarter")) == N_UPDATES // 4
    assert np.isnan(rdr.median([], "losses/entropy"))
