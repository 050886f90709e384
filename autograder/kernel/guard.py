"""Inside the grading kernel: run the learner's functions so that they cannot change the grading.

The grader (see :mod:`autograder.kernel.sanitize`) adds two kinds of small cells to the notebook it
executes: ``install(...)`` before the first cell, and ``protect(globals(), [...])`` after each
solution cell. ``protect`` replaces each learner function in the notebook's namespace by a wrapper.
While a learner function runs (the outermost call), the wrapper:

* swaps the code of ppo_core's reference implementation of every exercise of the lab (and of
  every function defined in the checks modules ``autograder.checks.*``) for a trap, so a
  function that calls the reference -- by name, through a saved reference or by walking the
  stack -- fails with a message saying so; a learner function that *is* the reference is
  replaced by such a failure;
* blanks the kernel's input history (``In``, ``_ih``, ``_i``...), which holds the source of the
  hidden tests that already ran;
* caps what the call may print;
* then compares a snapshot of what the tests rely on -- builtins, numpy, torch (and
  ``torch.Tensor``), math, operator, the ppo_core modules, ``sys`` hooks, the IPython shell's
  input transformers, event callbacks, exception handlers and methods, the kernel's methods,
  the notebook's own namespace -- with its state after the call. Everything changed is put
  back and the call fails with a message naming what was changed;
* refuses results that are not plain numbers, numpy arrays, torch tensors, or lists / tuples /
  dicts of those (an object that "equals anything" is a custom class);
* before the first call, forbids new threads for the rest of the kernel's life (a seccomp filter;
  new processes are already forbidden by the sandbox), so a function cannot leave a background
  thread behind that would change things after it returned.

This is defence in depth, not a proof: code running inside the kernel can, with enough effort
(ctypes, reading ppo_core's source and executing a copy), still get around in-process checks.
See docs/instructors.md for what is and is not defended.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import sys
import threading
import types

_Traps = dict[types.FunctionType, tuple[types.CodeType, types.CodeType]]
"""(trapped function) -> (its original code, its trap code)."""


@dataclasses.dataclass
class _KernelState:
    """What the guard keeps for the kernel's life (one instance, :data:`_STATE`)."""

    depth: int = 0
    """1 while an outermost learner call runs: nested learner calls are not guarded again."""
    lab: str | None = None
    """The lab being graded (set by :func:`install`)."""
    exercises: tuple[str, ...] = ()
    """The lab's exercises, whose references are trapped."""
    traps: _Traps = dataclasses.field(default_factory=dict)
    """The references' traps (see :func:`_collect_traps`), made at the first call."""
    hits: list[str] = dataclasses.field(default_factory=list)
    """The references the running call reached; the trap code appends to this very list."""
    threads_block_tried: bool = False
    """Whether forbidding new threads was tried (once per kernel; it may be unsupported)."""
    tracked: list[tuple[str, object]] = dataclasses.field(default_factory=list)
    """(label, object whose ``__dict__`` is watched), computed at the first call."""
    owned: set[str] = dataclasses.field(default_factory=set)
    """The learner's own global names (its functions, constants, helpers): they may change
    during a call without a message."""
    hung: set[str] = dataclasses.field(default_factory=set)
    """Learner functions interrupted by the time limit: not run again."""


_STATE = _KernelState()
_OUTPUT_LIMIT = 20_000  # characters one outermost call may print


class GradingError(AssertionError):
    """Raised in place of the learner function's result when it broke a grading rule."""


# --- traps on the reference implementation -----------------------------------------------------

_LIBRARY_DIRS: tuple[str, ...] | None = None


def _library_dirs() -> tuple[str, ...]:
    """ppo_core's, ppo_viz's and the checks' folders: calls coming from the library's own code
    (its figures and widgets included) or from the checks pass through (the checks may hand the
    learner a callback of theirs that uses their helpers and the references, e.g. ppo_update's
    spy loss_fn)."""
    global _LIBRARY_DIRS
    if _LIBRARY_DIRS is None:
        import os

        import autograder.checks  # noqa: F401  (imports every lab's module)
        import ppo_core
        import ppo_viz

        _LIBRARY_DIRS = tuple(
            os.path.dirname(os.path.abspath(module.__file__)) + os.sep
            for module in (ppo_core, ppo_viz, autograder.checks)
            if module.__file__ is not None  # regular packages: always set
        )
    return _LIBRARY_DIRS


