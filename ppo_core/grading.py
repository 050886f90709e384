"""Checks behind the labs' autograded test cells.

Every test cell of a lab is one line that hands the learner's function to one check::

    from ppo_core.grading import check_compute_gae_truncation
    check_compute_gae_truncation(compute_gae)

A check calls the learner's function on fixed (or seeded random) inputs, converts what comes
back to float64 numpy arrays or plain Python floats, compares it with the reference
implementation in ``ppo_core`` and raises ``AssertionError`` with a message that names the likely
mistake ("the advantage at t=3 includes reward from the next episode: ..."). The same checks run
in JupyterLab, in Colab (no nbgrader needed), under ``nbgrader autograde`` and in ``tests/``.

Naming: the check ``check_<function>_<aspect>`` backs the test cell whose nbgrader ``grade_id``
is ``test_<function>_<aspect>``. Checks register themselves in :data:`CHECKS`
(``CHECKS[function][aspect] -> check``); checks named ``..._random`` take ``seed`` and
``n_cases`` so a lab's hidden tests can call them with seeds the learner never sees.

Known mistakes live in :data:`MISTAKES` (``MISTAKES[function][key] -> (wrong_impl, message)``):
when the learner's output is wrong and matches what a known-wrong implementation returns on the
same inputs, the check says that mistake's message. ``tests/test_grading_checks.py`` verifies
that every check passes the reference, and that every registered mistake fails at least one
check of its function with its own message.

Robustness (the autograder relies on it): the module keeps its own references to everything it
compares with (numpy and torch functions, builtins, the reference implementations), taken when
it is first imported, so a notebook that later monkeypatches ``numpy.allclose``,
``torch.Tensor.detach`` or ``ppo_core.compute_gae`` cannot change a verdict. Every lab imports
this module in its setup cell, before any learner code runs. Learner results are converted to
plain arrays element by element; objects that claim to equal anything are rejected.

Extending (labs 4 and 5 append a section at the end of this file, one per function):

1. import the reference under a private name inside the section, e.g.
   ``from ppo_core.update import normalize_advantages as _ref_normalize_advantages``;
2. optionally add known mistakes with ``_mistake("normalize_advantages", "no_mean", impl, msg)``;
3. write ``@_register("normalize_advantages")`` checks named
   ``check_normalize_advantages_<aspect>(fn)`` using the helpers :func:`call_learner`,
   :func:`to_array`, :func:`to_float`, :func:`assert_close`, :func:`assert_scalar_close`,
   :func:`gradient_of` and :func:`_rng`; random-input checks take ``(fn, seed=0, n_cases=...)``;
4. add the function to ``ppo_core/__init__.py``'s table if it is new; nothing else to wire.
"""

from __future__ import annotations

import builtins
import math

import numpy as np
import torch

from ppo_core.distributions import categorical_entropy as _ref_categorical_entropy
from ppo_core.distributions import categorical_log_prob as _ref_categorical_log_prob
from ppo_core.gae import compute_gae as _ref_compute_gae
from ppo_core.gae import td_residuals as _ref_td_residuals
from ppo_core.losses import clipped_surrogate_loss as _ref_clipped_surrogate_loss
from ppo_core.losses import ppo_loss as _ref_ppo_loss
from ppo_core.losses import probability_ratio as _ref_probability_ratio
from ppo_core.losses import value_loss as _ref_value_loss
from ppo_core.returns import discounted_return as _ref_discounted_return
from ppo_core.returns import returns_to_go as _ref_returns_to_go

# --- Private references, taken at import time -----------------------------------------------
# Later monkeypatching of numpy, torch or builtins by notebook code does not reach these names.
_abs, _float, _int, _len, _range, _isinstance, _type = (
    builtins.abs, builtins.float, builtins.int, builtins.len, builtins.range,
    builtins.isinstance, builtins.type,
)
_min, _max, _str, _tuple, _list, _zip, _enumerate, _callable = (
    builtins.min, builtins.max, builtins.str, builtins.tuple, builtins.list, builtins.zip,
    builtins.enumerate, builtins.callable,
)
_AssertionError, _NotImplementedError, _Exception = (
    builtins.AssertionError, builtins.NotImplementedError, builtins.Exception,
)
_isfinite, _isnan, _log = math.isfinite, math.isnan, math.log
_np_array, _np_ndarray, _np_generic, _f64 = np.array, np.ndarray, np.generic, np.float64
_np_abs, _np_maximum, _np_isnan, _np_isfinite = np.abs, np.maximum, np.isnan, np.isfinite
_np_any, _np_all, _np_argmax, _np_unravel = np.any, np.all, np.argmax, np.unravel_index
_default_rng, _np_errstate = np.random.default_rng, np.errstate
_Tensor = torch.Tensor
_t_detach, _t_cpu, _t_to, _t_numpy, _t_clone = (
    torch.Tensor.detach, torch.Tensor.cpu, torch.Tensor.to, torch.Tensor.numpy, torch.Tensor.clone,
)
_t_requires_grad_ = torch.Tensor.requires_grad_
_t_tensor, _t_float64, _t_long, _t_float32 = torch.tensor, torch.float64, torch.long, torch.float32
_autograd_grad = torch.autograd.grad
_no_grad = torch.no_grad

# Tolerances: accept float32 arithmetic and any order of summation, reject every real mistake.
RTOL = 1e-4
ATOL = 1e-5

CHECKS: dict[str, dict[str, object]] = {}
"""``CHECKS[function][aspect]`` is the check behind the test cell ``test_<function>_<aspect>``."""

MISTAKES: dict[str, dict[str, tuple]] = {}
"""``MISTAKES[function][key] = (wrong_implementation, message)``: known mistakes, diagnosed."""


def _register(function_name: str):
    """Decorator: file ``check_<function_name>_<aspect>`` under ``CHECKS[function_name][aspect]``."""
    prefix = f"check_{function_name}_"

    def decorator(check):
        if not check.__name__.startswith(prefix):
            raise ValueError(f"{check.__name__} must be named {prefix}<aspect>")
        CHECKS.setdefault(function_name, {})[check.__name__[_len(prefix):]] = check
        return check

    return decorator


def _mistake(function_name: str, key: str, impl, message: str) -> None:
    """Record a known-wrong implementation of ``function_name`` and the message that names it."""
    MISTAKES.setdefault(function_name, {})[key] = (impl, message)


# --- Helpers shared by every check -----------------------------------------------------------

def _rng(seed: int):
    return _default_rng(seed)


