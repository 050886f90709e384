"""Inside the grading kernel: call one of the learner's functions on the grader's inputs and hand
back what it returned, as plain data (:mod:`autograder.kernel.wire`).

When a class is graded, no check runs in the kernel. For every call a check makes, the grader
evaluates ``answer(name, message)`` in the kernel (as a user expression of an execute request,
so that no input transformer of IPython's rewrites it) and reads the text it returns: the
function's result (numbers, arrays, tensors, lists, tuples, dicts of those), the gradients of
each result tensor with respect to the grader's input tensors that require grad, the state after the
call of every input the function may have changed (arrays and tensors changed in place, the
network ``ppo_update`` trained, what its spies recorded). The grader compares all of it with
what it computed itself; nothing here decides a point. A learner's code can change this module
too: then it only changes what is sent back, which is what a learner's function returns anyway.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import sys
import traceback
from typing import TYPE_CHECKING, Any

import numpy as np

from autograder.kernel import wire

# Taken at import, before the learner's code runs (the grader imports this module first): a
# learner's function that replaces a builtin does not break the replies for the other functions.
if not TYPE_CHECKING:  # (type checkers read the builtins' own types)
    (callable, getattr, isinstance, str, type) = (
        builtins.callable,
        builtins.getattr,
        builtins.isinstance,
        builtins.str,
        builtins.type,
    )
_dumps = wire._dumps
JACOBIAN_ROWS = 256
"""Result tensors up to this size send their whole Jacobian; bigger ones the gradient of their
sum (all a check takes of them)."""


def _namespace() -> dict:
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def functions(names: list[str]) -> str:
    """What the notebook binds to each of ``names``: for a callable, the global names its code
    refers to (the grader checks a failing function's helpers first); for anything else its
    value, as plain data (e.g. Lab 5's ``diagnosis`` dict)."""
    space = _namespace()
    out: dict[str, dict] = {}
    for name in names:
        if name not in space:
            continue
        value = space[name]
        if callable(value):
            value = getattr(value, "__wrapped__", value) if _is_protected(value) else value
            refs, nested = _code_names(getattr(value, "__code__", None))
            out[name] = {"refs": refs, "nested": nested}
            continue
        try:
            out[name] = {"value": wire.encode_value(value)}
        except wire.WireError as exc:
            out[name] = {"refused": str(exc)}
    return _dumps(out)


def _code_names(code) -> tuple[list[str], list[str]]:
    """(the global and attribute names ``code`` refers to, those its comprehensions and inner
    functions refer to): the grader's messages name what in them cut a gradient's graph."""
    refs = [str(r) for r in getattr(code, "co_names", ()) if isinstance(r, str)][:500]
    nested: list[str] = []
    todo = [c for c in getattr(code, "co_consts", ()) if getattr(c, "co_names", None) is not None]
    for _ in range(1000):  # real code objects nest a few levels; a made-up one may loop
        if not todo or len(nested) >= 500:
            break
        inner = todo.pop()
        nested.extend(str(r) for r in getattr(inner, "co_names", ()) if isinstance(r, str))
        consts = getattr(inner, "co_consts", ())
        todo.extend(c for c in consts if getattr(c, "co_names", None) is not None)
    return refs, nested[:500]


PRINT_LIMIT = 20_000
"""Characters of what one call may print that are kept (the rest is dropped at once); the grader
keeps as many per test cell."""


def _is_protected(fn) -> bool:
    return bool(getattr(fn, "_ppo_protected", False))


def answer(name: str, message: str) -> str:
    """The reply to a call of the notebook's ``name`` on the arguments in ``message``: what it
    returned and what it printed.

    Courtesies to the learner's own notebook, none of which any verdict depends on: before the
    first call, the kernel stops allowing new threads (nothing a function leaves behind acts
    after it returned); IPython's input transformers and event callbacks are put back after
    each call, so the notebook's later cells still run as written."""
    printed = io.StringIO()
    capped = _Capped(printed)
    with _courtesies(capped, capped):
        reply = _reply(name, message)
    reply["printed"] = printed.getvalue()
    return _dumps(reply)


@contextlib.contextmanager
def _courtesies(out, err):
    """Around one call of a learner's function: no new thread from the first call on, output
    to ``out`` / ``err``, IPython's hooks put back afterwards."""
    _block_threads_once()
    saved = _shell_hooks()
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        sys.stdout, sys.stderr = real
        _restore_shell_hooks(saved)


def protect(names: list[str]) -> str:
    """Wrap the notebook's functions ``names`` so that, wherever they are called (the lab's own
    demonstration cells too), they get the same courtesies as :func:`answer`'s calls: no thread
    outlives the first call, IPython's hooks are put back, and what one call prints is capped."""
    space = _namespace()
    for name in names:
        fn = space.get(name)
        if callable(fn) and not _is_protected(fn):
            space[name] = _protected(fn)
    return "ok"


def _protected(fn):
    import functools

    @functools.wraps(fn)
    def call(*args, **kwargs):
        with _courtesies(_Capped(sys.stdout), sys.stderr):
            return fn(*args, **kwargs)

    call._ppo_protected = True  # type: ignore[attr-defined]
    return call


class _Capped:
    """``stream`` that lets :data:`PRINT_LIMIT` characters through and drops the rest at once."""

    def __init__(self, stream) -> None:
        self.stream, self.left = stream, PRINT_LIMIT

    def write(self, text) -> int:
        text = str(text)
        if self.left > 0:
            self.stream.write(text[: self.left])
            if len(text) >= self.left:
                self.stream.write(f"\n[output cut after {PRINT_LIMIT} characters]\n")
        self.left -= len(text)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


_THREADS_BLOCKED: list[bool] = []


def _block_threads_once() -> None:
    """In a sandboxed grading kernel only (its environment says so), never in another process
    that imports this module."""
    import os

    if not _THREADS_BLOCKED and os.environ.get("PPO_GRADER_KERNEL") == "1":
        _THREADS_BLOCKED.append(True)
        try:
            from autograder.sandbox.seccomp_filter import block_new_threads

            block_new_threads()
        except (ImportError, OSError):
            pass


def _shell_hooks() -> dict:
    """Copies of the lists through which IPython rewrites or watches every cell."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return {}
    return {
        "shell": shell,
        "input_transformers_cleanup": list(shell.input_transformers_cleanup),
        "input_transformers_post": list(shell.input_transformers_post),
        "ast_transformers": list(shell.ast_transformers),
        "events": {k: list(v) for k, v in shell.events.callbacks.items()},
    }


def _restore_shell_hooks(saved: dict) -> None:
    shell = saved.get("shell")
    if shell is None:
        return
    try:
        for key in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
            getattr(shell, key)[:] = saved[key]
        callbacks = shell.events.callbacks
        callbacks.clear()
        callbacks.update({k: list(v) for k, v in saved["events"].items()})
    except Exception:  # noqa: BLE001, S110 -- a courtesy: the reply goes back regardless
        pass


def disable(name: str, seconds: float) -> str:
    """Replace the notebook's ``name``, which did not return within ``seconds``, by a function
    that says so at once: the notebook's later cells do not wait for it again."""
    message = (
        f"{name} did not return within {seconds:g} s when the grader called it, so it is not "
        f"run again"
    )

    def timed_out(*args, **kwargs):
        raise TimeoutError(message)

    _namespace()[name] = timed_out
    return "ok"


class _Inputs:
    """The grader's arguments as built here: leaves by the grader's id, objects to send back."""

    def __init__(self) -> None:
        self.leaves: dict[Any, Any] = {}
        self.changeable: dict[Any, tuple[Any, Any]] = {}  # id -> (value, copy before)
        self.objects: dict[Any, tuple[Any, Any]] = {}

    def array(self, tag: str, fields: dict, arr: np.ndarray):
        key = fields.get("id")
        if tag == "tensor":
            import torch

            value = torch.from_numpy(arr.copy())
            if fields.get("requires_grad") and value.is_floating_point():
                value.requires_grad_(True)
                self.leaves[key] = value
            else:
                self.changeable[key] = (value, value.clone())
            return value
        value = arr.copy()
        self.changeable[key] = (value, arr)
        return value

    def object(self, fields: dict, decode):
        kind, ref = fields.get("kind"), fields.get("ref")
        made = _build(kind, fields, decode, self)
        self.objects[ref] = (kind, made)
        return made


def _build(kind, fields: dict, decode, inputs: _Inputs):
    """One of the grader's objects, made here from its description."""
    import torch

    if kind == "actor_critic":
        import gymnasium as gym

        from ppo_core.networks import ActorCritic

        space = fields["space"]
        action_space: Any
        if space["kind"] == "discrete":
            action_space = gym.spaces.Discrete(int(space["n"]))
        else:
            low, high = decode(space["low"]), decode(space["high"])
            action_space = gym.spaces.Box(low, high, dtype=np.float32)
        net = ActorCritic(int(fields["obs_dim"]), action_space, hidden=int(fields["hidden"]))
        state = {k: torch.as_tensor(v) for k, v in decode(fields["state"]).items()}
        net.load_state_dict(state)
        return net
    if kind == "spy_optimizer":
        from autograder.kernel.spies import SpyOptimizer

        owner: Any = inputs.objects[fields["params_of"]][1]
        return SpyOptimizer(owner.parameters(), lr=float(fields["lr"]))
    if kind == "spy_loss":
        from autograder.kernel.spies import SpyLoss
        from ppo_core.losses import ppo_loss

        return SpyLoss(ppo_loss, _as_float64)
    if kind == "ppo_config":
        from ppo_core.config import PPOConfig

        return PPOConfig(**decode(fields["fields"]))
    if kind == "generator":
        g = torch.Generator()
        g.set_state(torch.from_numpy(decode(fields["state"])))
        return g
    raise wire.WireError(f"an object of kind {kind!r}")


def _as_float64(x, what: str) -> np.ndarray:
    import torch

    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=np.float64)


def _reply(name: str, message: str) -> dict:
    fn = _namespace().get(name)
    if not callable(fn):
        return {"status": "missing"}
    inputs = _Inputs()
    args = wire.loads(message, arrays=inputs.array, objects=inputs.object)
    try:
        result = fn(*args)
    except BaseException as exc:  # noqa: BLE001 -- whatever the learner raised is the answer
        return _raised(exc)
    try:
        body = wire.encode_value(result)
        grads = _gradients(result, inputs.leaves)
        sync = _after(inputs)
    except wire.WireError as exc:
        return {"status": "refused", "detail": str(exc)}
    except Exception as exc:  # noqa: BLE001 -- e.g. a result whose backward fails
        return {"status": "refused", "detail": f"{type(exc).__name__}: {exc}"}
    return {"status": "ok", "result": body, "grads": grads, "sync": sync}


def _raised(exc: BaseException) -> dict:
    """What the grader reports of an exception: its type, message, the learner's frames, and
    whether it came from a function this build of the library leaves out."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]
    withheld = ""
    if isinstance(exc, NotImplementedError) and frames:
        last = frames[-1].filename.replace("\\", "/")
        if "/ppo_core/" in last:
            withheld = frames[-1].name
    lines = traceback.format_list(frames[-8:])
    return {
        "status": "raised",
        "type": type(exc).__name__,
        "message": str(exc)[:2000],
        "withheld": withheld,
        "traceback": "".join(lines)[-6000:],
    }


def _tensors_in(x, depth: int = 0):
    import torch

    if depth > wire.MAX_DEPTH:
        return
    if isinstance(x, torch.Tensor):
        yield x
    elif isinstance(x, (list, tuple)):
        for item in x:
            yield from _tensors_in(item, depth + 1)
    elif isinstance(x, dict):
        for item in x.values():
            yield from _tensors_in(item, depth + 1)


def _gradients(result, leaves: dict) -> list:
    """``[result tensor id, [[leaf id, jacobian or None], ...], "full" | "sum"]`` for every
    result tensor that requires grad; ``[id, [[leaf id, None], ...], "error", what autograd
    raised]`` for one whose backward fails."""
    import torch

    if not leaves:
        return []
    keys, tensors = list(leaves), list(leaves.values())
    out = []
    for t in _tensors_in(result):
        if not t.requires_grad or not t.is_floating_point():
            continue
        flat = t.reshape(-1)
        rows = [flat[j] for j in range(flat.numel())] if flat.numel() <= JACOBIAN_ROWS else None
        targets = rows if rows is not None else [flat.sum()]
        per_leaf: list[list] = [[] for _ in tensors]
        try:
            for target in targets:
                grads = torch.autograd.grad(target, tensors, retain_graph=True, allow_unused=True)
                for i, g in enumerate(grads):
                    per_leaf[i].append(
                        None if g is None else g.detach().double().reshape(-1).numpy()
                    )
        except Exception as exc:  # noqa: BLE001 -- e.g. an in-place edit of a saved tensor
            # The grader's backward through this result raises it, as it would in the notebook.
            failed = str(exc)[:2000]
            out.append([id(t), [[key, None] for key in keys], "error", failed])
            continue
        jac = []
        for key, leaf, got in zip(keys, tensors, per_leaf):
            if all(g is None for g in got):
                jac.append([key, None])
                continue
            got = [np.zeros(leaf.numel()) if g is None else g for g in got]
            jac.append([key, wire.encode_value(np.stack(got))])
        out.append([id(t), jac, "full" if rows is not None else "sum"])
    return out


def _after(inputs: _Inputs) -> list:
    """``[grader id, what it holds now]`` for each input changed in place and each object."""
    import torch

    out = []
    for key, (value, before) in inputs.changeable.items():
        same = (
            bool(torch.equal(value, before))
            if isinstance(value, torch.Tensor)
            else value.shape == before.shape and bool(np.array_equal(value, before, equal_nan=True))
        )
        if not same:
            out.append([key, wire.encode_value(value)])
    for key, (kind, made) in inputs.objects.items():
        if kind == "actor_critic":
            state = {k: v.detach().numpy().copy() for k, v in made.state_dict().items()}
            out.append([key, wire.encode_value(state)])
        elif kind == "spy_optimizer":
            out.append([key, wire.encode_value([float(n) for n in made.grad_norms])])
        elif kind == "spy_loss":
            out.append([key, wire.encode_value(made.calls)])
        elif kind == "generator":
            out.append([key, wire.encode_value(made.get_state().numpy())])
    return out