def _make_trap_code(name: str, key: str) -> types.CodeType:
    message = (
        f"this called ppo_core's reference implementation ({name}) -- write the "
        f"computation yourself: calling the library's version scores zero"
    )
    src = (
        f"def _trap(*args, **kwargs):\n"
        f"    _caller = _ppo_grader_sys._getframe(1).f_code.co_filename\n"
        f"    if _caller.startswith({_library_dirs()!r}):\n"
        f"        return _ppo_grader_originals[{key!r}](*args, **kwargs)\n"
        f"    _ppo_grader_trap_hits.append({name!r})\n"
        f"    raise RuntimeError({message!r})\n"
    )
    namespace: dict = {}
    exec(compile(src, "<grader trap>", "exec"), namespace)  # noqa: S102 -- our own constant code
    return namespace["_trap"].__code__


def _collect_traps(exercises) -> _Traps:
    """Every reference function to trap: (function object) -> (original code, trap code).

    The lab's exercises in ppo_core, and every function *defined in* a module of
    autograder.checks. A trapped function called by ppo_core's own code (e.g. ppo_update's
    diagnostics normalising the advantages) or by the checks runs normally; called from anywhere
    else while a learner function runs, it fails.
    """
    traps: _Traps = {}
    try:
        import ppo_core
    except ImportError:
        return traps
    candidates = []
    for name in exercises:
        fn = getattr(ppo_core, name, None)
        if isinstance(fn, types.FunctionType):
            candidates.append((name, fn))
    candidates += _checks_functions()
    for name, fn in candidates:
        if fn.__code__.co_freevars or fn in traps:
            continue
        key = f"{fn.__module__}.{fn.__qualname__}"
        original = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__)
        original.__kwdefaults__ = fn.__kwdefaults__
        fn.__globals__.setdefault("_ppo_grader_originals", {})[key] = original
        fn.__globals__["_ppo_grader_sys"] = sys
        fn.__globals__["_ppo_grader_trap_hits"] = _STATE.hits
        traps[fn] = (fn.__code__, _make_trap_code(name, key))
    return traps


def _checks_functions() -> list[tuple[str, types.FunctionType]]:
    """``(qualified name, function)`` for every function defined in a module of autograder.checks
    (imported here if the notebook has not done so yet)."""
    try:
        import autograder.checks  # noqa: F401  (imports every lab's module)
    except ImportError:
        return []
    found = []
    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith("autograder.checks") or module is None:
            continue
        for name, obj in list(vars(module).items()):
            if isinstance(obj, types.FunctionType) and obj.__module__ == module_name:
                found.append((f"{module_name}.{name}", obj))
    return found


def _arm(on: bool, exempt=()) -> None:
    for fn, (orig, trap) in _STATE.traps.items():
        if fn in exempt:
            continue
        fn.__code__ = trap if on else orig
        if on:
            fn.__globals__["_ppo_grader_trap_hits"] = _STATE.hits


def _is_reference(fn) -> bool:
    code = getattr(fn, "__code__", None)
    return any(fn is ref or code is orig for ref, (orig, _) in _STATE.traps.items())


# --- snapshots of what the checks rely on ------------------------------------------------------


def _shell():
    try:
        from IPython import get_ipython

        return get_ipython()
    except ImportError:
        return None


