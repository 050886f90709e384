"""Stochastic policies over continuous actions: the diagonal Gaussian (Lab 6).

For a Box action space (LunarLanderContinuous-v3: two engine throttles in [-1, 1]) the actor
outputs the *mean* mu_theta(s) of a Gaussian, one number per action dimension, and the network
keeps one learned *log standard deviation* per dimension (state-independent, as in the PPO
paper's MuJoCo experiments and CleanRL). The dimensions are independent, so the density is a
product over dimensions and its logarithm, like the entropy, a sum over them.

PPO needs exactly what it needed for discrete actions: ``log pi(a|s)`` for the ratio of Eq. 6
and the entropy for the bonus of Eq. 9. The ratio, the clipped loss and the update of Labs 3-4
are unchanged.

The Gaussian is unbounded; the environment is not: :func:`clip_action` says why only the action
*sent to the environment* is clipped.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def _check_tensor(name: str, value) -> None:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.dim() < 1:
        raise ValueError(f"{name} must have shape (..., act_dim), got a scalar")


def _check_gaussian(mean: torch.Tensor, log_std: torch.Tensor, actions=None) -> None:
    _check_tensor("mean", mean)
    _check_tensor("log_std", log_std)
    if actions is not None and tuple(torch.as_tensor(actions).shape) != tuple(mean.shape):
        raise ValueError(
            f"actions has shape {tuple(torch.as_tensor(actions).shape)} but mean has shape "
            f"{tuple(mean.shape)}: pass one action vector per row of mean"
        )


def _check_bounds(low, high) -> None:
    if np.any(np.asarray(low) > np.asarray(high)):
        raise ValueError(
            f"low {low} exceeds high {high}: pass action_space.low, then action_space.high"
        )


def gaussian_log_prob(
    mean: torch.Tensor, log_std: torch.Tensor, actions: torch.Tensor
) -> torch.Tensor:
    """Log-density ``log pi(a|s)`` of actions under a diagonal Gaussian, summed over dimensions.

    Lab 6, step 1; the numerator and denominator of the ratio in PPO Eq. 6, for Box actions.
    ``log pi(a|s) = sum_i [-(a_i - mu_i)^2 / (2 sigma_i^2) - log sigma_i - 0.5 log(2 pi)]``
    with ``sigma_i = exp(log_std_i)``: the network learns log sigma, which can be any real
    number, so sigma stays positive without a constraint.

    Args:
        mean: ``(B, A)`` the actor's output mu_theta(s), one row per state.
        log_std: ``(B, A)``, or ``(1, A)`` / ``(A,)`` broadcast over the batch.
        actions: ``(B, A)`` the actions taken (sampled, *not* clipped to the bounds).

    Returns:
        Tensor of shape ``(B,)``: one log-density per state, differentiable w.r.t. ``mean`` and
        ``log_std``.
    """
    _check_gaussian(mean, log_std, actions)
    std = log_std.exp()
    per_dim = -((actions - mean) ** 2) / (2 * std**2) - log_std - 0.5 * math.log(2 * math.pi)
    return per_dim.sum(-1)  # independent dimensions: the log of a product is a sum


def gaussian_entropy(log_std: torch.Tensor) -> torch.Tensor:
    """Entropy ``S = sum_i (0.5 + 0.5 log(2 pi) + log sigma_i)`` of a diagonal Gaussian.

    Lab 6, step 2; the bonus term ``c2 * S[pi_theta](s_t)`` of PPO Eq. 9. It does not depend on
    the mean, grows with log sigma and, unlike a categorical entropy, has no ceiling and can be
    negative (sigma < 0.242 in one dimension).

    Args:
        log_std: ``(B, A)`` log standard deviations (rows are states, columns dimensions).

    Returns:
        Tensor of shape ``(B,)``, differentiable w.r.t. ``log_std``.
    """
    _check_tensor("log_std", log_std)
    return (0.5 + 0.5 * math.log(2 * math.pi) + log_std).sum(-1)


def clip_action(actions: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The action to send to the environment: ``actions`` clipped to ``[low, high]``, per dimension.

    Lab 6, step 3. Returns a *new* array and leaves ``actions`` untouched: the rollout stores
    the sampled, unclipped action, whose log-probability the policy computed (PPO Eq. 6 needs
    ``log pi_old`` of that same action). Storing the clipped action instead would put the ratio
    off 1 before any update for every sample beyond a bound, and make the gradient score actions
    that were never sampled (Lab 6, section 4 measures both).

    Args:
        actions: ``(N, A)`` sampled actions (any real numbers).
        low, high: ``(A,)`` the bounds of the Box action space (``env.action_space.low``).

    Returns:
        ``(N, A)`` array, every entry in ``[low, high]`` of its dimension.
    """
    _check_bounds(low, high)
    return np.clip(actions, low, high)  # np.clip without out= copies: the sample stays as drawn


__all__ = ["clip_action", "gaussian_entropy", "gaussian_log_prob"]
