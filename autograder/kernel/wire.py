"""What crosses between the grader and the grading kernel: plain data, and nothing else.

The grader calls a learner's function in the kernel with arguments it made, and the kernel sends
back what the function returned. Both directions use this one format, a JSON text in which a
value is ``None``, a bool, an int, a float, a string, a list, or one of these tagged objects:

* ``{"tuple": [...]}`` and ``{"dict": [[key, value], ...]}`` (string keys only);
* ``{"array": {"dtype", "shape", "data"}}``: a numpy array of a numeric dtype (``data`` is the
  base64 of its bytes, little-endian, C order); ``{"scalar": {"dtype", "data"}}`` a numpy scalar;
* ``{"tensor": {"dtype", "shape", "data", "requires_grad", "id"}}``: a CPU torch tensor;
* ``{"object": {"kind": ..., ...}}``: one of the few objects the grader itself sends to the
  kernel (a network, an optimiser, a callback of the checks); the kernel side builds them
  (:mod:`autograder.kernel.remote`), the grader never decodes one.

:func:`decode` reads nothing else: no pickle, no class named by the sender, no object that
could claim to equal anything. It refuses text over :data:`MAX_TEXT` characters, nesting deeper
than :data:`MAX_DEPTH`, and more than :data:`MAX_ELEMENTS` numbers in all, with a
:class:`WireError` that says which limit was hit.
"""

from __future__ import annotations

import base64
import builtins
import json
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

# Taken at import, which in a grading kernel is before any learner code runs: a learner's
# function that replaces a builtin or a numpy or torch function breaks neither what the kernel
# sends back for the learner's other functions nor what the grader reads.
if not TYPE_CHECKING:  # (type checkers read the builtins' own types)
    (bool, dict, float, int, list, str, tuple, type) = (
        builtins.bool,
        builtins.dict,
        builtins.float,
        builtins.int,
        builtins.list,
        builtins.str,
        builtins.tuple,
        builtins.type,
    )
    (all, id, isinstance, len, repr, set) = (
        builtins.all,
        builtins.id,
        builtins.isinstance,
        builtins.len,
        builtins.repr,
        builtins.set,
    )
_dumps, _loads, _b64encode, _b64decode = json.dumps, json.loads, base64.b64encode, base64.b64decode
_np_isfinite, _np_ascontiguousarray, _np_asarray, _np_prod, _np_frombuffer, _np_dtype = (
    np.isfinite,
    np.ascontiguousarray,
    np.asarray,
    np.prod,
    np.frombuffer,
    np.dtype,
)
_ndarray, _generic, _Tensor, _Parameter = np.ndarray, np.generic, torch.Tensor, torch.nn.Parameter
_t_detach, _t_cpu, _t_numpy, _t_from_numpy = (
    torch.Tensor.detach,
    torch.Tensor.cpu,
    torch.Tensor.numpy,
    torch.from_numpy,
)

MAX_TEXT = 64 * 2**20
"""Characters of one message (a learner's result is rarely more than a few kilobytes)."""
MAX_DEPTH = 24
MAX_ELEMENTS = 8_000_000
NUMERIC = frozenset(
    {
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
    }
)


class WireError(ValueError):
    """A message that is not plain data, or is too large: what was wrong, in words."""


def _encode_container(x, objects, depth: int):
    """A list, tuple or dict (string keys) of values, encoded."""
    if type(x) is dict:
        if not all(type(k) is str for k in x):
            raise WireError("a dict whose keys are not all strings")
        pairs = [[k, encode_value(v, objects=objects, depth=depth + 1)] for k, v in x.items()]
        return {"dict": pairs}
    items = [encode_value(v, objects=objects, depth=depth + 1) for v in x]
    return items if type(x) is list else {"tuple": items}


def _array_fields(arr: np.ndarray) -> dict:
    dtype = arr.dtype.name
    if dtype not in NUMERIC:
        raise WireError(f"an array of dtype {dtype} (only numbers and booleans are graded)")
    data = _np_ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return {"dtype": dtype, "shape": list(arr.shape), "data": _b64encode(data).decode()}


def encode_value(x: Any, *, objects=None, depth: int = 0) -> Any:
    """``x`` as a JSON-ready tree; ``objects(x)`` may turn a non-data object into an ``object``
    entry (the grader's side uses it for networks and callbacks), else such an ``x`` raises
    :class:`WireError`."""
    if depth > MAX_DEPTH:
        raise WireError(f"data nested more than {MAX_DEPTH} levels deep")
    if x is None or type(x) in (bool, int, str):
        return x
    if type(x) is float:
        return x if _np_isfinite(x) else {"float": repr(x)}
    if type(x) in (list, tuple, dict):
        return _encode_container(x, objects, depth)
    if type(x) is _ndarray:
        return {"array": dict(_array_fields(x), id=id(x))}
    if isinstance(x, _generic) and type(x).__module__ == "numpy":
        return {"scalar": _array_fields(_np_asarray(x))}
    if type(x) in (_Tensor, _Parameter):
        fields = _array_fields(_t_numpy(_t_cpu(_t_detach(x))))
        fields.update(requires_grad=bool(x.requires_grad), id=id(x))
        return {"tensor": fields}
    if objects is not None:
        made = objects(x)
        if made is not None:
            return {"object": made}
    raise WireError(f"a {type(x).__module__}.{type(x).__qualname__} object")


