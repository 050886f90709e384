"""The spies ``ppo_update``'s checks hand to the learner's update: a loss function that records
what each minibatch sees, and an optimiser that records the gradient norm of every step.

One definition for both places they run: the checks (:mod:`autograder.checks.lab4_training`)
use them directly in a learner's own notebook; when a class is graded they are built again
inside the grading kernel (:mod:`autograder.kernel.remote`), and what they recorded is sent back
to the grader as plain data.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


class SpyOptimizer(torch.optim.SGD):
    """Plain SGD (its step is proportional to the gradient, unlike Adam's, so clipping shows)
    that records, at every step, the global norm of the gradients it is about to apply."""

    def __init__(self, params, lr):
        super().__init__(params, lr=lr)
        self.grad_norms: list[float] = []

    def step(self, closure=None):
        total = 0.0
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    total += float((p.grad.detach().double() ** 2).sum())
        self.grad_norms.append(total**0.5)
        return super().step(closure)


class SpyLoss:
    """A ``loss_fn`` that records what ``ppo_update`` passes it and returns ``loss_fn``'s value
    (the reference ``ppo_loss``). ``to_array(x, what)`` turns a tensor into a float64 array."""

    def __init__(self, loss_fn: Callable, to_array: Callable):
        self.loss_fn, self.to_array = loss_fn, to_array
        self.calls: list[dict] = []

    def __call__(
        self,
        new_log_probs,
        old_log_probs,
        advantages,
        values,
        returns,
        entropy,
        clip_eps,
        vf_coef,
        ent_coef,
    ):
        self.calls.append(
            {
                "new": self.to_array(new_log_probs, "new_log_probs"),
                "new_requires_grad": bool(
                    isinstance(new_log_probs, torch.Tensor) and new_log_probs.requires_grad
                ),
                "old": self.to_array(old_log_probs, "old_log_probs"),
                "adv": self.to_array(advantages, "advantages"),
                "returns": self.to_array(returns, "returns"),
                "clip_eps": clip_eps,
            }
        )
        return self.loss_fn(
            new_log_probs,
            old_log_probs,
            advantages,
            values,
            returns,
            entropy,
            clip_eps,
            vf_coef,
            ent_coef,
        )
