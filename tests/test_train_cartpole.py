"""End to end: PPO learns CartPole-v1 (mean return >= 400 of 500) in a few seconds on one core,
with the readable loop (the default) and with the speed layer (``fast=True``).

Every field of the config is pinned here, so that retuning the library's LunarLander defaults
cannot silently change this test. Measured on the course's 2-core machine, one core per run
(`taskset -c 1`), seeds 1 to 12: the mean of the last 20 training episodes and of 10
deterministic evaluation episodes was 500.0 (the maximum) for every seed; each run (training +
evaluation) took 4.0 to 6.9 s of CPU time, 5 to 10 s of wall time on a moderately busy machine.
A copy of the library with the policy gradient switched off fails the test (last 20 episodes
average about 21).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ppo_core import PPOConfig, evaluate, train

PINNED = {
    "env_id": "CartPole-v1",
    "seed": 1,
    "total_timesteps": 65_536,  # 64 updates of 8 x 128 steps
    "num_envs": 8,
    "num_steps": 128,
    "num_minibatches": 4,
    "update_epochs": 10,
    "learning_rate": 2.5e-3,
    "anneal_lr": True,
    "gamma": 0.99,
    "gae_lambda": 0.95,
    "clip_coef": 0.2,
    "clip_vloss": False,
    "reward_scale": 1.0,
    "ent_coef": 0.0,
    "vf_coef": 0.5,
    "max_grad_norm": 0.5,
    "norm_adv": True,
    "target_kl": None,
    "hidden_size": 64,
    "torch_threads": 1,
    "fast": False,  # the readable loop (the test runs the speed layer too)
    "env_workers": 2,  # with fast=True: rollouts and updates in two processes
}
FIELDS = {f.name for f in dataclasses.fields(PPOConfig)}
CARTPOLE = PPOConfig(**{k: v for k, v in PINNED.items() if k in FIELDS})


def test_every_config_field_is_pinned():
    """A new PPOConfig field would otherwise change this test through its default."""
    assert FIELDS <= PINNED.keys(), f"pin {sorted(FIELDS - PINNED.keys())} in PINNED"


@pytest.mark.slow
@pytest.mark.parametrize("fast", [False, True], ids=["readable", "fast"])
def test_ppo_learns_cartpole(fast):
    config = dataclasses.replace(CARTPOLE, fast=fast)
    result = train(config, progress=False)
    assert result.history[-1]["global_step"] == config.total_timesteps
    train_return = result.mean_return(20)
    eval_returns = evaluate(result.policy, "CartPole-v1", episodes=10, seed=1000)
    assert train_return >= 400, f"last 20 training episodes averaged {train_return:.1f}"
    assert np.mean(eval_returns) >= 400, f"evaluation returns {eval_returns}"
    # The learning signal was there all along: an untrained policy averages about 20.
    assert np.mean(result.episode_returns[:20]) < 100
