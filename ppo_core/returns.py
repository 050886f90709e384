"""Returns and discounting (Lab 1, step 1).

The objective of reinforcement learning is the expected discounted return

    J(pi) = E_{tau ~ pi} [ sum_t gamma^t r_t ]                       (PPO paper, Sec. 2)

These two functions compute that sum for one recorded episode, exactly as a learner does by hand
in Lab 1. Everything later in the course (value targets, GAE) is a refinement of ``returns_to_go``.
"""

from __future__ import annotations

import numpy as np

from ppo_core._checks import as_1d_float_array, check_gamma


def discounted_return(rewards, gamma: float) -> float:
    """Discounted return of a whole episode, ``G_0 = sum_t gamma^t r_t``.

    Lab 1, step 1 -- the quantity inside the expectation of J(pi).

    Args:
        rewards: shape ``(T,)``, the rewards r_0 ... r_{T-1} of one episode.
        gamma: discount factor in [0, 1]; 0.99 means a reward 100 steps away still counts ~37%.

    Returns:
        A Python float. An empty episode has return 0.0.
    """
    as_1d_float_array(rewards, "rewards")
    check_gamma(gamma)
    rewards = np.asarray(rewards, dtype=np.float64)
    discounts = gamma ** np.arange(len(rewards), dtype=np.float64)  # gamma^t
    return float(np.sum(discounts * rewards))


def returns_to_go(rewards, gamma: float) -> np.ndarray:
    """Discounted return from every step onwards, ``G_t = r_t + gamma * G_{t+1}``.

    Lab 1, step 2. ``G_t`` is a single-sample (Monte Carlo) estimate of V(s_t); the critic is
    trained towards targets like it. Computed backwards in one pass -- O(T), not O(T^2).

    Args:
        rewards: shape ``(T,)``, one complete episode (no bootstrap after the last step).
        gamma: discount factor in [0, 1].

    Returns:
        float64 array of shape ``(T,)``; ``returns_to_go(r, g)[0] == discounted_return(r, g)``.
    """
    as_1d_float_array(rewards, "rewards")
    check_gamma(gamma)
    rewards = np.asarray(rewards, dtype=np.float64)
    out = np.zeros_like(rewards)
    running = 0.0
    for t in reversed(range(len(rewards))):
        running = rewards[t] + gamma * running  # G_t = r_t + gamma * G_{t+1}
        out[t] = running
    return out
