"""Lab 5's checks: approx_kl, clip_fraction, explained_variance and the diagnosis exercise.

Each function's known mistakes (``_wrong_*``) are registered right above the checks they serve.
The answer key of the exercise (which recorded run has which fault) is :func:`diagnosis_key`.
"""

from __future__ import annotations

import numpy as np

from autograder.checks.compare import (
    RTOL,
    _abs,
    _AssertionError,
    _f64,
    _float,
    _int,
    _isinstance,
    _isnan,
    _len,
    _list,
    _log,
    _np_abs,
    _np_array,
    _range,
    _str,
    _t_float32,
    _Tensor,
    _type,
    _zip,
    call_learner,
    check_case,
    check_with_ladder,
    const,
    fmt,
    make_rng,
    mistake,
    register,
    to_array,
    to_float,
)
from ppo_core.diagnostics import ENTROPY_FLOOR, HEALTHY
from ppo_core.diagnostics import approx_kl as _ref_approx_kl
from ppo_core.diagnostics import clip_fraction as _ref_clip_fraction
from ppo_core.diagnostics import explained_variance as _ref_explained_variance
from ppo_core.recorded_runs import (
    FAULTS,
    diagnosis_manifest,
    load_run,
    mean_advantage_positive_share,
    run_labels,
)

_np_mean = np.mean


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


mistake(
    "approx_kl",
    "naive",
    _wrong_kl_naive,
    "this is the naive estimator mean(-log r), which can be negative for a finite sample: "
    "use mean((r - 1) - log r) with log r = new_log_probs - old_log_probs",
)
mistake(
    "approx_kl",
    "sign",
    _wrong_kl_sign,
    "this is mean(log r), the naive estimator with the wrong sign: use mean((r - 1) - log r)",
)
mistake(
    "approx_kl",
    "k2",
    _wrong_kl_k2,
    "this is mean((log r)^2 / 2), another estimator; this course (and CleanRL's approx_kl) "
    "uses mean((r - 1) - log r)",
)
mistake(
    "approx_kl",
    "reversed",
    _wrong_kl_reversed,
    "the ratio is inverted (old over new): log r = new_log_probs - old_log_probs",
)
mistake(
    "approx_kl",
    "no_mean",
    _wrong_kl_no_mean,
    "the per-sample terms are summed: take their mean over the batch",
)


def _wrong_kl_plus_log(new, old):
    log_ratio = new - old
    return _float(((log_ratio.exp() - 1.0) + log_ratio).mean())


def _wrong_kl_no_minus_one(new, old):
    log_ratio = new - old
    return _float((log_ratio.exp() - log_ratio).mean())


def _wrong_kl_ratio_of_logs(new, old):
    ratio = new / old
    return _float(((ratio - 1.0) - ratio.log()).mean())


def _wrong_kl_k2_twice(new, old):
    return _float(((new - old) ** 2).mean())


def _wrong_kl_mean_first(new, old):
    log_ratio = (new - old).mean()
    return _float((log_ratio.exp() - 1.0) - log_ratio)


def _wrong_kl_abs(new, old):
    return _float((old - new).abs().mean())


def _wrong_kl_prob_difference(new, old):
    ratio = new.exp() - old.exp()
    return _float(((ratio - 1.0) - ratio.abs().log()).mean())


