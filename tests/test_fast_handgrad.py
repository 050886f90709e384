"""The speed layer's hand-written gradients (ppo_core.fast.handgrad) are autograd's through the
library's own losses: the actor's half (clipped surrogate minus entropy bonus, PPO Eqs. 7 and 9)
on every branch of the clip, the critic's half (vf_coef times the value loss), up to float
rounding; a loss that is not finite leaves the gradient alone; numpy's BLAS stays on one thread
while they run."""

from __future__ import annotations

import os

import gymnasium as gym
import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info
from torch import nn

import ppo_core.fast.parallel as parallel
from ppo_core import ActorCritic, PPOConfig
from ppo_core.fast.handgrad import (
    MLPGrad,
    categorical_actor_step,
    critic_step,
    single_threaded_blas,
)
from ppo_core.fast.optim import FlatAdam
from ppo_core.losses import clipped_surrogate_loss, value_loss

M = 64


def _policy(hidden: int = 16, seed: int = 0) -> ActorCritic:
    torch.manual_seed(seed)
    policy = ActorCritic(8, gym.spaces.Discrete(4), hidden=hidden)
    with torch.no_grad():  # logits far from uniform and a critic far from zero
        policy.actor[-1].weight.mul_(30.0)
    FlatAdam(policy)  # parameters and gradients in flat buffers, as in a shared update
    return policy


def _minibatch(policy: ActorCritic, seed: int = 1, moved: float = 0.4):
    """Observations, stored actions, old log-probabilities ``moved`` away from the policy's
    (so that ratios fall on both sides of the clip) and advantages of both signs."""
    rng = np.random.default_rng(seed)
    obs = torch.as_tensor(rng.normal(size=(M, 8)), dtype=torch.float32)
    actions = torch.as_tensor(rng.integers(0, 4, M))
    with torch.no_grad():
        log_probs = policy.get_action(obs, actions)[1]
    old = log_probs + torch.as_tensor(rng.normal(size=M) * moved, dtype=torch.float32)
    advantages = torch.as_tensor(rng.normal(size=M), dtype=torch.float32)
    return obs, actions, old, advantages


def _autograd_actor(policy, obs, actions, old, advantages, clip_eps, ent_coef):
    policy.zero_grad(set_to_none=False)
    _, new_log_probs, entropy = policy.get_action(obs, actions)
    loss = clipped_surrogate_loss(new_log_probs, old, advantages, clip_eps)
    loss = loss - ent_coef * entropy.mean()
    loss.backward()
    return loss.item(), [p.grad.clone() for p in policy.actor.parameters()]


@pytest.mark.parametrize("clip_eps", [0.05, 0.2])
@pytest.mark.parametrize("ent_coef", [0.0, 0.01, 0.5])
def test_the_actors_gradient_is_autograds(clip_eps, ent_coef):
    policy = _policy()
    obs, actions, old, advantages = _minibatch(policy)
    ratio = torch.exp(policy.get_action(obs, actions)[1] - old).detach()
    for side in (ratio < 1 - clip_eps, ratio > 1 + clip_eps):
        for sign in (advantages > 0, advantages < 0):
            assert (side & sign).any(), "every branch of the clip is exercised"
    expected_loss, expected = _autograd_actor(
        policy, obs, actions, old, advantages, clip_eps, ent_coef
    )
    policy.zero_grad(set_to_none=False)
    loss = categorical_actor_step(
        MLPGrad(policy.actor),
        obs.numpy(),
        actions.numpy(),
        old.numpy(),
        advantages.numpy(),
        clip_eps,
        ent_coef,
    )
    assert loss == pytest.approx(expected_loss, rel=1e-5, abs=1e-7)
    for (name, p), grad in zip(policy.actor.named_parameters(), expected):
        assert grad.abs().max() > 0, name
        torch.testing.assert_close(p.grad, grad, rtol=1e-4, atol=1e-7, msg=name)


