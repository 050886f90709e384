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


# =============================================================================================
# Lab 4: normalize_advantages, minibatch_indices, ppo_update
# =============================================================================================
# The update's checks run the learner's ppo_update on a tiny fixed actor-critic and batch, with
# a spy loss_fn (records what each minibatch sees) and a spy optimiser (counts steps and reads
# the gradient norm at each step). They check behaviour, not exact numbers, so any correct order
# of operations and any way of averaging the diagnostics passes.

from ppo_core.config import PPOConfig as _PPOConfig
from ppo_core.diagnostics import approx_kl as _ref_approx_kl
from ppo_core.diagnostics import clip_fraction as _ref_clip_fraction
from ppo_core.diagnostics import explained_variance as _ref_explained_variance
from ppo_core.networks import ActorCritic as _ActorCritic

_t_randperm, _t_randn, _t_manual_seed, _t_cat = (
    torch.randperm, torch.randn, torch.manual_seed, torch.cat,
)
_t_generator, _t_is_grad_enabled = torch.Generator, torch.is_grad_enabled
_t_arange, _t_stack = torch.arange, torch.stack
_SGD = torch.optim.SGD
_np_mean, _np_std, _np_var, _np_sort, _np_arange = np.mean, np.std, np.var, np.sort, np.arange
_np_concatenate, _np_array_equal = np.concatenate, np.array_equal


