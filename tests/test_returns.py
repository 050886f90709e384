"""Lab 1: discounted_return and returns_to_go on hand-worked episodes and edge cases."""

from __future__ import annotations

import numpy as np
import pytest

from ppo_core import discounted_return, returns_to_go

# (rewards, gamma, G_0, G_t for every t), worked out by hand:
#   [1, 2, 3], 0.5: G_2 = 3, G_1 = 2 + 0.5 * 3 = 3.5, G_0 = 1 + 0.5 * 3.5 = 2.75
#   [0, 0, 1], 0.9: G_2 = 1, G_1 = 0.9, G_0 = 0.81
#   [1, -1, 1, -1], 1: G_3 = -1, G_2 = 0, G_1 = -1, G_0 = 0
#   [10, 0, 0, 5], 0.1: G_3 = 5, G_2 = 0.5, G_1 = 0.05, G_0 = 10.005
HAND_CASES = [
    ([1.0, 2.0, 3.0], 0.5, 2.75, [2.75, 3.5, 3.0]),
    ([0.0, 0.0, 1.0], 0.9, 0.81, [0.81, 0.9, 1.0]),
    ([1.0, -1.0, 1.0, -1.0], 1.0, 0.0, [0.0, -1.0, 0.0, -1.0]),
    ([10.0, 0.0, 0.0, 5.0], 0.1, 10.005, [10.005, 0.05, 0.5, 5.0]),
]


@pytest.mark.parametrize("rewards, gamma, g0, g", HAND_CASES)
def test_discounted_return_hand_cases(rewards, gamma, g0, g):
    assert discounted_return(rewards, gamma) == pytest.approx(g0, abs=1e-12)


@pytest.mark.parametrize("rewards, gamma, g0, g", HAND_CASES)
def test_returns_to_go_hand_cases(rewards, gamma, g0, g):
    out = returns_to_go(rewards, gamma)
    assert isinstance(out, np.ndarray) and out.shape == (len(rewards),)
    np.testing.assert_allclose(out, g, atol=1e-12)


def test_discounted_return_is_a_python_float():
    assert type(discounted_return(np.array([1.0, 2.0]), 0.9)) is float


@pytest.mark.parametrize("gamma", [0.0, 0.5, 0.9, 0.99, 1.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_first_return_to_go_is_the_discounted_return(gamma, seed):
    rewards = np.random.default_rng(seed).normal(size=50)
    assert returns_to_go(rewards, gamma)[0] == pytest.approx(
        discounted_return(rewards, gamma), rel=1e-12, abs=1e-12
    )


def test_returns_to_go_matches_the_definition():
    """G_t = sum_k gamma^k r_{t+k}, written out as a double loop (O(T^2), independent)."""
    rewards = np.random.default_rng(5).normal(size=20)
    gamma = 0.8
    expected = [
        sum(gamma**k * rewards[t + k] for k in range(len(rewards) - t)) for t in range(len(rewards))
    ]
    np.testing.assert_allclose(returns_to_go(rewards, gamma), expected, rtol=1e-12, atol=1e-12)


def test_gamma_zero_keeps_only_the_immediate_reward():
    rewards = np.array([3.0, -1.0, 2.0, 7.0])
    assert discounted_return(rewards, 0.0) == 3.0
    np.testing.assert_array_equal(returns_to_go(rewards, 0.0), rewards)


def test_gamma_one_is_the_undiscounted_sum():
    rewards = np.array([3.0, -1.0, 2.0, 7.0])
    assert discounted_return(rewards, 1.0) == pytest.approx(11.0)
    np.testing.assert_allclose(returns_to_go(rewards, 1.0), [11.0, 8.0, 9.0, 7.0])


@pytest.mark.parametrize("empty", [[], np.array([]), np.zeros(0, dtype=np.float32)])
def test_empty_episode(empty):
    assert discounted_return(empty, 0.99) == 0.0
    out = returns_to_go(empty, 0.99)
    assert isinstance(out, np.ndarray) and out.shape == (0,)


def test_inputs_are_not_modified_and_lists_work():
    rewards = np.array([1.0, 2.0, 3.0])
    before = rewards.copy()
    returns_to_go(rewards, 0.5)
    discounted_return(rewards, 0.5)
    np.testing.assert_array_equal(rewards, before)
    np.testing.assert_allclose(returns_to_go([1, 2, 3], 0.5), [2.75, 3.5, 3.0])
