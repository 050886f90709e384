"""What every lab's checks share: private references, the registries and the comparison helpers.

The checks of each lab live in their own module (``autograder.checks.lab1_rl_basics`` ...); this
module holds what they all use: :data:`CHECKS` and :data:`MISTAKES`, the decorator
:func:`register` and :func:`mistake` that fill them, the conversion of a learner's result to
plain numbers (:func:`to_array`, :func:`to_float`), the comparison with the reference
(:func:`assert_close`, :func:`assert_scalar_close`, :func:`check_case`) and the private
references to numpy, torch and builtins that keep a verdict safe from later monkeypatching (see
:mod:`autograder.checks`).
"""

from __future__ import annotations

import builtins
import dataclasses
import math
import os
import types
import typing
from collections.abc import Callable

import numpy as np
import torch

from autograder.kernel.wire import Refused as _Refused
from ppo_core import exercises

# --- Private references, taken at import time -----------------------------------------------
# Later monkeypatching of numpy, torch or builtins by notebook code does not reach these names.
# The lab modules import them from here (same package) and so hold their own copies too.
_abs, _float, _int, _len, _range, _isinstance, _type = (
    builtins.abs,
    builtins.float,
    builtins.int,
    builtins.len,
    builtins.range,
    builtins.isinstance,
    builtins.type,
)
_min, _max, _str, _tuple, _list, _zip, _enumerate, _callable, _round = (
    builtins.min,
    builtins.max,
    builtins.str,
    builtins.tuple,
    builtins.list,
    builtins.zip,
    builtins.enumerate,
    builtins.callable,
    builtins.round,
)
_AssertionError, _NotImplementedError, _Exception = (
    builtins.AssertionError,
    builtins.NotImplementedError,
    builtins.Exception,
)
_isfinite, _isnan, _log = math.isfinite, math.isnan, math.log
_np_array, _np_ndarray, _np_generic, _f64 = np.array, np.ndarray, np.generic, np.float64
_np_abs, _np_isnan, _np_isfinite = np.abs, np.isnan, np.isfinite
_np_any, _np_all, _np_argmax, _np_unravel = np.any, np.all, np.argmax, np.unravel_index
_default_rng, _np_errstate = np.random.default_rng, np.errstate
_Tensor = torch.Tensor
_t_detach, _t_cpu, _t_to, _t_numpy = (
    torch.Tensor.detach,
    torch.Tensor.cpu,
    torch.Tensor.to,
    torch.Tensor.numpy,
)
_t_requires_grad_ = torch.Tensor.requires_grad_
_t_tensor, _t_float64, _t_long, _t_float32 = torch.tensor, torch.float64, torch.long, torch.float32
_autograd_grad = torch.autograd.grad
_no_grad = torch.no_grad
_TracebackType = types.TracebackType

# Tolerances: accept float32 arithmetic and any order of summation, reject every real mistake.
RTOL = 1e-4
ATOL = 1e-5

CHECKS: dict[str, dict[str, Callable]] = {}
"""``CHECKS[function][aspect]`` is the check behind the test cell ``test_<function>_<aspect>``."""

MISTAKES: dict[str, dict[str, tuple[Callable, str]]] = {}
"""``MISTAKES[function][key] = (wrong_implementation, message)``: known mistakes, diagnosed."""


def register(function_name: str) -> Callable[[Callable], Callable]:
    """Decorator: file ``check_<function_name>_<aspect>`` as ``CHECKS[function_name][aspect]``.

    The check is replaced by a reporting version (:func:`_reporting`): on success it prints one
    line saying what was checked; on failure its ``AssertionError`` carries the check's message
    (and, where the learner's function calls another of the learner's functions that fails its
    own checks, says so), raised with a traceback that holds only the test cell's line (and the
    learner's own frames when the learner's code raised).
    """
    prefix = f"check_{function_name}_"

    def decorator(check: Callable) -> Callable:
        if not check.__name__.startswith(prefix):
            raise ValueError(f"{check.__name__} must be named {prefix}<aspect>")
        aspect = check.__name__[_len(prefix) :]
        UNREPORTED.setdefault(function_name, {})[aspect] = check
        reporting = _reporting(check, function_name, aspect)
        CHECKS.setdefault(function_name, {})[aspect] = reporting
        return reporting

    return decorator


class ReferenceUnavailable(BaseException):
    """Raised only in the student build, by a replayed reference that has no recorded answer for
    the inputs it got (see :mod:`autograder.checks.replay`): the check is then not run here and
    does not fail. A ``BaseException``, so that no ``except Exception`` (of the checks or of the
    learner's code) turns it into a verdict."""


