"""Recorded answers for the student build's checks: numbers in place of the reference code.

The student build of ``autograder.checks`` (written by ``autograder.student.checks``, which
stays with the instructor) holds the instructor's checks with every reference implementation
(``_ref_*``) and every known-wrong implementation (``_wrong_*``) replaced by a *stand-in* from
this module. ``visible_cases.npz``, next to this file, holds what the references and the known
mistakes returned on the inputs of the visible test cells (numbers only, recorded with the full
library when the build was made). A stand-in looks up the recorded call whose inputs equal the
ones it gets (same structure, types, shapes and dtypes; values within a tight tolerance, since
the last bits may differ across machines) and returns the recorded result with the reference's
types: numpy arrays, numbers, torch tensors -- with a gradient that replays the recorded
Jacobian where the check differentiates the result.

Where nothing was recorded:

- a known mistake's stand-in returns ``None``, which the checks skip: no diagnosis, no crash;
- a reference's stand-in raises :class:`~autograder.checks.compare.ReferenceUnavailable`: the
  check prints that it is not checked here and does not fail. That happens for inputs outside
  the visible test cells, e.g. a ``check_..._random`` with another seed (the hidden tests),
  which run only when the instructor grades, with the full library.

Checks that cannot be replayed, and what the student build does instead:

- ``lab4_training``'s ``ppo_update`` checks hand a spy loss to the learner's update; the spy
  returned the reference ``ppo_loss`` of inputs that depend on the learner's update. In the
  student build the spy returns :func:`stand_in_loss` (not PPO's loss): the checks look at the
  update's behaviour (steps, minibatches, first ratio, normalisation, clipping, statistics,
  early stop), which any loss with gradients shows, so they still run; only numbers quoted in
  their messages (a gradient norm) can differ from the grader's.
- ``lab5_diagnostics.check_diagnosis_run`` needs the answer key: in the student build it checks
  the format of the answer only and says that the fault is checked when the notebook is graded.

Like :mod:`autograder.checks.compare`, this module takes its own references to numpy, torch and
the recorded numbers when it is imported, so later monkeypatching cannot change a verdict.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from autograder.checks.compare import (
    ReferenceUnavailable,
    _float,
    _int,
    _isinstance,
    _list,
    _np_all,
    _np_array,
    _np_errstate,
    _np_generic,
    _np_ndarray,
    _str,
    _t_cpu,
    _t_detach,
    _t_numpy,
    _t_to,
    _Tensor,
    _tuple,
    _type,
    _zip,
)

DATA_FILE = "visible_cases.npz"
"""The recorded calls, next to this module in the student build."""

UNAVAILABLE = (
    "this check needs the reference implementation, which stays with your "
    "instructor; it runs when your notebook is graded"
)

_bool, _dict, _all, _sorted = builtins.bool, builtins.dict, builtins.all, builtins.sorted
_np_abs, _np_maximum, _np_isnan, _np_array_equal = np.abs, np.maximum, np.isnan, np.array_equal
_t_from_numpy, _t_float64 = torch.from_numpy, torch.float64
_t_clone, _t_reshape, _t_matmul = torch.Tensor.clone, torch.Tensor.reshape, torch.matmul
_t_mean, _t_mul, _t_sub = torch.mean, torch.mul, torch.sub
_Function = torch.autograd.Function
_smooth_l1 = torch.nn.functional.smooth_l1_loss
_TOLERANCE = {"float16": 1e-3, "float32": 1e-5, "float64": 1e-9}


# --- Leaves: what a call's inputs and outputs are made of ------------------------------------


def flatten(value) -> tuple[str, list]:
    """``(signature, leaves)`` of a nested value: the signature spells its structure, the types,
    dtypes and shapes; the leaves are its arrays, tensors and numbers, in order."""
    tokens: list[str] = []
    leaves: list = []
    _walk(value, tokens, leaves)
    return "".join(tokens), leaves


def _walk(value, tokens: list, leaves: list) -> None:
    """Append ``value``'s signature tokens and leaves (see :func:`flatten`)."""
    if _isinstance(value, (_tuple, _list)):
        tokens.append("(" if _isinstance(value, _tuple) else "[")
        for item in value:
            _walk(item, tokens, leaves)
        tokens.append(")")
    elif _isinstance(value, _dict):
        tokens.append("{")
        for key in _sorted(value):
            tokens.append(f"{key!r}:")
            _walk(value[key], tokens, leaves)
        tokens.append("}")
    elif value is None or _isinstance(value, _str):
        tokens.append(f"<{value!r}>")
    else:
        tokens.append(_leaf_token(value))
        leaves.append(value)


