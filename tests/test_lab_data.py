"""The recorded runs of Lab 5's diagnosis exercise: present, well-formed, and answerable.

The data under ppo_core/assets/runs/ is written by scripts/record_diagnosis_runs.py. These tests
check that every run the lab shows exists with the keys the lab plots, and that each injected
fault leaves the trace the lab (and its model answer) says it leaves -- so the exercise can be
solved from the curves. Fast: reads a few small JSON files.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from autograder.checks.lab5_diagnostics import (
    check_diagnosis_format,
    check_diagnosis_run,
    diagnosis_key,
)
from ppo_core import recorded_runs

RUNS = Path(__file__).resolve().parents[1] / "ppo_core" / "assets" / "runs"
ROW_KEYS = (
    "iteration",
    "global_step",
    "charts/mean_return_100",
    "charts/episodic_return",
    "charts/action_frequencies",
    "losses/policy_loss",
    "losses/value_loss",
    "losses/entropy",
    "losses/approx_kl",
    "losses/clipfrac",
    "losses/explained_variance",
    "ratio/mean",
    "ratio/std",
    "ratio/max",
    "advantages/mean",
    "advantages/std",
)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((RUNS / "manifest.json").read_text())


@pytest.fixture(scope="module")
def runs() -> dict[str, list[dict]]:
    return {
        name: json.loads((RUNS / f"{name}.json").read_text())["history"]
        for name in recorded_runs.FAULTS
    }


def metric(history: list[dict], key: str, part: str = "all") -> np.ndarray:
    rows = {
        "all": history,
        "first": history[: len(history) // 2],
        "second": history[len(history) // 2 :],
    }[part]
    return np.array([math.nan if r[key] is None else r[key] for r in rows], dtype=float)


def median(history, key, part="all") -> float:
    return float(np.nanmedian(metric(history, key, part)))


def final_return(history) -> float:
    return float(history[-1]["charts/mean_return_100"])


# --- Presence and format ----------------------------------------------------------------------


def test_manifest_records_every_run(manifest):
    assert manifest["script"] == "scripts/record_diagnosis_runs.py"
    names = [run["name"] for run in manifest["runs"]]
    assert sorted(names) == sorted(recorded_runs.FAULTS)
    for run in manifest["runs"]:
        assert (RUNS / run["file"]).exists(), run["file"]
        assert run["fault"] and run["date"] and run["config"]["env_id"] == "LunarLander-v3"
        # exactly one change from the baseline (the GAE fault changes the gae_fn instead)
        changed = {k for k, v in run["config"].items() if manifest["baseline"].get(k) != v}
        assert changed == set(run["overrides"]), (run["name"], changed)
        assert (run["gae_fn"] != "compute_gae") == (run["name"] == "gae_leak")


@pytest.mark.parametrize("name", recorded_runs.FAULTS)
def test_run_file_is_a_full_history(name, manifest):
    data = json.loads((RUNS / f"{name}.json").read_text())
    history = data["history"]
    config = next(r["config"] for r in manifest["runs"] if r["name"] == name)
    expected_updates = config["total_timesteps"] // (config["num_envs"] * config["num_steps"])
    assert len(history) == expected_updates
    for row in history:
        missing = [k for k in ROW_KEYS if k not in row]
        assert not missing, f"{name}: update {row.get('iteration')} lacks {missing}"
        assert len(row["charts/action_frequencies"]) == 4
    assert [r["iteration"] for r in history] == list(range(1, expected_updates + 1))
    assert (RUNS / f"{name}.json").stat().st_size < 200_000  # small, committed


def test_seed_study_shows_the_spread_of_healthy_runs(manifest):
    study = manifest["seed_study"]
    assert len(study) >= 3
    assert all(math.isfinite(entry["final_mean_return_100"]) for entry in study)
    assert 4 in {entry["seed"] for entry in study}  # the lab's live reference run uses seed 4


def test_entropy_never_exceeds_ln4(runs):
    for name, history in runs.items():
        assert metric(history, "losses/entropy").max() <= math.log(4) + 1e-6, name


# --- The anonymised exercise --------------------------------------------------------------------


def test_diagnosis_runs_are_the_recorded_runs_relabelled(runs):
    shown = recorded_runs.load_diagnosis_runs()
    key = diagnosis_key()
    assert sorted(shown) == [f"run_{c}" for c in "ABCDEF"]
    assert sorted(key.values()) == sorted(recorded_runs.FAULTS)
    for label, history in shown.items():
        original = runs[key[label]]
        assert len(history) == len(original)
        assert history[-1]["losses/approx_kl"] == original[-1]["losses/approx_kl"]
    # the healthy run is not simply run_A
    assert key["run_A"] != "healthy"


def test_diagnosis_checks_accept_the_key_and_reject_a_swap():
    key = diagnosis_key()
    check_diagnosis_format(key)
    for label in key:
        check_diagnosis_run(key, label)
    wrong = dict(key)
    wrong["run_A"], wrong["run_B"] = key["run_B"], key["run_A"]
    with pytest.raises(AssertionError, match="run_A"):
        check_diagnosis_run(wrong, "run_A")
    check_diagnosis_run(wrong, "run_C")
    with pytest.raises(AssertionError, match="no entry"):
        check_diagnosis_format({"run_A": "healthy"})
    with pytest.raises(AssertionError, match="not one of"):
        check_diagnosis_format({**key, "run_A": "bad_luck"})


def test_a_wrong_fault_is_answered_with_its_signature_not_with_the_key(manifest):
    """Naming the wrong fault quotes that fault's signature (from the manifest) and the run's
    own numbers for it, and never names the right fault."""
    key = diagnosis_key()
    for label, fault in key.items():
        for named in recorded_runs.FAULTS:
            wrong = {**key, label: named}
            if named == fault:
                check_diagnosis_run(wrong, label)
                continue
            with pytest.raises(AssertionError) as raised:
                check_diagnosis_run(wrong, label)
            message = str(raised.value)
            assert f"{label} is not '{named}'" in message
            assert manifest["signatures"][named] in message
            assert f"{label} shows: " in message
            assert f"'{fault}'" not in message and f'"{fault}"' not in message


def test_wrong_fault_feedback_without_signatures_points_at_the_curves(monkeypatch):
    """A manifest recorded before the signatures existed still gets a message (no quote)."""
    from autograder.checks import lab5_diagnostics

    monkeypatch.setattr(lab5_diagnostics, "diagnosis_manifest", lambda: {"runs": []})
    messages = lab5_diagnostics._wrong_fault_messages()
    assert messages["run_A"]["healthy"] == (
        "run_A is not 'healthy'. Look again at its curves against the healthy ranges and the "
        "checklist"
    )


def test_mean_advantage_positive_share_counts_after_the_first_quarter():
    history = [{"advantages/mean": v} for v in (5.0, 5.0, -1.0, 2.0, 0.0, 3.0, None, 1.0)]
    # rows 2..7: -1, 2, 0, 3, missing, 1 -> 3 of 6 positive (0 and a missing value are not)
    assert recorded_runs.mean_advantage_positive_share(history) == pytest.approx(0.5)
    assert math.isnan(recorded_runs.mean_advantage_positive_share([]))
    assert recorded_runs.mean_advantage_positive_share([{}]) == 0.0


# --- Each fault leaves the signature the lab describes --------------------------------------------


def test_healthy_run_learns_within_the_healthy_ranges(runs):
    h = runs["healthy"]
    assert final_return(h) >= 150
    # the ranges of the lab's table (the first half: later both fall as the learning rate anneals)
    assert 0.001 <= median(h, "losses/approx_kl", "first") <= 0.03
    assert 0.01 <= median(h, "losses/clipfrac", "first") <= 0.2
    assert median(h, "losses/explained_variance", "second") >= 0.5
    # entropy starts near ln 4 and falls, but does not collapse
    entropy = metric(h, "losses/entropy")
    assert entropy[0] > 1.3 and 0.3 < entropy[-1] < entropy[0] - 0.2
    # the healthy run learns best
    assert all(final_return(h) > final_return(r) for name, r in runs.items() if name != "healthy")


def test_high_learning_rate_shows_in_kl_and_clip_fraction(runs):
    h, bad = runs["healthy"], runs["lr_too_high"]
    # the first updates move the policy far beyond anything a healthy update does (approx KL
    # above 0.3, ten times the band's top) ...
    kl_top = max(0.03, metric(h, "losses/approx_kl").max())
    assert metric(bad, "losses/approx_kl").max() > 10 * kl_top
    # ... until it collapses onto one action: entropy ~0, then KL and clip fraction ~0
    assert median(bad, "losses/entropy", "second") < 0.05
    for key in ("losses/approx_kl", "losses/clipfrac"):
        assert median(bad, key, "second") < 0.5 * median(h, key, "second")
    for name, r in runs.items():
        if name != "lr_too_high":  # no other run collapses
            assert median(r, "losses/entropy", "second") > 0.5, name
    assert final_return(bad) < min(0.0, final_return(h) - 100)


def test_high_entropy_coefficient_keeps_entropy_near_ln4(runs):
    bad = runs["ent_coef_too_high"]
    assert metric(bad, "losses/entropy", "second").min() > 0.8 * math.log(4)
    assert median(bad, "losses/entropy", "second") > 0.85 * math.log(4)
    for name, r in runs.items():
        if name != "ent_coef_too_high":  # far above every other run
            assert (
                median(r, "losses/entropy", "second")
                < median(bad, "losses/entropy", "second") - 0.2
            ), name
    assert final_return(bad) < final_return(runs["healthy"]) - 100


def test_missing_advantage_normalisation_shows_in_the_policy_loss_scale(runs):
    bad = runs["no_adv_norm"]
    scale_bad = float(np.nanmedian(np.abs(metric(bad, "losses/policy_loss"))))
    for name, r in runs.items():
        if name != "no_adv_norm":
            scale = float(np.nanmedian(np.abs(metric(r, "losses/policy_loss"))))
            assert scale_bad > 10 * scale, name


def test_leaking_gae_learns_worse(runs):
    h, bad = runs["healthy"], runs["gae_leak"]
    assert final_return(bad) < final_return(h) - 25
    assert (
        median(bad, "charts/mean_return_100", "second")
        < median(h, "charts/mean_return_100", "second") - 25
    )
    assert (
        median(bad, "losses/explained_variance", "second")
        < median(h, "losses/explained_variance", "second") - 0.1
    )
    # the critic keeps underestimating: its returns run on into the following episodes
    positive = {
        name: np.mean(metric(r, "advantages/mean")[len(r) // 4 :] > 0)
        for name, r in (("healthy", h), ("gae_leak", bad))
    }
    assert positive["gae_leak"] >= 0.8 > positive["healthy"]


def test_untrained_critic_explains_nothing(runs):
    bad = runs["critic_not_trained"]
    ev = metric(bad, "losses/explained_variance")
    assert np.median(np.abs(ev)) < 0.1 and np.nanmax(ev) < 0.5
    # every run whose critic trains explains much more at some point
    for name, r in runs.items():
        if name != "critic_not_trained":
            assert np.nanmax(metric(r, "losses/explained_variance")) > 0.8, name
    assert median(bad, "losses/entropy", "second") < 0.8 * median(
        runs["ent_coef_too_high"], "losses/entropy", "second"
    )


def test_an_unknown_run_name_is_refused_with_the_names_to_pick():
    with pytest.raises(ValueError, match="pick one of"):
        recorded_runs.load_run("bad_luck")