def call_learner(fn, function_name: str, *args):
    """Call the learner's function; turn its exceptions into messages a learner can act on."""
    if not _callable(fn):
        raise _AssertionError(f"{function_name} is not a function: run the cell that defines it")
    try:
        return fn(*args)
    except _NotImplementedError:
        raise _AssertionError(
            f"{function_name} is not written yet: replace the `raise NotImplementedError` line "
            f"in its cell with your code, run that cell, then run this test again"
        ) from None
    except _Exception as exc:  # any error inside the learner's code fails the test, clearly
        raise _AssertionError(
            f"{function_name} raised {_type(exc).__name__}: {exc} -- read the traceback above "
            f"this message to find the line"
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
    """A plain Python float from a learner's scalar (float, numpy scalar, 0-d or 1-element tensor)."""
    arr = to_array(x, what)
    if arr.size != 1:
        raise _AssertionError(
            f"{what} should be a single number, got shape {arr.shape}: "
            f"reduce over the batch (e.g. take the mean) before returning"
        )
    return _float(arr.reshape(-1)[0])


def _close(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Elementwise |a - e| <= atol * max(1, max|e|) + rtol * |e|, with nan == nan."""
    finite = expected[_np_isfinite(expected)]
    scale = _max(1.0, _float(_np_abs(finite).max())) if finite.size else 1.0
    with _np_errstate(invalid="ignore", over="ignore"):
        near = _np_abs(actual - expected) <= atol * scale + rtol * _np_abs(expected)
    near = near & _np_isfinite(actual) & _np_isfinite(expected)
    return near | (_np_isnan(actual) & _np_isnan(expected)) | (actual == expected)  # inf == inf


def _matches(actual: np.ndarray, other, rtol: float, atol: float) -> bool:
    return (other is not None and other.shape == actual.shape
            and bool(_np_all(_close(actual, other, rtol, atol))))


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _index(idx) -> str:
    return ", ".join(_str(_int(i)) for i in idx)


def assert_close(actual, expected, what: str, *, function: str | None = None,
                 wrong: dict | None = None, hint: str = "", index_names: str = "t",
                 rtol: float = RTOL, atol: float = ATOL) -> None:
    """Assert that the learner's ``actual`` equals the reference's ``expected``.

    Args:
        actual: the learner's result (anything :func:`to_array` reads).
        expected: the reference result.
        what: names the quantity in messages, e.g. ``"compute_gae advantages"``.
        function: the contract function, to diagnose the mistakes registered for it.
        wrong: ``{mistake_key: wrong_result}``: results of known-wrong implementations on the same
            inputs (``None`` entries are skipped); if ``actual`` matches one (and the reference
            does not), the message is that mistake's.
        hint: added to the generic message when no known mistake matches.
        index_names: names of the array's axes in messages, e.g. ``"t"`` or ``"t, n"``.
    """
    a = to_array(actual, what)
    e = to_array(expected, "the reference")
    if wrong and function is not None:
        for key, wrong_result in wrong.items():
            if wrong_result is None:
                continue
            w = to_array(wrong_result, "a known mistake")
            if _matches(a, w, rtol, atol) and not _matches(e, w, rtol, atol):
                raise _AssertionError(f"{what}: {MISTAKES[function][key][1]}")
    if a.shape != e.shape:
        if a.size == e.size:
            raise _AssertionError(
                f"{what} has shape {a.shape}, expected {e.shape}: return one value per input "
                f"element, in the same (time-major) layout as the inputs (no extra dimensions)"
            )
        raise _AssertionError(f"{what} has shape {a.shape}, expected {e.shape}")
    ok = _close(a, e, rtol, atol)
    if not bool(_np_all(ok)):
        flat = _int(_np_argmax(~ok.reshape(-1)))
        idx = _np_unravel(flat, e.shape) if e.ndim else ()
        where = f" at {index_names}={_index(idx)}" if e.ndim else ""
        n_bad = _int((~ok).sum())
        raise _AssertionError(
            f"{what} is wrong{where}: got {_fmt(_float(a.reshape(-1)[flat]))}, expected "
            f"{_fmt(_float(e.reshape(-1)[flat]))} ({n_bad} of {e.size} values differ)"
            + (f". {hint}" if hint else "")
        )


def assert_scalar_close(actual, expected: float, what: str, *, function: str | None = None,
                        wrong: dict | None = None, hint: str = "",
                        rtol: float = RTOL, atol: float = ATOL) -> None:
    """:func:`assert_close` for a single number (the learner may return a 0-d tensor or float)."""
    value = to_float(actual, what)
    assert_close(value, _float(expected), what, function=function, wrong=wrong, hint=hint,
                 rtol=rtol, atol=atol)


def _known(function: str, args_fn, *keys: str) -> dict:
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


def gradient_of(output, inputs, what: str):
    """Gradients of the learner's scalar ``output`` w.r.t. ``inputs`` (a tuple of leaf tensors)."""
    if not _isinstance(output, _Tensor):
        raise _AssertionError(
            f"{what} returned a {_type(output).__name__}, not a torch tensor, so PPO cannot "
            f"backpropagate through it: keep the computation in torch (no .item(), .numpy(), "
            f"float())"
        )
    if output.numel() != 1:
        raise _AssertionError(f"{what} should return a scalar tensor, got shape "
                              f"{_tuple(output.shape)}: take the mean over the batch")
    if not output.requires_grad:
        raise _AssertionError(
            f"{what} returned a tensor without gradient: no .detach(), torch.no_grad() or "
            f"conversion to numpy on the path from the new log-probabilities / values to the loss"
        )
    grads = _autograd_grad(output.reshape(()), inputs, allow_unused=True)
    return [None if g is None else to_array(g, "a gradient") for g in grads]


def _leaf(values, dtype=None) -> torch.Tensor:
    """A fresh leaf tensor that requires grad (float64 unless told otherwise)."""
    t = _t_tensor(values, dtype=dtype or _t_float64)
    return _t_requires_grad_(t, True)


def _const(values, dtype=None) -> torch.Tensor:
    return _t_tensor(values, dtype=dtype or _t_float64)


# =============================================================================================
# Lab 1: returns, log-probabilities, entropy
# =============================================================================================

def _wrong_return_from_gamma1(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    return float(np.sum(gamma ** np.arange(1, len(r) + 1) * r))


def _wrong_return_reversed(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    return float(np.sum(gamma ** np.arange(len(r))[::-1] * r))


def _wrong_return_undiscounted(rewards, gamma):
    return float(np.sum(np.asarray(rewards, dtype=np.float64)))


_mistake("discounted_return", "from_gamma1", _wrong_return_from_gamma1,
         "the first reward is discounted too: r_0 is weighted by gamma^0 = 1, so the exponent "
         "starts at t = 0, not 1")
_mistake("discounted_return", "reversed", _wrong_return_reversed,
         "the discounts run backwards: the *first* reward gets gamma^0 and later rewards get "
         "smaller weights gamma^t")
_mistake("discounted_return", "undiscounted", _wrong_return_undiscounted,
         "the rewards are summed without discounting: multiply r_t by gamma^t")


def _check_return_case(fn, rewards, gamma):
    def args():
        return (np.array(rewards, dtype=np.float64), gamma)
    got = call_learner(fn, "discounted_return", *args())
    assert_scalar_close(got, _ref_discounted_return(*args()),
                        f"discounted_return({list(rewards)}, gamma={gamma})",
                        function="discounted_return", wrong=_known("discounted_return", args))


@_register("discounted_return")
def check_discounted_return_basic(fn) -> None:
    """Hand-checkable episodes: 1 + 0.5 + 0.25 = 1.75, and gamma = 1 sums the rewards."""
    _check_return_case(fn, [1.0, 1.0, 1.0], 0.5)
    _check_return_case(fn, [0.0, 0.0, 10.0], 0.9)
    _check_return_case(fn, [2.0, -1.0, 3.0, 0.5], 1.0)


@_register("discounted_return")
def check_discounted_return_edge_cases(fn) -> None:
    """One-step and empty episodes, gamma = 0, and a plain number as the result."""
    _check_return_case(fn, [5.0], 0.99)
    _check_return_case(fn, [3.0, 100.0, 100.0], 0.0)
    got = call_learner(fn, "discounted_return", np.zeros(0), 0.99)
    assert_scalar_close(got, 0.0, "discounted_return of an empty episode",
                        hint="an episode without rewards has return 0.0")


@_register("discounted_return")
def check_discounted_return_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random episodes (lengths 1 to 300, LunarLander-sized rewards) and discounts."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        rewards = rng.normal(0.0, 20.0, size=_int(rng.integers(1, 300))).round(3)
        _check_return_case(fn, rewards.tolist(), _float(rng.choice([0.9, 0.95, 0.99, 0.999, 1.0])))


def _wrong_rtg_forward(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    out, running = np.zeros_like(r), 0.0
    for t in range(len(r)):
        running = r[t] + gamma * running
        out[t] = running
    return out


def _wrong_rtg_exclusive(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    out, running = np.zeros_like(r), 0.0
    for t in reversed(range(len(r))):
        out[t] = running
        running = r[t] + gamma * running
    return out


def _wrong_rtg_undiscounted(rewards, gamma):
    return np.cumsum(np.asarray(rewards, dtype=np.float64)[::-1])[::-1].copy()


_mistake("returns_to_go", "forward", _wrong_rtg_forward,
         "the sum runs forwards in time (G_t collects rewards from the *past*): loop backwards, "
         "G_t = r_t + gamma * G_{t+1}, starting from the last step")
_mistake("returns_to_go", "exclusive", _wrong_rtg_exclusive,
         "G_t leaves out r_t: the return from step t includes the reward of step t itself")
_mistake("returns_to_go", "undiscounted", _wrong_rtg_undiscounted,
         "the future rewards are not discounted: G_t = r_t + gamma * G_{t+1}")


def _check_rtg_case(fn, rewards, gamma):
    def args():
        return (np.array(rewards, dtype=np.float64), gamma)
    got = call_learner(fn, "returns_to_go", *args())
    assert_close(got, _ref_returns_to_go(*args()), f"returns_to_go({_len(rewards)} rewards, gamma={gamma})",
                 function="returns_to_go", wrong=_known("returns_to_go", args))


@_register("returns_to_go")
def check_returns_to_go_basic(fn) -> None:
    """A short episode by hand: [1, 1, 1] with gamma 0.5 gives [1.75, 1.5, 1]."""
    _check_rtg_case(fn, [1.0, 1.0, 1.0], 0.5)
    _check_rtg_case(fn, [0.0, -1.0, 0.0, 10.0], 0.9)


@_register("returns_to_go")
def check_returns_to_go_consistency(fn) -> None:
    """G_0 equals the discounted return, G_t = r_t + gamma G_{t+1}, shape (T,) in and out."""
    rewards = np.array([0.5, -2.0, 3.0, 0.0, 1.5, -0.25])
    g = to_array(call_learner(fn, "returns_to_go", rewards.copy(), 0.95), "returns_to_go")
    if g.shape != rewards.shape:
        raise _AssertionError(
            f"returns_to_go returned shape {g.shape} for 6 rewards: return one G_t per step, (6,)"
        )
    assert_scalar_close(g[0], _ref_discounted_return(rewards, 0.95),
                        "returns_to_go(...)[0] (must equal the discounted return)",
                        hint="G_0 is the return of the whole episode")
    assert_close(g[:-1], rewards[:-1] + 0.95 * g[1:], "the recursion G_t = r_t + gamma G_{t+1}",
                 hint="each G_t must be r_t plus gamma times the next G")
    assert_scalar_close(g[-1], rewards[-1], "G at the last step (no future after it)")


@_register("returns_to_go")
def check_returns_to_go_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random episodes of 1 to 300 steps."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        rewards = rng.normal(0.0, 20.0, size=_int(rng.integers(1, 300))).round(3)
        _check_rtg_case(fn, rewards.tolist(), _float(rng.choice([0.9, 0.99, 0.999, 1.0])))


def _wrong_log_prob_naive(logits, actions):
    probs = torch.softmax(logits, dim=-1)
    return torch.log(probs).gather(-1, torch.as_tensor(actions).long().unsqueeze(-1)).squeeze(-1)


def _wrong_log_prob_no_log(logits, actions):
    probs = torch.softmax(logits, dim=-1)
    return probs.gather(-1, torch.as_tensor(actions).long().unsqueeze(-1)).squeeze(-1)


def _wrong_log_prob_raw_logit(logits, actions):
    return logits.gather(-1, torch.as_tensor(actions).long().unsqueeze(-1)).squeeze(-1)


def _wrong_log_prob_wrong_dim(logits, actions):
    log_probs = torch.log_softmax(logits, dim=0)
    return log_probs.gather(-1, torch.as_tensor(actions).long().unsqueeze(-1)).squeeze(-1)


_mistake("categorical_log_prob", "naive", _wrong_log_prob_naive,
         "log(softmax(logits)) underflows to -inf when one logit is much larger than the others: "
         "use torch.log_softmax, which subtracts the largest logit first")
_mistake("categorical_log_prob", "no_log", _wrong_log_prob_no_log,
         "this is the probability pi(a|s), not its logarithm: take log_softmax, then pick the action")
_mistake("categorical_log_prob", "raw_logit", _wrong_log_prob_raw_logit,
         "this is the raw logit of the action, not log pi(a|s): normalise with log_softmax first")
_mistake("categorical_log_prob", "wrong_dim", _wrong_log_prob_wrong_dim,
         "the softmax is taken over the batch dimension: normalise over the actions (dim=-1)")


def _check_log_prob_case(fn, logits, actions, what, dtype=None):
    def args():
        return (_const(logits, dtype), _t_tensor(actions, dtype=_t_long))
    got = call_learner(fn, "categorical_log_prob", *args())
    assert_close(got, _ref_categorical_log_prob(*args()), what, index_names="row",
                 function="categorical_log_prob", wrong=_known("categorical_log_prob", args))


@_register("categorical_log_prob")
def check_categorical_log_prob_basic(fn) -> None:
    """Uniform logits give ln(1/4); a small batch compares with torch.distributions.Categorical."""
    _check_log_prob_case(fn, [[0.0, 0.0, 0.0, 0.0]], [2], "log-prob under uniform logits (ln 1/4)")
    _check_log_prob_case(fn, [[1.0, 2.0, 0.5, -1.0], [0.3, 0.3, 3.0, 0.0], [-2.0, 0.0, 0.0, 1.0]],
                         [1, 2, 0], "categorical_log_prob of a batch of three states")


@_register("categorical_log_prob")
def check_categorical_log_prob_stability(fn) -> None:
    """Huge logits (1000) must give finite log-probabilities, not -inf or nan."""
    _check_log_prob_case(fn, [[1000.0, 0.0, 0.0, 0.0], [0.0, -1000.0, 500.0, 0.0]], [1, 1],
                         "categorical_log_prob with logits of size 1000")
    _check_log_prob_case(fn, [[100.0, 0.0, -100.0, 0.0]], [2],
                         "categorical_log_prob for float32 logits of size 100", dtype=_t_float32)


@_register("categorical_log_prob")
def check_categorical_log_prob_gradient(fn) -> None:
    """The result must stay differentiable w.r.t. the logits (PPO backpropagates through it)."""
    raw = [[0.5, -0.2, 1.0, 0.0], [2.0, 0.1, -1.0, 0.3]]
    logits = _leaf(raw)
    out = call_learner(fn, "categorical_log_prob", logits, _t_tensor([3, 0], dtype=_t_long))
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (logits,), "categorical_log_prob (summed)")
    ref_logits = _leaf(raw)
    (ref,) = _autograd_grad(_ref_categorical_log_prob(ref_logits, _t_tensor([3, 0])).sum(),
                            (ref_logits,))
    if grad is None:
        raise _AssertionError("categorical_log_prob does not depend on the logits")
    assert_close(grad, to_array(ref, "ref"), "gradient of the log-prob w.r.t. the logits",
                 index_names="row, action",
                 hint="d log pi(a)/d logit_j = 1[j = a] - pi(j): compute log_softmax in torch")


@_register("categorical_log_prob")
def check_categorical_log_prob_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 2 to 18 actions, logits of scale 0.1 to 30."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(2, 19))
        logits = rng.normal(0.0, _float(rng.choice([0.1, 1.0, 5.0, 30.0])), size=(b, a))
        _check_log_prob_case(fn, logits.tolist(), rng.integers(0, a, size=b).tolist(),
                             f"categorical_log_prob for a random ({b}, {a}) batch")


def _wrong_entropy_naive(logits):
    probs = torch.softmax(logits, dim=-1)
    return -(probs * torch.log(probs)).sum(-1)


def _wrong_entropy_sign(logits):
    return -_ref_categorical_entropy(logits)


def _wrong_entropy_mean(logits):
    log_probs = torch.log_softmax(logits, dim=-1)
    return -(log_probs.exp() * log_probs).mean(-1)


def _wrong_entropy_log2(logits):
    return _ref_categorical_entropy(logits) / math.log(2.0)


def _wrong_entropy_batch_mean(logits):
    return _ref_categorical_entropy(logits).mean()


_mistake("categorical_entropy", "naive", _wrong_entropy_naive,
         "the entropy is nan when a probability underflows to 0 (0 * log 0): compute log-probs "
         "with torch.log_softmax and pi = exp(log-probs), so 0 * (finite) = 0")
_mistake("categorical_entropy", "sign", _wrong_entropy_sign,
         "the entropy is negative: S = -sum_a pi(a) log pi(a) (log-probabilities are <= 0)")
_mistake("categorical_entropy", "mean", _wrong_entropy_mean,
         "the terms are averaged over actions instead of summed: S = -sum_a pi(a) log pi(a)")
_mistake("categorical_entropy", "log2", _wrong_entropy_log2,
         "this is the entropy in bits (log base 2): use the natural log, so that the uniform "
         "policy over 4 actions has entropy ln 4 = 1.386")
_mistake("categorical_entropy", "batch_mean", _wrong_entropy_batch_mean,
         "return one entropy per row (shape (B,)); the loss takes the mean later")


def _check_entropy_case(fn, logits, what, dtype=None):
    def args():
        return (_const(logits, dtype),)
    got = call_learner(fn, "categorical_entropy", *args())
    assert_close(got, _ref_categorical_entropy(*args()), what, index_names="row",
                 function="categorical_entropy", wrong=_known("categorical_entropy", args))


@_register("categorical_entropy")
def check_categorical_entropy_bounds(fn) -> None:
    """Uniform over 4 actions: ln 4 = 1.386 (the ceiling); nearly deterministic: close to 0."""
    _check_entropy_case(fn, [[0.0, 0.0, 0.0, 0.0], [3.0, 3.0, 3.0, 3.0]],
                        "entropy of the uniform policy over 4 actions (must be ln 4 = 1.386)")
    _check_entropy_case(fn, [[0.0, 0.0]], "entropy of a fair coin (ln 2)")
    _check_entropy_case(fn, [[20.0, 0.0, 0.0, 0.0]], "entropy of a nearly deterministic policy")


@_register("categorical_entropy")
def check_categorical_entropy_stability(fn) -> None:
    """Huge logits: the entropy is 0 (or tiny), never nan."""
    _check_entropy_case(fn, [[1000.0, 0.0, 0.0, 0.0], [0.0, 0.0, -1000.0, 0.0]],
                        "categorical_entropy with logits of size 1000")
    _check_entropy_case(fn, [[200.0, 0.0, 0.0, 0.0]], "categorical_entropy for float32 logits",
                        dtype=_t_float32)


@_register("categorical_entropy")
def check_categorical_entropy_gradient(fn) -> None:
    """The entropy must be differentiable: PPO's entropy bonus pushes on the logits through it."""
    raw = [[0.5, -0.2, 1.0, 0.0], [2.0, 0.1, -1.0, 0.3]]
    logits = _leaf(raw)
    out = call_learner(fn, "categorical_entropy", logits)
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (logits,), "categorical_entropy (summed)")
    ref_logits = _leaf(raw)
    (ref,) = _autograd_grad(_ref_categorical_entropy(ref_logits).sum(), (ref_logits,))
    if grad is None:
        raise _AssertionError("categorical_entropy does not depend on the logits")
    assert_close(grad, to_array(ref, "ref"), "gradient of the entropy w.r.t. the logits",
                 index_names="row, action", hint="compute the entropy with torch operations only")


@_register("categorical_entropy")
def check_categorical_entropy_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 2 to 18 actions; also checks 0 <= S <= ln |A| row by row."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(2, 19))
        logits = rng.normal(0.0, _float(rng.choice([0.1, 1.0, 5.0, 30.0])), size=(b, a))
        _check_entropy_case(fn, logits.tolist(), f"categorical_entropy for a random ({b}, {a}) batch")
        got = to_array(call_learner(fn, "categorical_entropy", _const(logits.tolist())), "entropy")
        if bool(_np_any(got < -1e-6)) or bool(_np_any(got > _log(a) + 1e-5)):
            raise _AssertionError(f"an entropy lies outside [0, ln {a}] for {a} actions")


# =============================================================================================
# Lab 2: TD residuals and GAE
# =============================================================================================

def _wrong_td_no_termination(rewards, values, next_values, terminated, gamma):
    return (np.asarray(rewards, np.float64) + gamma * np.asarray(next_values, np.float64)
            - np.asarray(values, np.float64))


def _wrong_td_shifted_values(rewards, values, next_values, terminated, gamma):
    v = np.asarray(values, np.float64)
    nxt = np.concatenate([v[1:], np.zeros_like(v[:1])], axis=0)
    return np.asarray(rewards, np.float64) + gamma * nxt * (1.0 - np.asarray(terminated)) - v


def _wrong_td_no_gamma(rewards, values, next_values, terminated, gamma):
    return _ref_td_residuals(rewards, values, next_values, terminated, 1.0)


_mistake("td_residuals", "no_termination", _wrong_td_no_termination,
         "the residual bootstraps through a termination: where terminated_t = 1 there is no "
         "future, so delta_t = r_t - V(s_t) (multiply gamma * V(s_{t+1}) by 1 - terminated_t)")
_mistake("td_residuals", "shifted_values", _wrong_td_shifted_values,
         "V(s_{t+1}) is taken from values[t+1] (and 0 after the last step): use next_values[t], "
         "the value of the transition's true next state, which also bootstraps the last step")
_mistake("td_residuals", "no_gamma", _wrong_td_no_gamma,
         "the bootstrap term is not discounted: delta_t = r_t + gamma * V(s_{t+1}) - V(s_t)")


def _td_args(rewards, values, next_values, terminated, gamma, dtype=np.float64):
    def args():
        return (np.array(rewards, dtype=dtype), np.array(values, dtype=dtype),
                np.array(next_values, dtype=dtype), np.array(terminated, dtype=dtype), gamma)
    return args


def _check_td_case(fn, args, what, index_names="t"):
    got = call_learner(fn, "td_residuals", *args())
    assert_close(got, _ref_td_residuals(*args()), what, index_names=index_names,
                 function="td_residuals", wrong=_known("td_residuals", args))


@_register("td_residuals")
def check_td_residuals_basic(fn) -> None:
    """No episode end: delta_t = r_t + gamma V(s_{t+1}) - V(s_t), bootstrapped at the last step."""
    _check_td_case(fn, _td_args([1.0, 0.0, 2.0], [0.5, 1.0, 1.5], [1.0, 1.5, 2.0],
                                [0.0, 0.0, 0.0], 0.9), "td_residuals of three steps")


@_register("td_residuals")
def check_td_residuals_termination(fn) -> None:
    """Where the episode terminated there is no bootstrap: delta_t = r_t - V(s_t)."""
    _check_td_case(fn, _td_args([1.0, -100.0, 0.5, 0.5], [2.0, 3.0, 0.2, 0.4],
                                [3.0, 7.0, 0.4, 0.6], [0.0, 1.0, 0.0, 0.0], 0.99),
                   "td_residuals around a crash (terminated at t=1)")


@_register("td_residuals")
def check_td_residuals_batch(fn) -> None:
    """Time-major (T, N) rollouts of N environments: same shape in and out."""
    rng = _rng(7)
    T, N = 5, 3
    term = np.zeros((T, N))
    term[2, 0] = term[4, 2] = 1.0
    _check_td_case(fn, _td_args(rng.normal(size=(T, N)).round(2), rng.normal(size=(T, N)).round(2),
                                rng.normal(size=(T, N)).round(2), term, 0.97),
                   "td_residuals of a (5, 3) rollout", index_names="t, n")


@_register("td_residuals")
def check_td_residuals_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random (T,) and (T, N) rollouts, float32 or float64."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        shape = _rollout_shape(rng)
        r, v, nv = (rng.normal(0.0, 5.0, size=shape) for _ in _range(3))
        term = (rng.random(shape) < 0.15).astype(np.float64)
        dtype = np.float32 if rng.random() < 0.5 else np.float64
        _check_td_case(fn, _td_args(r, v, nv, term, _float(rng.uniform(0.8, 1.0)), dtype),
                       f"td_residuals of a random {shape} rollout",
                       index_names="t" if _len(shape) == 1 else "t, n")


def _rollout_shape(rng):
    t = _int(rng.integers(1, 40))
    return (t,) if rng.random() < 0.4 else (t, _int(rng.integers(1, 5)))


def _gae_loop(deltas, cut, gamma, lam):
    adv, last = np.zeros_like(deltas), 0.0
    for t in reversed(range(len(deltas))):
        last = deltas[t] + gamma * lam * (1.0 - cut[t]) * last
        adv[t] = last
    return adv


def _wrong_gae_seed_reset(rewards, values, next_values, terminated, truncated, gamma, lam):
    # Correct residuals, but the running advantage is zeroed *after* the episode-end step, so
    # the step before each episode end loses its future: A_{t-1} = delta_{t-1}.
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, gamma)
    done = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    adv, last = np.zeros_like(deltas), 0.0
    for t in reversed(range(len(deltas))):
        adv[t] = deltas[t] + gamma * lam * (1.0 - done[t]) * last
        last = np.where(done[t] > 0, 0.0, adv[t])
    # The step before an episode end is where the reset bites.
    for t in range(1, len(deltas)):
        adv[t - 1] = np.where(done[t] > 0, deltas[t - 1], adv[t - 1])
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_seed_loop(rewards, values, next_values, terminated, truncated, gamma, lam):
    # The seed workshop's loop verbatim in spirit: one merged `dones` flag, V(s_{t+1}) taken from
    # values[t + 1] and 0 after the last step (no bootstrap), the running advantage reset after
    # every episode end.
    r, v = np.asarray(rewards, np.float64), np.asarray(values, np.float64)
    dones = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    adv, last = np.zeros_like(r), 0.0
    for t in reversed(range(len(r))):
        next_value = v[t + 1] if t + 1 < len(r) else np.zeros_like(v[t])
        delta = r[t] + gamma * next_value * (1.0 - dones[t]) - v[t]
        adv[t] = delta + gamma * lam * (1.0 - dones[t]) * last
        last = np.where(dones[t] > 0, 0.0, adv[t])
    for t in range(1, len(r)):
        if np.any(dones[t] > 0):
            delta_prev = r[t - 1] + gamma * v[t] * (1.0 - dones[t - 1]) - v[t - 1]
            adv[t - 1] = np.where(dones[t] > 0, delta_prev, adv[t - 1])
    return adv, adv + v


def _wrong_gae_no_cut(rewards, values, next_values, terminated, truncated, gamma, lam):
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, gamma)
    adv = _gae_loop(deltas, np.zeros_like(deltas), gamma, lam)
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_truncation_as_termination(rewards, values, next_values, terminated, truncated,
                                         gamma, lam):
    done = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    return _ref_compute_gae(rewards, values, next_values, done, truncated, gamma, lam)


def _wrong_gae_truncation_not_cut(rewards, values, next_values, terminated, truncated, gamma, lam):
    return _ref_compute_gae(rewards, values, next_values, terminated,
                            np.zeros_like(np.asarray(truncated, np.float64)), gamma, lam)


def _wrong_gae_no_lambda(rewards, values, next_values, terminated, truncated, gamma, lam):
    return _ref_compute_gae(rewards, values, next_values, terminated, truncated, gamma, 1.0)


def _wrong_gae_forward(rewards, values, next_values, terminated, truncated, gamma, lam):
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, gamma)
    done = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    adv, last = np.zeros_like(deltas), 0.0
    for t in range(len(deltas)):
        last = deltas[t] + gamma * lam * last
        adv[t] = last
        last = last * (1.0 - done[t])
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_returns_without_values(rewards, values, next_values, terminated, truncated,
                                      gamma, lam):
    adv, _ = _ref_compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam)
    return adv, adv