def _wrong_norm_no_mean(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor(a / (a.std() + eps))


def _wrong_norm_no_std(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor(a - a.mean())


def _wrong_norm_variance(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor((a - a.mean()) / (a.var() + eps))


def _wrong_norm_max(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor(a / (np.abs(a).max() + eps))


_mistake("normalize_advantages", "no_mean", _wrong_norm_no_mean,
         "the mean is not subtracted: (A - mean(A)) / (std(A) + eps) has mean 0, so that about "
         "half the actions are pushed up and half down")
_mistake("normalize_advantages", "no_std", _wrong_norm_no_std,
         "the advantages are centred but not divided by their standard deviation: the gradient "
         "would still scale with the rewards")
_mistake("normalize_advantages", "variance", _wrong_norm_variance,
         "the advantages are divided by their variance, not their standard deviation "
         "(std = sqrt(var))")
_mistake("normalize_advantages", "max", _wrong_norm_max,
         "the advantages are divided by their largest absolute value: normalise to mean 0 and "
         "std 1 instead")


def _wrong_norm_no_mean_sample(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor(a / (a.std(ddof=1) + eps))


def _wrong_norm_variance_sample(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor((a - a.mean()) / (a.var(ddof=1) + eps))


# The same two mistakes with torch's default (sample) std/var, which is what a learner writing
# `advantages.std()` gets: without these, only the numpy (population) versions were diagnosed.
_mistake("normalize_advantages", "no_mean_sample", _wrong_norm_no_mean_sample,
         MISTAKES["normalize_advantages"]["no_mean"][1])
_mistake("normalize_advantages", "variance_sample", _wrong_norm_variance_sample,
         MISTAKES["normalize_advantages"]["variance"][1])


def _check_norm_case(fn, values, what, dtype=None):
    def args():
        return (_const(values, dtype=dtype),)
    got = call_learner(fn, "normalize_advantages", *args())
    if not _isinstance(got, _Tensor):
        raise _AssertionError(
            f"{what}: normalize_advantages returned a {_type(got).__name__}; return a torch "
            f"tensor, because ppo_update feeds the result straight into the torch loss"
        )
    a = to_array(got, what)
    x = _np_array(values, dtype=_f64)
    # Either standard deviation is correct (torch's .std() is the sample one, numpy's the
    # population one); eps is negligible next to it here.
    candidates = [(x - x.mean()) / (x.std(ddof=ddof) + 1e-8) for ddof in (0, 1)]
    if _any_match(a, candidates, 1e-3, 1e-5):
        return
    assert_close(a, candidates[1], what, function="normalize_advantages",
                 wrong=_known("normalize_advantages", args), index_names="sample",
                 rtol=1e-3, atol=1e-5,
                 hint="(A - mean(A)) / (std(A) + eps), over the tensor you are given")


def _any_match(a, candidates, rtol, atol) -> bool:
    return any(_matches(a, c, rtol, atol) for c in candidates)


@_register("normalize_advantages")
def check_normalize_advantages_statistics(fn) -> None:
    """Mean 0 and std 1 after normalising, in float64 and float32, whatever the scale."""
    _check_norm_case(fn, [1.0, 2.0, 3.0, 4.0, 10.0], "normalize_advantages([1, 2, 3, 4, 10])")
    _check_norm_case(fn, [-120.0, 35.0, 80.0, -5.0, 0.0, 250.0],
                     "normalize_advantages of LunarLander-sized advantages")
    _check_norm_case(fn, [0.001, -0.002, 0.0005, 0.003], "normalize_advantages of tiny advantages",
                     dtype=_t_float32)


@_register("normalize_advantages")
def check_normalize_advantages_constant(fn) -> None:
    """A constant minibatch must not divide by zero (that is what eps is for)."""
    for values in ([3.0, 3.0, 3.0, 3.0], [0.0, 0.0], [5.0]):
        got = to_array(call_learner(fn, "normalize_advantages", _const(values)),
                       f"normalize_advantages({values})")
        if not bool(_np_all(_np_isfinite(got))):
            hint = ("the standard deviation of a single sample is undefined (torch's .std() "
                    "returns nan): return A - mean(A), i.e. 0, when there is only one sample"
                    if _len(values) == 1 else
                    "the standard deviation is 0 here: add eps to it before dividing")
            raise _AssertionError(f"normalize_advantages({values}) returned {got.tolist()}: {hint}")
        if not bool(_np_all(_np_abs(got) < 1e-3)):
            raise _AssertionError(
                f"normalize_advantages({values}) returned {got.tolist()}: equal advantages carry "
                f"no preference between actions, so every one normalises to 0"
            )


@_register("normalize_advantages")
def check_normalize_advantages_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random minibatches of 2 to 500 advantages at scales from 0.01 to 1000."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(2, 500))
        x = rng.normal(rng.normal(0.0, 10.0), 10.0 ** rng.uniform(-2, 3), size=b)
        _check_norm_case(fn, x.tolist(), f"normalize_advantages of a random batch of {b}")


def _minibatches(fn, batch_size, minibatch_size, *extra):
    what = f"minibatch_indices({batch_size}, {minibatch_size})"
    got = call_learner(fn, "minibatch_indices", batch_size, minibatch_size, *extra)
    if got is None:
        raise _AssertionError(f"{what} returned None: return the list of minibatches")
    try:
        parts = [to_array(p, f"a minibatch of {what}").reshape(-1) for p in got]
    except TypeError:
        raise _AssertionError(f"{what} should return a list of index tensors, got "
                              f"{_type(got).__name__}") from None
    for p in parts:
        if p.size and not bool(_np_all(p == p.round())):
            raise _AssertionError(f"{what}: minibatches must hold integer indices, got {p[:5]}")
    return what, parts


def _check_partition(what, parts, batch_size, minibatch_size):
    everything = _np_concatenate(parts) if parts else _np_array([])
    if everything.size != batch_size or not _np_array_equal(_np_sort(everything),
                                                            _np_arange(batch_size)):
        raise _AssertionError(
            f"{what}: the minibatches together hold {everything.size} indices but must hold each "
            f"of 0..{batch_size - 1} exactly once, so that every sample is used once per epoch "
            f"(do not drop the remainder, do not sample with replacement)"
        )
    expected = -(-batch_size // minibatch_size)
    if _len(parts) != expected or _max(p.size for p in parts) > minibatch_size:
        raise _AssertionError(
            f"{what} returned {_len(parts)} minibatches of sizes {[p.size for p in parts]}: "
            f"expected {expected} minibatches of at most {minibatch_size} indices"
        )


@_register("minibatch_indices")
def check_minibatch_indices_partition(fn) -> None:
    """64 samples in minibatches of 16: four minibatches that together hold 0..63 once each."""
    what, parts = _minibatches(fn, 64, 16)
    _check_partition(what, parts, 64, 16)
    if _any(p.size != 16 for p in parts):
        raise _AssertionError(f"{what}: every minibatch should hold 16 indices, got "
                              f"{[p.size for p in parts]}")


def _any(iterable) -> bool:
    for x in iterable:
        if x:
            return True
    return False


@_register("minibatch_indices")
def check_minibatch_indices_uneven(fn) -> None:
    """10 samples in minibatches of 4: sizes 4, 4, 2; a minibatch as large as the batch."""
    what, parts = _minibatches(fn, 10, 4)
    _check_partition(what, parts, 10, 4)
    what, parts = _minibatches(fn, 7, 7)
    _check_partition(what, parts, 7, 7)


@_register("minibatch_indices")
def check_minibatch_indices_shuffled(fn) -> None:
    """A fresh random order every call; a seeded generator reproduces it."""
    what, first = _minibatches(fn, 1000, 250)
    _, second = _minibatches(fn, 1000, 250)
    if _np_array_equal(first[0], _np_arange(250)):
        raise _AssertionError(
            f"{what}: the first minibatch is 0..249, the samples in rollout order; shuffle them "
            f"(e.g. torch.randperm) so that correlated consecutive steps are spread out"
        )
    if _np_array_equal(_np_concatenate(first), _np_concatenate(second)):
        raise _AssertionError(f"{what} returned the same order twice: draw a new permutation "
                              f"on every call (every epoch)")
    _, a = _minibatches(fn, 100, 10, _t_manual_seed_gen(7))
    _, b = _minibatches(fn, 100, 10, _t_manual_seed_gen(7))
    if not _np_array_equal(_np_concatenate(a), _np_concatenate(b)):
        raise _AssertionError(
            "minibatch_indices(100, 10, generator) gave different orders for two generators "
            "seeded alike: pass generator to torch.randperm(batch_size, generator=generator)"
        )


def _t_manual_seed_gen(seed: int):
    g = _t_generator()
    g.manual_seed(seed)
    return g


# --- ppo_update -------------------------------------------------------------------------------

_UPDATE_KEYS = ("losses/policy_loss", "losses/value_loss", "losses/entropy", "losses/approx_kl",
                "losses/old_approx_kl", "losses/clipfrac", "losses/explained_variance",
                "losses/epochs")


class _SpyOptimizer(_SGD):
    """Plain SGD (its step is proportional to the gradient, unlike Adam's, so clipping shows)
    that records, at every step, the global norm of the gradients it is about to apply."""

    def __init__(self, params, lr):
        super().__init__(params, lr=lr)
        self.grad_norms: list[float] = []

    def step(self, closure=None):
        total = 0.0
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    total += _float((p.grad.detach().double() ** 2).sum())
        self.grad_norms.append(total ** 0.5)
        return super().step(closure)


class _SpyLoss:
    """A loss_fn that records what ppo_update passes it and returns the reference ppo_loss."""

    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, new_log_probs, old_log_probs, advantages, values, returns, entropy,
                 clip_eps, vf_coef, ent_coef):
        self.calls.append({
            "new": to_array(new_log_probs, "new_log_probs"),
            "new_requires_grad": _isinstance(new_log_probs, _Tensor) and new_log_probs.requires_grad,
            "old": to_array(old_log_probs, "old_log_probs"),
            "adv": to_array(advantages, "advantages"),
            "returns": to_array(returns, "returns"),
            "clip_eps": clip_eps,
        })
        return _ref_ppo_loss(new_log_probs, old_log_probs, advantages, values, returns, entropy,
                             clip_eps, vf_coef, ent_coef)


def _update_setup(seed: int = 0, batch_size: int = 64, **overrides):
    """A tiny actor-critic (4 observations, 3 actions), a batch collected from it and a config.

    ``returns`` are distinct numbers (sample i has return 10 + i) so that the spy loss can tell
    which samples each minibatch holds; advantages have mean 3 and std 5 (not normalised yet).
    """
    import gymnasium as gym

    _t_manual_seed(seed)
    policy = _ActorCritic(4, gym.spaces.Discrete(3), hidden=8)
    obs = _t_randn(batch_size, 4)
    with _no_grad():
        actions, log_probs, _, values = policy.get_action_and_value(obs)
    rng = _rng(seed)
    batch = {
        "obs": obs,
        "actions": actions,
        "log_probs": log_probs,
        "advantages": _t_tensor(rng.normal(3.0, 5.0, size=batch_size), dtype=_t_float32),
        "returns": _t_tensor(10.0 + _np_arange(batch_size), dtype=_t_float32),
        "values": values,
    }
    settings = {"update_epochs": 3, "num_minibatches": 4, "clip_coef": 0.2, "clip_vloss": False,
                "norm_adv": True, "ent_coef": 0.01, "vf_coef": 0.5, "max_grad_norm": 0.5,
                "target_kl": None}
    settings.update(overrides)
    return policy, batch, _PPOConfig(**settings)


def _run_update(fn, seed=0, batch_size=64, lr=0.05, **overrides):
    policy, batch, config = _update_setup(seed, batch_size, **overrides)
    before = [p.detach().clone() for p in policy.parameters()]
    optimizer = _SpyOptimizer(policy.parameters(), lr=lr)
    spy = _SpyLoss()
    stats = call_learner(fn, "ppo_update", policy, optimizer, batch, config, spy)
    if not spy.calls:
        raise _AssertionError(
            "ppo_update never called loss_fn: compute each minibatch's loss with "
            "loss_fn(new_log_probs, old_log_probs, advantages, new_values, returns, entropy, "
            "config.clip_coef, config.vf_coef, config.ent_coef) -- the hook through which "
            "Lab 4 plugs in your own ppo_loss (and config.clip_vloss is False here)"
        )
    changed = _any(not bool((p.detach() == b).all()) for p, b in _zip(policy.parameters(), before))
    return stats, spy, optimizer, batch, config, changed


def _ids(call) -> np.ndarray:
    return (call["returns"] - 10.0).round()


@_register("ppo_update")
def check_ppo_update_steps(fn) -> None:
    """3 epochs x 4 minibatches = 12 gradient steps, one per loss; the parameters move."""
    _, spy, optimizer, _, config, changed = _run_update(fn)
    expected = config.update_epochs * config.num_minibatches
    if _len(optimizer.grad_norms) != expected:
        raise _AssertionError(
            f"ppo_update took {_len(optimizer.grad_norms)} optimizer steps with update_epochs=3 "
            f"and num_minibatches=4: expected {expected}, one optimizer.step() per minibatch per "
            f"epoch (the seed workshop's update took one full-batch step per epoch)"
        )
    if _len(spy.calls) != expected:
        raise _AssertionError(
            f"ppo_update computed the loss {_len(spy.calls)} times for {expected} steps: compute "
            f"one loss per minibatch, on that minibatch only"
        )
    sizes = sorted({c["returns"].size for c in spy.calls})
    if sizes != [16]:
        raise _AssertionError(
            f"ppo_update's minibatches had sizes {sizes}; with 64 samples and num_minibatches=4 "
            f"each minibatch holds 64 // 4 = 16 samples"
        )
    if not changed:
        raise _AssertionError("the policy's parameters did not change: call loss.backward() and "
                              "optimizer.step() (after optimizer.zero_grad())")


@_register("ppo_update")
def check_ppo_update_minibatches(fn) -> None:
    """Every epoch visits every sample exactly once, in a new random order."""
    _, spy, _, _, config, _ = _run_update(fn)
    m = config.num_minibatches
    orders = []
    for epoch in _range(config.update_epochs):
        ids = _np_concatenate([_ids(c) for c in spy.calls[epoch * m:(epoch + 1) * m]])
        if not _np_array_equal(_np_sort(ids), _np_arange(64)):
            raise _AssertionError(
                f"in epoch {epoch + 1} the minibatches did not hold each of the 64 samples "
                f"exactly once: use minibatch_indices(batch_size, minibatch_size) every epoch "
                f"and index every batch array with the same indices"
            )
        orders.append(ids)
    if _np_array_equal(orders[0], _np_arange(64)):
        raise _AssertionError("the first epoch visits the samples in rollout order: shuffle them "
                              "(minibatch_indices) so that minibatches mix time steps and envs")
    if _np_array_equal(orders[0], orders[1]):
        raise _AssertionError("two epochs visited the samples in the same order: draw new "
                              "minibatch indices at the start of every epoch")


@_register("ppo_update")
def check_ppo_update_first_ratio(fn) -> None:
    """On the first minibatch the policy is still pi_old: ratio 1; later it has moved."""
    _, spy, _, batch, _, _ = _run_update(fn)
    first = spy.calls[0]
    old_batch = to_array(batch["log_probs"], "batch log_probs")[_ids(first).astype(_int)]
    if not bool(_np_all(_np_abs(first["old"] - old_batch) < 1e-5)):
        raise _AssertionError(
            "the old_log_probs passed to the loss are not batch['log_probs'] of the minibatch's "
            "samples: the old log-probabilities are the ones stored at collection time, sliced "
            "with the minibatch indices -- never recomputed"
        )
    if not bool(_np_all(_np_abs(first["new"] - first["old"]) < 1e-4)):
        raise _AssertionError(
            "on the very first minibatch the new log-probabilities differ from the old ones, so "
            "the ratio is not 1: evaluate the stored actions batch['actions'][mb] on the stored "
            "observations batch['obs'][mb] with policy.get_action_and_value(obs, actions)"
        )
    if not first["new_requires_grad"]:
        raise _AssertionError(
            "the new log-probabilities passed to the loss carry no gradient: compute them with "
            "the policy inside ppo_update, outside torch.no_grad(), so the loss can backpropagate"
        )
    moved = _max(_float(_np_abs(c["new"] - c["old"]).max()) for c in spy.calls[1:])
    if moved < 1e-6:
        raise _AssertionError(
            "the ratio stayed exactly 1 in every minibatch: re-evaluate the policy on every "
            "minibatch (after the previous optimizer steps) instead of reusing log-probabilities"
        )


@_register("ppo_update")
def check_ppo_update_normalization(fn) -> None:
    """With norm_adv each minibatch's advantages have mean 0, std 1; without, they are raw."""
    _, spy, _, batch, _, _ = _run_update(fn)
    raw = to_array(batch["advantages"], "batch advantages")
    for k, call in _enumerate(spy.calls):
        adv = call["adv"]
        if _abs(_float(adv.mean())) > 1e-4 or not (0.9 < _float(adv.std()) < 1.1):
            whole = (raw - raw.mean()) / raw.std(ddof=1)
            if _np_all(_np_abs(adv - whole[_ids(call).astype(_int)]) < 1e-4):
                raise _AssertionError(
                    "the advantages are normalised over the whole batch, not per minibatch: "
                    "normalise mb_advantages (the minibatch's slice) inside the minibatch loop"
                )
            raise _AssertionError(
                f"with config.norm_adv=True the advantages passed to the loss in minibatch "
                f"{k + 1} have mean {_fmt(_float(adv.mean()))} and std {_fmt(_float(adv.std()))}: "
                f"apply normalize_advantages to each minibatch's advantages"
            )
    _, spy, _, batch, _, _ = _run_update(fn, norm_adv=False)
    for call in spy.calls:
        if not bool(_np_all(_np_abs(call["adv"] - raw[_ids(call).astype(_int)]) < 1e-4)):
            raise _AssertionError(
                "with config.norm_adv=False the loss must get the raw advantages of the "
                "minibatch: normalise only when config.norm_adv is True"
            )


@_register("ppo_update")
def check_ppo_update_grad_clipping(fn) -> None:
    """Every step applies a gradient of global norm <= max_grad_norm."""
    max_norm = 0.01
    _, _, optimizer, _, _, _ = _run_update(fn, max_grad_norm=max_norm)
    worst = _max(optimizer.grad_norms)
    if worst > max_norm * (1 + 1e-3) + 1e-7:
        raise _AssertionError(
            f"with max_grad_norm={max_norm} a step applied a gradient of norm {_fmt(worst)}: call "
            f"nn.utils.clip_grad_norm_(policy.parameters(), config.max_grad_norm) after "
            f"loss.backward() and before optimizer.step()"
        )
    if _min(optimizer.grad_norms) == 0.0:
        raise _AssertionError("a step applied a zero gradient: call loss.backward() before "
                              "optimizer.step(), and optimizer.zero_grad() before backward")


@_register("ppo_update")
def check_ppo_update_stats(fn) -> None:
    """The returned dict has CleanRL's keys with sensible values."""
    stats, _, _, batch, config, _ = _run_update(fn)
    if not _isinstance(stats, dict):
        raise _AssertionError(f"ppo_update returned {_type(stats).__name__}; return a dict of "
                              f"diagnostics with CleanRL's keys {_list(_UPDATE_KEYS)}")
    missing = [k for k in _UPDATE_KEYS if k not in stats]
    if missing:
        raise _AssertionError(f"ppo_update's result lacks the keys {missing}")
    values = {k: to_float(stats[k], f"stats['{k}']") for k in _UPDATE_KEYS}
    for k, v in values.items():
        if not _isfinite(v):
            raise _AssertionError(f"stats['{k}'] is {v}: it should be a finite number")
    if values["losses/approx_kl"] < -1e-7:
        raise _AssertionError("stats['losses/approx_kl'] is negative: use approx_kl(...), the "
                              "estimator that is never negative")
    if not 0.0 <= values["losses/clipfrac"] <= 1.0:
        raise _AssertionError("stats['losses/clipfrac'] must be a fraction in [0, 1]")
    if not 0.0 <= values["losses/entropy"] <= _log(3.0) + 1e-4:
        raise _AssertionError(f"stats['losses/entropy'] = {_fmt(values['losses/entropy'])} is "
                              f"outside [0, ln 3] for 3 actions: report the mean entropy")
    if values["losses/epochs"] != config.update_epochs:
        raise _AssertionError(f"stats['losses/epochs'] = {values['losses/epochs']}, but all "
                              f"{config.update_epochs} epochs ran (target_kl is None)")
    ev = _ref_explained_variance(batch["values"], batch["returns"])
    if _abs(values["losses/explained_variance"] - ev) > 1e-4 * _max(1.0, _abs(ev)):
        raise _AssertionError(
            "stats['losses/explained_variance'] should be explained_variance(batch['values'], "
            "batch['returns']): how well the critic that collected the data predicted the returns"
        )


@_register("ppo_update")
def check_ppo_update_target_kl(fn) -> None:
    """With a tiny target_kl the update stops during (or at the end of) the first epoch."""
    stats, _, optimizer, _, config, _ = _run_update(fn, target_kl=1e-9, lr=0.2)
    steps = _len(optimizer.grad_norms)
    if steps > config.num_minibatches:
        raise _AssertionError(
            f"with target_kl=1e-9 ppo_update still took {steps} steps: after each minibatch (or "
            f"epoch), stop the epochs once approx_kl(new_log_probs, old_log_probs) > "
            f"config.target_kl"
        )
    if not _isinstance(stats, dict) or "losses/epochs" not in stats:
        raise _AssertionError("ppo_update's result must be a dict with the key 'losses/epochs': "
                              "the number of epochs that ran")
    epochs = to_float(stats["losses/epochs"], "stats['losses/epochs']")
    if epochs != 1:
        raise _AssertionError(f"stats['losses/epochs'] = {epochs} after stopping early in the "
                              f"first epoch: report the number of epochs that ran, 1 here")


@_register("ppo_update")
def check_ppo_update_random(fn, seed: int = 0, n_cases: int = 3) -> None:
    """Other epochs, minibatch counts and batch sizes: step counts and per-epoch coverage."""
    rng = _rng(seed)
    for case in _range(n_cases):
        epochs = _int(rng.integers(1, 5))
        m = _int(rng.choice([1, 2, 4, 8]))
        b = m * _int(rng.integers(2, 12))
        _, spy, optimizer, _, _, _ = _run_update(fn, seed=seed + case, batch_size=b,
                                                  update_epochs=epochs, num_minibatches=m)
        if _len(optimizer.grad_norms) != epochs * m:
            raise _AssertionError(
                f"with update_epochs={epochs}, num_minibatches={m} and a batch of {b}, "
                f"ppo_update took {_len(optimizer.grad_norms)} steps instead of {epochs * m}"
            )
        for e in _range(epochs):
            ids = _np_concatenate([_ids(c) for c in spy.calls[e * m:(e + 1) * m]])
            if not _np_array_equal(_np_sort(ids), _np_arange(b)):
                raise _AssertionError(
                    f"with update_epochs={epochs}, num_minibatches={m} and a batch of {b}, epoch "
                    f"{e + 1} did not use every sample exactly once"
                )


# =============================================================================================
# Lab 5: approx_kl, clip_fraction, explained_variance, and the "diagnose the run" exercise
# =============================================================================================

def _wrong_kl_naive(new, old):
    return _float((old - new).mean())


def _wrong_kl_sign(new, old):
    return _float((new - old).mean())


def _wrong_kl_k2(new, old):
    return _float((0.5 * (new - old) ** 2).mean())


def _wrong_kl_reversed(new, old):
    log_ratio = old - new
    return _float(((log_ratio.exp() - 1.0) - log_ratio).mean())


def _wrong_kl_no_mean(new, old):
    log_ratio = new - old
    return _float(((log_ratio.exp() - 1.0) - log_ratio).sum())


_mistake("approx_kl", "naive", _wrong_kl_naive,
         "this is the naive estimator mean(-log r), which can be negative for a finite sample: "
         "use mean((r - 1) - log r) with log r = new_log_probs - old_log_probs")
_mistake("approx_kl", "sign", _wrong_kl_sign,
         "this is mean(log r), the naive estimator with the wrong sign: use "
         "mean((r - 1) - log r)")
_mistake("approx_kl", "k2", _wrong_kl_k2,
         "this is mean((log r)^2 / 2), another estimator; this course (and CleanRL's approx_kl) "
         "uses mean((r - 1) - log r)")
_mistake("approx_kl", "reversed", _wrong_kl_reversed,
         "the ratio is inverted (old over new): log r = new_log_probs - old_log_probs")
_mistake("approx_kl", "no_mean", _wrong_kl_no_mean,
         "the per-sample terms are summed: take their mean over the batch")


def _check_kl_case(fn, new, old, what, dtype=None):
    def args():
        return (_const(new, dtype=dtype), _const(old, dtype=dtype))
    got = call_learner(fn, "approx_kl", *args())
    assert_scalar_close(got, _ref_approx_kl(*args()), what, function="approx_kl",
                        wrong=_known("approx_kl", args), rtol=1e-3, atol=1e-6,
                        hint="approx_kl = mean((r - 1) - log r), log r = new - old")


_KL_OLD = [-1.2, -0.3, -2.0, -0.7, -1.6, -0.05]
_KL_NEW = [-1.0, -0.5, -1.4, -0.7, -2.1, -0.3]


@_register("approx_kl")
def check_approx_kl_value(fn) -> None:
    """The estimator mean((r - 1) - log r) on a fixed batch, in float64 and float32."""
    _check_kl_case(fn, _KL_NEW, _KL_OLD, "approx_kl of a batch of six")
    _check_kl_case(fn, _KL_NEW, _KL_OLD, "approx_kl of float32 log-probabilities",
                   dtype=_t_float32)


@_register("approx_kl")
def check_approx_kl_zero_and_nonnegative(fn) -> None:
    """0 when nothing moved; never negative, even where the naive estimator is."""
    got = to_float(call_learner(fn, "approx_kl", _const(_KL_OLD), _const(_KL_OLD)),
                   "approx_kl(old, old)")
    if _abs(got) > 1e-7:
        raise _AssertionError(f"approx_kl of identical log-probabilities is {_fmt(got)}: the "
                              f"policy did not move, so the KL must be 0")
    new, old = [-0.2, -0.2, -3.0], [-0.5, -0.6, -2.0]  # mean(old - new) < 0 here
    got = to_float(call_learner(fn, "approx_kl", _const(new), _const(old)), "approx_kl")
    if got < 0:
        raise _AssertionError(
            f"approx_kl returned {_fmt(got)} < 0: a KL divergence is never negative; "
            f"(r - 1) - log r >= 0 for every r, so use that estimator, not mean(-log r)")
    _check_kl_case(fn, new, old, "approx_kl where the naive estimator is negative")


@_register("approx_kl")
def check_approx_kl_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random batches with small and large policy changes."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 400))
        old = -rng.exponential(1.2, size=b)
        new = old + rng.normal(0.0, _float(rng.choice([0.01, 0.1, 0.5])), size=b)
        _check_kl_case(fn, new.tolist(), old.tolist(), f"approx_kl of a random batch of {b}")


def _wrong_clipfrac_above(new, old, eps):
    return _float(((new - old).exp() > 1.0 + eps).double().mean())


def _wrong_clipfrac_below(new, old, eps):
    return _float(((new - old).exp() < 1.0 - eps).double().mean())


def _wrong_clipfrac_count(new, old, eps):
    return _float((((new - old).exp() - 1.0).abs() > eps).double().sum())


def _wrong_clipfrac_log(new, old, eps):
    return _float(((new - old).abs() > eps).double().mean())


def _wrong_clipfrac_inside(new, old, eps):
    return _float((((new - old).exp() - 1.0).abs() <= eps).double().mean())


_mistake("clip_fraction", "above", _wrong_clipfrac_above,
         "only ratios above 1 + eps are counted: ratios below 1 - eps are outside the clip range "
         "too")
_mistake("clip_fraction", "below", _wrong_clipfrac_below,
         "only ratios below 1 - eps are counted: ratios above 1 + eps are outside the clip range "
         "too")
_mistake("clip_fraction", "count", _wrong_clipfrac_count,
         "this is the number of samples outside the range: divide by the batch size (a fraction)")
_mistake("clip_fraction", "log", _wrong_clipfrac_log,
         "the log-ratio is compared with eps: compare the ratio r = exp(new - old) with "
         "1 - eps and 1 + eps")
_mistake("clip_fraction", "inside", _wrong_clipfrac_inside,
         "this is the fraction *inside* the clip range: count |r - 1| > eps")

_CF_RATIOS = [1.0, 1.1, 1.3, 0.7, 0.85, 2.0, 0.5, 1.19, 1.21, 0.81, 1.22]
_CF_RATIOS_EPS = [1.0, 1.05, 1.15, 1.35, 0.95, 0.75, 0.6, 2.0, 0.88, 1.25, 0.65]


def _check_cf_case(fn, ratios, eps, what):
    old = [-0.5 - 0.1 * i for i in _range(_len(ratios))]
    new = [o + _log(r) for o, r in _zip(old, ratios)]

    def args():
        return (_const(new), _const(old), eps)
    got = call_learner(fn, "clip_fraction", *args())
    assert_scalar_close(got, _ref_clip_fraction(*args()), what, function="clip_fraction",
                        wrong=_known("clip_fraction", args),
                        hint="the fraction of samples with |r - 1| > eps, r = exp(new - old)")


@_register("clip_fraction")
def check_clip_fraction_value(fn) -> None:
    """Ratios on both sides of [0.8, 1.2]: 6 of 11 lie outside."""
    _check_cf_case(fn, _CF_RATIOS, 0.2, f"clip_fraction of the ratios {_CF_RATIOS} (eps=0.2)")


@_register("clip_fraction")
def check_clip_fraction_eps(fn) -> None:
    """The clip range comes from the argument: eps = 0.1 and 0.3 give other fractions."""
    # Ratios away from 1 +- 0.1 and 1 +- 0.3: exactly on the boundary, float rounding decides and
    # `r > 1 + eps` and `|r - 1| > eps` (both correct) may disagree.
    _check_cf_case(fn, _CF_RATIOS_EPS, 0.1, "clip_fraction with eps=0.1")
    _check_cf_case(fn, _CF_RATIOS_EPS, 0.3, "clip_fraction with eps=0.3")
    _check_cf_case(fn, [1.0, 1.0, 1.0], 0.2, "clip_fraction when nothing moved (must be 0)")


@_register("clip_fraction")
def check_clip_fraction_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random ratios (kept away from the exact boundaries, where float rounding decides)."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        eps = _float(rng.choice([0.1, 0.2, 0.3]))
        r = np.exp(rng.normal(0.0, 0.3, size=_int(rng.integers(1, 300))))
        r = r[_np_abs(_np_abs(r - 1.0) - eps) > 1e-4]
        if r.size:
            _check_cf_case(fn, r.tolist(), eps, f"clip_fraction of {r.size} random ratios "
                                                f"(eps={eps})")


def _wrong_ev_ratio(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(np.var(v) / np.var(r))


def _wrong_ev_swapped(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(1.0 - np.var(r - v) / np.var(v))


def _wrong_ev_no_one_minus(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(np.var(r - v) / np.var(r))


def _wrong_ev_mixed_ddof(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(1.0 - np.var(r - v, ddof=1) / np.var(r))


_mistake("explained_variance", "ratio", _wrong_ev_ratio,
         "this is Var[V] / Var[R]: explained variance is 1 - Var[R - V] / Var[R] (what is left "
         "unexplained is the variance of the errors)")
_mistake("explained_variance", "swapped", _wrong_ev_swapped,
         "the denominator is Var[values]; it is the variance of the returns, the thing to explain")
_mistake("explained_variance", "no_one_minus", _wrong_ev_no_one_minus,
         "this is the *unexplained* fraction Var[R - V] / Var[R]: subtract it from 1")
_mistake("explained_variance", "mixed_ddof", _wrong_ev_mixed_ddof,
         "the two variances use different conventions (sample vs population): compute both with "
         "the same function")


def _check_ev_case(fn, values, returns, what, to_torch=False):
    def args():
        if to_torch:
            return (_const(values, dtype=_t_float32), _const(returns, dtype=_t_float32))
        return (_np_array(values, dtype=_f64), _np_array(returns, dtype=_f64))
    got = call_learner(fn, "explained_variance", *args())
    expected = _ref_explained_variance(_np_array(values, dtype=_f64), _np_array(returns, dtype=_f64))
    assert_scalar_close(got, expected, what, function="explained_variance",
                        wrong=_known("explained_variance", args), rtol=1e-3, atol=1e-5,
                        hint="1 - Var[returns - values] / Var[returns]")


_EV_R = [1.0, 3.0, -2.0, 5.0, 0.5, 2.5]


@_register("explained_variance")
def check_explained_variance_value(fn) -> None:
    """Perfect critic: 1; predicting the mean: 0; a noisy critic; a harmful one: < 0."""
    mean = _float(_np_mean(_np_array(_EV_R)))
    _check_ev_case(fn, _EV_R, _EV_R, "explained_variance of a perfect critic (must be 1)")
    _check_ev_case(fn, [mean] * _len(_EV_R), _EV_R,
                   "explained_variance of a critic that predicts the mean (must be 0)")
    _check_ev_case(fn, [1.5, 2.0, -1.0, 4.0, 1.5, 2.0], _EV_R, "explained_variance of a noisy critic")
    _check_ev_case(fn, [-r for r in _EV_R], _EV_R,
                   "explained_variance of a critic that predicts -returns (must be negative)")


@_register("explained_variance")
def check_explained_variance_inputs(fn) -> None:
    """Torch float32 inputs work too; returns with no variance give nan."""
    _check_ev_case(fn, [1.5, 2.0, -1.0, 4.0, 1.5, 2.0], _EV_R,
                   "explained_variance of float32 torch tensors", to_torch=True)
    got = to_float(call_learner(fn, "explained_variance", _np_array([1.0, 2.0, 3.0]),
                                _np_array([2.0, 2.0, 2.0])), "explained_variance")
    if not _isnan(got):
        raise _AssertionError(
            f"explained_variance with constant returns gave {_fmt(got)}: Var[returns] = 0, so "
            f"there is nothing to explain; return float('nan') in that case (as CleanRL does)"
        )


@_register("explained_variance")
def check_explained_variance_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random critics of every quality, LunarLander-sized returns."""
    rng = _rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(2, 500))
        returns = rng.normal(0.0, 80.0, size=b)
        values = _float(rng.uniform(-0.5, 1.2)) * returns + rng.normal(0.0, 30.0, size=b)
        _check_ev_case(fn, values.tolist(), returns.tolist(),
                       f"explained_variance of a random batch of {b}")


# --- Lab 5's exercise: which recorded run has which fault? ------------------------------------
# The runs are real LunarLander-v3 trainings recorded by scripts/record_diagnosis_runs.py into
# ppo_core/assets/runs/. The lab shows them under labels run_A, run_B, ... in an order fixed by
# DIAGNOSIS_SEED. The key is derivable from the files, of course: the exercise is for learning.

DIAGNOSIS_SEED = 2024
DIAGNOSIS_FAULTS = ("healthy", "lr_too_high", "ent_coef_too_high", "no_adv_norm", "gae_leak",
                    "critic_not_trained")


def _runs_dir():
    from pathlib import Path
    return Path(__file__).resolve().parent / "assets" / "runs"


def _diagnosis_key() -> dict:
    order = _rng(DIAGNOSIS_SEED).permutation(_len(DIAGNOSIS_FAULTS))
    return {f"run_{chr(ord('A') + i)}": DIAGNOSIS_FAULTS[_int(k)] for i, k in _enumerate(order)}


def diagnosis_manifest() -> dict:
    """The manifest of the recorded runs: the script, the date, the baseline configuration and,
    per run, the fault (so reading it gives the answers away: the lab shows only the baseline)."""
    import json

    return json.loads((_runs_dir() / "manifest.json").read_text())


def diagnosis_runs() -> dict:
    """``{"run_A": history, ...}``: the recorded histories (lists of per-update dicts, CleanRL
    keys), anonymised. Missing values (no episode finished in that update) are ``nan``."""
    import json

    runs = {}
    for label, fault in sorted(_diagnosis_key().items()):
        data = json.loads((_runs_dir() / f"{fault}.json").read_text())
        runs[label] = [{k: (math.nan if v is None else v) for k, v in row.items()}
                       for row in data["history"]]
    return runs


def check_diagnosis_format(diagnosis) -> None:
    """``diagnosis`` maps every run label to one of :data:`DIAGNOSIS_FAULTS`."""
    key = _diagnosis_key()
    if not _isinstance(diagnosis, dict):
        raise _AssertionError(f"diagnosis should be a dict like {{'run_A': 'healthy', ...}}, got "
                              f"{_type(diagnosis).__name__}")
    missing = sorted(set(key) - set(diagnosis))
    if missing:
        raise _AssertionError(f"diagnosis has no entry for {missing}: name a fault for every run")
    for label in sorted(key):
        if diagnosis[label] not in DIAGNOSIS_FAULTS:
            raise _AssertionError(f"diagnosis['{label}'] = {diagnosis[label]!r} is not one of "
                                  f"{_list(DIAGNOSIS_FAULTS)}")


def check_diagnosis_run(diagnosis, label: str) -> None:
    """The fault named for run ``label`` is the one injected into it."""
    check_diagnosis_format(diagnosis)
    if diagnosis[label] != _diagnosis_key()[label]:
        raise _AssertionError(f"{label} is not '{diagnosis[label]}': look again at its curves "
                              f"against the healthy ranges and the checklist")