def _tracked_namespaces():
    """(label, object whose __dict__ is watched) pairs, computed once per kernel."""
    out = [("builtins", builtins)]
    for name in (
        "numpy",
        "numpy.testing",
        "numpy.linalg",
        "torch",
        "torch.testing",
        "torch.nn.functional",
        "math",
        "operator",
        "functools",
        "inspect",
    ):
        mod = sys.modules.get(name)
        if mod is not None:
            out.append((name, mod))
    torch = sys.modules.get("torch")
    if torch is not None:
        out.append(("torch.Tensor", torch.Tensor))
    for name, mod in list(sys.modules.items()):
        course = name.startswith(("ppo_core", "ppo_viz", "autograder"))
        if course and isinstance(mod, types.ModuleType):
            out.append((name, mod))
    shell = _shell()
    if shell is not None:
        out += _classes_from(shell, ("IPython", "ipykernel"))
        kernel = getattr(shell, "kernel", None)
        if kernel is not None:
            out += _classes_from(kernel, "ipykernel")
    return out


def _classes_from(obj, prefixes) -> list:
    """(label, class) for each class in ``type(obj)``'s MRO from a module named ``prefixes``."""
    return [
        (f"{cls.__module__}.{cls.__name__}", cls)
        for cls in type(obj).__mro__
        if cls.__module__.startswith(prefixes)
    ]


def _snapshot():
    shell = _shell()
    snap = {
        "ns": [(label, obj, dict(vars(obj))) for label, obj in _STATE.tracked],
        "sys": {
            k: getattr(sys, k, None)
            for k in ("excepthook", "displayhook", "stdout", "stderr", "stdin", "breakpointhook")
        },
        "trace": sys.gettrace(),
        "profile": sys.getprofile(),
        "threading_trace": getattr(threading, "_trace_hook", None),
        "meta_path": list(sys.meta_path),
        "path_hooks": list(sys.path_hooks),
        "modules": {k: sys.modules.get(k) for k, _ in _STATE.tracked if k in sys.modules},
        "threads": set(threading.enumerate()),
    }
    if shell is not None:
        snap["shell"] = shell
        snap["shell_dict"] = dict(vars(shell))
        snap["lists"] = {
            k: list(getattr(shell, k))
            for k in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
            if hasattr(shell, k)
        }
        snap["events"] = {k: list(v) for k, v in shell.events.callbacks.items()}
        snap["user_ns"] = dict(shell.user_ns)
        kernel = getattr(shell, "kernel", None)
        snap["kernel"] = kernel
        snap["kernel_dict"] = dict(vars(kernel)) if kernel is not None else None
    return snap


def _restore_dict(label, obj, before, problems):
    now = vars(obj)
    for key in [k for k in now if k not in before]:
        problems.append(f"added {label}.{key}")
        try:
            delattr(obj, key)
        except (AttributeError, TypeError):
            pass
    for key, value in before.items():
        if now.get(key, _MISSING) is not value:
            problems.append(f"changed {label}.{key}")
            try:
                setattr(obj, key, value)
            except (AttributeError, TypeError):
                pass


def _restore(snap) -> list[str]:
    """Put back everything the call changed; one message per change, in a fixed order."""
    problems: list[str] = []
    _restore_namespaces(snap, problems)
    _restore_sys(snap, problems)
    new_threads = [t for t in threading.enumerate() if t not in snap["threads"]]
    if new_threads:
        problems.append(f"started {len(new_threads)} background thread(s)")
    if snap.get("shell") is not None:
        _restore_shell(snap, problems)
    return problems


def _restore_namespaces(snap, problems: list[str]) -> None:
    """The watched module and class dicts (builtins, numpy, torch, ppo_core, ...)."""
    for label, obj, before in snap["ns"]:
        now = vars(obj)
        if len(now) != len(before) or any(now.get(k, _MISSING) is not v for k, v in before.items()):
            _restore_dict(label, obj, before, problems)


def _restore_sys(snap, problems: list[str]) -> None:
    """``sys`` hooks, trace/profile functions, import machinery and the tracked modules."""
    for key, value in snap["sys"].items():
        if getattr(sys, key, None) is not value:
            problems.append(f"changed sys.{key}")
            setattr(sys, key, value)
    if sys.gettrace() is not snap["trace"]:
        problems.append("set a trace function (sys.settrace)")
        sys.settrace(snap["trace"])
    if sys.getprofile() is not snap["profile"]:
        problems.append("set a profile function (sys.setprofile)")
        sys.setprofile(snap["profile"])
    if getattr(threading, "_trace_hook", None) is not snap["threading_trace"]:
        problems.append("set threading.settrace")
        threading.settrace(snap["threading_trace"])
    if sys.meta_path != snap["meta_path"]:
        problems.append("changed sys.meta_path")
        sys.meta_path[:] = snap["meta_path"]
    if sys.path_hooks != snap["path_hooks"]:
        problems.append("changed sys.path_hooks")
        sys.path_hooks[:] = snap["path_hooks"]
    for key, mod in snap["modules"].items():
        if sys.modules.get(key) is not mod:
            problems.append(f"replaced the module {key} in sys.modules")
            sys.modules[key] = mod


