"""Adam over one flat buffer (the speed layer's; the labs and ``train()`` use ``torch.optim.Adam``).

PPO's update takes thousands of tiny steps: the RL Zoo's LunarLander setting is 1,024 minibatches
of 64 per rollout. At that size an optimiser step costs what its per-tensor bookkeeping costs,
not what its arithmetic costs: ``torch.optim.Adam`` over the actor-critic's 12 weight and bias
tensors spends most of its time in Python, looping over tensors, state and hooks.

:class:`FlatAdam` therefore moves every parameter of the network into one contiguous buffer
(each ``nn.Parameter`` becomes a view of its slice) and every gradient into another, and takes
the Adam step (Kingma & Ba 2015, Algorithm 1) on the whole buffer at once: six tensor
operations, whatever the number of layers. The network, its ``state_dict`` and the learner's
``ppo_update`` see ordinary parameters; ``tests/test_fast_optim.py`` checks the steps against
``torch.optim.Adam``.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class FlatAdam(torch.optim.Optimizer):
    """Adam on ``module``'s parameters, stored in one flat buffer.

    Args:
        module: the network (or a list of its parameters); they are moved into the buffer,
            values unchanged.
        lr: step size alpha.
        betas: decay rates (beta1, beta2) of the first and second moment estimates.
        eps: added to the denominator (1e-5 in the PPO baselines; PyTorch's default 1e-8).

    ``zero_grad`` zeroes the flat gradient in place whatever ``set_to_none`` says (setting the
    gradients to None would cut them off from the buffer), and ``step`` first copies in any
    gradient that was replaced or dropped (e.g. by ``module.zero_grad()``), so the usual
    ``zero_grad(); loss.backward(); clip_grad_norm_(...); step()`` sequence works unchanged.
    """

    def __init__(
        self, module, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ):
        params = module.parameters() if isinstance(module, nn.Module) else module
        params = [p for p in params if p.requires_grad]
        if not params:
            raise ValueError("FlatAdam needs a module (or list) with trainable parameters")
        if not (lr > 0 and eps >= 0 and 0 <= betas[0] < 1 and 0 <= betas[1] < 1):
            raise ValueError(f"invalid Adam settings lr={lr}, betas={betas}, eps={eps}")
        with torch.no_grad():
            flat = torch.cat([p.detach().reshape(-1) for p in params])
        flat_grad = torch.zeros_like(flat)
        self._grad_views: list[tuple[nn.Parameter, torch.Tensor]] = []
        offset = 0
        for p in params:
            n = p.numel()
            p.data = flat[offset : offset + n].view_as(p)
            p.grad = flat_grad[offset : offset + n].view_as(p)
            self._grad_views.append((p, p.grad))
            offset += n
        self.flat = nn.Parameter(flat)  # shares memory with every parameter above
        self.flat.grad = flat_grad
        self._values, self._grads = flat, flat_grad  # the same memory, outside autograd
        super().__init__([self.flat], {"lr": lr, "betas": betas, "eps": eps})
        self.state[self.flat] = {
            "step": 0,
            "exp_avg": torch.zeros_like(flat),
            "exp_avg_sq": torch.zeros_like(flat),
        }

    def _reattach_grads(self, copy: bool) -> None:
        for p, view in self._grad_views:
            if p.grad is not view:
                if copy and p.grad is not None:
                    view.copy_(p.grad)
                elif copy:
                    view.zero_()
                p.grad = view

    def zero_grad(self, set_to_none: bool = True) -> None:
        self._reattach_grads(copy=False)
        self._grads.zero_()

    def step(self, closure=None):
        """One Adam step on the whole buffer."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._reattach_grads(copy=True)
        group, state = self.param_groups[0], self.state[self.flat]
        (beta1, beta2), grad = group["betas"], self._grads
        state["step"] += 1
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.lerp_(grad, 1 - beta1)  # m = b1 m + (1 - b1) g
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)  # v = b2 v + (1 - b2) g^2
        bias1, bias2 = 1 - beta1 ** state["step"], 1 - beta2 ** state["step"]
        denom = (v.sqrt() / math.sqrt(bias2)).add_(group["eps"])
        # theta -= lr * m_hat / (sqrt(v_hat) + eps), on the raw buffer: no autograd involved
        self._values.addcdiv_(m, denom, value=-group["lr"] / bias1)
        return loss

    def grad_sq_norm(self) -> float:
        """The squared norm of the whole gradient (one dot product)."""
        return float(torch.dot(self._grads, self._grads))

    def scale_grads(self, total_norm: float, max_norm: float) -> None:
        """Scale the gradient by ``min(1, max_norm / (total_norm + 1e-6))``, as
        ``nn.utils.clip_grad_norm_`` does once it knows the global norm (which, when the network
        is shared between processes, includes the other processes' gradients)."""
        self._grads.mul_(min(1.0, max_norm / (total_norm + 1e-6)))

    # torch.optim wraps every subclass's step in a profiler record and hook loop that costs as
    # much as this whole step; marking it as already wrapped skips that (and step hooks).
    step.hooked = True  # type: ignore[attr-defined]  # (an attribute of the function object)


__all__ = ["FlatAdam"]