def _wrong_gae_across_envs(rewards, values, next_values, terminated, truncated, gamma, lam):
    arrays = [np.asarray(x, np.float64) for x in (rewards, values, next_values, terminated,
                                                   truncated)]
    if arrays[0].ndim != 2 or arrays[0].shape[1] < 2:
        raise ValueError("only differs from the reference for (T, N) rollouts")
    # Flattened row-major: the recursion runs along environments within a time step.
    flat = [a.reshape(-1) for a in arrays]
    adv, _ = _ref_compute_gae(*flat, gamma, lam)
    adv = adv.reshape(arrays[0].shape)
    return adv, adv + arrays[1]


_mistake("compute_gae", "seed_reset", _wrong_gae_seed_reset,
         "the advantage of the step *before* an episode end has lost its future (it equals its "
         "TD residual): the seed workshop's loop zeroes the running advantage after the end step. "
         "Cut the recursion with (1 - done_t) inside A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1} "
         "only, and never reset it afterwards")
_mistake("compute_gae", "seed_loop", _wrong_gae_seed_loop,
         "this is the seed workshop's GAE loop: it takes V(s_{t+1}) from values[t+1] and 0 after "
         "the last step (so it never bootstraps: use next_values), treats truncation as "
         "termination, and zeroes the running advantage after each episode end")
