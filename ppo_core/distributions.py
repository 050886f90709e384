"""Stochastic policies over discrete actions (Lab 1, step 3).

A policy network outputs one *logit* per action; the softmax of the logits is the action
distribution pi(a|s). PPO needs two quantities of that distribution:

* ``log pi(a|s)`` -- its difference between the new and the old policy is the log of the
  probability ratio r_t(theta) (PPO paper, Eq. 6);
* the entropy ``S[pi](s) = -sum_a pi(a|s) log pi(a|s)`` -- the exploration bonus of Eq. 9. With
  |A| actions it is at most ``ln |A|`` (uniform policy): ln 4 = 1.386 for LunarLander.

Both are computed from ``log_softmax``, never ``log(softmax(...))``: the latter overflows or
returns ``-inf`` when a logit is large (e.g. 1000), the former subtracts the max logit first.
"""

from __future__ import annotations

import torch


def _check_logits(logits: torch.Tensor, actions=None) -> None:
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"logits must be a torch.Tensor, got {type(logits).__name__}")
    if logits.dim() < 1:
        raise ValueError("logits must have shape (..., num_actions), got a scalar")
    if actions is not None and tuple(torch.as_tensor(actions).shape) != tuple(logits.shape[:-1]):
        raise ValueError(
            f"actions has shape {tuple(torch.as_tensor(actions).shape)} but logits has shape "
            f"{tuple(logits.shape)}: pass one action per row of logits"
        )


def categorical_log_prob(logits: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """Log-probability ``log pi(a|s)`` of the taken actions under a softmax policy.

    Lab 1, step 3; the numerator and denominator of the ratio in PPO Eq. 6.

    Args:
        logits: shape ``(B, A)`` (any leading shape works), unnormalised scores per action.
        actions: integer tensor of shape ``(B,)``, the chosen action per row.

    Returns:
        Tensor of shape ``(B,)``, differentiable w.r.t. ``logits``. Stable for huge logits.
    """
    _check_logits(logits, actions)
    log_probs = torch.log_softmax(logits, dim=-1)  # log pi(.|s), stable: max-subtracted
    actions = torch.as_tensor(actions).long()
    return log_probs.gather(-1, actions.unsqueeze(-1)).squeeze(-1)


def categorical_entropy(logits: torch.Tensor) -> torch.Tensor:
    """Entropy ``S = -sum_a pi(a|s) log pi(a|s)`` of a softmax policy, one value per row.

    Lab 1, step 4; the bonus term ``c2 * S[pi_theta](s_t)`` of PPO Eq. 9. Between 0 (a
    deterministic policy) and ``ln A`` (uniform). Stable for huge logits: ``0 * log 0`` is 0.

    Args:
        logits: shape ``(B, A)``.

    Returns:
        Tensor of shape ``(B,)``, differentiable.
    """
    _check_logits(logits)
    log_probs = torch.log_softmax(logits, dim=-1)
    probs = log_probs.exp()
    return -(probs * log_probs).sum(-1)