def _restore_shell(snap, problems: list[str]) -> None:
    """The IPython shell: its attributes, transformer lists, event callbacks, the notebook's
    namespace and the kernel's attributes."""
    shell = snap["shell"]
    _restore_dict("the IPython shell", shell, snap["shell_dict"], problems)
    for key, before in snap["lists"].items():
        now = getattr(shell, key)
        if now != before:
            problems.append(f"changed IPython's {key}")
            now[:] = before
    for key, before in snap["events"].items():
        now = shell.events.callbacks.get(key, [])
        if now != before:
            problems.append(f"registered an IPython '{key}' event callback")
            shell.events.callbacks[key] = before
    _restore_user_ns(shell.user_ns, snap["user_ns"], problems)
    if snap["kernel"] is not None:
        _restore_dict("the kernel", snap["kernel"], snap["kernel_dict"], problems)


def _restore_user_ns(ns: dict, before: dict, problems: list[str]) -> None:
    """The notebook's globals; names the harness owns or that start with ``_`` are put back
    without a message."""
    owned = _STATE.owned
    for key in set(ns) - set(before):
        if key not in owned and not key.startswith("_"):
            problems.append(f"defined the global name {key!r}")
        del ns[key]
    for key, value in before.items():
        if ns.get(key, _MISSING) is not value:
            if key not in owned and not key.startswith("_"):
                problems.append(f"changed the global name {key!r}")
            ns[key] = value


_MISSING = object()


# --- results -----------------------------------------------------------------------------------

# torch types a result may hold; any other torch object (a module, an optimizer) is not a result.
_PLAIN_TORCH_TYPES = ("Tensor", "Parameter", "Generator", "Size", "dtype", "device")


def _plain(value, depth: int = 0) -> bool:
    """True for numbers, strings, None, numpy arrays/scalars, torch tensors and containers of
    them."""
    t = type(value)
    if t in (int, float, bool, str, complex, type(None)):
        return True
    module = getattr(t, "__module__", "") or ""
    if module == "numpy" or module.startswith(("numpy.", "torch")):
        return not (module.startswith("torch") and t.__name__ not in _PLAIN_TORCH_TYPES)
    if depth >= 4:
        return False
    if t in (list, tuple):
        return all(_plain(v, depth + 1) for v in value)
    if t is dict:
        return all(_plain(k, depth + 1) and _plain(v, depth + 1) for k, v in value.items())
    return False


# --- output cap --------------------------------------------------------------------------------


class _CappedWriter:
    def __init__(self, target):
        self._target, self._left, self._noted = target, _OUTPUT_LIMIT, False

    def write(self, text):
        text = str(text)
        if self._left > 0:
            self._target.write(text[: self._left])
            self._left -= len(text)
        elif not self._noted:
            self._noted = True
            self._target.write("\n[the grader cut the output of this call here]\n")
        return len(text)

    def flush(self):
        self._target.flush()

    def isatty(self):
        return False


# --- public entry points used by the harness cells -------------------------------------------


def _scrub_history() -> None:
    shell = _shell()
    if shell is None:
        return
    hm = getattr(shell, "history_manager", None)
    for name in ("input_hist_parsed", "input_hist_raw"):
        hist = getattr(hm, name, None)
        if isinstance(hist, list):
            hist[:] = [""] * len(hist)
    for key in [
        k
        for k in shell.user_ns
        if k in ("_i", "_ii", "_iii") or (k.startswith("_i") and k[2:].isdigit())
    ]:
        shell.user_ns[key] = ""


