"""Adam over one flat buffer (an engineering module; the labs use ``torch.optim.Adam``).

PPO's update takes thousands of tiny steps: the RL Zoo's LunarLander setting is 1,024 minibatches
of 64 per rollout. At that size an optimiser step costs what its per-tensor bookkeeping costs,
not what its arithmetic costs: Adam over the actor-critic's 12 weight and bias tensors takes
about 2.5x as long as Adam over one tensor holding all of them.

:class:`FlatAdam` therefore moves every parameter of the network into one contiguous buffer
(each ``nn.Parameter`` becomes a view of its slice) and every gradient into another, then runs
PyTorch's Adam on the single flat tensor. The network, its ``state_dict`` and the learner's
``ppo_update`` see ordinary parameters; the arithmetic is exactly Adam's
(``tests/test_optim.py`` checks it against ``torch.optim.Adam`` step by step).
"""

from __future__ import annotations

import torch
from torch import nn


def _adam_kwargs() -> dict:
    """The fused CPU kernel where this torch build has it."""
    try:
        torch.optim.Adam([nn.Parameter(torch.zeros(1))], fused=True)
        return {"fused": True}
    except (RuntimeError, TypeError):
        return {}


class FlatAdam(torch.optim.Adam):
    """``torch.optim.Adam`` on ``module``'s parameters, stored in one flat buffer.

    Args:
        module: the network; its parameters are re-homed into the buffer (values unchanged).
        lr, eps, **kwargs: as for ``torch.optim.Adam``.

    ``zero_grad`` zeroes the flat gradient in place whatever ``set_to_none`` says (setting the
    gradients to None would cut them off from the buffer), and ``step`` first copies back any
    gradient that was replaced or dropped (e.g. by ``module.zero_grad()``), so the usual
    ``zero_grad(); loss.backward(); clip_grad_norm_(...); step()`` sequence works unchanged.
    """

    def __init__(self, module: nn.Module, lr: float = 1e-3, eps: float = 1e-8, **kwargs):
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise ValueError("FlatAdam needs a module with trainable parameters")
        with torch.no_grad():
            flat = torch.cat([p.detach().reshape(-1) for p in params])
        flat_grad = torch.zeros_like(flat)
        self._grad_views: list[tuple[nn.Parameter, torch.Tensor]] = []
        offset = 0
        for p in params:
            n = p.numel()
            p.data = flat[offset:offset + n].view_as(p)
            p.grad = flat_grad[offset:offset + n].view_as(p)
            self._grad_views.append((p, p.grad))
            offset += n
        self.flat = nn.Parameter(flat)  # shares memory with every parameter above
        self.flat.grad = flat_grad
        super().__init__([self.flat], lr=lr, eps=eps, **{**_adam_kwargs(), **kwargs})
        self.register_step_pre_hook(lambda optimizer, args, kwargs: self._reattach_grads(copy=True))

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
        self.flat.grad.zero_()


__all__ = ["FlatAdam"]
