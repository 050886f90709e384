"""The grader's side of a test cell: the checks run here, the learner's functions in the kernel.

When a class is graded (:class:`autograder.grading.preprocessors.SandboxedExecute`), the test
cells do not run in the learner's kernel. :func:`run_test_cell` executes the instructor's test
cell (visible and hidden parts) in the grader's own process, with the full library and the
checks of :mod:`autograder.checks`. Every name the cell reads that the notebook defines is a
:class:`RemoteFunction`: calling it sends the arguments to the kernel as plain data
(:mod:`autograder.kernel.wire`), the kernel calls the learner's function there
(:mod:`autograder.kernel.remote`) and sends back what it returned, the gradients of the result
with respect to the inputs that require grad, and what the call changed in its inputs. The
check compares all of it with what it computed itself; the verdict never leaves this process.

So a learner's code can change only what it sends back. Patching numpy, the checks, the guard or
IPython in the kernel changes nothing here; reaching a reference implementation finds none (the
kernel imports a build of the library without the lab's answers, see
:mod:`autograder.grading.kernel_build`); and a result that is not plain data is refused with a
message (:class:`~autograder.kernel.wire.Refused`), for that check only.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import dataclasses
import io
import json
import keyword
import re
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from autograder.kernel import wire

Link = Callable[[str, str], str]
"""``link(code, expression)``: execute ``code`` in the kernel, then return the value of the str
``expression`` there, as its ``repr`` (raises :class:`KernelGone` when the kernel stops
answering). The checks' calls are expressions only: IPython's input transformers, which a
learner's code may change, apply to the code, not to the expressions."""

REMOTE = "__import__('autograder.kernel.remote', fromlist=['answer'])"


class KernelGone(BaseException):  # noqa: N818 -- a state, not an error of the checks
    """The kernel died or did not answer in time: the running cell fails, the link is closed.
    A ``BaseException``, so that no ``except Exception`` of a check turns it into a verdict."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail
        self.function = ""  # the learner's function that was running, if one was


class _Across(torch.autograd.Function):
    """A result tensor of the kernel tied to the grader's input tensors by the Jacobian the
    kernel computed: gradients taken here are the learner's gradients."""

    @staticmethod
    def forward(ctx, value, jacobians, mode, *leaves):
        ctx.jacobians, ctx.mode = jacobians, mode
        ctx.leaf_shapes = [(leaf.shape, leaf.dtype) for leaf in leaves]
        return value.clone()

    @staticmethod
    def backward(ctx, grad_out):
        if ctx.mode == "error":  # the kernel's backward failed: the same error, here
            raise RuntimeError(ctx.jacobians)
        g = grad_out.reshape(-1).double()
        grads: list = []
        for jac, (shape, dtype) in zip(ctx.jacobians, ctx.leaf_shapes):
            if jac is None:
                grads.append(None)
                continue
            if ctx.mode == "full":
                v = g @ jac
            elif bool((g == g[0]).all()):
                v = g[0] * jac[0]
            else:
                raise RuntimeError("only the gradient of this large result's sum came back")
            grads.append(v.reshape(shape).to(dtype))
        return (None, None, None, *grads)


