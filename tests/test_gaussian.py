"""Lab 6: gaussian_log_prob, gaussian_entropy and clip_action, and where the library uses them."""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch.distributions import Independent, Normal

from ppo_core import ActorCritic, clip_action, gaussian_entropy, gaussian_log_prob


def _diag_normal(mean: torch.Tensor, log_std: torch.Tensor) -> Independent:
    return Independent(Normal(mean, log_std.exp().expand_as(mean)), 1)


@pytest.mark.parametrize("shape", [(5, 2), (1, 1), (64, 6), (3, 7, 4)])
@pytest.mark.parametrize("scale", [0.1, 1.0, 3.0])
def test_match_torch_normal(shape, scale):
    g = torch.Generator().manual_seed(sum(shape))
    mean = torch.randn(shape, generator=g, dtype=torch.float64)
    log_std = torch.randn(shape, generator=g, dtype=torch.float64) * scale
    actions = mean + torch.randn(shape, generator=g, dtype=torch.float64) * 2.0
    reference = _diag_normal(mean, log_std)
    lp = gaussian_log_prob(mean, log_std, actions)
    ent = gaussian_entropy(log_std)
    assert lp.shape == shape[:-1] and ent.shape == shape[:-1]
    torch.testing.assert_close(lp, reference.log_prob(actions), rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(ent, reference.entropy(), rtol=1e-10, atol=1e-10)


def test_state_independent_log_std_broadcasts():
    mean = torch.randn(8, 2, dtype=torch.float64)
    log_std = torch.tensor([[-0.5, 0.3]], dtype=torch.float64)  # (1, A), as ActorCritic keeps it
    actions = torch.randn(8, 2, dtype=torch.float64)
    expected = _diag_normal(mean, log_std.expand_as(mean)).log_prob(actions)
    torch.testing.assert_close(gaussian_log_prob(mean, log_std, actions), expected)


def test_standard_normal_by_hand():
    # One dimension, a = mu, sigma = 1: -0.5 ln(2 pi) = -0.9189; entropy 0.5 + 0.5 ln(2 pi).
    lp = gaussian_log_prob(torch.zeros(1, 1), torch.zeros(1, 1), torch.zeros(1, 1))
    assert lp.item() == pytest.approx(-0.5 * math.log(2 * math.pi), abs=1e-6)
    assert gaussian_entropy(torch.zeros(1, 2)).item() == pytest.approx(
        2 * (0.5 + 0.5 * math.log(2 * math.pi)), abs=1e-6
    )
    # The entropy of a narrow Gaussian is negative: there is no floor at 0 as for Categorical.
    assert gaussian_entropy(torch.full((1, 1), -2.0)).item() < 0


def test_gradients_match_torch():
    mean = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    log_std = torch.randn(1, 3, dtype=torch.float64, requires_grad=True)
    actions = torch.randn(6, 3, dtype=torch.float64)
    ours = torch.autograd.grad(
        gaussian_log_prob(mean, log_std, actions).sum()
        + gaussian_entropy(log_std.expand(6, 3)).sum(),
        (mean, log_std),
    )
    theirs = torch.autograd.grad(
        _diag_normal(mean, log_std).log_prob(actions).sum()
        + _diag_normal(mean, log_std).entropy().sum(),
        (mean, log_std),
    )
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a, b)


def test_log_prob_rejects_mismatched_actions():
    with pytest.raises(ValueError, match="one action vector per row"):
        gaussian_log_prob(torch.zeros(4, 2), torch.zeros(1, 2), torch.zeros(4))
    with pytest.raises(TypeError, match="mean must be a torch.Tensor"):
        gaussian_log_prob(np.zeros((4, 2)), torch.zeros(1, 2), torch.zeros(4, 2))


def test_clip_action_clips_per_dimension_and_copies():
    actions = np.array([[1.7, -0.2], [-3.0, 0.9], [0.1, 5.0]], dtype=np.float32)
    before = actions.copy()
    low, high = np.array([-1.0, -0.5], np.float32), np.array([1.0, 0.5], np.float32)
    clipped = clip_action(actions, low, high)
    np.testing.assert_allclose(clipped, [[1.0, -0.2], [-1.0, 0.5], [0.1, 0.5]], rtol=1e-6)
    np.testing.assert_array_equal(actions, before)  # the sampled action is stored unclipped
    assert clipped is not actions


