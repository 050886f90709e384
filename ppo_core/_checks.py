"""Input checks shared by the student-facing functions.

Every message says what was wrong and what to do, because the same functions are called from
the labs, where a shape mistake is the most common error a learner makes.
"""

from __future__ import annotations

import numpy as np
import torch


def as_1d_float_array(x, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one episode of shape (T,), got shape {arr.shape}: "
            f"pass the rewards of a single episode as a flat list or 1-D array"
        )
    return arr


def check_gamma(gamma: float, name: str = "gamma") -> None:
    if not 0.0 <= float(gamma) <= 1.0:
        raise ValueError(
            f"{name} must lie in [0, 1], got {gamma}: typical values are 0.99 or 0.999"
        )


def as_rollout_array(x, name: str) -> np.ndarray:
    """A float64 copy of a rollout array of shape (T,) or (T, N)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (T,) or (T, N) (time first), got shape {arr.shape}"
        )
    return arr


def check_same_shape(reference_name: str, reference: np.ndarray, **others: np.ndarray) -> None:
    """Raise if any array differs in shape from ``reference`` (time-major rollouts)."""
    for name, arr in others.items():
        if arr.shape != reference.shape:
            if arr.ndim == reference.ndim == 1 or arr.shape[1:] == reference.shape[1:]:
                raise ValueError(
                    f"{reference_name} has {reference.shape[0]} steps but {name} has "
                    f"{arr.shape[0]}: pass one {name.removesuffix('s')} "
                    f"per step (shape {reference.shape})"
                )
            raise ValueError(
                f"{name} has shape {arr.shape} but {reference_name} has shape {reference.shape}: "
                f"rollout arrays must all be time-major (T, N) with the same T and N"
            )


def check_flags(name: str, arr: np.ndarray) -> None:
    if arr.size and not np.all((arr == 0.0) | (arr == 1.0)):
        raise ValueError(
            f"{name} must hold only 0.0 and 1.0 (one flag per step), got values such as "
            f"{arr[(arr != 0.0) & (arr != 1.0)].flat[0]}: convert booleans with .astype(np.float32)"
        )


def check_same_tensor_shape(**tensors: torch.Tensor) -> None:
    items = list(tensors.items())
    first_name, first = items[0]
    for name, t in items[1:]:
        if tuple(t.shape) != tuple(first.shape):
            raise ValueError(
                f"{name} has shape {tuple(t.shape)} but {first_name} has shape "
                f"{tuple(first.shape)}: pass one value per sample, both as 1-D tensors of "
                f"the minibatch size"
            )


def check_clip_eps(clip_eps: float) -> None:
    if not 0.0 < float(clip_eps) < 1.0:
        raise ValueError(
            f"clip_eps must lie in (0, 1), got {clip_eps}: "
            "the PPO paper uses 0.2 (0.1 to 0.3 is usual)"
        )