def _describe(x, sent: dict) -> dict | None:
    """The ``object`` entry of one of the checks' own objects (the kernel rebuilds it)."""
    from autograder.kernel.spies import SpyLoss, SpyOptimizer
    from ppo_core.config import PPOConfig
    from ppo_core.networks import ActorCritic

    entry: dict | None = None
    if isinstance(x, ActorCritic):
        space: Any = x.action_space
        shape = (
            {"kind": "discrete", "n": int(space.n)}
            if x.discrete
            else {
                "kind": "box",
                "low": wire.encode_value(np.asarray(space.low)),
                "high": wire.encode_value(np.asarray(space.high)),
            }
        )
        state = {k: v.detach().numpy().copy() for k, v in x.state_dict().items()}
        entry = {"kind": "actor_critic", "obs_dim": x.obs_dim, "hidden": x.hidden, "space": shape}
        entry["state"] = wire.encode_value(state)
    elif isinstance(x, SpyOptimizer):
        first = x.param_groups[0]["params"][0]
        owner = next(
            (k for k, o in sent.items() if isinstance(o, ActorCritic) and _owns(o, first)), None
        )
        entry = {"kind": "spy_optimizer", "lr": float(x.param_groups[0]["lr"]), "params_of": owner}
    elif isinstance(x, SpyLoss):
        entry = {"kind": "spy_loss"}
    elif isinstance(x, PPOConfig):
        entry = {"kind": "ppo_config", "fields": wire.encode_value(dataclasses.asdict(x))}
    elif isinstance(x, torch.Generator):
        entry = {"kind": "generator", "state": wire.encode_value(x.get_state().numpy())}
    if entry is not None:
        entry["ref"] = id(x)
        sent[id(x)] = x
    return entry


def _owns(net, param) -> bool:
    return any(p is param for p in net.parameters())


def _collect(x, sent: dict, depth: int = 0) -> None:
    """Record the arrays and tensors among the arguments (by id) for what comes back."""
    if depth > wire.MAX_DEPTH:
        return
    if type(x) is np.ndarray or isinstance(x, torch.Tensor):
        sent[id(x)] = x
    elif isinstance(x, (list, tuple)):
        for item in x:
            _collect(item, sent, depth + 1)
    elif isinstance(x, dict):
        for item in x.values():
            _collect(item, sent, depth + 1)


