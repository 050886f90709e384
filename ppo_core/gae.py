"""Temporal-difference residuals and Generalized Advantage Estimation (Lab 2).

GAE (Schulman et al. 2016, arXiv:1506.02438; PPO paper Eq. 11-12) estimates the advantage
A(s_t, a_t) as an exponentially weighted sum of one-step TD residuals:

    delta_t = r_t + gamma * V(s_{t+1}) * (1 - terminated_t) - V(s_t)          (PPO Eq. 12)
    A_t     = delta_t + gamma * lambda * (1 - done_t) * A_{t+1}                (PPO Eq. 11)

``lambda = 0`` gives the TD(0) residual (low variance, biased by the critic); ``lambda = 1`` gives
the Monte Carlo return minus V(s_t) (unbiased, high variance). 0.95 to 0.98 is usual.

Two episode-end flags, never merged before the TD residual:

* ``terminated`` -- the MDP ended (the lander crashed or came to rest). There is no future, so the
  residual does **not** bootstrap: ``delta_t = r_t - V(s_t)``.
* ``truncated`` -- a time limit cut the episode. The state still had a future, so the residual
  bootstraps from V of the *final* observation, which the rollout stores in ``next_values``.

Either flag ends the episode, so the recursion is cut there (``done = terminated or truncated``):
the next step belongs to a different episode.

A GAE loop that circulates in tutorials (Lab 2, section 4) makes three mistakes that this module
avoids: it resets its running advantage to zero *after* the episode-end step, so the step
*before* every episode end loses its whole future (A_{t-1} = delta_{t-1} only); it bootstraps the
last step of the rollout from 0 instead of V(s_T); and it treats every time limit as a crash.

Arrays are time-major: ``(T,)`` for one environment or ``(T, N)`` for N environments.
"""

from __future__ import annotations

import numpy as np

from ppo_core._checks import as_rollout_array, check_flags, check_gamma, check_same_shape
from ppo_core.exercises import current


def _check_gae_inputs(gamma, lam=None, **arrays) -> None:
    """Shapes (all equal, (T,) or (T, N)), 0/1 flags and discount ranges, with clear messages."""
    converted = {name: as_rollout_array(arr, name) for name, arr in arrays.items()}
    first = next(iter(converted))
    check_same_shape(first, converted[first], **{k: v for k, v in converted.items() if k != first})
    for name in ("terminated", "truncated"):
        if name in converted:
            check_flags(name, converted[name])
    check_gamma(gamma)
    if lam is not None:
        check_gamma(lam, "lam")


def td_residuals(rewards, values, next_values, terminated, gamma: float) -> np.ndarray:
    """One-step TD residuals ``delta_t = r_t + gamma * V(s_{t+1}) * (1 - terminated_t) - V(s_t)``.

    Lab 2, step 1; PPO paper Eq. 12 (GAE paper Eq. 9).

    Args:
        rewards: ``(T,)`` or ``(T, N)``, r_t.
        values: same shape, V(s_t) from the critic at collection time.
        next_values: same shape, V of the transition's true next state -- V(final observation)
            where the episode ended, V(s_{t+1}) otherwise.
        terminated: same shape, 1.0 where the MDP ended at step t (no bootstrap), else 0.0.
        gamma: discount factor in [0, 1].

    Returns:
        float64 array of the same shape.
    """
    _check_gae_inputs(
        gamma,
        rewards=rewards,
        values=values,
        next_values=next_values,
        terminated=terminated,
    )
    rewards, values, next_values, terminated = (
        np.asarray(x, dtype=np.float64) for x in (rewards, values, next_values, terminated)
    )
    # A terminal state has no future: its bootstrap term is multiplied by zero.
    return rewards + gamma * next_values * (1.0 - terminated) - values  # Eq. 12


def compute_gae(rewards, values, next_values, terminated, truncated, gamma: float, lam: float):
    """Generalized Advantage Estimation over a time-major rollout.

    Lab 2, step 2; PPO paper Eq. 11 (GAE paper Eq. 16), computed backwards in one pass:
    ``A_t = delta_t + gamma * lam * (1 - done_t) * A_{t+1}`` with ``A_T = 0`` (the last step
    already bootstraps through ``next_values``).

    Args:
        rewards, values, next_values, terminated: as in :func:`td_residuals`.
        truncated: same shape, 1.0 where a time limit cut the episode at step t.
        gamma: discount factor in [0, 1] (written gamma).
        lam: GAE parameter in [0, 1] (written lambda); 0 = TD(0), 1 = Monte Carlo.

    Returns:
        ``(advantages, returns)``, float64 arrays of the input shape, with
        ``returns = advantages + values`` -- the critic's regression target (the lambda-return).
        Advantages are *not* normalised here; that happens per minibatch in the update.
    """
    _check_gae_inputs(
        gamma,
        lam,
        rewards=rewards,
        values=values,
        next_values=next_values,
        terminated=terminated,
        truncated=truncated,
    )
    deltas = current.td_residuals(rewards, values, next_values, terminated, gamma)
    values = np.asarray(values, dtype=np.float64)
    # An episode ends at t if it terminated OR was truncated: the recursion must not cross it.
    done = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    next_non_terminal = 1.0 - done
    advantages = np.zeros_like(deltas)
    last_gae_lam = 0.0  # A_T = 0: beyond the rollout, next_values already bootstraps
    for t in reversed(range(len(deltas))):
        last_gae_lam = deltas[t] + gamma * lam * next_non_terminal[t] * last_gae_lam  # Eq. 11
        advantages[t] = last_gae_lam
    return advantages, advantages + values
