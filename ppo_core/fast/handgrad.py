"""The shared update's two gradients, derived by hand and computed in numpy (the speed layer's).

A minibatch step of the split update (:meth:`ppo_core.fast.parallel.ParallelRollout.update`)
needs two gradients of the PPO loss on 64 samples: the actor's, of the clipped surrogate minus
the entropy bonus, and the critic's, of ``vf_coef`` times the value loss. Through autograd each
costs about twenty tensor operations forward and as many graph nodes backward, each a few
microseconds of PyTorch's per-call overhead on tensors this small: 0.4 ms for the actor on a
laptop core, a thousand times per rollout. Written out, the same gradient is a dozen numpy
operations (about a fifth of the time), and that is all this module does:

* :class:`MLPGrad` runs a tanh MLP (:func:`ppo_core.networks.mlp`) forward and back
  propagates through it by hand, on numpy views of the layers' parameters and gradients
  (which :class:`~ppo_core.fast.optim.FlatAdam` keeps in its flat buffers);
* :func:`categorical_actor_step` and :func:`critic_step` give the loss and write its gradient.

The derivatives, for logits ``z`` of a categorical policy (``p = softmax(z)``), stored action
``a``, ratio ``r = exp(log p_a - log p_old)``, advantage ``A`` and ``M`` samples:

* ``d(-min(r A, clip(r) A))/d log p_a = -r A`` where the unclipped term is the smaller (or they
  are equal), else 0: past the clip the objective is flat (PPO Eq. 7);
* ``d log p_a / dz = onehot(a) - p``; the entropy ``S = -sum p log p`` has
  ``dS/dz = -p (log p + S)``;
* ``d((V - R)^2)/dV = 2 (V - R)``; through each layer ``y = tanh(x W^T + b)``:
  ``dW = d^T x``, ``db = sum d``, ``dx = (d W) (1 - y^2)`` with ``d`` the gradient at the
  layer's output before the tanh.

``tests/test_fast_handgrad.py`` checks both gradients against autograd through the library's
own losses, including clipped samples, ties and every branch of the clip.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

try:
    from threadpoolctl import threadpool_limits
except ImportError as err:  # a dependency of the package; Colab ships it with scikit-learn
    raise ImportError(
        "the speed layer (fast=True) needs threadpoolctl: pip install "
        "threadpoolctl, or train without fast=True"
    ) from err


def single_threaded_blas():
    """Keep numpy's BLAS on one thread (for the rest of the process, or for a ``with`` block).

    The products here, e.g. 128 x 64 by 64 x 64 with the default minibatches of 128, are big
    enough for OpenBLAS to start a second thread. On two cores the other process of the split
    update already holds the second one, and that thread waits for a core at every product:
    with it, an update of the default config took 0.74 s instead of 0.03 s on the 2-core CI
    machine (2026-11-30). The same reason as ``torch.set_num_threads(1)``.
    """
    return threadpool_limits(limits=1, user_api="blas")


def _grad_buffer(parameter: torch.Tensor) -> np.ndarray:
    """``parameter.grad`` as a numpy array sharing its memory."""
    if parameter.grad is None:
        raise ValueError(
            "MLPGrad writes into the parameters' .grad: give them gradient "
            "buffers first (FlatAdam does)"
        )
    return parameter.grad.numpy()


class MLPGrad:
    """A tanh MLP (``Linear``, ``Tanh``, ..., ``Linear``) on numpy views of its parameters and
    their gradients: :meth:`forward` keeps the activations, :meth:`backward` writes
    ``d loss / d parameter`` into each parameter's ``.grad``.

    The views share memory with the tensors, so the optimiser's steps and parameter loads are
    seen at once; build one after the optimiser has placed the parameters (and gradients) in
    its buffers, e.g. at the start of each update.
    """

    def __init__(self, mlp: nn.Sequential):
        layers = list(mlp)
        linears = [layer for layer in layers[::2] if isinstance(layer, nn.Linear)]
        if not (
            len(linears) == len(layers[::2])
            and all(isinstance(layer, nn.Tanh) for layer in layers[1::2])
            and len(layers) % 2 == 1
        ):
            raise TypeError(f"MLPGrad takes Linear, Tanh, ..., Linear layers, got {mlp}")
        self.weights = [layer.weight.detach().numpy() for layer in linears]  # (out, in)
        self.biases = [layer.bias.detach().numpy() for layer in linears]
        self.weight_grads = [_grad_buffer(layer.weight) for layer in linears]
        self.bias_grads = [_grad_buffer(layer.bias) for layer in linears]

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        """The input, each hidden layer's tanh output and the last layer's output."""
        activations = [x]
        for k, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            y = x @ weight.T + bias
            x = np.tanh(y) if k < len(self.weights) - 1 else y
            activations.append(x)
        return activations

    def backward(self, activations: list[np.ndarray], d_out: np.ndarray) -> None:
        """Write the gradient of the loss whose derivative by the output is ``d_out``."""
        d = d_out
        for k in reversed(range(len(self.weights))):
            np.matmul(d.T, activations[k], out=self.weight_grads[k])
            d.sum(0, out=self.bias_grads[k])
            if k > 0:
                y = activations[k]
                d = (d @ self.weights[k]) * (1 - y * y)


def categorical_actor_step(
    actor: MLPGrad,
    obs: np.ndarray,
    actions: np.ndarray,
    old_log_probs: np.ndarray,
    advantages: np.ndarray,
    clip_eps: float,
    ent_coef: float,
) -> float:
    """The actor's half of the PPO loss, ``-L^CLIP - c2 S`` (PPO Eqs. 7 and 9), of a categorical
    policy whose logits ``actor`` computes; its gradient goes into the actor's ``.grad``.

    Args: ``obs`` ``(M, obs_dim)``, ``actions`` ``(M,)`` integers, ``old_log_probs`` and the
    (already normalised) ``advantages`` ``(M,)``, as in
    :func:`~ppo_core.losses.clipped_surrogate_loss`. Returns the loss; where it is not finite
    the gradient is left as it was (the caller stops the update).
    """
    activations = actor.forward(obs)
    logits = activations[-1]
    shifted = logits - logits.max(1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))  # (M, A)
    p = np.exp(log_p)
    rows = np.arange(len(actions))
    entropy = -(p * log_p).sum(1)  # (M,)
    ratio = np.exp(log_p[rows, actions] - old_log_probs)
    unclipped = ratio * advantages
    clipped = np.clip(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * advantages
    loss = float(-np.minimum(unclipped, clipped).mean() - ent_coef * entropy.mean())
    if not np.isfinite(loss):
        return loss
    m = len(actions)
    d_log_p_a = np.where(unclipped <= clipped, -unclipped / m, 0.0).astype(np.float32)
    d_logits = (ent_coef / m) * p * (log_p + entropy[:, None]) - d_log_p_a[:, None] * p
    d_logits[rows, actions] += d_log_p_a
    actor.backward(activations, d_logits)
    return loss


def critic_step(critic: MLPGrad, obs: np.ndarray, returns: np.ndarray, vf_coef: float) -> float:
    """The critic's half, ``c1 L^VF`` (PPO Eq. 9), of a critic with one output; its gradient goes
    into the critic's ``.grad``. Returns the loss; not finite: the gradient is left as it was."""
    activations = critic.forward(obs)
    error = activations[-1][:, 0] - returns  # (M,)
    loss = float(vf_coef * (error * error).mean())
    if np.isfinite(loss):
        critic.backward(activations, (2.0 * vf_coef / len(error)) * error[:, None])
    return loss


__all__ = ["MLPGrad", "categorical_actor_step", "critic_step", "single_threaded_blas"]
