"""The shipped pretrained policies and recorded data (ppo_core.pretrained).

These check that the artefacts are what the manifest says and that they come from the run the
script describes: the recorded batch's old log-probabilities are exactly those of the policy
saved just before it was collected, and the recorded episode's values are the final critic's.

The evaluations are re-run on whatever CPU runs the tests, not the one that recorded them: the
same CPU gives the same returns bit for bit, another may not (a float rounded differently can
flip one action and so a whole episode). Each is compared with the manifest's figure within the
margin recorded beside it, measured from the policy's spread over fresh evaluation seeds
(``scripts/make_pretrained.py``, ``reproduction_margin``).
"""

from __future__ import annotations

import copy
import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from ppo_core import ActorCritic, evaluate
from ppo_core.pretrained import (
    ASSETS,
    CONTINUOUS_ENV,
    available_steps,
    load_batch,
    load_episode,
    load_history,
    load_pretrained,
    manifest,
)

ROOT = Path(__file__).resolve().parents[1]


def _script_config(name: str = "CONFIG") -> dict:
    spec = importlib.util.spec_from_file_location(
        "make_pretrained", ROOT / "scripts" / "make_pretrained.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # main() is guarded; importing trains nothing
    return getattr(module, name)


def test_assets_are_small_and_described_by_the_manifest():
    files = {p.name: p.stat().st_size for p in ASSETS.iterdir()}
    assert sum(files.values()) < 2_000_000, files
    m = manifest()
    assert m["script"] == "scripts/make_pretrained.py"
    assert m["created"][:4].isdigit()
    for name in [*m["checkpoints"], "batch.npz", "episode.npz", "history.json"]:
        assert name in files
    assert m["config"]["env_id"] == "LunarLander-v3"


def test_manifest_config_is_the_script_pinned_config():
    # The artefacts must come from the script as committed, not from an edited copy.
    assert manifest()["config"] == _script_config()


def test_available_steps_span_the_run():
    steps = available_steps()
    assert {0, 100_000, 300_000} <= set(steps)
    assert max(steps) == manifest()["final_step"] >= 1_000_000


@pytest.mark.parametrize("step", [None, 0, 100_000, 300_000])
def test_load_pretrained_returns_a_lunar_lander_policy(step):
    policy = load_pretrained(step)
    assert isinstance(policy, ActorCritic)
    assert (policy.obs_dim, policy.action_dim, policy.hidden) == (8, 4, 64)
    assert not policy.training


def test_checkpoints_differ_and_default_is_final():
    final = load_pretrained()
    same = load_pretrained(max(available_steps()))
    untrained = load_pretrained(0)
    for a, b in zip(final.state_dict().values(), same.state_dict().values()):
        assert torch.equal(a, b)
    assert not all(
        torch.equal(a, b)
        for a, b in zip(final.state_dict().values(), untrained.state_dict().values())
    )


@pytest.mark.parametrize("bad", [1, 50_000, -1, "final", 1.5, True])
def test_unknown_step_lists_the_available_ones(bad):
    with pytest.raises(ValueError, match="available steps: 0, 100_000, 300_000"):
        load_pretrained(bad)


def test_untrained_policy_is_near_uniform():
    obs = torch.as_tensor(load_batch()["obs"][:256])
    _, _, entropy, _ = load_pretrained(0).get_action_and_value(obs)
    assert entropy.mean().item() == pytest.approx(math.log(4), abs=0.01)  # ln|A| = 1.386


def _reproduces(mean: float, recorded: float, info: dict) -> None:
    """``mean`` is the recorded evaluation's, within the margin measured beside it."""
    spread = info["reproducible"]
    assert len(spread["block_means"]) == spread["fresh_seed_blocks"] >= 5
    assert spread["block_mean_sd"] == pytest.approx(np.std(spread["block_means"], ddof=1), abs=0.01)
    assert spread["margin"] == pytest.approx(3 * math.sqrt(2) * spread["block_mean_sd"], abs=0.02)
    assert abs(mean - recorded) <= spread["margin"], (mean, recorded, spread["margin"])


def test_final_policy_solves_lunar_lander_as_the_manifest_says():
    """>= 200 in a deterministic 100-episode evaluation (a few seconds), and the manifest's
    recorded evaluation is reproduced within its margin."""
    info = manifest()["checkpoints"]["policy_final.pt"]["eval"]
    assert info["episodes"] == 100 and info["deterministic"]
    returns = evaluate(
        load_pretrained(), "LunarLander-v3", episodes=100, seed=info["seed"], deterministic=True
    )
    assert returns.shape == (100,)
    assert returns.mean() >= 200.0, returns.mean()
    _reproduces(returns.mean(), info["mean"], info)


# The recorded log-probabilities and values are float32 products of another CPU's kernels. They are
# compared with the same network evaluated in float64, which any CPU computes to far better than
# float32 precision: measured, the recorded values are within 2e-7 of it relatively (3.2e-5 at
# |V| = 218) and the log-probabilities within 3.1e-7, so a relative 1e-5 leaves a factor of 50.
FLOAT32_RTOL = 1e-5


def _in_float64(policy: ActorCritic) -> ActorCritic:
    return copy.deepcopy(policy).double()


def _float64(array) -> torch.Tensor:
    return torch.as_tensor(np.asarray(array), dtype=torch.float64)


def test_batch_was_collected_by_the_100k_policy_and_updated_for_real():
    batch = load_batch()
    n = len(batch["actions"])
    assert batch["obs"].shape == (n, 8) and n == manifest()["batch"]["samples"]
    for key in ("old_log_probs", "new_log_probs", "advantages", "returns", "values"):
        assert batch[key].shape == (n,) and np.isfinite(batch[key]).all()
    # The rollout right after the 100k checkpoint: its old log-probs are that policy's.
    assert (
        int(batch["global_step"]) - 16 * 1024
        == manifest()["checkpoints"]["policy_100k.pt"]["global_step"]
    )
    collector = _in_float64(load_pretrained(100_000))
    with torch.no_grad():
        _, log_probs, _, values = collector.get_action_and_value(
            _float64(batch["obs"]), torch.as_tensor(batch["actions"])
        )
    np.testing.assert_allclose(
        batch["old_log_probs"], log_probs.numpy(), rtol=FLOAT32_RTOL, atol=FLOAT32_RTOL
    )
    np.testing.assert_allclose(
        batch["values"], values.numpy(), rtol=FLOAT32_RTOL, atol=FLOAT32_RTOL
    )
    # GAE's returns are advantages + values (unnormalised advantages).
    np.testing.assert_allclose(
        batch["returns"], batch["advantages"] + batch["values"], rtol=1e-5, atol=1e-3
    )
    ratio = np.exp(batch["new_log_probs"] - batch["old_log_probs"])
    clipped = np.mean(np.abs(ratio - 1) > float(batch["clip_coef"]))
    assert 0.01 < clipped < 0.5  # a real update moved the policy, not by a made-up amount


def test_episode_is_the_final_policy_playing():
    ep = load_episode()
    T = len(ep["rewards"])
    assert T == manifest()["episode"]["steps"] and ep["obs"].shape == (T, 8)
    assert ep["terminated"][-1] + ep["truncated"][-1] >= 1 and not ep["terminated"][:-1].any()
    with torch.no_grad():
        values = _in_float64(load_pretrained()).get_value(_float64(ep["obs"]))
    np.testing.assert_allclose(ep["values"], values.numpy(), rtol=FLOAT32_RTOL, atol=FLOAT32_RTOL)
    # next_values[t] is V(s_{t+1}) inside the episode.
    np.testing.assert_allclose(ep["next_values"][:-1], ep["values"][1:], atol=1e-5)


def test_history_is_the_whole_run():
    run = load_history()
    rows = run["history"]
    assert len(rows) == manifest()["history"]["updates"]
    assert rows[-1]["global_step"] == manifest()["final_step"]
    assert len(run["episode_returns"]) == len(run["episode_steps"]) > 100
    for key in (
        "losses/approx_kl",
        "losses/clipfrac",
        "losses/entropy",
        "losses/explained_variance",
        "losses/value_loss",
        "charts/action_frequencies",
    ):
        assert key in rows[0]
    # Learning happened: the last 100 training episodes beat the first 100 by far.
    returns = np.asarray(run["episode_returns"])
    assert returns[-100:].mean() > returns[:100].mean() + 200


def test_continuous_manifest_is_the_script_pinned_config():
    m = manifest(CONTINUOUS_ENV)
    assert m["script"] == "scripts/make_pretrained.py --continuous"
    assert m["config"] == _script_config("CONTINUOUS_CONFIG")
    files = {p.name: p.stat().st_size for p in (ASSETS / "continuous").iterdir()}
    assert set(files) == {"manifest.json", m["policy"]} and sum(files.values()) < 200_000


def test_continuous_policy_lands_as_the_manifest_says():
    """Lab 6 and the presenter's GIF: >= 200 over 100 deterministic episodes, and the
    manifest's evaluation reproduced within its margin."""
    info = manifest(CONTINUOUS_ENV)["evaluation"]
    policy = load_pretrained(env_id=CONTINUOUS_ENV)
    assert not policy.discrete and policy.action_dim == 2
    returns = evaluate(policy, CONTINUOUS_ENV, episodes=100, seed=info["seed"], deterministic=True)
    assert returns.mean() >= 200.0, returns.mean()
    _reproduces(returns.mean(), info["return_mean"], info)


def test_continuous_run_has_no_steps_and_unknown_envs_are_named():
    with pytest.raises(ValueError, match="final policy only"):
        load_pretrained(100_000, env_id=CONTINUOUS_ENV)
    with pytest.raises(ValueError, match="no pretrained run for 'CartPole-v1'"):
        load_pretrained(env_id="CartPole-v1")
