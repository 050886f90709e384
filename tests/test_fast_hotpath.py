"""The speed layer's per-step shortcuts (ppo_core.fast.hotpath) compute what the library's
functions compute: the same actions, log-probabilities, values and entropies, the same
minibatches, the same normalised advantages (gradients up to float rounding)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch

from ppo_core import ActorCritic, collect_rollout, make_vec_env
from ppo_core.fast.hotpath import (
    RolloutPolicy,
    epoch_minibatches,
    for_rollout,
    normalize_per_minibatch,
    score_actions,
)
from ppo_core.rollout import RolloutBuffer
from ppo_core.update import minibatch_indices, normalize_advantages

DISCRETE, GAUSSIAN = gym.spaces.Discrete(4), gym.spaces.Box(-1.0, 1.0, (2,))


def _policy(action_space: gym.Space, seed: int = 0) -> ActorCritic:
    torch.manual_seed(seed)
    policy = ActorCritic(8, action_space, hidden=16)
    with torch.no_grad():  # logits far from uniform, so that a wrong formula shows
        policy.actor[-1].weight.mul_(100.0)
    return policy


def test_rollout_policy_samples_and_scores_as_the_network():
    policy, obs = _policy(DISCRETE), torch.randn(64, 8)
    torch.manual_seed(7)
    action, log_prob, _, value = policy.get_action_and_value(obs)
    after = torch.rand(1)
    torch.manual_seed(7)
    lean = RolloutPolicy(policy)
    lean_action, lean_log_prob, entropy, lean_value = lean.get_action_and_value(obs)
    assert torch.equal(torch.rand(1), after), "the same draws from torch's generator"
    assert torch.equal(lean_action, action) and torch.equal(lean_log_prob, log_prob)
    assert torch.equal(lean_value, value) and entropy is None
    assert torch.equal(lean.get_value(obs), policy.get_value(obs))


def test_rollout_policy_reads_the_current_parameters():
    policy, obs = _policy(DISCRETE), torch.randn(5, 8)
    lean = RolloutPolicy(policy)
    with torch.no_grad():
        for p in policy.parameters():
            p.add_(0.5)
    assert torch.equal(lean.get_value(obs), policy.get_value(obs))


def test_rollout_policy_scores_stored_actions_as_the_network():
    policy, obs, actions = _policy(DISCRETE), torch.randn(6, 8), torch.arange(6) % 4
    for got, expected in zip(
        RolloutPolicy(policy).get_action_and_value(obs, actions),
        policy.get_action_and_value(obs, actions),
        strict=True,
    ):
        assert torch.equal(got, expected)


def test_collect_rollout_with_the_rollout_policy_collects_the_same_buffer():
    policy = _policy(DISCRETE)
    policy.actor[-1].weight.data.div_(100.0)  # a policy that survives a few steps
    buffers = []
    for wrapped in (policy, RolloutPolicy(policy)):
        envs = make_vec_env("LunarLander-v3", 3, max_episode_steps=12)
        obs, _ = envs.reset(seed=4)
        buffer = RolloutBuffer.allocate(num_steps=30, num_envs=3, envs=envs)
        torch.manual_seed(9)
        collect_rollout(envs, wrapped, buffer, np.asarray(obs, dtype=np.float32))
        envs.close()
        buffers.append(buffer)
    for name, array in vars(buffers[0]).items():
        np.testing.assert_array_equal(getattr(buffers[1], name), array, err_msg=name)


def test_for_rollout_wraps_only_a_discrete_actor_critic():
    discrete, gaussian = _policy(DISCRETE), _policy(GAUSSIAN)
    assert isinstance(for_rollout(discrete), RolloutPolicy)
    assert for_rollout(gaussian) is gaussian
    with pytest.raises(TypeError, match="discrete ActorCritic"):
        RolloutPolicy(gaussian)


@pytest.mark.parametrize("action_space", [DISCRETE, GAUSSIAN], ids=["discrete", "gaussian"])
def test_score_actions_equals_get_action(action_space):
    obs = torch.randn(32, 8)
    reference, lean = _policy(action_space), _policy(action_space)
    with torch.no_grad():
        actions = reference.get_action(obs)[0]
    _, log_probs, entropy = reference.get_action(obs, actions)
    lean_log_probs, lean_entropy = score_actions(lean, obs, actions)
    torch.testing.assert_close(lean_log_probs, log_probs, rtol=0, atol=0)
    torch.testing.assert_close(lean_entropy, entropy, rtol=0, atol=0)
    # The same gradient of a loss that uses both, as the actor's half of an update does.
    (log_probs.mean() - 0.3 * entropy.mean()).backward()
    (lean_log_probs.mean() - 0.3 * lean_entropy.mean()).backward()
    for (name, p), q in zip(reference.named_parameters(), lean.parameters()):
        if p.grad is not None:
            torch.testing.assert_close(q.grad, p.grad, rtol=1e-5, atol=1e-7, msg=name)


@pytest.mark.parametrize("size, minibatch_size", [(96, 16), (100, 16), (5, 1), (7, 7), (3, 4)])
def test_normalize_per_minibatch_normalises_each_minibatch(size, minibatch_size):
    advantages = torch.randn(size) * 5 + 2
    expected = torch.cat([normalize_advantages(a) for a in advantages.split(minibatch_size)])
    torch.testing.assert_close(
        normalize_per_minibatch(advantages, minibatch_size), expected, rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("norm_adv", [False, True])
def test_epoch_minibatches_are_the_indexed_minibatches(norm_adv):
    batch = {
        "obs": torch.randn(40, 3),
        "actions": torch.arange(40) % 4,
        "advantages": torch.randn(40) * 3,
    }
    keys = ("advantages", "obs", "actions")
    order = minibatch_indices(40, 8)
    got = epoch_minibatches(batch, keys, torch.cat(order), 8, norm_adv=norm_adv)
    assert len(got) == len(order)
    for mb_inds, minibatch in zip(order, got, strict=True):
        advantages, obs, actions = minibatch
        assert torch.equal(obs, batch["obs"][mb_inds])
        assert torch.equal(actions, batch["actions"][mb_inds])
        expected = batch["advantages"][mb_inds]
        if norm_adv:
            expected = normalize_advantages(expected)
        torch.testing.assert_close(advantages, expected, rtol=1e-5, atol=1e-6)