mistake(
    "approx_kl",
    "plus_log",
    _wrong_kl_plus_log,
    "log r is added to (r - 1): it is subtracted, mean((r - 1) - log r), which makes every "
    "term >= 0",
)
mistake(
    "approx_kl",
    "no_minus_one",
    _wrong_kl_no_minus_one,
    "every term is 1 too large: this is mean(r - log r); the estimator is mean((r - 1) - log r)",
)
mistake(
    "approx_kl",
    "ratio_of_logs",
    _wrong_kl_ratio_of_logs,
    "the ratio divides the log-probabilities (new / old): r = exp(new_log_probs - "
    "old_log_probs), the ratio of the probabilities",
)
mistake(
    "approx_kl",
    "k2_twice",
    _wrong_kl_k2_twice,
    "this is mean((log r)^2), twice the k2 estimator; this course (and CleanRL's approx_kl) "
    "uses mean((r - 1) - log r)",
)
mistake(
    "approx_kl",
    "mean_first",
    _wrong_kl_mean_first,
    "log r is averaged before the estimator is applied: compute (r - 1) - log r for each "
    "sample, then take the mean",
)
mistake(
    "approx_kl",
    "abs",
    _wrong_kl_abs,
    "this is mean(|log r|), which is not a KL estimate: use mean((r - 1) - log r), whose "
    "every term is >= 0",
)
mistake(
    "approx_kl",
    "prob_difference",
    _wrong_kl_prob_difference,
    "r is a difference of probabilities, exp(new) - exp(old): the ratio is "
    "r = exp(new_log_probs - old_log_probs)",
)


def _wrong_kl_numpy_mean(new, old):
    log_ratio = new - old
    return _float(np.mean((log_ratio.exp() - 1.0) - log_ratio))  # raises: np.mean passes axis=


# numpy's np.mean(t) calls t.mean(axis=None, dtype=None, out=None), which a torch tensor refuses.
_NUMPY_ON_TENSOR = (
    "a numpy function (np.mean, np.sum ...) was given a torch tensor, whose methods do not "
    "take numpy's axis= and out=: use the tensor's own methods (.mean(), .abs()) or torch "
    "functions"
)
mistake("approx_kl", "numpy_mean", _wrong_kl_numpy_mean, _NUMPY_ON_TENSOR)


def _name_learner_error(err: BaseException, what: str, function: str, known: tuple) -> None:
    """Raise the message of ``known`` (``(type name, fragment, message)`` triples) whose type
    and text the learner's own exception behind ``err`` has; its type is rebuilt by name when
    the learner's code runs in another process, so the type is compared by name."""
    raised = err.__cause__
    if raised is None:
        return
    for type_name, fragment, message in known:
        if _type(raised).__name__ == type_name and fragment in _str(raised):
            raise _AssertionError(f"{what}: {function} raised {type_name}: {message}") from raised


def _check_kl_case(fn, new, old, what, dtype=None) -> None:
    """approx_kl(new, old) against the reference."""

    def args():
        return (const(new, dtype=dtype), const(old, dtype=dtype))

    try:
        check_case(
            fn,
            "approx_kl",
            args,
            _ref_approx_kl,
            what,
            scalar=True,
            rtol=1e-3,
            atol=1e-6,
            hint="approx_kl = mean((r - 1) - log r), log r = new - old",
        )
    except _AssertionError as err:
        _name_learner_error(err, what, "approx_kl", (("TypeError", "axis", _NUMPY_ON_TENSOR),))
        raise


_KL_OLD = [-1.2, -0.3, -2.0, -0.7, -1.6, -0.05]
_KL_NEW = [-1.0, -0.5, -1.4, -0.7, -2.1, -0.3]


@register("approx_kl")
def check_approx_kl_value(fn) -> None:
    """The estimator mean((r - 1) - log r) on a fixed batch, in float64 and float32."""
    _check_kl_case(fn, _KL_NEW, _KL_OLD, "approx_kl of a batch of six")
    _check_kl_case(fn, _KL_NEW, _KL_OLD, "approx_kl of float32 log-probabilities", dtype=_t_float32)