_mistake("compute_gae", "no_cut", _wrong_gae_no_cut,
         "the advantage at an episode's last step includes reward from the next episode: cut the "
         "recursion where an episode ends, A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1} with "
         "done_t = terminated_t or truncated_t")
_mistake("compute_gae", "truncation_as_termination", _wrong_gae_truncation_as_termination,
         "a time-limit truncation is treated as a termination: at a truncated step the residual "
         "must still bootstrap from next_values (V of the final observation); only terminated "
         "steps drop gamma*V(s_{t+1})")
_mistake("compute_gae", "truncation_not_cut", _wrong_gae_truncation_not_cut,
         "the recursion runs on across a truncation into the next episode: a truncated step ends "
         "its episode too, so cut with done_t = terminated_t or truncated_t")
_mistake("compute_gae", "no_lambda", _wrong_gae_no_lambda,
         "lambda is ignored (this is lambda = 1): the recursion multiplies A_{t+1} by gamma*lambda")
_mistake("compute_gae", "forward", _wrong_gae_forward,
         "the recursion runs forwards in time: A_t depends on the *future* residuals, so loop "
         "from the last step back to the first")
_mistake("compute_gae", "returns_without_values", _wrong_gae_returns_without_values,
         "the returns equal the advantages: the critic's target is advantages + values")