def test_clip_action_rejects_swapped_bounds():
    with pytest.raises(ValueError, match="action_space.low, then"):
        clip_action(np.zeros((2, 2)), np.ones(2), -np.ones(2))


def test_actor_critic_uses_the_gaussian_functions():
    space = gym.spaces.Box(-1.0, 1.0, (2,), np.float32)
    torch.manual_seed(0)
    policy = ActorCritic(8, space)
    with torch.no_grad():
        policy.actor_logstd.fill_(-0.7)
    obs = torch.randn(5, 8)
    action, log_prob, entropy = policy.get_action(obs)
    mean = policy.actor(obs)
    log_std = policy.actor_logstd.expand_as(mean)
    torch.testing.assert_close(log_prob, gaussian_log_prob(mean, log_std, action))
    torch.testing.assert_close(entropy, gaussian_entropy(log_std))
    torch.testing.assert_close(log_prob, _diag_normal(mean, log_std).log_prob(action))


class ActionRecorder(gym.vector.VectorWrapper):
    """Keeps every batch of actions the environments received."""

    def __init__(self, env):
        super().__init__(env)
        self.sent = []

    def step(self, actions):
        self.sent.append(np.array(actions, copy=True))
        return self.env.step(actions)


def test_rollout_stores_the_sampled_action_and_sends_the_clipped_one():
    from ppo_core import RolloutBuffer, collect_rollout, make_vec_env

    envs = ActionRecorder(make_vec_env("LunarLanderContinuous-v3", 2))
    torch.manual_seed(0)
    policy = ActorCritic.for_env(envs)
    with torch.no_grad():
        policy.actor_logstd.fill_(0.5)  # sigma = 1.65: many samples fall outside [-1, 1]
    buffer = RolloutBuffer.allocate(16, 2, envs)
    obs, _ = envs.reset(seed=0)
    collect_rollout(envs, policy, buffer, obs)
    envs.close()
    sent = np.stack(envs.sent)  # (T, N, 2)
    assert np.abs(buffer.actions).max() > 1.0, "no sample fell outside the bounds: raise sigma"
    np.testing.assert_array_equal(sent, np.clip(buffer.actions, -1.0, 1.0))
    # The stored log-probabilities are those of the stored (unclipped) actions.
    obs_t = torch.from_numpy(buffer.obs.reshape(32, -1))
    with torch.no_grad():
        _, log_probs, _ = policy.get_action(obs_t, torch.from_numpy(buffer.actions.reshape(32, 2)))
    np.testing.assert_allclose(buffer.log_probs.reshape(32), log_probs.numpy(), rtol=1e-5)


def test_storing_the_clipped_action_biases_the_gradient():
    """Lab 6, section 4, says so: with one advantage for every sample the gradient is ~0 for the
    sampled actions, while the clipped ones pull the mean away from the bound and shrink sigma."""
    n, mu0, log_std0 = 200_000, 0.8, math.log(0.5)
    sampled = mu0 + 0.5 * torch.randn(n, 1, generator=torch.Generator().manual_seed(0))
    clipped = torch.as_tensor(clip_action(sampled.numpy(), np.array([-1.0]), np.array([1.0])))
    grads = {}
    for name, stored in (("sampled", sampled), ("clipped", clipped)):
        mean = torch.full((n, 1), mu0, requires_grad=True)
        log_std = torch.full((n, 1), log_std0, requires_grad=True)
        objective = gaussian_log_prob(mean, log_std, stored).mean()
        grads[name] = [g.sum().item() for g in torch.autograd.grad(objective, (mean, log_std))]
    assert abs(grads["sampled"][0]) < 0.02 and abs(grads["sampled"][1]) < 0.02, grads
    assert grads["clipped"][0] < -0.1 and grads["clipped"][1] < -0.1, grads