@register("approx_kl")
def check_approx_kl_zero_and_nonnegative(fn) -> None:
    """0 when nothing moved; never negative, even where the naive estimator is."""
    got = to_float(
        call_learner(fn, "approx_kl", const(_KL_OLD), const(_KL_OLD)), "approx_kl(old, old)"
    )
    if _abs(got) > 1e-7:
        raise _AssertionError(
            f"approx_kl of identical log-probabilities is {fmt(got)}: the "
            f"policy did not move, so the KL must be 0"
        )
    new, old = [-0.2, -0.2, -3.0], [-0.5, -0.6, -2.0]  # mean(old - new) < 0 here
    # The case first: a known mistake is named there; a negative result has many causes.
    _check_kl_case(fn, new, old, "approx_kl where the naive estimator is negative")
    got = to_float(call_learner(fn, "approx_kl", const(new), const(old)), "approx_kl")
    if got < 0:
        raise _AssertionError(
            f"approx_kl returned {fmt(got)} < 0: a KL divergence is never negative, and "
            f"(r - 1) - log r >= 0 for every r"
        )


@register("approx_kl")
def check_approx_kl_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random batches with small and large policy changes."""

    def check_one(args, what):
        new, old = args()
        _check_kl_case(fn, new, old, what)

    check_with_ladder(check_one, _kl_random_cases(seed, n_cases), _KL_LADDER)


def _kl_random_cases(seed: int, n_cases: int):
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 400))
        old = -rng.exponential(1.2, size=b)
        new = old + rng.normal(0.0, _float(rng.choice([0.01, 0.1, 0.5])), size=b)
        yield _given(new.tolist(), old.tolist()), f"approx_kl of a random batch of {b}"


def _given(*values):
    """The ``args`` of a case of a random check: the same plain values on every call."""
    return lambda: values


# The smallest failing of these is shown when a random batch fails: one sample, then more, with
# small and large changes of the log-probabilities.
_KL_LADDER = [
    (_given(new, old), f"approx_kl(new_log_probs={new}, old_log_probs={old})")
    for new, old in (
        ([-1.0], [-1.2]),
        ([-0.5, -1.0], [-0.7, -0.9]),
        ([-0.2, -0.2, -3.0], [-0.5, -0.6, -2.0]),
        ([-0.1, -2.5, -1.0, -0.4], [-1.1, -0.5, -1.0, -0.9]),
    )
]


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


mistake(
    "clip_fraction",
    "above",
    _wrong_clipfrac_above,
    "only ratios above 1 + eps are counted: ratios below 1 - eps are outside the clip range too",
)
mistake(
    "clip_fraction",
    "below",
    _wrong_clipfrac_below,
    "only ratios below 1 - eps are counted: ratios above 1 + eps are outside the clip range too",
)
mistake(
    "clip_fraction",
    "count",
    _wrong_clipfrac_count,
    "this is the number of samples outside the range: divide by the batch size (a fraction)",
)
mistake(
    "clip_fraction",
    "log",
    _wrong_clipfrac_log,
    "the bounds are exp(-eps) and exp(eps), as when |log r| is compared with eps: count the "
    "ratios r = exp(new - old) outside [1 - eps, 1 + eps]",
)
mistake(
    "clip_fraction",
    "inside",
    _wrong_clipfrac_inside,
    "this is the fraction *inside* the clip range: count |r - 1| > eps",
)


def _wrong_clipfrac_inverted(new, old, eps):
    return _float((((old - new).exp() - 1.0).abs() > eps).double().mean())


def _wrong_clipfrac_fixed_eps(new, old, eps):
    return _float((((new - old).exp() - 1.0).abs() > 0.2).double().mean())


def _wrong_clipfrac_floor(new, old, eps):
    outside = (((new - old).exp() - 1.0).abs() > eps).sum()
    return _int(outside) // _len(new)


def _wrong_clipfrac_bool_mean(new, old, eps):
    return _float((((new - old).exp() - 1.0).abs() > eps).mean())  # raises: a bool tensor


mistake(
    "clip_fraction",
    "inverted",
    _wrong_clipfrac_inverted,
    "the ratio is inverted (old over new): r = exp(new_log_probs - old_log_probs)",
)
mistake(
    "clip_fraction",
    "fixed_eps",
    _wrong_clipfrac_fixed_eps,
    "the result is the fraction for eps = 0.2 whatever eps is passed: use the argument "
    "clip_eps for the range [1 - eps, 1 + eps]",
)
mistake(
    "clip_fraction",
    "floor",
    _wrong_clipfrac_floor,
    "the count is divided with integer division (//), which rounds the fraction down to 0: "
    "divide with / (or take the mean of the mask as floats)",
)
_BOOL_MEAN = (
    "the mean of a bool tensor is not defined in torch: convert the mask with .float() "
    "before .mean()"
)
mistake("clip_fraction", "bool_mean", _wrong_clipfrac_bool_mean, _BOOL_MEAN)


def _wrong_clipfrac_numpy_mean(new, old, eps):
    return _float(np.mean(((new - old).exp() - 1.0).abs() > eps))  # raises: np.mean passes axis=


mistake("clip_fraction", "numpy_mean", _wrong_clipfrac_numpy_mean, _NUMPY_ON_TENSOR)
_CF_ERRORS = (("RuntimeError", "Bool", _BOOL_MEAN), ("TypeError", "axis", _NUMPY_ON_TENSOR))

# Chosen so that every known mistake gives a fraction of its own (1.23 to 1.4 tell the bounds
# exp(+-eps) and the inverted ratio from 1 +- eps and from each other).
_CF_RATIOS = [1.0, 1.1, 1.3, 0.7, 0.85, 2.0, 0.5, 1.19, 1.21, 0.81, 1.22, 1.23, 1.24, 1.4]
# More ratios above the range than below it, so counting one side only shows.
_CF_RATIOS_EPS = [1.0, 1.05, 1.15, 1.35, 0.95, 0.75, 0.6, 2.0, 0.88, 1.25, 0.65, 1.4, 1.6]


def _check_cf_case(fn, ratios, eps, what) -> None:
    """clip_fraction on log-probabilities whose ratios are ``ratios``, against the reference."""
    old = [-0.5 - 0.1 * i for i in _range(_len(ratios))]
    new = [o + _log(r) for o, r in _zip(old, ratios)]

    def args():
        return (const(new), const(old), eps)

    try:
        check_case(
            fn,
            "clip_fraction",
            args,
            _ref_clip_fraction,
            what,
            scalar=True,
            hint="the fraction of samples with |r - 1| > eps, r = exp(new - old)",
        )
    except _AssertionError as err:
        _name_learner_error(err, what, "clip_fraction", _CF_ERRORS)
        raise


@register("clip_fraction")
def check_clip_fraction_value(fn) -> None:
    """Ratios on both sides of [0.8, 1.2]: 9 of 14 lie outside."""
    _check_cf_case(fn, _CF_RATIOS, 0.2, f"clip_fraction of the ratios {_CF_RATIOS} (eps=0.2)")


@register("clip_fraction")
def check_clip_fraction_eps(fn) -> None:
    """The clip range comes from the argument: eps = 0.1 and 0.3 give other fractions."""
    # Ratios away from 1 +- 0.1 and 1 +- 0.3: exactly on the boundary, float rounding decides and
    # `r > 1 + eps` and `|r - 1| > eps` (both correct) may disagree.
    _check_cf_case(fn, _CF_RATIOS_EPS, 0.1, "clip_fraction with eps=0.1")
    _check_cf_case(fn, _CF_RATIOS_EPS, 0.3, "clip_fraction with eps=0.3")
    _check_cf_case(fn, [1.0, 1.0, 1.0], 0.2, "clip_fraction when nothing moved (must be 0)")


@register("clip_fraction")
def check_clip_fraction_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random ratios (kept away from the exact boundaries, where float rounding decides)."""

    def check_one(args, what):
        ratios, eps = args()
        _check_cf_case(fn, ratios, eps, what)

    check_with_ladder(check_one, _cf_random_cases(seed, n_cases), _CF_LADDER)