_mistake("compute_gae", "across_envs", _wrong_gae_across_envs,
         "the recursion runs across environments instead of along time: arrays are time-major "
         "(T, N), so step t's successor is row t + 1 of the same column")


def _gae_args(r, v, nv, term, trunc, gamma, lam, dtype=np.float64):
    def args():
        return (np.array(r, dtype=dtype), np.array(v, dtype=dtype), np.array(nv, dtype=dtype),
                np.array(term, dtype=dtype), np.array(trunc, dtype=dtype), gamma, lam)
    return args


def _unpack_gae(result):
    if not _isinstance(result, (_tuple, _list)) or _len(result) != 2:
        raise _AssertionError(
            f"compute_gae should return a pair (advantages, returns), got {_type(result).__name__}"
        )
    return result[0], result[1]


def _check_gae_case(fn, args, what, index_names="t"):
    adv, ret = _unpack_gae(call_learner(fn, "compute_gae", *args()))
    ref_adv, ref_ret = _ref_compute_gae(*args())
    known = _known("compute_gae", args)
    wrong_adv = {k: None if w is None else w[0] for k, w in known.items()}
    assert_close(adv, ref_adv, f"advantages of {what}", index_names=index_names,
                 function="compute_gae", wrong=wrong_adv)
    wrong_ret = {k: None if w is None else w[1] for k, w in known.items()}
    assert_close(ret, ref_ret, f"returns of {what}", index_names=index_names,
                 function="compute_gae", wrong=wrong_ret,
                 hint="the returns (value targets) are advantages + values")


# One episode of 6 steps that the rollout cuts before it ends (bootstrap from next_values[-1]).
_EP_R = [1.0, 0.0, -0.5, 2.0, 0.0, 1.0]
_EP_V = [0.5, 0.8, 0.2, 1.0, 1.5, 0.7]
_EP_NV = _EP_V[1:] + [0.9]
_NO_FLAGS = [0.0] * 6


@_register("compute_gae")
def check_compute_gae_one_episode(fn) -> None:
    """One environment, no episode end: GAE, and its special cases lambda = 0 and lambda = 1."""
    _check_gae_case(fn, _gae_args(_EP_R, _EP_V, _EP_NV, _NO_FLAGS, _NO_FLAGS, 0.99, 0.95),
                    "one episode (gamma=0.99, lambda=0.95)")
    # lambda = 0 is the TD residual; lambda = 1 is the discounted return minus V(s_t).
    _check_gae_case(fn, _gae_args(_EP_R, _EP_V, _EP_NV, _NO_FLAGS, _NO_FLAGS, 0.9, 0.0),
                    "one episode with lambda=0 (must equal the TD residuals)")
    _check_gae_case(fn, _gae_args(_EP_R, _EP_V, _EP_NV, _NO_FLAGS, _NO_FLAGS, 0.9, 1.0),
                    "one episode with lambda=1 (Monte Carlo return minus V)")


@_register("compute_gae")
def check_compute_gae_episode_boundaries(fn) -> None:
    """An episode terminates inside the rollout: no advantage may look past its end."""
    r = [1.0, 0.5, 2.0, -10.0, 1.0, 1.0, 0.0, 3.0]
    v = [1.0, 2.0, 1.5, 0.5, 4.0, 3.5, 3.0, 2.0]
    nv = [2.0, 1.5, 0.5, 6.0, 3.5, 3.0, 2.0, 1.8]  # nv[3] = V(final obs), unused: terminated
    term = [0, 0, 0, 1, 0, 0, 0, 0]
    _check_gae_case(fn, _gae_args(r, v, nv, term, [0] * 8, 0.99, 0.95),
                    "a rollout where an episode terminates at t=3")
    term2 = [0, 1, 0, 0, 1, 0, 0, 1]
    _check_gae_case(fn, _gae_args(r, v, nv, term2, [0] * 8, 0.9, 0.9),
                    "a rollout with three episode ends (t=1, 4, 7)")