@dataclasses.dataclass
class CheckState:
    """What the checks keep between calls (one instance, :data:`STATE`)."""

    all_mistakes: bool = False
    """Evaluate every known mistake on every case, even where the learner's result is right.
    Set only while the student build records the visible cases
    (:mod:`autograder.student.checks`), so their replay can name each mistake; never changes a
    verdict."""
    learner_calls: int = 0
    """Calls of the learner's function in the running check (for the success line)."""
    learner_fn: Callable | None = None
    """The learner's function the running check calls (set by :func:`run_check` and by each
    :func:`call_learner`, so that the root-cause search's checks of a helper see the helper):
    the gradient messages read the names its code uses to say what cut the graph."""


STATE = CheckState()

UNREPORTED: dict[str, dict[str, Callable]] = {}
"""``UNREPORTED[function][aspect]``: the check itself, silent (the root-cause search runs them)."""

DEPENDS_ON = {e.name: e.uses for e in exercises.EXERCISES if e.uses}
"""Functions a learner's solution may call: when it fails, these are checked first."""

_CHECKS_DIR = __file__.rsplit("/", 1)[0].rsplit("\\", 1)[0]
STUDENT_BUILD = os.path.exists(os.path.join(_CHECKS_DIR, "visible_cases.npz"))
"""Whether these are the student build's checks (which replay recorded results), read once at
import: only there may a check end as "not checked here" (:class:`ReferenceUnavailable`)."""


class CheckFailed(builtins.AssertionError):  # made at import, before any notebook code runs
    """A failed check. In a notebook, its traceback shows the test cell's line and the message
    (after the learner's own frames when the learner's code raised), not the grader's frames."""

    def _render_traceback_(self) -> list[str]:
        """IPython's hook for a custom traceback: the usual one, without autograder frames."""
        from IPython import get_ipython

        shell = get_ipython()
        traceback = _without_checks_frames(self.__traceback__)
        return shell.InteractiveTB.structured_traceback(_type(self), self, traceback, tb_offset=1)


def _without_checks_frames(traceback):
    """A copy of the traceback ``traceback`` without the frames of autograder/checks' files."""
    frames = []
    while traceback is not None:
        if not traceback.tb_frame.f_code.co_filename.startswith(_CHECKS_DIR):
            frames.append(traceback)
        traceback = traceback.tb_next
    rebuilt = None
    for tb in reversed(frames):
        rebuilt = _TracebackType(rebuilt, tb.tb_frame, tb.tb_lasti, tb.tb_lineno)
    return rebuilt


# The reporting check is compiled in the check's own module (its frames are then the module's,
# which tracebacks leave out) and hides its frame from tracebacks (pytest and IPython honour
# __tracebackhide__).
_REPORTING_SOURCE = """
def {name}(fn, *args, **kwargs):
    __tracebackhide__ = True
    error = _run_check({function!r}, {aspect!r}, fn, args, kwargs)
    if error is not None:
        raise error.with_traceback(None) from error.__cause__
"""


def _reporting(check: Callable, function_name: str, aspect: str) -> Callable:
    """``check`` with a one-line report on success and a short traceback on failure."""
    module_globals = check.__globals__
    module_globals.setdefault("_run_check", run_check)
    source = _REPORTING_SOURCE.format(name=check.__name__, function=function_name, aspect=aspect)
    namespace: dict = {}
    exec(compile(source, check.__code__.co_filename, "exec"), module_globals, namespace)
    reporting = namespace[check.__name__]
    reporting.__doc__ = check.__doc__
    reporting.__qualname__ = check.__qualname__
    return reporting


def run_check(function_name: str, aspect: str, fn, args: tuple, kwargs: dict):
    """Run one check; print what passed, or return the ``AssertionError`` to raise.

    The error keeps the check's message, adds the root cause when a function that ``fn`` calls
    fails its own checks, and keeps the learner's exception (if any) as its cause.
    """
    STATE.learner_calls, STATE.learner_fn = 0, fn
    check = UNREPORTED[function_name][aspect]
    try:
        check(fn, *args, **kwargs)
    except ReferenceUnavailable as missing:
        if not STUDENT_BUILD:  # the full checks never replay: nothing may skip a check there
            return CheckFailed(
                f"{function_name}: ReferenceUnavailable was raised, but these "
                f"checks have the reference: it belongs to the student build"
            )
        print(f"not checked here: {function_name}, {aspect.replace('_', ' ')} -- {missing}")
        return None
    except _AssertionError as err:
        error = CheckFailed(_with_root_cause(function_name, fn, _str(err)))
        error.__cause__ = err.__cause__
        return error
    what = (check.__doc__ or "").strip().splitlines()[0] if check.__doc__ else aspect
    n_calls = STATE.learner_calls
    calls = f", {n_calls} calls of {function_name}" if n_calls > 1 else ""
    print(f"passed: {function_name}, {aspect.replace('_', ' ')}{calls} -- {what}")
    return None