def _cf_random_cases(seed: int, n_cases: int):
    rng = make_rng(seed)
    for _ in _range(n_cases):
        eps = _float(rng.choice([0.1, 0.2, 0.3]))
        r = np.exp(rng.normal(0.0, 0.3, size=_int(rng.integers(1, 300))))
        r = r[_np_abs(_np_abs(r - 1.0) - eps) > 1e-4]
        if r.size:
            yield _given(r.tolist(), eps), f"clip_fraction of {r.size} random ratios (eps={eps})"


# One ratio, then more, on both sides of the range and with each eps the random cases use.
_CF_LADDER = [
    (_given(ratios, eps), f"clip_fraction of the ratios exp(new - old) = {ratios}, clip_eps={eps}")
    for ratios, eps in (
        ([1.3], 0.2),
        ([0.7, 1.1], 0.2),
        ([1.05, 1.15, 0.85], 0.1),
        ([1.0, 1.24, 0.6, 1.4, 0.82], 0.2),
        ([0.65, 1.35, 0.95, 1.5, 2.0, 0.75], 0.3),
    )
]


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


mistake(
    "explained_variance",
    "ratio",
    _wrong_ev_ratio,
    "this is Var[V] / Var[R]: explained variance is 1 - Var[R - V] / Var[R] (what is left "
    "unexplained is the variance of the errors)",
)
mistake(
    "explained_variance",
    "swapped",
    _wrong_ev_swapped,
    "the denominator is Var[values]; it is the variance of the returns, the thing to explain",
)
mistake(
    "explained_variance",
    "no_one_minus",
    _wrong_ev_no_one_minus,
    "this is the *unexplained* fraction Var[R - V] / Var[R]: subtract it from 1",
)
mistake(
    "explained_variance",
    "mixed_ddof",
    _wrong_ev_mixed_ddof,
    "the two variances use different conventions (sample vs population): compute both with "
    "the same function",
)


