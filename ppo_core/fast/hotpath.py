"""The per-step work of the speed layer's loops, with less Python around each tensor operation.

At the RL Zoo's LunarLander settings an iteration takes 1,024 policy steps per process and
1,024 minibatch steps, on tensors of 8 to 64 rows: each step costs what PyTorch's per-call
overhead costs (dispatch, autograd nodes, ``nn.Module.__call__``), not what its arithmetic costs.
So the speed layer computes the same numbers as the library's functions with fewer calls:

* :class:`RolloutPolicy` gives :func:`~ppo_core.rollout.collect_rollout` what it reads from
  :meth:`~ppo_core.networks.ActorCritic.get_action_and_value` (the same actions from the same
  random stream, the same log-probabilities and values), without the entropy a rollout throws
  away;
* :func:`score_actions` is :meth:`~ppo_core.networks.ActorCritic.get_action` for stored actions,
  through the layers' own ``forward``;
* :func:`epoch_minibatches` gathers each epoch's shuffled batch once and normalises the
  advantages of all its minibatches at once, where ``ppo_update`` indexes and normalises each
  minibatch on its own.

Log-probabilities and entropies come from :mod:`ppo_core.distributions`, as in the network;
the one formula written again is the advantage normalisation, in a form that takes all of an
epoch's minibatches at once (:func:`normalize_per_minibatch`). ``tests/test_fast_hotpath.py``
checks each shortcut against the library's function; the tests of :mod:`ppo_core.fast.parallel`
check the rollouts and updates built on them.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ppo_core.distributions import categorical_entropy, categorical_log_prob
from ppo_core.networks import ActorCritic
from ppo_core.update import normalize_advantages


def _layer_calls(mlp: torch.nn.Sequential) -> list[Callable]:
    """Each layer's ``forward``: calling it directly skips ``nn.Module.__call__``'s hook
    handling, about 3 us a layer, six layers a pass. The speed layer's networks are plain
    :class:`ActorCritic` s (no hooks), so the result is the same."""
    return [layer.forward for layer in mlp]


def _run(layers: list[Callable], x: torch.Tensor) -> torch.Tensor:
    for forward in layers:
        x = forward(x)
    return x


class RolloutPolicy:
    """What :func:`~ppo_core.rollout.collect_rollout` calls on a discrete
    :class:`ActorCritic`, computed with fewer calls: the same actions (the same draw from
    torch's generator), log-probabilities and values; ``None`` for the entropy, which a
    rollout does not use. Reads ``policy``'s parameters at every call, so it follows the
    training (and the worker's parameter loads)."""

    def __init__(self, policy: ActorCritic):
        if not (type(policy) is ActorCritic and policy.discrete):
            raise TypeError("RolloutPolicy wraps a discrete ActorCritic; use for_rollout(policy)")
        self.policy = policy
        self._actor, self._critic = _layer_calls(policy.actor), _layer_calls(policy.critic)

    def get_action_and_value(self, obs: torch.Tensor, action: torch.Tensor | None = None):
        """``(action, log_prob, None, value)``, each ``(B,)``, as ``get_action_and_value``."""
        if action is not None:  # scoring stored actions: the library's own call
            return self.policy.get_action_and_value(obs, action)
        logits = _run(self._actor, obs)  # (B, A)
        action = torch.multinomial(torch.softmax(logits, -1), 1).squeeze(-1)  # as ActorCritic
        return action, categorical_log_prob(logits, action), None, self.get_value(obs)

    def get_value(self, obs: torch.Tensor) -> torch.Tensor:
        """V(s), ``(B,)``."""
        return _run(self._critic, obs).squeeze(-1)


def for_rollout(policy):
    """:class:`RolloutPolicy` around a discrete :class:`ActorCritic`; any other policy as it is
    (a Gaussian policy's rollout step is the library's)."""
    if type(policy) is ActorCritic and policy.discrete:
        return RolloutPolicy(policy)
    return policy


def score_actions(
    policy: ActorCritic, obs: torch.Tensor, actions: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(log_probs, entropy)`` of the stored ``actions`` under ``policy``, each ``(B,)``: what
    ``policy.get_action(obs, actions)`` returns after the action, differentiable, with the
    actor's layers called directly (a Gaussian policy: ``get_action`` itself)."""
    if not policy.discrete:
        return policy.get_action(obs, actions)[1:]
    logits = _run(_layer_calls(policy.actor), obs)  # (B, A)
    return categorical_log_prob(logits, actions), categorical_entropy(logits)


def normalize_per_minibatch(advantages: torch.Tensor, minibatch_size: int) -> torch.Tensor:
    """:func:`~ppo_core.update.normalize_advantages` applied to each consecutive
    ``minibatch_size`` slice of ``advantages`` ``(B,)``, in five tensor operations for all of
    them (a smaller last slice, or slices of one sample, take the library's function)."""
    full = len(advantages) - len(advantages) % minibatch_size
    if minibatch_size < 2 or full == 0:
        return torch.cat([normalize_advantages(a) for a in advantages.split(minibatch_size)])
    rows = advantages[:full].view(-1, minibatch_size)  # (B // M, M)
    rows = (rows - rows.mean(1, keepdim=True)) / (rows.std(1, keepdim=True) + 1e-8)
    if full == len(advantages):
        return rows.view(-1)
    return torch.cat([rows.view(-1), normalize_advantages(advantages[full:])])


def epoch_minibatches(
    batch: dict,
    keys: tuple[str, ...],
    order: torch.Tensor,
    minibatch_size: int,
    norm_adv: bool = False,
) -> list[tuple]:
    """One epoch's minibatches: for each consecutive ``minibatch_size`` slice of ``order`` (a
    permutation of the batch), a tuple of ``batch[key][slice]`` in the order of ``keys``, the
    same values as indexing each minibatch, from one gather per key. With ``norm_adv`` the
    ``"advantages"`` are normalised per minibatch (:func:`normalize_per_minibatch`)."""
    columns = []
    for key in keys:
        column = batch[key][order]
        if key == "advantages" and norm_adv:
            column = normalize_per_minibatch(column, minibatch_size)
        columns.append(column.split(minibatch_size))
    return list(zip(*columns))


__all__ = [
    "RolloutPolicy",
    "epoch_minibatches",
    "for_rollout",
    "normalize_per_minibatch",
    "score_actions",
]