def _leaf_token(value) -> str:
    """The signature token of one leaf: its kind, dtype and shape."""
    if _isinstance(value, _Tensor):  # (whether it requires grad: the result differs then)
        grad = "g" if value.requires_grad else ""
        return f"T{_str(value.dtype)[6:]}{_tuple(value.shape)}{grad}"
    if _isinstance(value, _np_ndarray):
        return f"N{value.dtype}{value.shape}"
    if _isinstance(value, _np_generic):
        return f"S{value.dtype}"
    if _isinstance(value, _bool):
        return "b"
    if _isinstance(value, _int):
        return "i"
    if _isinstance(value, _float):
        return "f"
    raise TypeError(
        f"cannot record a {_type(value).__name__}: record arrays, tensors, numbers, "
        f"strings, None and tuples, lists or dicts of them"
    )


def leaf_array(value) -> np.ndarray:
    """A leaf's numbers as a numpy array of its own dtype (tensors detached, on the CPU)."""
    if _isinstance(value, _Tensor):
        return _t_numpy(_t_cpu(_t_detach(value))).copy()
    return _np_array(value)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two leaves of the same dtype and shape hold the same numbers (floats: within a
    tolerance for the last bits; NaN equals NaN)."""
    tolerance = _TOLERANCE.get(_str(b.dtype))
    if tolerance is None:
        return bool(_np_array_equal(a, b))
    with _np_errstate(invalid="ignore"):
        near = _np_abs(a - b) <= tolerance * _np_maximum(1.0, _np_abs(b))
    return bool(_np_all(near | (_np_isnan(a) & _np_isnan(b))))


# --- The recorded calls --------------------------------------------------------------------


def _load(path: Path) -> tuple[dict, dict]:
    """``(calls, constants)`` from the recorded file; empty where there is none (the full
    library, which never replays)."""
    if not path.exists():
        return {}, {}
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    index = json.loads(_str(arrays.pop("index")))
    calls = {
        key: [_decode_entry(entry, arrays) for entry in entries]
        for key, entries in index["calls"].items()
    }
    constants = {name: decode(spec, arrays) for name, spec in index["constants"].items()}
    return calls, constants


def _decode_entry(entry: dict, arrays: dict) -> dict:
    """One recorded call, with its arrays in place of their names."""
    return {
        "signature": entry["signature"],
        "inputs": [arrays[name] for name in entry["inputs"]],
        "output": entry["output"],
        "jacobians": {_int(pos): arrays[name] for pos, name in entry["jacobians"].items()},
        "arrays": arrays,
    }


def decode(spec: dict, arrays: dict):
    """The value a recorded ``spec`` describes (the inverse of the recorder's encoding)."""
    kind = spec["kind"]
    if kind in ("tuple", "list"):
        items = [decode(item, arrays) for item in spec["items"]]
        return _tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {key: decode(item, arrays) for key, item in spec["items"].items()}
    if kind == "none":
        return None
    if kind == "str":
        return spec["value"]
    array = arrays[spec["array"]]
    if kind == "tensor":
        return _t_from_numpy(array.copy())
    if kind == "ndarray":
        return array.copy()
    if kind == "npscalar":
        return array[()]
    return {"bool": _bool, "int": _int, "float": _float}[kind](array[()])


_DATA = Path(__file__).with_name(DATA_FILE)
_CALLS, _CONSTANTS = _load(_DATA)


def _require_data() -> None:
    """Raise a clear error where a student build lacks its recorded numbers."""
    if not _DATA.exists():
        raise FileNotFoundError(
            f"{_DATA} is missing: the student build's checks replay the numbers recorded in it. "
            f"Install the student package with its package data (autograder/checks/*.npz), or "
            f"rebuild it with `python -m autograder build-student-package`"
        )


def _lookup(key: str, args: tuple, kwargs: dict):
    """The recorded call of ``key`` whose inputs equal ``(args, kwargs)``, or ``None``."""
    signature, leaves = flatten((args, kwargs))
    for entry in _CALLS.get(key, ()):
        if entry["signature"] != signature:
            continue
        if _all(
            _close(leaf_array(leaf), recorded) for leaf, recorded in _zip(leaves, entry["inputs"])
        ):
            return entry, leaves
    return None


class _ReplayGradient(_Function):
    """The recorded result as a function of the inputs that require grad: its backward pass
    multiplies the incoming gradient by the recorded Jacobians."""

    @staticmethod
    def forward(ctx, value, jacobians, *inputs):
        """The recorded ``value``, attached to ``inputs``."""
        ctx.jacobians = jacobians
        ctx.meta = [(i.shape, i.dtype) for i in inputs]
        return _t_clone(value)

    @staticmethod
    def backward(ctx, grad_output):
        """The incoming gradient times each input's Jacobian."""
        g = _t_to(_t_reshape(grad_output, (-1,)), _t_float64)
        grads = [
            _t_to(_t_reshape(_t_matmul(g, jacobian), shape), dtype)  # J^T g
            for jacobian, (shape, dtype) in _zip(ctx.jacobians, ctx.meta)
        ]
        return (None, None, *grads)


_apply_gradient = _ReplayGradient.apply


def _result(entry: dict, leaves: list):
    """The recorded output of ``entry``, differentiable where it was and the inputs are."""
    if entry["output"]["kind"] == "raises":
        raise ValueError("this known mistake does not apply to these inputs")
    value = decode(entry["output"], entry["arrays"])
    pairs = [
        (leaves[pos], jacobian)
        for pos, jacobian in entry["jacobians"].items()
        if _isinstance(leaves[pos], _Tensor) and leaves[pos].requires_grad
    ]
    if not pairs:
        return value
    jacobians = [_t_from_numpy(jacobian) for _, jacobian in pairs]
    return _apply_gradient(value, jacobians, *[leaf for leaf, _ in pairs])


# --- The stand-ins the student build's check modules use -----------------------------------


def replayed(key: str) -> Callable:
    """The stand-in for the reference ``key`` (``"ref:compute_gae"``, or
    ``"ref:<lab>.<_ref_name>"`` for a reference written in a check module)."""
    _require_data()

    def stand_in(*args, **kwargs):
        """The reference's recorded result on these inputs."""
        found = _lookup(key, args, kwargs)
        if found is None:
            raise ReferenceUnavailable(UNAVAILABLE)
        return _result(*found)

    stand_in.__name__ = stand_in.__qualname__ = key.split(":", 1)[1].rsplit(".", 1)[-1]
    return stand_in


def mistaken(function: str, key: str) -> Callable:
    """The stand-in for the known mistake ``key`` of ``function``: its recorded result, or
    ``None`` (which matches nothing) on inputs it was not recorded on."""
    _require_data()

    def stand_in(*args, **kwargs):
        """The known mistake's recorded result on these inputs, or ``None``."""
        found = _lookup(f"mistake:{function}:{key}", args, kwargs)
        return None if found is None else _result(*found)

    stand_in.__name__ = stand_in.__qualname__ = f"{function}_{key}"
    return stand_in


def recorded_constant(name: str):
    """A value the build recorded for a check module (e.g. Lab 5's run labels)."""
    _require_data()
    return _CONSTANTS[name]


def stand_in_loss(
    new_log_probs, old_log_probs, advantages, values, returns, entropy, clip_eps, vf_coef, ent_coef
):
    """The loss Lab 4's spy returns in the student build, where PPO's loss is withheld.

    Not PPO's loss (no ratio, no clipping, no entropy term): the policy-gradient term
    -mean(log pi * A) and a Huber loss of the values, only so that the learner's update has
    gradients for the policy and the critic. The update's checks look at its behaviour, not at
    the loss's value.
    """
    return _t_sub(_smooth_l1(values, returns), _t_mean(_t_mul(new_log_probs, advantages)))