def _with_root_cause(function_name: str, fn, message: str) -> str:
    """``message``, after which of the learner's earlier functions to fix first: the last of the
    chain of helpers (``fn`` calls the first, each calls the next) that fail their own checks.
    Said first, so that the one-line summaries (``cells.csv``, ``grades.csv``) keep it."""
    chain = _failing_helpers(function_name, fn)
    if not chain:
        return message
    helper, aspect, err = chain[-1]
    path = "".join(f", which calls your {h}" for h, _, _ in chain[1:])
    return (
        f"The root cause may be earlier: your {function_name} calls your {chain[0][0]}{path}, "
        f"which fails its own test test_{helper}_{aspect}. Fix {helper} first, run its cell, "
        f"then run this test again.\nThis test says: {message}\n"
        f"test_{helper}_{aspect} says: {err}"
    )


def _failing_helpers(function_name: str, fn, depth: int = 0) -> list[tuple[str, str, Exception]]:
    """``[(helper, aspect, error), ...]``: the learner's helper that ``fn`` calls and that fails
    its check ``aspect``, then the helper that one calls and that fails, and so on ([] if none)."""
    code_object = getattr(fn, "__code__", None)
    names = code_object.co_names if code_object is not None else ()
    namespace = getattr(fn, "__globals__", {})
    for helper in DEPENDS_ON.get(function_name, ()) if depth < 4 else ():
        helper_fn = namespace.get(helper)
        if helper not in names or not _callable(helper_fn):
            continue
        for aspect, helper_check in UNREPORTED.get(helper, {}).items():
            try:
                helper_check(helper_fn)
            except ReferenceUnavailable:  # student build, no recorded answer: cannot tell
                continue
            except _Exception as err:
                return [(helper, aspect, err), *_failing_helpers(helper, helper_fn, depth + 1)]
    return []


CAUSES: dict[str, dict[str, str]] = {}
"""``CAUSES[function][key]``: the cause a known mistake's message names (its key, unless several
known mistakes name one cause). A message names a cause only when every known mistake whose
result matches the learner's has that cause."""


def mistake(
    function_name: str, key: str, impl: Callable, message: str, cause: str | None = None
) -> None:
    """Record a known-wrong implementation of ``function_name`` and the message that names it.

    ``cause`` defaults to the key of a known mistake of the same function with the same message,
    else to ``key``.
    """
    table = MISTAKES.setdefault(function_name, {})
    causes = CAUSES.setdefault(function_name, {})
    if cause is None:
        same = [k for k, (_, m) in table.items() if m == message]
        cause = causes[same[0]] if same else key
    table[key] = (impl, message)
    causes[key] = cause


def cause_of(function_name: str, key: str) -> str:
    """The cause the known mistake ``key`` of ``function_name`` names."""
    return CAUSES.get(function_name, {}).get(key, key)


# --- Conversion of what the learner returns ---------------------------------------------------


def make_rng(seed: int) -> np.random.Generator:
    """numpy's seeded generator, through the reference taken at import."""
    return _default_rng(seed)


def call_learner(fn, function_name: str, *args):
    """Call the learner's function; turn its exceptions into messages a learner can act on."""
    if not _callable(fn):
        raise _AssertionError(f"{function_name} is not a function: run the cell that defines it")
    STATE.learner_calls += 1
    STATE.learner_fn = fn
    try:
        return fn(*args)
    except ReferenceUnavailable:  # the checks' own signal: a learner's function may not send it
        raise _AssertionError(
            f"{function_name} raised ReferenceUnavailable, which only the checks may raise: "
            f"return your result instead"
        ) from None
    except _Refused as refused:  # the grader could not read what the kernel sent back
        raise _AssertionError(f"{function_name}: {refused}") from None
    except _NotImplementedError:
        raise _AssertionError(
            f"{function_name} is not written yet: replace the `raise NotImplementedError` line "
            f"in its cell with your code, run that cell, then run this test again"
        ) from None
    except _Exception as exc:  # any error inside the learner's code fails the test, clearly
        # The traceback of the cause starts at the learner's own frame, not at this one.
        exc.__traceback__ = exc.__traceback__.tb_next if exc.__traceback__ else None
        raise _AssertionError(
            _autograd_error(function_name, _str(exc), fn)
            or f"{function_name} raised {_type(exc).__name__}: {exc} -- read the traceback "
            f"above this message to find the line"
        ) from exc


def to_array(x, what: str) -> np.ndarray:
    """A float64 numpy copy of a learner's result (numpy array, torch tensor, list or number)."""
    if _isinstance(x, _Tensor):
        x = _t_numpy(_t_to(_t_cpu(_t_detach(x)), _t_float64))
    elif _isinstance(x, (_list, _tuple)):
        x = [to_array(item, what) for item in x]
    elif x is None:
        raise _AssertionError(f"{what} is None: did the function forget to `return` its result?")
    elif not _isinstance(x, (_np_ndarray, _np_generic, _float, _int)):
        raise _AssertionError(
            f"{what} should be a numpy array or a torch tensor, got {_type(x).__name__}"
        )
    try:
        arr = _np_array(x, dtype=_f64)  # a plain ndarray (subclasses are dropped) of float64
    except _Exception as exc:
        raise _AssertionError(f"{what} could not be read as an array of numbers: {exc}") from None
    if _type(arr) is not _np_ndarray:
        raise _AssertionError(f"{what} could not be read as a plain array of numbers")
    return arr


