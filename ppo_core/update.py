"""The PPO update: epochs x shuffled minibatches over one rollout (Lab 4).

PPO paper, Algorithm 1: "Optimize surrogate L wrt theta, with K epochs and minibatch size
M <= NT". Tutorials often take K full-batch gradient steps instead; minibatches give many more
(noisier, cheaper) steps per rollout from the same data.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

from ppo_core.exercises import current
from ppo_core.networks import ActorCritic

BATCH_KEYS = ("obs", "actions", "log_probs", "advantages", "returns", "values")


def _check_minibatch_size(batch_size: int, minibatch_size: int) -> None:
    if batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    if not 0 < minibatch_size <= batch_size:
        raise ValueError(
            f"minibatch_size={minibatch_size} must lie in [1, batch_size={batch_size}]: "
            f"a minibatch cannot be larger than the batch; lower it or collect more steps"
        )


def _check_batch(batch: dict, num_minibatches: int) -> None:
    missing = [k for k in BATCH_KEYS if k not in batch]
    if missing:
        raise KeyError(f"batch is missing {missing}; ppo_update needs the keys {list(BATCH_KEYS)}")
    n = len(batch["obs"])
    for key in BATCH_KEYS:
        if len(batch[key]) != n:
            raise ValueError(
                f"batch['{key}'] has {len(batch[key])} samples but batch['obs'] has {n}: "
                f"flatten every rollout array from (T, N) to (T * N,) the same way"
            )
    if num_minibatches > n:
        raise ValueError(f"num_minibatches={num_minibatches} exceeds the batch of {n} samples")


def normalize_advantages(advantages: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """``(A - mean(A)) / (std(A) + eps)``. Lab 4, step 1.

    Not in the PPO paper's equations, but in its code (baselines), in CleanRL, Stable-Baselines3
    and Spinning Up: the policy loss's gradient no longer depends on the advantages' scale, which
    follows the rewards', so the learning rate need not follow it either. Applied per minibatch,
    after GAE.

    Args:
        advantages: ``(B,)`` tensor.
        eps: added to the std so that a constant minibatch does not divide by zero.

    Returns:
        ``(B,)`` tensor with mean 0 and (sample) std ~1. A single sample normalises to 0.
    """
    advantages = torch.as_tensor(advantages)
    if advantages.numel() <= 1:  # the std of one sample is undefined
        return advantages - advantages.mean()
    return (advantages - advantages.mean()) / (advantages.std() + eps)


def minibatch_indices(
    batch_size: int, minibatch_size: int, generator: torch.Generator | None = None
) -> list[torch.Tensor]:
    """A random partition of ``range(batch_size)`` into minibatches. Lab 4, step 2.

    Every sample is used exactly once per epoch (the paper's "minibatch SGD over the data"),
    in a fresh random order, so consecutive time steps of one environment -- which are highly
    correlated -- land in different minibatches.

    Args:
        batch_size: number of samples, T * N.
        minibatch_size: samples per minibatch, M. If it does not divide ``batch_size`` the last
            minibatch is smaller.
        generator: optional ``torch.Generator`` for reproducible shuffles.

    Returns:
        A list of 1-D int64 tensors whose concatenation is a permutation of ``range(batch_size)``.
    """
    _check_minibatch_size(batch_size, minibatch_size)
    perm = torch.randperm(batch_size, generator=generator)  # a fresh order every epoch
    return list(torch.split(perm, minibatch_size))


def ppo_update(
    policy: ActorCritic,
    optimizer: torch.optim.Optimizer,
    batch: dict,
    config,
    loss_fn: Callable = current.ppo_loss,
) -> dict:
    """Run ``update_epochs`` x ``num_minibatches`` gradient steps on one rollout. Lab 4, step 3.

    Args:
        policy: an :class:`~ppo_core.networks.ActorCritic` (anything with
            ``get_action_and_value(obs, action)``).
        optimizer: e.g. Adam over ``policy.parameters()``.
        batch: flat tensors of length B = T * N: ``obs`` (B, obs_dim), ``actions``,
            ``log_probs`` (old log-probs), ``advantages`` (raw GAE), ``returns``, ``values``
            (old values, for value clipping and explained variance).
        config: a :class:`~ppo_core.config.PPOConfig` (uses update_epochs, num_minibatches,
            clip_coef, clip_vloss, norm_adv, ent_coef, vf_coef, max_grad_norm, target_kl).
        loss_fn: the loss with :func:`~ppo_core.losses.ppo_loss`'s signature (default:
            ``ppo_loss``); Lab 4 passes the learner's own.

    Early stopping (``target_kl`` not None): after each epoch, the KL between the old policy and
    the updated one is measured on the whole batch (:func:`~ppo_core.diagnostics.approx_kl`), and
    the update stops once it exceeds ``target_kl``; the first epoch therefore always runs in full.
    CleanRL also checks once per epoch, but reads the KL of its last minibatch. Spinning Up
    checks before every policy step instead (on the full batch, having no minibatches) and stops
    at 1.5 x target_kl.

    Returns:
        The update's diagnostics (see :func:`update_diagnostics`), with CleanRL's keys, plus
        ``losses/epochs``: the epochs that ran (fewer if target_kl stopped the update early).
    """
    _check_batch(batch, config.num_minibatches)
    batch_size = len(batch["obs"])
    minibatch_size = batch_size // config.num_minibatches
    epochs_run = 0
    for epoch in range(config.update_epochs):
        for mb_inds in current.minibatch_indices(batch_size, minibatch_size):
            _, new_log_probs, entropy, new_values = policy.get_action_and_value(
                batch["obs"][mb_inds], batch["actions"][mb_inds]
            )
            mb_advantages = batch["advantages"][mb_inds]
            if config.norm_adv:
                mb_advantages = current.normalize_advantages(mb_advantages)  # per minibatch
            mb_returns = batch["returns"][mb_inds]
            if config.clip_vloss:
                # PPO2-style value clipping: the value may move at most clip_coef per update.
                mb_old_values = batch["values"][mb_inds]
                v_clipped = mb_old_values + torch.clamp(
                    new_values - mb_old_values, -config.clip_coef, config.clip_coef
                )
                new_values = torch.where(  # pick the larger (pessimistic) squared error
                    (new_values - mb_returns) ** 2 >= (v_clipped - mb_returns) ** 2,
                    new_values,
                    v_clipped,
                )
            loss = loss_fn(
                new_log_probs,
                batch["log_probs"][mb_inds],
                mb_advantages,
                new_values,
                mb_returns,
                entropy,
                config.clip_coef,
                config.vf_coef,
                config.ent_coef,
            )
            if not math.isfinite(loss.item()):
                raise FloatingPointError(
                    f"the PPO loss became {loss.item()} in epoch {epoch + 1}: lower "
                    f"learning_rate, check the rewards for inf/nan, or keep max_grad_norm"
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(policy.parameters(), config.max_grad_norm)
            optimizer.step()
        epochs_run += 1
        if config.target_kl is not None:
            # Once per epoch, on the whole batch (see the docstring): has the policy moved far
            # enough for this batch?
            with torch.no_grad():
                _, new_log_probs, _, _ = policy.get_action_and_value(batch["obs"], batch["actions"])
            if current.approx_kl(new_log_probs, batch["log_probs"]) > config.target_kl:
                break
    stats = update_diagnostics(policy, batch, config)
    stats["losses/epochs"] = epochs_run
    return stats


def update_diagnostics(policy: ActorCritic, batch: dict, config) -> dict:
    """Lab 5's dashboard numbers for one update: how far the policy moved, and how well the
    critic fits, measured on the whole batch after the update (one forward pass, no gradient).

    Returns CleanRL's ``losses/*`` keys (``old_approx_kl`` is the naive ``-log r`` estimator,
    ``explained_variance`` that of the values *stored during the rollout*, as in CleanRL), plus
    ratio and advantage statistics.
    """
    with torch.no_grad():
        _, new_log_probs, entropy, new_values = policy.get_action_and_value(
            batch["obs"], batch["actions"]
        )
        old_log_probs, advantages = batch["log_probs"], batch["advantages"]
        ratio = current.probability_ratio(new_log_probs, old_log_probs)
        norm_adv = current.normalize_advantages(advantages) if config.norm_adv else advantages
        return {
            "losses/policy_loss": float(
                current.clipped_surrogate_loss(
                    new_log_probs, old_log_probs, norm_adv, config.clip_coef
                )
            ),
            "losses/value_loss": float(current.value_loss(new_values, batch["returns"])),
            "losses/entropy": float(entropy.mean()),
            "losses/approx_kl": current.approx_kl(new_log_probs, old_log_probs),
            "losses/old_approx_kl": float((old_log_probs - new_log_probs).mean()),
            "losses/clipfrac": current.clip_fraction(
                new_log_probs, old_log_probs, config.clip_coef
            ),
            "losses/explained_variance": current.explained_variance(
                batch["values"], batch["returns"]
            ),
            "ratio/mean": float(ratio.mean()),
            "ratio/std": float(ratio.std()) if ratio.numel() > 1 else 0.0,
            "ratio/min": float(ratio.min()),
            "ratio/max": float(ratio.max()),
            "advantages/mean": float(advantages.mean()),
            "advantages/std": float(advantages.std()) if advantages.numel() > 1 else 0.0,
            "advantages/max_abs": float(advantages.abs().max()),
        }


__all__ = [
    "BATCH_KEYS",
    "minibatch_indices",
    "normalize_advantages",
    "ppo_update",
    "update_diagnostics",
]