@_register("compute_gae")
def check_compute_gae_truncation(fn) -> None:
    """A time limit cuts the episode at t=2: bootstrap from V(final obs), but cut the recursion."""
    r = [1.0, 1.0, 1.0, 0.0, 2.0]
    v = [5.0, 5.0, 5.0, 0.5, 1.0]
    nv = [5.0, 5.0, 4.8, 1.0, 1.2]  # nv[2] = V(final observation) of the truncated episode
    trunc = [0, 0, 1, 0, 0]
    _check_gae_case(fn, _gae_args(r, v, nv, [0] * 5, trunc, 0.99, 0.95),
                    "a rollout truncated by a time limit at t=2")
    term = [0, 0, 0, 1, 0]
    _check_gae_case(fn, _gae_args(r, v, nv, term, trunc, 0.99, 0.95),
                    "a rollout truncated at t=2 and terminated at t=3")


@_register("compute_gae")
def check_compute_gae_batch(fn) -> None:
    """N = 3 environments side by side, (T, N) time-major, each with its own episode ends."""
    rng = _rng(3)
    T, N = 7, 3
    term, trunc = np.zeros((T, N)), np.zeros((T, N))
    term[2, 0] = term[5, 1] = 1.0
    trunc[4, 2] = 1.0
    _check_gae_case(fn, _gae_args(rng.normal(size=(T, N)).round(2), rng.normal(size=(T, N)).round(2),
                                  rng.normal(size=(T, N)).round(2), term, trunc, 0.99, 0.95),
                    "a (7, 3) rollout of three environments", index_names="t, n")


@_register("compute_gae")
def check_compute_gae_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random rollouts: shapes (T,) and (T, N), random flags, gamma and lambda, float32 inputs."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        shape = _rollout_shape(rng)
        r, v, nv = (rng.normal(0.0, 5.0, size=shape) for _ in _range(3))
        term = (rng.random(shape) < 0.1).astype(np.float64)
        trunc = ((rng.random(shape) < 0.1) & (term == 0)).astype(np.float64)
        dtype = np.float32 if rng.random() < 0.5 else np.float64
        gamma, lam = _float(rng.uniform(0.8, 1.0)), _float(rng.choice([0.0, 0.5, 0.9, 0.95, 1.0]))
        _check_gae_case(fn, _gae_args(r, v, nv, term, trunc, gamma, lam, dtype),
                        f"a random {shape} rollout (gamma={gamma:.3f}, lambda={lam})",
                        index_names="t" if _len(shape) == 1 else "t, n")


# =============================================================================================
# Lab 3: the ratio, the clipped surrogate, the value loss, the full PPO loss
# =============================================================================================

def _wrong_ratio_no_exp(new, old):
    return new - old


def _wrong_ratio_inverted(new, old):
    return torch.exp(old - new)


def _wrong_ratio_divide(new, old):
    return torch.exp(new) / torch.exp(old)


def _wrong_ratio_detached(new, old):
    return torch.exp(new - old).detach()


_mistake("probability_ratio", "no_exp", _wrong_ratio_no_exp,
         "this is the log-ratio: r = exp(log pi_new - log pi_old)")
_mistake("probability_ratio", "inverted", _wrong_ratio_inverted,
         "the ratio is inverted: r = pi_new / pi_old = exp(new_log_probs - old_log_probs)")
_mistake("probability_ratio", "divide", _wrong_ratio_divide,
         "exp(new) / exp(old) underflows to 0/0 = nan for very unlikely actions: compute "
         "exp(new_log_probs - old_log_probs)")


def _check_ratio_case(fn, new, old, what):
    def args():
        return (_const(new), _const(old))
    got = call_learner(fn, "probability_ratio", *args())
    assert_close(got, _ref_probability_ratio(*args()), what, index_names="sample",
                 function="probability_ratio", wrong=_known("probability_ratio", args))


@_register("probability_ratio")
def check_probability_ratio_value(fn) -> None:
    """Unchanged policy -> ratio 1; a more likely action -> ratio > 1, a less likely one < 1."""
    _check_ratio_case(fn, [-1.0, -0.5, -2.0], [-1.0, -0.5, -2.0], "the ratio of an unchanged policy")
    _check_ratio_case(fn, [-0.5, -2.0, -1.2], [-1.0, -1.0, -1.3], "probability_ratio")


@_register("probability_ratio")
def check_probability_ratio_stability(fn) -> None:
    """Very unlikely actions (log-probs near -800) must still give finite ratios."""
    _check_ratio_case(fn, [-800.0, -750.0], [-801.0, -750.5], "the ratio of very unlikely actions")


@_register("probability_ratio")
def check_probability_ratio_gradient(fn) -> None:
    """Gradients flow through the new log-probabilities: d r / d new = r."""
    new = _leaf([-0.5, -2.0, -1.2])
    old = _const([-1.0, -1.0, -1.3])
    out = call_learner(fn, "probability_ratio", new, old)
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (new,), "probability_ratio (summed)")
    if grad is None:
        raise _AssertionError("probability_ratio does not depend on new_log_probs")
    assert_close(grad, to_array(_ref_probability_ratio(_const([-0.5, -2.0, -1.2]), old), "r"),
                 "gradient of the ratio w.r.t. new_log_probs", index_names="sample",
                 hint="d exp(new - old) / d new = exp(new - old)")


@_register("probability_ratio")
def check_probability_ratio_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches of log-probabilities."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 200))
        old = -rng.exponential(1.5, size=b)
        new = old + rng.normal(0.0, 0.3, size=b)
        _check_ratio_case(fn, new.tolist(), old.tolist(), f"probability_ratio of a batch of {b}")


def _surrogate_terms(new, old, adv, eps):
    ratio = torch.exp(new - old)
    return ratio, ratio * adv, torch.clamp(ratio, 1 - eps, 1 + eps) * adv


def _wrong_clip_max(new, old, adv, eps):
    _, u, c = _surrogate_terms(new, old, adv, eps)
    return -torch.max(u, c).mean()


def _wrong_clip_advantage(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, ratio * torch.clamp(adv, -eps, eps)).mean()


def _wrong_clip_sign(new, old, adv, eps):
    return -_ref_clipped_surrogate_loss(new, old, adv, eps)


def _wrong_clip_sum(new, old, adv, eps):
    _, u, c = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, c).sum()


def _wrong_clip_only(new, old, adv, eps):
    _, _, c = _surrogate_terms(new, old, adv, eps)
    return -c.mean()


def _wrong_clip_no_exp(new, old, adv, eps):
    ratio = new - old
    return -torch.min(ratio * adv, torch.clamp(ratio, 1 - eps, 1 + eps) * adv).mean()


def _wrong_clip_inverted(new, old, adv, eps):
    return _ref_clipped_surrogate_loss(old, new, adv, eps)


def _wrong_clip_unclipped(new, old, adv, eps):
    _, u, _ = _surrogate_terms(new, old, adv, eps)
    return -u.mean()


def _wrong_clip_range(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, torch.clamp(ratio, -eps, eps) * adv).mean()


_mistake("clipped_surrogate_loss", "max", _wrong_clip_max,
         "the loss takes the max of the unclipped and clipped terms: Eq. 7 takes the *min* of "
         "r*A and clip(r)*A (a pessimistic bound), then the loss is its negative mean")
_mistake("clipped_surrogate_loss", "clip_advantage", _wrong_clip_advantage,
         "the advantage is clipped: Eq. 7 clips the *ratio* to [1 - eps, 1 + eps], never A")
_mistake("clipped_surrogate_loss", "sign", _wrong_clip_sign,
         "the sign is flipped: Eq. 7 is an objective to maximise, so the loss to minimise is "
         "-mean(min(r*A, clip(r)*A))")
_mistake("clipped_surrogate_loss", "sum", _wrong_clip_sum,
         "the loss sums over the batch: take the mean (E_t in Eq. 7), so the step size does not "
         "depend on the minibatch size")
_mistake("clipped_surrogate_loss", "clip_only", _wrong_clip_only,
         "only the clipped term is used: without the min, a step that made a good action much "
         "less likely (r < 1 - eps, A > 0) is never corrected; take min(r*A, clip(r)*A)")
_mistake("clipped_surrogate_loss", "no_exp", _wrong_clip_no_exp,
         "the ratio is the log-ratio: r = exp(new_log_probs - old_log_probs)")
_mistake("clipped_surrogate_loss", "inverted", _wrong_clip_inverted,
         "the ratio is inverted: r = exp(new_log_probs - old_log_probs), not old - new")
_mistake("clipped_surrogate_loss", "unclipped", _wrong_clip_unclipped,
         "nothing is clipped (this is the plain surrogate r*A): take "
         "min(r*A, clamp(r, 1 - eps, 1 + eps)*A)")
_mistake("clipped_surrogate_loss", "clip_range", _wrong_clip_range,
         "the ratio is clipped to [-eps, eps]: the clip range is [1 - eps, 1 + eps] around 1")