def _wrong_ev_std(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(1.0 - np.std(r - v) / np.std(r))


def _wrong_ev_mse(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(1.0 - _np_mean((r - v) ** 2) / np.var(r))


def _wrong_ev_plus(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(1.0 - np.var(r + v) / np.var(r))


def _wrong_ev_correlation(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # constant inputs: no warnings
        return _float(np.corrcoef(v, r)[0, 1] ** 2)


def _wrong_ev_no_nan(values, returns):
    v, r = to_array(values, "v"), to_array(returns, "r")
    with np.errstate(divide="ignore", invalid="ignore"):  # what it gets wrong: no special case
        return _float(1.0 - np.var(r - v) / np.var(r))


def _wrong_ev_numpy_only(values, returns):
    if _isinstance(values, _Tensor) or _isinstance(returns, _Tensor):
        raise TypeError("np.var does not take a torch tensor's arguments")
    return _ref_explained_variance(values, returns)


mistake(
    "explained_variance",
    "std",
    _wrong_ev_std,
    "standard deviations are divided: explained variance is 1 - Var[R - V] / Var[R], with "
    "variances (squared deviations)",
)
mistake(
    "explained_variance",
    "mse",
    _wrong_ev_mse,
    "the mean squared error mean((R - V)^2) is used for Var[R - V]: it also counts the "
    "critic's average offset; use the variance of the errors R - V",
)
mistake(
    "explained_variance",
    "plus",
    _wrong_ev_plus,
    "this is 1 - Var[R + V] / Var[R]: the errors are the differences R - V",
)
mistake(
    "explained_variance",
    "correlation",
    _wrong_ev_correlation,
    "this is the squared correlation of values and returns, which ignores the critic's scale "
    "and offset: use 1 - Var[R - V] / Var[R]",
)
_NO_NAN = (
    "Var[returns] = 0, so there is nothing to explain; return float('nan') in that case "
    "(as CleanRL does)"
)
mistake("explained_variance", "no_nan", _wrong_ev_no_nan, _NO_NAN)
_TORCH_INPUTS = (
    "it works on numpy arrays but not on torch tensors, which the training loop passes: "
    "convert them first (torch.as_tensor(x).detach().double().cpu().numpy()) or compute "
    "the variances in torch"
)
mistake("explained_variance", "numpy_only", _wrong_ev_numpy_only, _TORCH_INPUTS)


def _wrong_ev_torch_only(values, returns):
    if not (_isinstance(values, _Tensor) and _isinstance(returns, _Tensor)):
        raise TypeError("torch.var() takes a tensor, not a numpy array")
    return _ref_explained_variance(values, returns)


_ARRAY_INPUTS = (
    "it works on torch tensors but not on numpy arrays, which it must take too (its "
    "docstring: numpy array or tensor): convert them first, torch.as_tensor(x)"
)
mistake("explained_variance", "torch_only", _wrong_ev_torch_only, _ARRAY_INPUTS)


def _check_ev_case(fn, values, returns, what, to_torch=False) -> None:
    """explained_variance(values, returns) against the reference on float64 arrays."""

    def args():
        if to_torch:
            return (const(values, dtype=_t_float32), const(returns, dtype=_t_float32))
        return (_np_array(values, dtype=_f64), _np_array(returns, dtype=_f64))

    expected = _ref_explained_variance(
        _np_array(values, dtype=_f64), _np_array(returns, dtype=_f64)
    )
    try:
        check_case(
            fn,
            "explained_variance",
            args,
            _ref_explained_variance,
            what,
            scalar=True,
            expected=expected,
            # float32 tensors: float32 variances; float64 arrays: the default tolerance, tight
            # enough that the mistakes of the catalogue are never within it.
            rtol=1e-3 if to_torch else RTOL,
            atol=1e-5,
            hint="1 - Var[returns - values] / Var[returns]",
        )
    except _AssertionError as err:
        if err.__cause__ is not None:
            _raises_on_one_kind_only(fn, values, returns, err.__cause__, to_torch)
        raise


def _raises_on_one_kind_only(fn, values, returns, raised: BaseException, to_torch: bool) -> None:
    """Say so when ``fn`` raised on torch tensors (``to_torch``) but takes the same numbers as
    numpy arrays, or the other way round."""
    others: tuple
    if to_torch:
        others = (_np_array(values, dtype=_f64), _np_array(returns, dtype=_f64))
        kind, message = "float32 torch tensors", _TORCH_INPUTS
    else:
        others = (const(values), const(returns))
        kind, message = "float64 numpy arrays", _ARRAY_INPUTS
    try:
        call_learner(fn, "explained_variance", *others)
    except _AssertionError:
        return  # it fails on the other kind too: the kind of input is not the (only) trouble
    raise _AssertionError(
        f"explained_variance raised {_type(raised).__name__} on {kind} "
        f"({_str(raised).splitlines()[0]}): {message}"
    ) from raised


_EV_R = [1.0, 3.0, -2.0, 5.0, 0.5, 2.5]


@register("explained_variance")
def check_explained_variance_value(fn) -> None:
    """Perfect critic: 1; predicting the mean: 0; a noisy critic; a harmful one: < 0."""
    mean = _float(_np_mean(_np_array(_EV_R)))
    _check_ev_case(fn, _EV_R, _EV_R, "explained_variance of a perfect critic (must be 1)")
    _check_ev_case(
        fn,
        [mean] * _len(_EV_R),
        _EV_R,
        "explained_variance of a critic that predicts the mean (must be 0)",
    )
    _check_ev_case(
        fn, [1.5, 2.0, -1.0, 4.0, 1.5, 2.0], _EV_R, "explained_variance of a noisy critic"
    )
    _check_ev_case(
        fn,
        [-r for r in _EV_R],
        _EV_R,
        "explained_variance of a critic that predicts -returns (must be negative)",
    )


@register("explained_variance")
def check_explained_variance_inputs(fn) -> None:
    """Torch float32 inputs work too; returns with no variance give nan."""
    _check_ev_case(
        fn,
        [1.5, 2.0, -1.0, 4.0, 1.5, 2.0],
        _EV_R,
        "explained_variance of float32 torch tensors",
        to_torch=True,
    )
    got = to_float(
        call_learner(
            fn, "explained_variance", _np_array([1.0, 2.0, 3.0]), _np_array([2.0, 2.0, 2.0])
        ),
        "explained_variance",
    )
    if not _isnan(got):
        raise _AssertionError(
            f"explained_variance with constant returns gave {fmt(got)}: {_NO_NAN}"
        )


@register("explained_variance")
def check_explained_variance_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random critics of every quality, LunarLander-sized returns."""

    def check_one(args, what):
        values, returns = args()
        _check_ev_case(fn, values, returns, what)

    check_with_ladder(check_one, _ev_random_cases(seed, n_cases), _EV_LADDER)


def _ev_random_cases(seed: int, n_cases: int):
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b = _int(rng.integers(2, 500))
        returns = rng.normal(0.0, 80.0, size=b)
        values = _float(rng.uniform(-0.5, 1.2)) * returns + rng.normal(0.0, 30.0, size=b)
        yield (
            _given(values.tolist(), returns.tolist()),
            f"explained_variance of a random batch of {b}",
        )


# Two samples (the fewest with a variance), then more; the critics are off by a constant, by a
# scale, and at random.
_EV_LADDER = [
    (_given(values, returns), f"explained_variance(values={values}, returns={returns})")
    for values, returns in (
        ([0.0, 0.0], [1.0, -1.0]),
        ([0.5, 2.0], [1.0, 3.0]),
        ([0.5, 2.0, -1.0], [1.0, 3.0, -2.0]),
        ([2.0, 0.0, 1.0, 4.0], [1.0, 3.0, -2.0, 5.0]),
    )
]


# --- Lab 5's exercise: which recorded run has which fault? ------------------------------------
# The runs are real LunarLander-v3 trainings recorded by scripts/record_diagnosis_runs.py into
# ppo_core/assets/runs/; ppo_core.recorded_runs shows them under the labels run_A, run_B, ...
# The key is taken once, at import, like every other reference of the checks.

_KEY = dict(run_labels())
_FAULTS = tuple(FAULTS)


def _part(history: list[dict], key: str, skip: int = 0, absolute: bool = False) -> np.ndarray:
    """``key`` over a run without its first ``1/skip`` (10: after the first tenth; 2: the
    second half; 0: all of it), NaNs dropped."""
    rows = history[len(history) // skip :] if skip else history
    values = np.array([row.get(key, np.nan) for row in rows], dtype=np.float64)
    values = values[np.isfinite(values)]
    return np.abs(values) if absolute else values


def _inside(history: list[dict], key: str, band: tuple[float, float]) -> str:
    values = _part(history, key, 10)
    return f"{np.mean((values >= band[0]) & (values <= band[1])):.0%}"


def _healthy_measure(history: list[dict]) -> str:
    entropy_band = (ENTROPY_FLOOR, np.log(4))
    return (
        f"final mean return {_part(history, 'charts/mean_return_100')[-1]:.0f}; after the "
        f"first tenth approx KL is inside its range on "
        f"{_inside(history, 'losses/approx_kl', HEALTHY['losses/approx_kl'])} of the "
        f"updates, clip fraction on "
        f"{_inside(history, 'losses/clipfrac', HEALTHY['losses/clipfrac'])}, entropy on "
        f"{_inside(history, 'losses/entropy', entropy_band)}, explained variance on "
        f"{_inside(history, 'losses/explained_variance', HEALTHY['losses/explained_variance'])}"
        f"; median |policy loss| "
        f"{np.median(_part(history, 'losses/policy_loss', absolute=True)):.3f}; mean "
        f"advantage positive on {mean_advantage_positive_share(history):.0%} of the updates "
        f"after the first quarter"
    )


# What each fault's signature looks at, measured on any run: quoted back when a learner names
# that fault for a run that does not show it (the run's numbers, never the right answer).
_MEASURES = {
    "healthy": _healthy_measure,
    "lr_too_high": lambda h: (
        f"largest approx KL {_part(h, 'losses/approx_kl').max():.3g}; median entropy over the "
        f"second half {np.median(_part(h, 'losses/entropy', 2)):.3f}"
    ),
    "ent_coef_too_high": lambda h: (
        f"median entropy over the second half {np.median(_part(h, 'losses/entropy', 2)):.3f}"
    ),
    "no_adv_norm": lambda h: (
        f"median |policy loss| {np.median(_part(h, 'losses/policy_loss', absolute=True)):.3f}"
    ),
    "gae_leak": lambda h: (
        f"median approx KL {np.median(_part(h, 'losses/approx_kl', 10)):.4f} and clip fraction "
        f"{np.median(_part(h, 'losses/clipfrac', 10)):.3f} after the first tenth; median "
        f"entropy {np.median(_part(h, 'losses/entropy', 2)):.3f} and explained variance "
        f"{np.median(_part(h, 'losses/explained_variance', 2)):.2f} over the second half; "
        f"median |policy loss| "
        f"{np.median(_part(h, 'losses/policy_loss', absolute=True)):.3f}; mean advantage "
        f"positive on {mean_advantage_positive_share(h):.0%} of the updates after the first "
        f"quarter"
    ),
    "critic_not_trained": lambda h: (
        f"median |explained variance| after the first tenth "
        f"{np.median(_part(h, 'losses/explained_variance', 10, absolute=True)):.2f}, at most "
        f"{_part(h, 'losses/explained_variance', 10).max():.2f}"
    ),
}


def _wrong_fault_messages() -> dict[str, dict[str, str]]:
    """``{label: {named fault: message}}`` for every wrong answer, built once at import: the
    signature of the fault the learner named (from the runs' manifest) against what the run
    shows. Without signatures in the manifest, the message only points back at the curves."""
    signatures = diagnosis_manifest().get("signatures", {})
    messages: dict[str, dict[str, str]] = {}
    for label, fault in _KEY.items():
        history = load_run(fault)
        messages[label] = {}
        for named in _FAULTS:
            text = f"{label} is not '{named}'"
            if named in signatures and named in _MEASURES:
                text += (
                    f": the signature of '{named}' is: {signatures[named]}. "
                    f"{label} shows: {_MEASURES[named](history)}"
                )
            messages[label][named] = (
                text + ". Look again at its curves against the healthy ranges and the checklist"
            )
    return messages


_WRONG_FAULT = _wrong_fault_messages()


def diagnosis_key() -> dict[str, str]:
    """The answer key: ``{"run_A": fault, ...}`` for every run the lab shows."""
    return dict(_KEY)


def check_diagnosis_format(diagnosis) -> None:
    """``diagnosis`` maps every run label to one of the fault names (``recorded_runs.FAULTS``)."""
    if not _isinstance(diagnosis, dict):
        raise _AssertionError(
            f"diagnosis should be a dict like {{'run_A': 'healthy', ...}}, got "
            f"{_type(diagnosis).__name__}"
        )
    missing = sorted(set(_KEY) - set(diagnosis))
    if missing:
        raise _AssertionError(f"diagnosis has no entry for {missing}: name a fault for every run")
    for label in sorted(_KEY):
        if diagnosis[label] not in _FAULTS:
            raise _AssertionError(
                f"diagnosis['{label}'] = {diagnosis[label]!r} is not one of {_list(_FAULTS)}"
            )


def check_diagnosis_run(diagnosis, label: str) -> None:
    """The fault named for run ``label`` is the one injected into it."""
    check_diagnosis_format(diagnosis)
    if diagnosis[label] != _KEY[label]:
        raise _AssertionError(_WRONG_FAULT[label][diagnosis[label]])