def to_float(x, what: str) -> float:
    """A plain Python float from a learner's scalar (float, numpy scalar, 1-element tensor)."""
    arr = to_array(x, what)
    if arr.size != 1:
        raise _AssertionError(
            f"{what} should be a single number, got shape {arr.shape}: "
            f"reduce over the batch (e.g. take the mean) before returning"
        )
    return _float(arr.reshape(-1)[0])


def leaf(values, dtype=None) -> torch.Tensor:
    """A fresh leaf tensor that requires grad (float64 unless told otherwise)."""
    t = _t_tensor(values, dtype=dtype or _t_float64)
    return _t_requires_grad_(t, True)


def const(values, dtype=None) -> torch.Tensor:
    """A fresh tensor without gradient (float64 unless told otherwise)."""
    return _t_tensor(values, dtype=dtype or _t_float64)


# --- Comparison with the reference --------------------------------------------------------------


def elementwise_close(
    actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float
) -> np.ndarray:
    """Elementwise |a - e| <= atol * max(1, max|e|) + rtol * |e|, with nan == nan."""
    finite = expected[_np_isfinite(expected)]
    scale = _max(1.0, _float(_np_abs(finite).max())) if finite.size else 1.0
    with _np_errstate(invalid="ignore", over="ignore"):
        near = _np_abs(actual - expected) <= atol * scale + rtol * _np_abs(expected)
    near = near & _np_isfinite(actual) & _np_isfinite(expected)
    return near | (_np_isnan(actual) & _np_isnan(expected)) | (actual == expected)  # inf == inf


def matches(actual: np.ndarray, other: np.ndarray | None, rtol: float, atol: float) -> bool:
    """Whether ``other`` (``None``: no result) has ``actual``'s shape and is close everywhere."""
    return (
        other is not None
        and other.shape == actual.shape
        and bool(_np_all(elementwise_close(actual, other, rtol, atol)))
    )


def fmt(x: float) -> str:
    """A number in messages: six significant digits."""
    return f"{x:.6g}"


def _index(idx) -> str:
    """An array index in messages: ``2, 0``."""
    return ", ".join(_str(_int(i)) for i in idx)


class Mismatch(builtins.AssertionError):
    """A learner's result that differs from the reference: the message, and both results (read
    by :func:`check_with_ladder` to show them side by side)."""

    def __init__(self, message: str, actual: np.ndarray, expected: np.ndarray) -> None:
        super().__init__(message)
        self.actual, self.expected = actual, expected


def _name_known_mistake(
    a: np.ndarray, e: np.ndarray, what: str, function: str, wrong: dict, rtol: float, atol: float
) -> None:
    """Raise the message of the known mistake whose result ``a`` matches (and ``e`` does not),
    when every known mistake that matches has one cause; otherwise name none."""
    matched = []
    for key, wrong_result in wrong.items():
        if wrong_result is None:
            continue
        w = to_array(wrong_result, "a known mistake")
        if matches(a, w, rtol, atol) and not matches(e, w, rtol, atol):
            matched.append(key)
    if matched and _len({cause_of(function, key) for key in matched}) == 1:
        raise Mismatch(f"{what}: {MISTAKES[function][matched[0]][1]}", a, e)