class RemoteFunction:
    """Stands for the notebook's function ``name`` in the grader's process (see the module)."""

    def __init__(
        self, link: Link, name: str, refs: list[str], namespace: dict, nested: tuple = ()
    ) -> None:
        self._link, self.__name__, self.__qualname__ = link, name, name
        # What the checks read of a function's code: the names it refers to (which helpers it
        # calls, for the root-cause search) and those of its comprehensions and inner functions
        # (what cut a gradient's graph, for the messages), as a code object holds them.
        inner = (types.SimpleNamespace(co_names=tuple(nested), co_consts=()),) if nested else ()
        self.__code__ = types.SimpleNamespace(co_names=tuple(refs), co_consts=inner)
        self.__globals__ = namespace

    def __repr__(self) -> str:
        return f"<your function {self.__name__}, called in your notebook's kernel>"

    def __call__(self, *args):
        sent: dict = {}
        _collect(args, sent)
        message = wire.dumps(args, objects=lambda x: _describe(x, sent))
        try:
            text = self._link("", f"{REMOTE}.answer({self.__name__!r}, {message!r})")
        except KernelGone as gone:
            gone.function = self.__name__
            raise
        reply = _read_reply(text)
        printed = reply.get("printed")
        keep = getattr(self._link, "keep", None)
        if isinstance(printed, str) and printed and keep is not None:
            keep(printed)
        status = reply.get("status")
        if status == "ok":
            return self._result(reply, sent)
        if status == "raised":
            raise _learner_exception(reply)
        if status == "refused":
            raise wire.Refused(
                f"it returned {str(reply.get('detail', ''))[:300]}, which the grader does not "
                f"read: return numbers, numpy arrays or torch tensors (or lists, tuples or dicts "
                f"of them)"
            )
        if status == "missing":
            raise wire.Refused("it is not defined in your notebook: run the cell that defines it")
        raise wire.Refused("the grader got no readable answer from your notebook's kernel")

    def _result(self, reply: dict, sent: dict):
        try:
            grads = _read_grads(reply.get("grads", []), sent)
            made = wire.decode_value(
                reply.get("result"), arrays=lambda tag, f, a: _rebuild(tag, f, a, grads)
            )
            for entry in reply.get("sync", []):
                _apply(entry, sent)
        except (wire.WireError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise wire.Refused(
                f"what came back from your notebook's kernel could not be read ({exc})"
            ) from None
        return made


def _read_reply(text: str) -> dict:
    if not isinstance(text, str) or len(text) > wire.MAX_TEXT + 1000:
        raise wire.Refused("its answer was too large to read")
    try:
        value = ast.literal_eval(text)
        reply = json.loads(value) if isinstance(value, str) else None
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        reply = None
    if not isinstance(reply, dict):
        raise wire.Refused("the grader got no readable answer from your notebook's kernel")
    return reply


def _learner_exception(reply: dict) -> BaseException:
    """An exception of the learner's type name and message (the checks word the message)."""
    message = str(reply.get("message", ""))[:2000]
    withheld = str(reply.get("withheld", ""))
    if withheld and re.fullmatch(r"[A-Za-z_]\w{0,60}", withheld):
        return wire.Refused(
            f"it called the library's {withheld}, which this lab leaves to you (the grading "
            f"kernel's ppo_core does not have it): write the computation yourself"
        )
    name = str(reply.get("type", "Exception"))
    if name == "NotImplementedError":
        return NotImplementedError(message)
    if not re.fullmatch(r"[A-Za-z_]\w{0,60}", name) or keyword.iskeyword(name):
        name = "Exception"
    error = type(name, (Exception,), {})(message)
    error.kernel_traceback = str(reply.get("traceback", ""))[-6000:]  # type: ignore[attr-defined,unused-ignore]
    return error


def _read_grads(entries, sent: dict) -> dict:
    """result tensor id -> (jacobians, mode, leaves); for a result whose backward failed in the
    kernel, (what it raised, "error", leaves)."""
    out: dict = {}
    for entry in entries:
        result_id, per_leaf, mode = entry[:3]
        if mode == "error":
            leaves = [sent[leaf_id] for leaf_id, _ in per_leaf]
            out[result_id] = (str(entry[3] if len(entry) > 3 else "")[:2000], mode, leaves)
            continue
        if mode not in ("full", "sum"):
            raise ValueError("malformed gradients")
        jacobians, leaves = [], []
        for leaf_id, tree in per_leaf:
            leaf = sent[leaf_id]
            jac = None if tree is None else wire.decode_value(tree)
            if jac is not None:
                if not isinstance(jac, np.ndarray) or jac.ndim != 2 or jac.shape[1] != leaf.numel():
                    raise ValueError("malformed gradients")
                jac = torch.from_numpy(np.asarray(jac, dtype=np.float64))
            jacobians.append(jac)
            leaves.append(leaf)
        out[result_id] = (jacobians, mode, leaves)
    return out


def _rebuild(tag: str, fields: dict, arr: np.ndarray, grads: dict):
    if tag == "array":
        return arr.copy()
    value = torch.from_numpy(arr.copy())
    if not fields.get("requires_grad") or not value.is_floating_point():
        return value
    jacobians, mode, leaves = grads.get(fields.get("id"), ([], "full", []))
    if mode == "error":
        return _Across.apply(value, jacobians, mode, *leaves)
    rows = value.numel() if mode == "full" else 1
    if any(j is not None and j.shape[0] != rows for j in jacobians):
        raise ValueError("malformed gradients")
    if not any(j is not None for j in jacobians):
        return value.requires_grad_(True)  # depends on none of the inputs
    return _Across.apply(value, jacobians, mode, *leaves)


def _apply(entry, sent: dict) -> None:
    """Put what the kernel reports of an input after the call into the grader's input."""
    ref, tree = entry
    target = sent[ref]
    value = wire.decode_value(tree)
    if type(target) is np.ndarray or isinstance(target, torch.Tensor):
        _apply_in_place(target, value)
    else:
        _apply_to_object(target, value)


def _apply_in_place(target, value) -> None:
    """An input array or tensor the learner's function changed in place, changed here too."""
    if type(target) is np.ndarray:
        if value.shape == target.shape:
            np.copyto(target, value, casting="unsafe")
    elif tuple(value.shape) == tuple(target.shape) and not target.requires_grad:
        with torch.no_grad():
            target.copy_(value)


def _apply_to_object(target, value) -> None:
    """The trained network, the spies' records, a generator's state."""
    from autograder.kernel.spies import SpyLoss, SpyOptimizer
    from ppo_core.networks import ActorCritic

    if isinstance(target, ActorCritic):
        own = target.state_dict()
        if set(value) != set(own) or any(tuple(value[k].shape) != tuple(own[k].shape) for k in own):
            raise ValueError("the network came back with other parameters")
        with torch.no_grad():
            for k, v in own.items():
                v.copy_(torch.from_numpy(np.asarray(value[k])))
    elif isinstance(target, SpyOptimizer):
        target.grad_norms = [float(n) for n in value]
    elif isinstance(target, SpyLoss):
        target.calls = [_spy_call(c) for c in value]
    elif isinstance(target, torch.Generator):
        target.set_state(torch.from_numpy(np.asarray(value, dtype=np.uint8)))


def _spy_call(call) -> dict:
    if not isinstance(call, dict):
        raise ValueError("a malformed record of a loss call")
    out: dict[str, Any] = {
        k: np.asarray(call[k], dtype=np.float64) for k in ("new", "old", "adv", "returns")
    }
    out["new_requires_grad"] = bool(call["new_requires_grad"])
    out["clip_eps"] = float(call["clip_eps"])
    return out


# --- one test cell ---------------------------------------------------------------------------


def free_names(source: str) -> list[str]:
    """Names the cell reads but neither imports nor assigns, builtins excluded (the learner's)."""
    tree = ast.parse(source)
    bound, read = set(), []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            else:
                read.append(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return sorted({n for n in read if n not in bound and not hasattr(builtins, n)})


class NotPlainData:
    """Stands for a notebook value that is not plain data (the check then says what it got)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail

    def __repr__(self) -> str:
        return f"<not plain data: {self.detail}>"


def stand_ins(link: Link, names: list[str]) -> dict:
    """What the notebook binds to each of ``names``: a :class:`RemoteFunction` for a callable,
    the value itself for plain data (read here), a :class:`NotPlainData` for anything else."""
    text = link("", f"{REMOTE}.functions({sorted(set(names))!r})")
    try:
        found = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        found = {}
    namespace: dict = {}
    for name, entry in found.items() if isinstance(found, dict) else ():
        if name not in names or not isinstance(entry, dict):
            continue
        if isinstance(entry.get("refs"), list):
            refs = [r for r in entry["refs"] if isinstance(r, str)]
            nested = entry.get("nested")
            inner = (
                tuple(r for r in nested if isinstance(r, str)) if isinstance(nested, list) else ()
            )
            namespace[name] = RemoteFunction(link, name, refs, namespace, inner)
        elif "value" in entry:
            try:
                namespace[name] = wire.decode_value(entry["value"])
            except (wire.WireError, RecursionError, TypeError, ValueError) as exc:
                namespace[name] = NotPlainData(str(exc))
        else:
            namespace[name] = NotPlainData(str(entry.get("refused", ""))[:200])
    return namespace


def run_test_cell(
    source: str, link: Link, exercises: list[str]
) -> tuple[str, BaseException | None]:
    """Run the instructor's test cell ``source`` here: (what it printed, the error or None).

    Raises :class:`KernelGone` when the kernel died or hung during the cell."""
    names = free_names(source)
    functions = stand_ins(link, sorted(set(names) | set(exercises)))
    cell_globals = {"__name__": "__test_cell__", "__builtins__": builtins}
    cell_globals.update({n: functions.get(n) for n in names})
    printed = io.StringIO()
    error: BaseException | None = None
    with contextlib.redirect_stdout(printed):
        try:
            exec(compile(source, "<test cell>", "exec"), cell_globals)  # noqa: S102 -- instructor's
        except KernelGone:
            raise
        except AssertionError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 -- a check that could not read a result
            error = AssertionError(
                f"the test could not read your function's result ({type(exc).__name__}: {exc})"
            )
    return printed.getvalue(), error