def dumps(x: Any, objects=None) -> str:
    """The message text of ``x`` (see :func:`encode_value`)."""
    return _dumps(encode_value(x, objects=objects), separators=(",", ":"))


class _Budget:
    def __init__(self) -> None:
        self.elements = 0

    def take(self, n: int) -> None:
        self.elements += n
        if self.elements > MAX_ELEMENTS:
            raise WireError(f"more than {MAX_ELEMENTS:,} numbers")


def _read_array(fields: Any, budget: _Budget) -> np.ndarray:
    if not isinstance(fields, dict) or set(fields) - {
        "dtype",
        "shape",
        "data",
        "requires_grad",
        "id",
    }:
        raise WireError("a malformed array")
    dtype, shape, data = fields.get("dtype"), fields.get("shape"), fields.get("data")
    if dtype not in NUMERIC or not isinstance(shape, list) or not isinstance(data, str):
        raise WireError("a malformed array")
    if len(shape) > 32 or not all(type(n) is int and 0 <= n for n in shape):
        raise WireError("an array with a malformed shape")
    size = int(_np_prod(shape, dtype=np.float64))
    budget.take(size)
    raw = _b64decode(data.encode(), validate=True)
    want = _np_dtype(dtype).newbyteorder("<")
    if len(raw) != size * want.itemsize:
        raise WireError("an array whose data does not match its shape")
    return _np_frombuffer(raw, dtype=want).astype(_np_dtype(dtype)).reshape(shape)


def _plain(tag: str, fields: dict, arr: np.ndarray):
    """An ``array`` as a numpy array, a ``tensor`` as a torch tensor without gradient."""
    if tag == "tensor":
        return _t_from_numpy(arr.copy())
    return arr.copy()


def decode_value(
    tree: Any, *, arrays=None, objects=None, budget: _Budget | None = None, depth: int = 0
):
    """The value a tree of :func:`encode_value` stands for. ``arrays(tag, fields, array)`` builds
    an ``array`` or ``tensor`` entry from its numbers (default :func:`_plain`);
    ``objects(fields, decode)`` builds an ``object`` entry (only the kernel's side passes one:
    the grader refuses them)."""
    arrays = arrays or _plain
    budget = budget or _Budget()

    def inner(v):
        return decode_value(v, arrays=arrays, objects=objects, budget=budget, depth=depth + 1)

    if depth > MAX_DEPTH:
        raise WireError(f"data nested more than {MAX_DEPTH} levels deep")
    if tree is None or type(tree) in (bool, int, float, str):
        budget.take(1)
        return tree
    if type(tree) is list:
        return [inner(v) for v in tree]
    if type(tree) is not dict or len(tree) != 1:
        raise WireError("an entry that is not plain data")
    ((tag, body),) = tree.items()
    if tag in ("tuple", "dict") and type(body) is list:
        return _decode_container(tag, body, inner)
    if tag == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag in ("array", "tensor", "scalar"):
        arr = _read_array(body, budget)
        return arr[()] if tag == "scalar" else arrays(tag, body, arr)
    if tag == "object" and objects is not None and type(body) is dict:
        return objects(body, inner)
    raise WireError(f"an entry tagged {tag!r}" if isinstance(tag, str) else "a malformed entry")


def _decode_container(tag: str, body: list, inner):
    if tag == "tuple":
        return tuple(inner(v) for v in body)
    out = {}
    for pair in body:
        if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
            raise WireError("a malformed dict")
        out[pair[0]] = inner(pair[1])
    return out


def loads(text: Any, arrays=None, objects=None):
    """The value of a message (see :func:`decode_value`); :class:`WireError` if it is not one."""
    if not isinstance(text, str):
        raise WireError("a message that is not text")
    if len(text) > MAX_TEXT:
        raise WireError(f"a message of {len(text):,} characters (at most {MAX_TEXT:,})")
    try:
        tree = _loads(text)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"a message that is not JSON ({type(exc).__name__})") from None
    try:
        return decode_value(tree, arrays=arrays, objects=objects)
    except RecursionError:
        raise WireError(f"data nested more than {MAX_DEPTH} levels deep") from None
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, WireError):
            raise
        raise WireError(f"malformed data ({type(exc).__name__}: {exc})") from None


class Refused(Exception):  # noqa: N818 -- read as "the grader refused what came back"
    """Raised by the grader's stand-in for a learner's function when what the kernel sent back is
    not a result it reads (not plain data, too large, not a reply at all). Its message says
    what was wrong, for the learner; the check fails with it."""