def _close_all(a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == e.shape and bool(_np_all(elementwise_close(a, e, rtol, atol)))


def _pattern(a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> str:
    """What relates the learner's ``a`` to the reference's ``e`` everywhere, in words, or ``""``.
    Observations only (a factor, a sign, a shift, the order, an offset): never a cause."""
    if e.ndim >= 1 and e.shape[0] >= 2:
        if _close_all(a, e[::-1], rtol, atol):
            return "the values are the expected ones in reverse order (along the first axis)"
        if e.shape[0] >= 3 and _close_all(a[1:], e[:-1], rtol, atol):
            return "each value is the expected value of the step before (shifted one step later)"
        if e.shape[0] >= 3 and _close_all(a[:-1], e[1:], rtol, atol):
            return "each value is the expected value of the step after (shifted one step earlier)"
    if e.size > 1 and bool(_np_all(a == 0.0)):
        return "every value returned is 0"
    finite = _np_isfinite(e) & _np_isfinite(a) & (_np_abs(e) > ATOL)
    if not bool(_np_any(finite)):
        return ""
    first = _int(_np_argmax(finite.reshape(-1)))
    ratio = _float(a.reshape(-1)[first] / e.reshape(-1)[first])
    # One number is always some multiple of another: for a single value, only simple ratios.
    simple = _min(_abs(ratio * q - _round(ratio * q)) for q in (1, 2, 3, 4)) <= 1e-4 * _abs(ratio)
    if (
        _abs(ratio) > 1e-3
        and _abs(ratio - 1.0) > 1e-3
        and (e.size > 1 or simple)
        and _close_all(a, ratio * e, rtol, atol)
    ):
        every = "every value" if e.size > 1 else "the value"
        if _abs(ratio + 1.0) <= 1e-3:
            return f"{every} has the opposite sign of the expected one"
        return f"{every} is {fmt(ratio)} times the expected one"
    offset = _float(a.reshape(-1)[first] - e.reshape(-1)[first])
    if e.size >= 2 and _close_all(a, e + offset, rtol, atol):
        return f"every value is the expected one plus {fmt(offset)}"
    return ""


def describe_mismatch(
    a: np.ndarray, e: np.ndarray, what: str, index_names: str, rtol: float, atol: float
) -> str:
    """Where and how the learner's ``a`` differs from ``e``: the first index that differs, both
    values there, how many differ, and a pattern that holds everywhere (:func:`_pattern`)."""
    ok = elementwise_close(a, e, rtol, atol)
    flat = _int(_np_argmax(~ok.reshape(-1)))
    idx = _np_unravel(flat, e.shape) if e.ndim else ()
    where = f" at {index_names}={_index(idx)}" if e.ndim else ""
    n_bad = _int((~ok).sum())
    text = (
        f"{what} is wrong{where}: got {fmt(_float(a.reshape(-1)[flat]))}, expected "
        f"{fmt(_float(e.reshape(-1)[flat]))}"
    )
    if e.size > 1:
        text += f" ({n_bad} of {e.size} values differ{', the first shown' if n_bad > 1 else ''})"
    pattern = _pattern(a, e, rtol, atol)
    return f"{text}; {pattern}" if pattern else text


def assert_close(
    actual,
    expected,
    what: str,
    *,
    function: str | None = None,
    wrong: dict | None = None,
    hint: str = "",
    index_names: str = "t",
    rtol: float = RTOL,
    atol: float = ATOL,
) -> None:
    """Assert that the learner's ``actual`` equals the reference's ``expected``.

    Args:
        actual: the learner's result (anything :func:`to_array` reads).
        expected: the reference result.
        what: names the quantity in messages, e.g. ``"compute_gae advantages"``.
        function: the contract function, to diagnose the mistakes registered for it.
        wrong: ``{mistake_key: wrong_result}``: results of known-wrong implementations on the same
            inputs (``None`` entries are skipped); if ``actual`` matches them (and the reference
            does not) and they all have one cause, the message is that cause's.
        hint: added to the generic message when no known mistake is named: what to compare or
            do, never a cause the learner may not have.
        index_names: names of the array's axes in messages, e.g. ``"t"`` or ``"t, n"``.
    """
    a = to_array(actual, what)
    e = to_array(expected, "the reference")
    if _close_all(a, e, rtol, atol):
        return  # right, even where a known mistake gives nearly the same numbers
    if wrong and function is not None:
        _name_known_mistake(a, e, what, function, wrong, rtol, atol)
    if a.shape != e.shape:
        if a.size == 1 and e.size > 1:
            raise _AssertionError(
                f"{what} is a single number, expected an array of shape {e.shape}: one value "
                f"per element of the inputs"
            )
        if a.size == e.size:
            raise _AssertionError(
                f"{what} has shape {a.shape}, expected {e.shape}: return one value per input "
                f"element, in the same (time-major) layout as the inputs (no extra dimensions)"
            )
        raise _AssertionError(f"{what} has shape {a.shape}, expected {e.shape}")
    message = describe_mismatch(a, e, what, index_names, rtol, atol)
    raise Mismatch(message + (f". {hint}" if hint else ""), a, e)


def assert_scalar_close(
    actual,
    expected: float,
    what: str,
    *,
    function: str | None = None,
    wrong: dict | None = None,
    hint: str = "",
    rtol: float = RTOL,
    atol: float = ATOL,
) -> None:
    """:func:`assert_close` for a single number (the learner may return a 0-d tensor or float)."""
    value = to_float(actual, what)
    assert_close(
        value,
        _float(expected),
        what,
        function=function,
        wrong=wrong,
        hint=hint,
        rtol=rtol,
        atol=atol,
    )


def known_results(function: str, args_fn: Callable[[], tuple], *keys: str) -> dict:
    """Results of the registered wrong implementations of ``function`` on fresh inputs.

    ``args_fn()`` returns a fresh tuple of arguments. A wrong implementation that raises on these
    inputs is skipped (it cannot be what the learner did).
    """
    out = {}
    for key, (impl, _) in MISTAKES.get(function, {}).items():
        if keys and key not in keys:
            continue
        try:
            out[key] = impl(*args_fn())
        except _Exception:
            out[key] = None
    return out


def check_case(
    fn,
    function_name: str,
    args: Callable[[], tuple],
    reference: Callable,
    what: str,
    *,
    scalar: bool = False,
    expected=None,
    index_names: str = "t",
    hint: str = "",
    rtol: float = RTOL,
    atol: float = ATOL,
) -> None:
    """One case of a check: the learner's ``fn`` against the reference on the same inputs.

    Calls ``fn(*args())`` (through :func:`call_learner`), compares the result with
    ``reference(*args())`` (or with ``expected`` where given) and, when they differ, names the
    registered mistake of ``function_name`` whose result matches the learner's. ``args`` returns
    fresh arguments on every call, so nothing the learner does to its inputs reaches the
    reference. ``scalar`` compares single numbers (:func:`assert_scalar_close`).
    """
    got = call_learner(fn, function_name, *args())
    if expected is None:
        expected = reference(*args())
    wrong = known_results(function_name, args)
    if scalar:
        assert_scalar_close(
            got,
            expected,
            what,
            function=function_name,
            wrong=wrong,
            hint=hint,
            rtol=rtol,
            atol=atol,
        )
    else:
        assert_close(
            got,
            expected,
            what,
            function=function_name,
            wrong=wrong,
            hint=hint,
            index_names=index_names,
            rtol=rtol,
            atol=atol,
        )


def check_with_ladder(
    check_one: Callable[[Callable[[], tuple], str], None],
    cases,
    ladder: list[tuple[Callable[[], tuple], str]],
) -> None:
    """A random check: ``check_one(args, what)`` on each of ``cases``; when one fails, the
    smallest failing case of ``ladder`` is reported instead, with its inputs (``what`` spells
    them out) and the expected and returned values side by side.

    ``ladder`` is a fixed list of small cases, smallest first, so that its references are the
    same everywhere (the student build records them, see :data:`CheckState.all_mistakes`).
    When no ladder case fails, the random case that failed is reported.
    """
    if STATE.all_mistakes:
        for args, what in ladder:
            check_one(args, what)
    for args, what in cases:
        try:
            check_one(args, what)
        except _AssertionError:
            smallest = _smallest_failing(check_one, ladder, what)
            if smallest is None:
                raise
            raise smallest from smallest.__cause__


def _smallest_failing(check_one, ladder, random_what: str) -> BaseException | None:
    """The failure of the first (smallest) ladder case that fails, with both results shown."""
    for args, what in ladder:
        try:
            check_one(args, what)
        except _AssertionError as small:
            lines = [_str(small), f"Smallest failing case: {what}"]
            if _isinstance(small, Mismatch):
                shown = typing.cast(Mismatch, small)
                lines.append(f"  expected: {_values(shown.expected)}")
                lines.append(f"  returned: {_values(shown.actual)}")
            lines.append(
                f"(a random case, {random_what}, failed first; this smaller case fails too)"
            )
            error = _AssertionError("\n".join(lines))
            error.__cause__ = small.__cause__
            return error
    return None


def _values(x: np.ndarray) -> str:
    """A small array in messages, six significant digits per number."""
    if x.ndim == 0:
        return fmt(_float(x))
    return "[" + ", ".join(_values(item) for item in x) + "]"


# --- Gradients: what cut the graph, named where the learner's code shows it ---------------------

_getattr, _set, _sorted = builtins.getattr, builtins.set, builtins.sorted
_all, _any = builtins.all, builtins.any

_GRAPH_CUTS: dict[str, tuple[str, str]] = {
    # a name in the learner's code -> (how a message writes it, why it cuts the graph)
    "item": (".item()", "it returns a Python number, which has no gradient history"),
    "float": ("float(...)", "it returns a Python number, which has no gradient history"),
    "int": ("int(...)", "it returns a Python number, which has no gradient history"),
    "tolist": (".tolist()", "it returns Python numbers, which have no gradient history"),
    "math": ("the math module (math.exp, math.log, ...)", "it computes on Python numbers"),
    "numpy": (".numpy()", "a numpy array has no gradient history"),
    "np": ("numpy functions (np.exp, np.log, ...)", "a numpy array has no gradient history"),
    "detach": (".detach()", "a detached tensor has no gradient history"),
    "data": (".data", "it holds a tensor's values without their gradient history"),
    "no_grad": ("torch.no_grad()", "nothing computed inside it is recorded for the gradient"),
    "inference_mode": ("torch.inference_mode()", "nothing computed inside it is recorded"),
    "set_grad_enabled": ("torch.set_grad_enabled(...)", "nothing computed while off is recorded"),
    "tensor": ("torch.tensor(...)", "a tensor built from values starts with no gradient history"),
    "as_tensor": ("torch.as_tensor(...)", "a tensor built from an array has no gradient history"),
    "from_numpy": ("torch.from_numpy(...)", "a tensor built from an array has no gradient history"),
    "Tensor": ("torch.Tensor(...)", "a tensor built from values starts with no gradient history"),
    "new_tensor": (
        ".new_tensor(...)",
        "a tensor built from values starts with no gradient history",
    ),
}
_CUTS_SEEN_AS = {
    # what came back -> the names of _GRAPH_CUTS that alone can explain it
    "number": ("item", "float", "int", "tolist", "math"),
    "list": ("tolist", "item", "float", "int"),
    "array": ("numpy", "np"),
    "tensor": (
        "detach",
        "data",
        "no_grad",
        "inference_mode",
        "set_grad_enabled",
        "tensor",
        "as_tensor",
        "from_numpy",
        "Tensor",
        "new_tensor",
    ),
}
# What autograd says when the learner's code breaks it (PyTorch's own wording).
_IN_PLACE_LEAF = "leaf Variable that requires grad is being used in an in-place operation"
_IN_PLACE_SAVED = "modified by an inplace operation"
_NUMPY_OF_GRAD = "Can't call numpy() on Tensor that requires grad"
_IN_PLACE_INSTEAD = (
    "compute a new tensor instead of changing one (y = x * 2 rather than x *= 2; torch.where or "
    "torch.clamp(x, ...) rather than x[i] = ... or x.clamp_(...))"
)
EDITED_AFTER_USE = (
    "a tensor that autograd saved to compute the gradient was changed in place after it was "
    f"used, so the gradient cannot be computed: {_IN_PLACE_INSTEAD}"
)
"""What a gradient check says when autograd refuses a graph whose saved tensor was edited in
place (a lab registers it as the diagnosis of such a known mistake)."""


def _names_in(fn) -> set:
    """The attribute and global names the code of the learner's ``fn`` uses, its comprehensions
    and inner functions included (a :class:`~autograder.grading.remote.RemoteFunction` carries
    the kernel's list of them); empty when none can be read."""
    names: set = _set()
    try:
        todo = [_getattr(fn, "__code__", None)]
        for _ in _range(1000):  # real code objects nest a few levels; a made-up one may loop
            if not todo:
                break
            code = todo.pop()
            names.update(n for n in _getattr(code, "co_names", ()) if _isinstance(n, _str))
            consts = _getattr(code, "co_consts", ())
            todo.extend(c for c in consts if _getattr(c, "co_names", None) is not None)
    except _Exception:  # the learner's object: a name that cannot be read is not named
        return names
    return names


def _learner_name(fn) -> str:
    try:
        name = _getattr(fn, "__name__", "")
    except _Exception:
        name = ""
    return name if _isinstance(name, _str) and name.isidentifier() else "function"


def _cuts_in_code(seen_as: str, fn) -> list[str]:
    """The names in the learner's code among those that alone explain what came back
    (``seen_as``, a key of :data:`_CUTS_SEEN_AS`)."""
    names = _names_in(fn)
    return [n for n in _CUTS_SEEN_AS[seen_as] if n in names]


def cut_names() -> tuple[str, ...]:
    """The graph cuts a message can name (the names :func:`cut_phrase` takes)."""
    return (*_GRAPH_CUTS, "in_place_input")


def cut_phrase(name: str) -> str:
    """How a message names the graph cut ``name`` (a key of :data:`_GRAPH_CUTS`, or
    ``"in_place_input"``): the words that appear only when that cut is named."""
    if name == "in_place_input":
        return "changes one of its input tensors in place"
    return f"uses {_GRAPH_CUTS[name][0]}, which cuts the graph"


def _cut_in_code(seen_as: str, fn) -> str:
    """Which of the learner's graph cuts explains what came back (``seen_as``), if the code shows
    one ("" when it shows none: no cause is then named)."""
    present, who = _cuts_in_code(seen_as, fn), _learner_name(fn)
    if _len(present) == 1:
        label, why = _GRAPH_CUTS[present[0]]
        return f"your {who} {cut_phrase(present[0])} ({why})"
    if present:
        labels = ", ".join(_GRAPH_CUTS[n][0] for n in present)
        return f"one of these in your {who} cuts the graph: {labels}"
    return ""


def _not_a_tensor(output, what: str) -> str:
    """The message for a gradient check's result that is not a tensor."""
    if _isinstance(output, (_np_ndarray, _np_generic)):  # (before float: float64 is a float)
        seen_as, got, why = "array", f"a numpy {_type(output).__name__}", "numpy has no gradients"
    elif _isinstance(output, (_float, _int)):
        seen_as, got = "number", f"a Python {_type(output).__name__}"
        why = "a Python number has no gradient history"
    elif _isinstance(output, (_list, _tuple)) and _any(_isinstance(x, _Tensor) for x in output):
        seen_as, got = "", f"a Python {_type(output).__name__} of tensors"
        why = "return a single tensor (torch.stack makes one of a list of tensors)"
    elif _isinstance(output, (_list, _tuple)):
        seen_as, got = "list", f"a Python {_type(output).__name__}"
        why = "Python numbers have no gradient history"
    else:
        seen_as, got, why = "", f"a {_type(output).__name__}", "it has no gradient history"
    cut = _cut_in_code(seen_as, STATE.learner_fn) if seen_as else ""
    return (
        f"{what} returned {got}, not a torch tensor, so PPO cannot backpropagate through it: "
        f"{cut or why}. Compute the result with torch operations on the input tensors "
        f"(torch.exp, torch.log, ...) and return that tensor"
    )


def _autograd_error(subject: str, text: str, fn) -> str | None:
    """The message for an error PyTorch raised because the learner's ``fn`` broke autograd (an
    in-place edit, a tensor that needs gradients handed to numpy), saying so first; ``None`` for
    any other error. ``text`` is PyTorch's message, quoted last without its advice."""
    said = f' (PyTorch: "{text.split(" Hint:")[0].split(". Use ")[0].strip()[:240]}")'
    who = _learner_name(fn)
    edits = _sorted(
        n
        for n in _names_in(fn)
        if n.endswith("_") and not n.startswith("_") and n != "requires_grad_"
    )
    seen = f" (your {who} calls " + ", ".join(f".{n}()" for n in edits) + ")" if edits else ""
    if _IN_PLACE_LEAF in text:
        return (
            f"{subject}: your {who} {cut_phrase('in_place_input')}{seen}, which "
            f"autograd forbids for a tensor that needs gradients: {_IN_PLACE_INSTEAD}{said}"
        )
    if _IN_PLACE_SAVED in text:
        return f"{subject}: {EDITED_AFTER_USE}{seen}{said}"
    if _NUMPY_OF_GRAD in text:
        present = _cuts_in_code("array", fn)
        how = " or ".join(_GRAPH_CUTS[n][0] for n in present)
        return (
            f"{subject}: your {who} hands a tensor that needs gradients to numpy"
            + (f", through {how}" if how else "")
            + ", and numpy has no gradients (detaching the tensor first would cut the graph PPO "
            f"backpropagates through): use torch operations (torch.exp, torch.log, ...) on the "
            f"tensors{said}"
        )
    return None


def gradient_of(output, inputs, what: str) -> list:
    """Gradients of the learner's scalar ``output`` w.r.t. ``inputs`` (a tuple of leaf tensors).

    When there are none, the message says what cut the graph where that can be seen: what came
    back (a Python number, a numpy array, an integer tensor, a tensor without gradient), and
    which of the names in the learner's code (:data:`STATE` ``.learner_fn``) can explain it: one
    is named, several are listed, none means no cause is named."""
    if not _isinstance(output, _Tensor):
        raise _AssertionError(_not_a_tensor(output, what))
    if output.numel() != 1:
        raise _AssertionError(
            f"{what} should return a scalar tensor, got shape "
            f"{_tuple(output.shape)}: take the mean over the batch"
        )
    if not (_Tensor.is_floating_point(output) or _Tensor.is_complex(output)):
        raise _AssertionError(
            f"{what} is a tensor of dtype {output.dtype}: integer and bool tensors carry no "
            f"gradient, so PPO cannot backpropagate through it. Keep the values floating point "
            f"(float32 or float64) from the input tensors to the result"
        )
    if not output.requires_grad:
        raise _AssertionError(_without_gradient(what))
    try:
        grads = _autograd_grad(output.reshape(()), inputs, allow_unused=True)
    except _Exception as exc:  # the backward pass itself failed: say why, if autograd says
        message = _autograd_error(what, _str(exc), STATE.learner_fn)
        raise _AssertionError(
            message or f"{what}: backpropagating through it failed ({_type(exc).__name__}: {exc})"
        ) from None
    if _all(g is None for g in grads):  # a fresh tensor that requires grad: the same cut
        raise _AssertionError(_without_gradient(what))
    return [None if g is None else to_array(g, "a gradient") for g in grads]


def _without_gradient(what: str) -> str:
    """The message for a result that no input tensor reaches through autograd."""
    cut = _cut_in_code("tensor", STATE.learner_fn)
    return (
        f"{what} returned a tensor without gradient from the input tensors, so PPO cannot "
        f"backpropagate through it: "
        + (
            f"{cut}. Keep the path from the input tensors to the result in torch operations"
            if cut
            else "autograd recorded no path from the input tensors to it (something on the "
            "way cuts the graph, or the result does not use them)"
        )
    )
