"""Same seed, same CPU, same numbers: two train runs are bit-identical; other seeds differ."""

from __future__ import annotations

import math

import pytest
import torch

from ppo_core import PPOConfig, train

TIMING_KEYS = {"time/wall_s", "charts/SPS"}  # wall-clock numbers legitimately differ


def short_config(env_id: str, seed: int) -> PPOConfig:
    return PPOConfig(
        env_id=env_id,
        seed=seed,
        total_timesteps=768,
        num_envs=4,
        num_steps=64,
        num_minibatches=4,
        update_epochs=2,
        learning_rate=3e-3,
        hidden_size=32,
    )


def run(env_id: str, seed: int):
    return train(short_config(env_id, seed), progress=False)


def same(a, b) -> bool:
    """Equality in which nan equals nan (an update without finished episodes logs nan)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


ENVS = ["CartPole-v1", "LunarLander-v3", "LunarLanderContinuous-v3"]


@pytest.fixture(scope="module", params=ENVS)
def two_runs(request):
    return request.param, run(request.param, seed=7), run(request.param, seed=7)


def test_same_seed_gives_identical_parameters(two_runs):
    _, a, b = two_runs
    sa, sb = a.policy.state_dict(), b.policy.state_dict()
    assert sa.keys() == sb.keys()
    for k in sa:
        assert torch.equal(sa[k], sb[k]), k


def test_same_seed_gives_identical_histories(two_runs):
    _, a, b = two_runs
    assert len(a.history) == len(b.history) == 3
    for row_a, row_b in zip(a.history, b.history):
        assert row_a.keys() == row_b.keys()
        for k in row_a.keys() - TIMING_KEYS:
            assert same(row_a[k], row_b[k]), k
    assert a.episode_returns == b.episode_returns
    assert a.episode_lengths == b.episode_lengths
    assert a.episode_steps == b.episode_steps


def test_different_seeds_differ(two_runs):
    env_id, a, _ = two_runs
    c = run(env_id, seed=8)
    assert any(
        not torch.equal(p, q)
        for p, q in zip(a.policy.state_dict().values(), c.policy.state_dict().values())
    )
    assert a.history[0]["losses/value_loss"] != c.history[0]["losses/value_loss"]