def _tighten_processes() -> None:
    if _STATE.threads_block_tried:
        return
    _STATE.threads_block_tried = True
    try:
        import os

        from autograder.sandbox.seccomp_filter import block_new_threads

        if os.environ.get("PPO_GRADER_TOKEN"):  # only inside the grading sandbox
            block_new_threads()
    except (ImportError, OSError, ValueError):
        pass


def install(lab: str, exercises) -> None:
    """Called once, before the notebook's first cell."""
    _STATE.lab, _STATE.exercises = lab, tuple(exercises)


def _guarded(fn, name: str):
    @functools.wraps(fn)
    def learner_function(*args, **kwargs):
        if _STATE.depth > 0:  # nested call (e.g. compute_gae -> td_residuals): already guarded
            return fn(*args, **kwargs)
        if name in _STATE.hung:
            raise GradingError(
                f"{name} ran past the time limit in an earlier test and was interrupted, so the "
                f"grader does not run it again: look for a loop that never ends"
            )
        if not _STATE.traps:
            _STATE.traps = _collect_traps(_STATE.exercises)
        if not _STATE.tracked:
            _STATE.tracked = _tracked_namespaces()
        _tighten_processes()
        _scrub_history()
        snap = _snapshot()
        hits = _STATE.hits
        hits.clear()
        _STATE.depth = 1
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _CappedWriter(out), _CappedWriter(err)
        snap["sys"]["stdout"], snap["sys"]["stderr"] = sys.stdout, sys.stderr
        # Functions the checks hand to the learner (a loss_fn, a callback) stay callable.
        exempt = {v for v in (*args, *kwargs.values()) if isinstance(v, types.FunctionType)}
        _arm(True, exempt)
        try:
            result = fn(*args, **kwargs)
        except KeyboardInterrupt:  # the grader's timeout interrupted it
            _STATE.hung.add(name)
            raise
        finally:
            _arm(False, exempt)
            _STATE.depth = 0
            problems = _restore(snap)
            sys.stdout, sys.stderr = out, err
            fired = sorted(set(hits))
            hits.clear()
            if fired:
                raise GradingError(
                    f"{name} called ppo_core's reference implementation ({', '.join(fired)}): "
                    f"write the computation yourself -- calling the library scores zero"
                )
            if problems:
                raise GradingError(
                    f"{name} changed the environment the tests rely on ({'; '.join(problems[:5])}"
                    f"{'; ...' if len(problems) > 5 else ''}); the grader undid it and this test "
                    f"fails. A function should only compute and return its result."
                )
        if not _plain(result):
            raise GradingError(
                f"{name} returned an object of type {type(result).__name__}: return a number, a "
                f"numpy array or a torch tensor (or a tuple/list/dict of them), "
                f"as the exercise says"
            )
        return result

    # A mark protect() reads; mypy's type of a functools.wraps wrapper has no such attribute.
    learner_function.__ppo_grader_guarded__ = True  # type: ignore[attr-defined]
    return learner_function


def _refuses_reference(name: str):
    def learner_function(*args, **kwargs):
        raise GradingError(
            f"{name} is ppo_core's reference implementation, not your own: write the function "
            f"in its exercise cell -- importing or assigning the library's version scores zero"
        )

    learner_function.__name__ = name
    return learner_function


def protect(namespace: dict, names) -> None:
    """Replace each learner function ``namespace[name]`` by its guarded version."""
    if not _STATE.traps:
        _STATE.traps = _collect_traps(_STATE.exercises)
    for name in names:
        _STATE.owned.add(name)
        fn = namespace.get(name)
        if fn is None or getattr(fn, "__ppo_grader_guarded__", False):
            continue
        if _is_reference(fn) or _is_reference(getattr(fn, "__wrapped__", None)):
            namespace[name] = _refuses_reference(name)
        elif callable(fn):
            namespace[name] = _guarded(fn, name)


def own(names) -> None:
    """Declare the learner's own top-level names (constants, helpers) the tests may see change."""
    _STATE.owned.update(names)