def test_an_unmoved_policy_sits_on_the_clips_ties():
    """Old log-probabilities equal to the policy's: every ratio is 1, where the two terms of
    the min are equal; the gradient is the full unclipped one."""
    policy = _policy(seed=3)
    obs, actions, _, advantages = _minibatch(policy, seed=4)
    with torch.no_grad():
        old = policy.get_action(obs, actions)[1]
    _, expected = _autograd_actor(policy, obs, actions, old, advantages, 0.2, 0.01)
    categorical_actor_step(
        MLPGrad(policy.actor),
        obs.numpy(),
        actions.numpy(),
        old.numpy(),
        advantages.numpy(),
        0.2,
        0.01,
    )
    for p, grad in zip(policy.actor.parameters(), expected):
        torch.testing.assert_close(p.grad, grad, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("vf_coef", [0.5, 2.0])
def test_the_critics_gradient_is_autograds(vf_coef):
    policy = _policy(hidden=32, seed=5)
    rng = np.random.default_rng(6)
    obs = torch.as_tensor(rng.normal(size=(M, 8)), dtype=torch.float32)
    returns = torch.as_tensor(rng.normal(size=M) * 3, dtype=torch.float32)
    policy.zero_grad(set_to_none=False)
    expected_loss = vf_coef * value_loss(policy.get_value(obs), returns)
    expected_loss.backward()
    expected = [p.grad.clone() for p in policy.critic.parameters()]
    policy.zero_grad(set_to_none=False)
    loss = critic_step(MLPGrad(policy.critic), obs.numpy(), returns.numpy(), vf_coef)
    assert loss == pytest.approx(expected_loss.item(), rel=1e-5)
    for (name, p), grad in zip(policy.critic.named_parameters(), expected):
        torch.testing.assert_close(p.grad, grad, rtol=1e-4, atol=1e-7, msg=name)


def test_the_views_follow_the_parameters():
    """MLPGrad reads the parameters' memory: an optimiser step or a parameter load is seen."""
    policy = _policy()
    gradient = MLPGrad(policy.critic)
    obs = np.ones((2, 8), dtype=np.float32)
    with torch.no_grad():
        for p in policy.critic.parameters():
            p.add_(0.25)
        expected = policy.get_value(torch.from_numpy(obs)).numpy()
    np.testing.assert_allclose(gradient.forward(obs)[-1][:, 0], expected, rtol=1e-6)


def test_a_loss_that_is_not_finite_leaves_the_gradient_alone():
    policy = _policy()
    obs, actions, old, advantages = _minibatch(policy)
    for p in policy.parameters():
        p.grad.fill_(0.5)
    advantages[3] = float("nan")
    returns = torch.zeros(M)
    returns[0] = float("inf")
    assert np.isnan(
        categorical_actor_step(
            MLPGrad(policy.actor),
            obs.numpy(),
            actions.numpy(),
            old.numpy(),
            advantages.numpy(),
            0.2,
            0.01,
        )
    )
    assert not np.isfinite(critic_step(MLPGrad(policy.critic), obs.numpy(), returns.numpy(), 0.5))
    assert all(torch.all(p.grad == 0.5) for p in policy.parameters())


def test_mlpgrad_refuses_what_it_cannot_differentiate():
    with pytest.raises(TypeError, match="Linear, Tanh"):
        MLPGrad(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)))
    with pytest.raises(ValueError, match="gradient buffers"):
        MLPGrad(nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)))


def _blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_single_threaded_blas_holds_numpys_blas_to_one_thread_and_gives_it_back():
    before = _blas_threads()
    with single_threaded_blas():
        assert _blas_threads() <= {1}
    assert _blas_threads() == before


@pytest.mark.skipif(os.cpu_count() < 2, reason="one CPU: BLAS runs one thread anyway")
def test_the_shared_update_runs_its_gradients_on_one_blas_thread(monkeypatch):
    """On two cores a second BLAS thread waits for the core the worker holds (an update took
    20 times as long): every actor step of a shared update sees one thread."""
    seen = []

    def recording(*args, **kwargs):
        seen.append(_blas_threads())
        return categorical_actor_step(*args, **kwargs)

    monkeypatch.setattr(parallel, "categorical_actor_step", recording)
    policy = ActorCritic(8, gym.spaces.Discrete(4), hidden=64)
    batch = {
        "obs": torch.randn(256, 8),
        "actions": torch.randint(0, 4, (256,)),
        "log_probs": torch.full((256,), -1.4),
        "advantages": torch.randn(256),
        "returns": torch.randn(256),
        "values": torch.zeros(256),
    }
    config = PPOConfig(num_envs=2, num_steps=128, num_minibatches=2, update_epochs=1)
    rollout = parallel.ParallelRollout("LunarLander-v3", 2, 2, policy, seed=0)
    try:
        rollout.update(policy, FlatAdam(parallel.actor_parameters(policy), lr=1e-3), batch, config)
    finally:
        rollout.close()
    assert len(seen) == 2 and all(threads <= {1} for threads in seen)
