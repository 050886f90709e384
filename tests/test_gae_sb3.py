"""compute_gae equals stable-baselines3's RolloutBuffer.compute_returns_and_advantage.

SB3 describes the same rollout differently, so the test translates ours into SB3's inputs:

* SB3 stores ``episode_starts[t]`` -- "step t is the first step of a new episode" -- which is our
  ``done[t - 1]`` (with same-step autoreset the step after an end starts the next episode); the
  flag of the rollout's very first step is never read by the recursion.
* For the last step SB3 takes ``dones`` (our ``done[T - 1]``) and ``last_values`` = V(s_T).
* SB3's buffer has no truncation: its PPO adds ``gamma * V(final observation)`` to the reward of a
  step that was truncated (and not terminated) before storing it, then treats the step as done.
  That is exactly our bootstrap at a truncation, moved from the TD residual into the reward.
* SB3 bootstraps step t < T - 1 from ``values[t + 1]``, so our ``next_values[t]`` must equal
  ``values[t + 1]`` wherever the episode goes on, as it does in a real rollout.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

from ppo_core import compute_gae

RolloutBuffer = pytest.importorskip("stable_baselines3.common.buffers").RolloutBuffer

OBS_SPACE = gym.spaces.Box(-1.0, 1.0, (3,), np.float32)
ACT_SPACE = gym.spaces.Discrete(2)


def sb3_gae(ro: dict, gamma: float, lam: float):
    T, N = ro["rewards"].shape
    done = np.maximum(ro["terminated"], ro["truncated"])
    time_limit = (ro["truncated"] == 1.0) & (ro["terminated"] == 0.0)  # SB3's TimeLimit.truncated
    rewards = ro["rewards"] + gamma * ro["next_values"] * time_limit  # SB3 PPO's reward trick
    episode_starts = np.zeros((T, N))
    episode_starts[0] = 1.0  # arbitrary: never read for t = 0
    episode_starts[1:] = done[:-1]

    buffer = RolloutBuffer(
        T, OBS_SPACE, ACT_SPACE, device="cpu", gae_lambda=lam, gamma=gamma, n_envs=N
    )
    for t in range(T):
        buffer.add(
            np.zeros((N, 3), np.float32),
            np.zeros(N, np.int64),
            rewards[t].astype(np.float32),
            episode_starts[t].astype(np.float32),
            torch.as_tensor(ro["values"][t], dtype=torch.float32),
            torch.zeros(N),
        )
    buffer.compute_returns_and_advantage(
        last_values=torch.as_tensor(ro["next_values"][-1], dtype=torch.float32),
        dones=done[-1].astype(np.float32),
    )
    return buffer.advantages, buffer.returns


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("end_at_last", [True, False])
def test_matches_sb3_rollout_buffer(random_rollout, seed, end_at_last):
    gamma = [0.99, 0.9, 0.999][seed % 3]
    lam = [0.95, 0.8, 1.0, 0.0, 0.98, 0.5][seed]
    ro = random_rollout(
        T=64, N=4, seed=seed, p_end=0.1, end_at_last=end_at_last, both_flags=seed % 2 == 1
    )
    done = np.maximum(ro["terminated"], ro["truncated"])
    # The rollout really contains what the test is about: ends of both kinds inside it.
    assert ro["terminated"][:-1].any() and ro["truncated"][:-1].any()
    assert done[-1].all() == end_at_last

    adv, ret = compute_gae(
        ro["rewards"],
        ro["values"],
        ro["next_values"],
        ro["terminated"],
        ro["truncated"],
        gamma,
        lam,
    )
    sb3_adv, sb3_ret = sb3_gae(ro, gamma, lam)
    np.testing.assert_allclose(adv, sb3_adv, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ret, sb3_ret, rtol=1e-5, atol=1e-5)


def test_sb3_translation_is_needed_for_truncation(random_rollout):
    """Control: without the reward trick SB3 treats a truncation as a termination, and the two
    disagree -- so the comparison above really checks the truncation bootstrap."""
    ro = random_rollout(T=32, N=2, seed=0, p_end=0.15)
    assert ro["truncated"].any()
    adv, _ = compute_gae(
        ro["rewards"],
        ro["values"],
        ro["next_values"],
        ro["terminated"],
        ro["truncated"],
        0.99,
        0.95,
    )
    as_terminations = dict(
        ro,
        terminated=np.maximum(ro["terminated"], ro["truncated"]),
        truncated=np.zeros_like(ro["truncated"]),
    )
    sb3_adv, _ = sb3_gae(as_terminations, 0.99, 0.95)
    assert not np.allclose(adv, sb3_adv, atol=1e-3)