# A batch that exercises every case of Eq. 7 (eps = 0.2): ratio inside / above / below the clip
# range, each with a positive and a negative advantage.
_CASE_RATIOS = [1.05, 0.9, 1.5, 1.5, 0.5, 0.5, 1.0, 1.19]
_CASE_ADV = [1.0, -2.0, 2.0, -1.0, 1.5, -0.5, 0.3, -0.7]
_CASE_OLD = [-1.2, -0.7, -2.0, -1.5, -0.3, -2.5, -1.0, -0.9]


def _case_inputs(ratios, advs, olds):
    new = [math.log(r) + o for r, o in _zip(ratios, olds)]
    return new, olds, advs


def _check_clip_value_case(fn, new, old, adv, eps, what):
    def args():
        return (_const(new), _const(old), _const(adv), eps)
    got = call_learner(fn, "clipped_surrogate_loss", *args())
    assert_scalar_close(got, _float(_ref_clipped_surrogate_loss(*args())), what,
                        function="clipped_surrogate_loss",
                        wrong=_known("clipped_surrogate_loss", args))


def _check_clip_gradient(fn, ratios, advs, olds, eps, what):
    new_raw, old_raw, adv_raw = _case_inputs(ratios, advs, olds)
    new = _leaf(new_raw)
    out = call_learner(fn, "clipped_surrogate_loss", new, _const(old_raw), _const(adv_raw), eps)
    (grad,) = gradient_of(out, (new,), "clipped_surrogate_loss")
    ref_new = _leaf(new_raw)
    (ref,) = _autograd_grad(_ref_clipped_surrogate_loss(ref_new, _const(old_raw), _const(adv_raw),
                                                        eps), (ref_new,))
    ref = to_array(ref, "ref")
    if grad is None:
        raise _AssertionError("clipped_surrogate_loss does not depend on new_log_probs")
    ok = _close(grad, ref, RTOL, ATOL)
    if bool(_np_all(ok)):
        return
    # Name the case of Eq. 7 that went wrong, for the first wrong sample.
    i = _int(_np_argmax(~ok))
    r, a = ratios[i], advs[i]
    side = ("inside the clip range" if 1 - eps <= r <= 1 + eps
            else f"above 1 + eps = {1 + eps:g}" if r > 1 + eps else f"below 1 - eps = {1 - eps:g}")
    for impl, message in MISTAKES["clipped_surrogate_loss"].values():
        w = _gradient_of_impl(impl, new_raw, old_raw, adv_raw, eps)
        if w is not None and _matches(grad, w, RTOL, ATOL) and not _matches(ref, w, RTOL, ATOL):
            raise _AssertionError(f"{what} (sample {i}: ratio r={r:g} {side}, advantage "
                                  f"A={a:g}): {message}")
    if ref[i] == 0.0:
        reason = ("the clipped term is the smaller one here, so the objective is flat in r: the "
                  "gradient must be exactly 0 (take min(r*A, clamp(r, 1 - eps, 1 + eps)*A); "
                  "clamp the ratio, not the product or the advantage)")
    elif 1 - eps <= r <= 1 + eps:
        reason = ("inside the clip range Eq. 7 is the plain surrogate r*A, whose loss gradient "
                  "per sample is -A*r/B (mean over the batch)")
    else:
        reason = ("the *unclipped* term r*A is the smaller one here, so the min keeps it and the "
                  "gradient is -A*r/B, not 0: a step that moved the policy the wrong way must "
                  "always be corrected (use the min of both terms, not the clipped term alone)")
    raise _AssertionError(
        f"{what}: the gradient for sample {i} (ratio r={r:g} {side}, advantage A={a:g}) is "
        f"{_fmt(_float(grad[i]))}, expected {_fmt(_float(ref[i]))}: {reason}"
    )


def _gradient_of_impl(impl, new_raw, old_raw, adv_raw, eps):
    """Gradient of a known-wrong loss w.r.t. the new log-probs, or None if it has none."""
    try:
        new = _leaf(new_raw)
        out = impl(new, _const(old_raw), _const(adv_raw), eps)
        (g,) = _autograd_grad(out, (new,), allow_unused=True)
        return None if g is None else to_array(g, "g")
    except _Exception:
        return None


@_register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_value(fn) -> None:
    """The loss on a batch covering every case of Eq. 7, and at ratio 1 (= -mean(A))."""
    new, old, adv = _case_inputs(_CASE_RATIOS, _CASE_ADV, _CASE_OLD)
    _check_clip_value_case(fn, new, old, adv, 0.2, "clipped_surrogate_loss (eps=0.2)")
    _check_clip_value_case(fn, new, old, adv, 0.1, "clipped_surrogate_loss (eps=0.1)")
    _check_clip_value_case(fn, old, old, adv, 0.2,
                           "clipped_surrogate_loss at ratio 1 (must equal -mean(A))")


@_register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_gradient_inside(fn) -> None:
    """Inside [1 - eps, 1 + eps], for both signs of A, the gradient is that of -mean(r*A)."""
    _check_clip_gradient(fn, [1.05, 0.9, 1.15, 0.85], [1.0, 1.5, -2.0, -0.5],
                         [-1.0, -0.5, -2.0, -1.5], 0.2,
                         "clipped_surrogate_loss gradient inside the clip range")


@_register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_gradient_positive_advantage(fn) -> None:
    """A > 0 outside the clip range: zero gradient above 1 + eps, full gradient below 1 - eps."""
    _check_clip_gradient(fn, [1.5, 1.3, 0.5, 0.7], [2.0, 0.5, 1.0, 3.0],
                         [-1.0, -0.5, -2.0, -1.5], 0.2,
                         "clipped_surrogate_loss gradient for positive advantages")


@_register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_gradient_negative_advantage(fn) -> None:
    """A < 0 outside the clip range: zero gradient below 1 - eps, full gradient above 1 + eps."""
    _check_clip_gradient(fn, [0.5, 0.7, 1.5, 1.3], [-2.0, -0.5, -1.0, -3.0],
                         [-1.0, -0.5, -2.0, -1.5], 0.2,
                         "clipped_surrogate_loss gradient for negative advantages")


@_register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random batches: values and gradients, eps in [0.1, 0.3]."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 200))
        old = -rng.exponential(1.5, size=b)
        ratios = np.exp(rng.normal(0.0, 0.4, size=b))
        adv = rng.normal(0.0, 1.0, size=b)
        eps = _float(rng.choice([0.1, 0.2, 0.3]))
        new = (np.log(ratios) + old).tolist()
        _check_clip_value_case(fn, new, old.tolist(), adv.tolist(), eps,
                               f"clipped_surrogate_loss of a random batch of {b} (eps={eps})")
        _check_clip_gradient(fn, ratios.tolist(), adv.tolist(), old.tolist(), eps,
                             f"clipped_surrogate_loss gradient on a random batch of {b}")


def _wrong_vl_sum(values, returns):
    return ((values - returns) ** 2).sum()


def _wrong_vl_abs(values, returns):
    return (values - returns).abs().mean()


def _wrong_vl_half(values, returns):
    return 0.5 * ((values - returns) ** 2).mean()


def _wrong_vl_no_square(values, returns):
    return (values - returns).mean()


_mistake("value_loss", "sum", _wrong_vl_sum,
         "the squared errors are summed: take their mean over the batch")
_mistake("value_loss", "abs", _wrong_vl_abs,
         "this is the mean absolute error: L^VF squares the error, (V(s) - V^targ)^2")
_mistake("value_loss", "half", _wrong_vl_half,
         "there is an extra factor 1/2: this course's L^VF is mean((V - V^targ)^2); the "
         "weight c1 (vf_coef) scales it in the full loss")
_mistake("value_loss", "no_square", _wrong_vl_no_square,
         "the errors are not squared, so positive and negative errors cancel: "
         "mean((V - V^targ)^2)")


def _check_vl_case(fn, values, returns, what):
    def args():
        return (_const(values), _const(returns))
    got = call_learner(fn, "value_loss", *args())
    assert_scalar_close(got, _float(_ref_value_loss(*args())), what, function="value_loss",
                        wrong=_known("value_loss", args))


@_register("value_loss")
def check_value_loss_value(fn) -> None:
    """Mean squared error: perfect predictions give 0; [1, 2] vs [0, 4] gives (1 + 4)/2 = 2.5."""
    _check_vl_case(fn, [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "value_loss of perfect predictions")
    _check_vl_case(fn, [1.0, 2.0], [0.0, 4.0], "value_loss([1, 2], [0, 4])")
    _check_vl_case(fn, [10.0, -3.0, 0.5, 2.0], [8.0, -1.0, 0.0, 2.5], "value_loss of four samples")


@_register("value_loss")
def check_value_loss_gradient(fn) -> None:
    """d L / d V_i = 2 (V_i - R_i) / B: the critic is pulled towards its targets."""
    raw_v, raw_r = [1.0, 2.0, -0.5, 4.0], [0.0, 4.0, -0.5, 3.0]
    values = _leaf(raw_v)
    out = call_learner(fn, "value_loss", values, _const(raw_r))
    (grad,) = gradient_of(out, (values,), "value_loss")
    if grad is None:
        raise _AssertionError("value_loss does not depend on values")
    expected = [2.0 * (v - r) / 4.0 for v, r in _zip(raw_v, raw_r)]
    assert_close(grad, _np_array(expected), "gradient of value_loss w.r.t. values",
                 index_names="sample", hint="L^VF = mean((V - R)^2), so dL/dV_i = 2(V_i - R_i)/B")


@_register("value_loss")
def check_value_loss_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches of predictions and targets."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 300))
        values = rng.normal(0.0, 30.0, size=b)
        returns = values + rng.normal(0.0, 10.0, size=b)
        _check_vl_case(fn, values.tolist(), returns.tolist(), f"value_loss of a batch of {b}")


def _wrong_ppo_entropy_added(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (_ref_clipped_surrogate_loss(new, old, adv, eps) + c1 * _ref_value_loss(values, returns)
            + c2 * entropy.mean())


def _wrong_ppo_value_subtracted(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (_ref_clipped_surrogate_loss(new, old, adv, eps) - c1 * _ref_value_loss(values, returns)
            - c2 * entropy.mean())


def _wrong_ppo_no_vf_coef(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (_ref_clipped_surrogate_loss(new, old, adv, eps) + _ref_value_loss(values, returns)
            - c2 * entropy.mean())


def _wrong_ppo_entropy_sum(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (_ref_clipped_surrogate_loss(new, old, adv, eps) + c1 * _ref_value_loss(values, returns)
            - c2 * entropy.sum())


def _wrong_ppo_swapped_coefs(new, old, adv, values, returns, entropy, eps, c1, c2):
    return _ref_ppo_loss(new, old, adv, values, returns, entropy, eps, c2, c1)


_mistake("ppo_loss", "entropy_added", _wrong_ppo_entropy_added,
         "the entropy bonus is added to the loss, which *penalises* exploration: Eq. 9 adds "
         "c2*S to the objective, so the loss subtracts ent_coef * entropy.mean()")
_mistake("ppo_loss", "value_subtracted", _wrong_ppo_value_subtracted,
         "the value loss is subtracted, which would push the critic away from its targets: the "
         "loss adds vf_coef * value_loss")
_mistake("ppo_loss", "no_vf_coef", _wrong_ppo_no_vf_coef,
         "the value loss is not weighted by vf_coef (c1 in Eq. 9)")
_mistake("ppo_loss", "entropy_sum", _wrong_ppo_entropy_sum,
         "the entropy is summed over the batch: the bonus uses its mean")
_mistake("ppo_loss", "swapped_coefs", _wrong_ppo_swapped_coefs,
         "vf_coef and ent_coef are swapped: c1 (vf_coef) weights the value loss, c2 (ent_coef) "
         "the entropy")


_PPO_NEW, _PPO_OLD, _PPO_ADV = _case_inputs(_CASE_RATIOS, _CASE_ADV, _CASE_OLD)
_PPO_V = [1.0, 2.0, -0.5, 4.0, 0.0, 1.5, 3.0, -2.0]
_PPO_R = [0.5, 2.5, 0.0, 3.0, 0.2, 1.0, 2.0, -1.0]
_PPO_S = [1.2, 1.0, 1.38, 0.4, 0.9, 1.1, 0.7, 0.3]


def _ppo_args(eps, c1, c2, new=None):
    def args():
        return (_const(new or _PPO_NEW), _const(_PPO_OLD), _const(_PPO_ADV), _const(_PPO_V),
                _const(_PPO_R), _const(_PPO_S), eps, c1, c2)
    return args


def _check_ppo_case(fn, args, what):
    got = call_learner(fn, "ppo_loss", *args())
    assert_scalar_close(
        got, _float(_ref_ppo_loss(*args())), what, function="ppo_loss",
        wrong=_known("ppo_loss", args),
        hint="ppo_loss = clipped_surrogate_loss + vf_coef * value_loss - ent_coef * entropy.mean(); "
             "it calls your clipped_surrogate_loss and value_loss, so make their tests pass first")


@_register("ppo_loss")
def check_ppo_loss_value(fn) -> None:
    """The full loss with the paper's coefficients (eps 0.2, c1 0.5, c2 0.01) and others."""
    _check_ppo_case(fn, _ppo_args(0.2, 0.5, 0.01), "ppo_loss (eps=0.2, vf_coef=0.5, ent_coef=0.01)")
    _check_ppo_case(fn, _ppo_args(0.1, 1.0, 0.05), "ppo_loss (eps=0.1, vf_coef=1.0, ent_coef=0.05)")


@_register("ppo_loss")
def check_ppo_loss_terms(fn) -> None:
    """Each term alone: only the surrogate, then the value term, then the entropy bonus."""
    _check_ppo_case(fn, _ppo_args(0.2, 0.0, 0.0),
                    "ppo_loss with vf_coef=0 and ent_coef=0 (must equal the clipped loss)")
    _check_ppo_case(fn, _ppo_args(0.2, 2.0, 0.0), "ppo_loss with vf_coef=2 and ent_coef=0")
    _check_ppo_case(fn, _ppo_args(0.2, 0.0, 0.5), "ppo_loss with vf_coef=0 and ent_coef=0.5")


@_register("ppo_loss")
def check_ppo_loss_gradient(fn) -> None:
    """Gradients reach the policy (new log-probs), the critic (values) and the entropy."""
    leaves = [_leaf(_PPO_NEW), _leaf(_PPO_V), _leaf(_PPO_S)]
    out = call_learner(fn, "ppo_loss", leaves[0], _const(_PPO_OLD), _const(_PPO_ADV), leaves[1],
                       _const(_PPO_R), leaves[2], 0.2, 0.5, 0.01)
    grads = gradient_of(out, _tuple(leaves), "ppo_loss")
    ref_leaves = [_leaf(_PPO_NEW), _leaf(_PPO_V), _leaf(_PPO_S)]
    ref = _autograd_grad(_ref_ppo_loss(ref_leaves[0], _const(_PPO_OLD), _const(_PPO_ADV),
                                       ref_leaves[1], _const(_PPO_R), ref_leaves[2], 0.2, 0.5,
                                       0.01), _tuple(ref_leaves))
    for name, g, r in _zip(("new_log_probs", "values", "entropy"), grads, ref):
        if g is None:
            raise _AssertionError(f"ppo_loss does not depend on {name}: every term of Eq. 9 "
                                  f"must reach the loss")
        assert_close(g, to_array(r, "ref"), f"gradient of ppo_loss w.r.t. {name}",
                     index_names="sample")


@_register("ppo_loss")
def check_ppo_loss_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches and coefficients."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 100))
        old = -rng.exponential(1.5, size=b)
        new = old + rng.normal(0.0, 0.4, size=b)
        adv, v = rng.normal(0.0, 1.0, size=b), rng.normal(0.0, 10.0, size=b)
        ret, ent = v + rng.normal(0.0, 3.0, size=b), rng.uniform(0.0, _log(4.0), size=b)
        eps, c1, c2 = (_float(rng.choice([0.1, 0.2, 0.3])), _float(rng.choice([0.5, 1.0])),
                       _float(rng.choice([0.0, 0.01, 0.1])))

        def args(new=new, old=old, adv=adv, v=v, ret=ret, ent=ent, eps=eps, c1=c1, c2=c2):
            return (_const(new.tolist()), _const(old.tolist()), _const(adv.tolist()),
                    _const(v.tolist()), _const(ret.tolist()), _const(ent.tolist()), eps, c1, c2)
        _check_ppo_case(fn, args, f"ppo_loss of a random batch of {b} (eps={eps}, vf_coef={c1}, "
                                  f"ent_coef={c2})")


# =============================================================================================
# Labs 4 and 5: append one section per function below, following the pattern above.
# =============================================================================================
