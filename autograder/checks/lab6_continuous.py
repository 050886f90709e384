"""Lab 6's checks: gaussian_log_prob, gaussian_entropy, clip_action.

Each function's known mistakes (``_wrong_*``) are registered right above the checks they serve.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.checks.compare import (
    _AssertionError,
    _autograd_grad,
    _float,
    _int,
    _isinstance,
    _np_all,
    _np_array,
    _range,
    _str,
    _t_float32,
    _Tensor,
    _type,
    assert_close,
    call_learner,
    check_case,
    check_with_ladder,
    const,
    gradient_of,
    leaf,
    make_rng,
    mistake,
    register,
    to_array,
)
from ppo_core.gaussian import clip_action as _ref_clip_action
from ppo_core.gaussian import gaussian_entropy as _ref_gaussian_entropy
from ppo_core.gaussian import gaussian_log_prob as _ref_gaussian_log_prob

_LOG_2PI = math.log(2 * math.pi)


def _wrong_lp_no_sum(mean, log_std, actions):
    return -((actions - mean) ** 2) / (2 * log_std.exp() ** 2) - log_std - 0.5 * _LOG_2PI


def _wrong_lp_mean_over_dims(mean, log_std, actions):
    return _wrong_lp_no_sum(mean, log_std, actions).mean(-1)


def _wrong_lp_no_2pi(mean, log_std, actions):
    return (-((actions - mean) ** 2) / (2 * log_std.exp() ** 2) - log_std).sum(-1)


def _wrong_lp_variance_for_std(mean, log_std, actions):
    var = log_std.exp() ** 2  # sigma^2 used where sigma belongs
    return (-((actions - mean) ** 2) / (2 * var**2) - torch.log(var) - 0.5 * _LOG_2PI).sum(-1)


def _wrong_lp_log_std_as_std(mean, log_std, actions):
    return (
        -((actions - mean) ** 2) / (2 * log_std**2) - torch.log(log_std.abs()) - 0.5 * _LOG_2PI
    ).sum(-1)


def _wrong_lp_no_normaliser(mean, log_std, actions):
    return (-((actions - mean) ** 2) / (2 * log_std.exp() ** 2) - 0.5 * _LOG_2PI).sum(-1)


def _wrong_lp_no_square_sigma(mean, log_std, actions):
    return (-((actions - mean) ** 2) / (2 * log_std.exp()) - log_std - 0.5 * _LOG_2PI).sum(-1)


mistake(
    "gaussian_log_prob",
    "no_sum",
    _wrong_lp_no_sum,
    "one log-density per action dimension is returned: the dimensions are independent, so "
    "log pi(a|s) is the *sum* over dimensions (.sum(-1)), one number per state",
)
mistake(
    "gaussian_log_prob",
    "mean_over_dims",
    _wrong_lp_mean_over_dims,
    "the per-dimension log-densities are averaged: the log of a product of densities is "
    "their sum, so use .sum(-1), not .mean(-1)",
)
mistake(
    "gaussian_log_prob",
    "no_2pi",
    _wrong_lp_no_2pi,
    "the constant -0.5 log(2 pi) per dimension is missing; it cancels in the ratio but not "
    "in the value a log-density must have",
)
mistake(
    "gaussian_log_prob",
    "variance_for_std",
    _wrong_lp_variance_for_std,
    "the variance sigma^2 is used where the standard deviation sigma belongs: "
    "sigma = exp(log_std), the quadratic term divides by 2 sigma^2 and the normaliser is "
    "log sigma",
)
mistake(
    "gaussian_log_prob",
    "log_std_as_std",
    _wrong_lp_log_std_as_std,
    "log_std is used as if it were sigma: the network outputs log sigma, so "
    "sigma = exp(log_std) (which keeps sigma positive)",
)
mistake(
    "gaussian_log_prob",
    "no_normaliser",
    _wrong_lp_no_normaliser,
    "the normaliser -log sigma is missing: without it a wider Gaussian would score every "
    "action higher, and the gradient would push sigma up for ever",
)
mistake(
    "gaussian_log_prob",
    "no_square_sigma",
    _wrong_lp_no_square_sigma,
    "the quadratic term divides by 2 sigma instead of 2 sigma^2: -(a - mu)^2 / (2 sigma^2)",
)


def _lp_terms(mean, log_std, actions):
    """The three terms of the per-dimension log-density, each with its own sign."""
    quadratic = (actions - mean) ** 2 / (2 * log_std.exp() ** 2)
    return quadratic, log_std, 0.5 * _LOG_2PI


def _wrong_lp_quadratic_no_half(mean, log_std, actions):
    quadratic, log_sigma, half_log_2pi = _lp_terms(mean, log_std, actions)
    return (-2 * quadratic - log_sigma - half_log_2pi).sum(-1)


def _wrong_lp_two_log_sigma(mean, log_std, actions):
    quadratic, log_sigma, half_log_2pi = _lp_terms(mean, log_std, actions)
    return (-quadratic - 2 * log_sigma - half_log_2pi).sum(-1)


def _wrong_lp_full_log_2pi(mean, log_std, actions):
    quadratic, log_sigma, half_log_2pi = _lp_terms(mean, log_std, actions)
    return (-quadratic - log_sigma - 2 * half_log_2pi).sum(-1)


def _wrong_lp_quadratic_sign(mean, log_std, actions):
    quadratic, log_sigma, half_log_2pi = _lp_terms(mean, log_std, actions)
    return (quadratic - log_sigma - half_log_2pi).sum(-1)


def _wrong_lp_normaliser_sign(mean, log_std, actions):
    quadratic, log_sigma, half_log_2pi = _lp_terms(mean, log_std, actions)
    return (-quadratic + log_sigma - half_log_2pi).sum(-1)


def _wrong_lp_log_std_as_log_var(mean, log_std, actions):
    var = log_std.exp()
    return (-((actions - mean) ** 2) / (2 * var) - 0.5 * log_std - 0.5 * _LOG_2PI).sum(-1)


def _wrong_lp_sum_over_batch(mean, log_std, actions):
    return _wrong_lp_no_sum(mean, log_std, actions).sum(0)


def _wrong_lp_sum_all(mean, log_std, actions):
    return _wrong_lp_no_sum(mean, log_std, actions).sum()


mistake(
    "gaussian_log_prob",
    "quadratic_no_half",
    _wrong_lp_quadratic_no_half,
    "the quadratic term is -(a - mu)^2 / sigma^2, twice what it should be: the exponent of "
    "the Gaussian is -(a - mu)^2 / (2 sigma^2)",
)
mistake(
    "gaussian_log_prob",
    "two_log_sigma",
    _wrong_lp_two_log_sigma,
    "the normaliser is -2 log sigma (the log of the variance): it is -log sigma per "
    "dimension, i.e. -0.5 log sigma^2",
)
mistake(
    "gaussian_log_prob",
    "full_log_2pi",
    _wrong_lp_full_log_2pi,
    "the constant is -log(2 pi) per dimension, twice what it should be: it is -0.5 log(2 pi) "
    "(from the 1 / sqrt(2 pi) in front of the density)",
)
mistake(
    "gaussian_log_prob",
    "quadratic_sign",
    _wrong_lp_quadratic_sign,
    "the quadratic term is added: it is -(a - mu)^2 / (2 sigma^2), so that actions far from "
    "the mean are less likely",
)
mistake(
    "gaussian_log_prob",
    "normaliser_sign",
    _wrong_lp_normaliser_sign,
    "log sigma is added: the normaliser is -log sigma (a wider Gaussian spreads its density "
    "thinner)",
)
mistake(
    "gaussian_log_prob",
    "log_std_as_log_var",
    _wrong_lp_log_std_as_log_var,
    "log_std is used as the log of the variance (sigma^2 = exp(log_std)): it is log sigma, so "
    "sigma^2 = exp(2 log_std) and the normaliser is -log_std",
)
mistake(
    "gaussian_log_prob",
    "sum_over_batch",
    _wrong_lp_sum_over_batch,
    "the sum runs over the batch (dim 0), one number per action dimension: sum over the "
    "action dimensions, .sum(-1), one log-density per state",
)
mistake(
    "gaussian_log_prob",
    "sum_all",
    _wrong_lp_sum_all,
    "one number is returned for the whole batch (a sum over states and dimensions): sum "
    "over the action dimensions only, .sum(-1), one log-density per state",
)


def _wrong_lp_normal_scale_log_std(mean, log_std, actions):
    return torch.distributions.Normal(mean, log_std).log_prob(actions).sum(-1)  # raises: scale <= 0


_SCALE_NOT_POSITIVE = (
    "a torch Normal was given a scale that is not positive (some log_std values are <= 0 "
    "here): its scale is sigma = exp(log_std)"
)
mistake(
    "gaussian_log_prob",
    "normal_scale_log_std",
    _wrong_lp_normal_scale_log_std,
    _SCALE_NOT_POSITIVE,
    cause="log_std_as_std",
)


def _check_lp_case(fn, mean, log_std, actions, what, dtype=None) -> None:
    """gaussian_log_prob(mean, log_std, actions) against the reference."""

    def args():
        return (const(mean, dtype), const(log_std, dtype), const(actions, dtype))

    try:
        check_case(fn, "gaussian_log_prob", args, _ref_gaussian_log_prob, what, index_names="row")
    except _AssertionError as err:
        raised = err.__cause__  # the learner's exception; its type is rebuilt by name remotely
        if _type(raised).__name__ == "ValueError" and "GreaterThan" in _str(raised):
            raise _AssertionError(f"{what}: {_SCALE_NOT_POSITIVE}") from raised
        raise


@register("gaussian_log_prob")
def check_gaussian_log_prob_basic(fn) -> None:
    """The standard normal at its mean (-0.919), then a small 2-D batch with sigma != 1."""
    _check_lp_case(
        fn,
        [[0.0]],
        [[0.0]],
        [[0.0]],
        "log-density of the standard normal at its mean (-0.5 ln 2 pi = -0.919)",
    )
    _check_lp_case(
        fn,
        [[0.0, 0.5], [1.0, -1.0], [0.2, 0.0]],
        [[-0.5, 0.3], [-0.5, 0.3], [-0.5, 0.3]],
        [[0.4, -0.1], [1.6, -2.5], [0.2, 0.0]],
        "gaussian_log_prob of a batch of three 2-D actions",
    )


@register("gaussian_log_prob")
def check_gaussian_log_prob_broadcast(fn) -> None:
    """A state-independent log_std of shape (1, A), as ActorCritic keeps it, and float32."""
    _check_lp_case(
        fn,
        [[0.1, -0.3], [0.9, 0.0], [-0.7, 0.2], [0.0, 0.0]],
        [[-1.0, 0.4]],
        [[0.5, 0.5], [0.8, -1.2], [-2.0, 0.3], [1.0, -1.0]],
        "gaussian_log_prob with log_std of shape (1, 2)",
    )
    _check_lp_case(
        fn,
        [[0.5, -0.5, 0.0]],
        [[-2.0, 0.0, 1.0]],
        [[0.6, 0.5, -3.0]],
        "gaussian_log_prob for float32 inputs",
        dtype=_t_float32,
    )


@register("gaussian_log_prob")
def check_gaussian_log_prob_gradient(fn) -> None:
    """Differentiable w.r.t. the mean and the log-std: PPO moves both through the ratio."""
    raw = ([[0.2, -0.4], [1.0, 0.3]], [[-0.3, 0.1], [-0.3, 0.1]], [[0.5, 0.0], [0.0, 1.5]])
    mean, log_std = leaf(raw[0]), leaf(raw[1])
    out = call_learner(fn, "gaussian_log_prob", mean, log_std, const(raw[2]))
    total = out.sum() if _isinstance(out, _Tensor) else out
    grads = gradient_of(total, (mean, log_std), "gaussian_log_prob (summed)")
    ref_mean, ref_log_std = leaf(raw[0]), leaf(raw[1])
    refs = _autograd_grad(
        _ref_gaussian_log_prob(ref_mean, ref_log_std, const(raw[2])).sum(), (ref_mean, ref_log_std)
    )
    for grad, ref, name in zip(grads, refs, ("mean", "log_std")):
        if grad is None:
            raise _AssertionError(f"gaussian_log_prob does not depend on {name}")
        assert_close(
            grad,
            to_array(ref, "ref"),
            f"gradient of the log-density w.r.t. {name}",
            index_names="row, dim",
        )


@register("gaussian_log_prob")
def check_gaussian_log_prob_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 1 to 6 action dimensions, log-std between -2 and 1."""

    def check_one(args, what):
        mean, log_std, actions = args()
        _check_lp_case(fn, mean, log_std, actions, what)

    check_with_ladder(check_one, _lp_random_cases(seed, n_cases), _LP_LADDER)


def _lp_random_cases(seed: int, n_cases: int):
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(1, 7))
        mean = rng.normal(0.0, 1.0, size=(b, a))
        log_std = rng.uniform(-2.0, 1.0, size=(b, a))
        actions = mean + np.exp(log_std) * rng.normal(0.0, 1.5, size=(b, a))
        yield (
            _given(mean.tolist(), log_std.tolist(), actions.tolist()),
            f"gaussian_log_prob for a random ({b}, {a}) batch",
        )


def _given(*values):
    """The ``args`` of a case of a random check: the same plain values on every call."""
    return lambda: values


# One state and one dimension, then more of each; sigma != 1 and actions away from the mean,
# so that every term of the log-density shows.
_LP_LADDER = [
    (_given(m, s, a), f"gaussian_log_prob(mean={m}, log_std={s}, actions={a})")
    for m, s, a in (
        ([[0.0]], [[0.5]], [[1.0]]),
        ([[0.0, 1.0]], [[-0.5, 0.3]], [[0.5, 0.0]]),
        ([[0.2], [-0.4]], [[0.0], [-1.0]], [[1.0], [0.0]]),
        (
            [[0.1, -0.3], [0.9, 0.0], [-0.7, 0.2]],
            [[-1.0, 0.4], [0.2, -0.6], [0.5, 0.0]],
            [[0.5, 0.5], [0.8, -1.2], [-2.0, 0.3]],
        ),
    )
]


def _wrong_ent_no_sum(log_std):
    return 0.5 + 0.5 * _LOG_2PI + log_std


def _wrong_ent_no_2pi(log_std):
    return (0.5 + log_std).sum(-1)


def _wrong_ent_std_not_log(log_std):
    return (0.5 + 0.5 * _LOG_2PI + log_std.exp()).sum(-1)


def _wrong_ent_batch_mean(log_std):
    return _ref_gaussian_entropy(log_std).mean()


def _wrong_ent_no_half(log_std):
    return (0.5 * _LOG_2PI + log_std).sum(-1)


mistake(
    "gaussian_entropy",
    "no_sum",
    _wrong_ent_no_sum,
    "one entropy per action dimension is returned: the entropy of independent dimensions "
    "is the sum of theirs, one number per state (.sum(-1))",
)
mistake(
    "gaussian_entropy",
    "no_2pi",
    _wrong_ent_no_2pi,
    "the term 0.5 log(2 pi) per dimension is missing: S = sum_i (0.5 + 0.5 log(2 pi) + "
    "log sigma_i)",
)
mistake(
    "gaussian_entropy",
    "std_not_log",
    _wrong_ent_std_not_log,
    "sigma is added where log sigma belongs: the entropy grows with log sigma, "
    "S = sum_i (0.5 + 0.5 log(2 pi) + log sigma_i)",
)
mistake(
    "gaussian_entropy",
    "batch_mean",
    _wrong_ent_batch_mean,
    "the entropies are averaged over the batch into one number: return one entropy per "
    "state (shape (B,)); the loss takes the mean later",
)
mistake(
    "gaussian_entropy",
    "no_half",
    _wrong_ent_no_half,
    "the constant 0.5 per dimension (from E[(a - mu)^2 / (2 sigma^2)] = 1/2) is missing",
)


def _ent_per_dim(log_std, half=0.5, half_log_2pi=0.5 * _LOG_2PI, log_sigma=1.0):
    """The per-dimension entropy with its terms' factors as given (1 each when right)."""
    return half + half_log_2pi + log_sigma * log_std


def _wrong_ent_mean_over_dims(log_std):
    return _ent_per_dim(log_std).mean(-1)


def _wrong_ent_sum_over_batch(log_std):
    return _ent_per_dim(log_std).sum(0)


def _wrong_ent_sum_all(log_std):
    return _ent_per_dim(log_std).sum()


def _wrong_ent_two_log_sigma(log_std):
    return _ent_per_dim(log_std, log_sigma=2.0).sum(-1)


def _wrong_ent_half_log_sigma(log_std):
    return _ent_per_dim(log_std, log_sigma=0.5).sum(-1)


def _wrong_ent_full_log_2pi(log_std):
    return _ent_per_dim(log_std, half_log_2pi=_LOG_2PI).sum(-1)


def _wrong_ent_sign(log_std):
    return _ent_per_dim(log_std, log_sigma=-1.0).sum(-1)


mistake(
    "gaussian_entropy",
    "mean_over_dims",
    _wrong_ent_mean_over_dims,
    "the per-dimension entropies are averaged: the entropy of independent dimensions is "
    "their sum, .sum(-1), not .mean(-1)",
)
mistake(
    "gaussian_entropy",
    "sum_over_batch",
    _wrong_ent_sum_over_batch,
    "the sum runs over the batch (dim 0), one number per action dimension: sum over the "
    "action dimensions, .sum(-1), one entropy per state",
)
mistake(
    "gaussian_entropy",
    "sum_all",
    _wrong_ent_sum_all,
    "one number is returned for the whole batch (a sum over states and dimensions): sum "
    "over the action dimensions only, .sum(-1), one entropy per state",
)
mistake(
    "gaussian_entropy",
    "two_log_sigma",
    _wrong_ent_two_log_sigma,
    "the entropy grows with 2 log sigma (log sigma^2) per dimension: it is 0.5 log(2 pi e "
    "sigma^2) = 0.5 + 0.5 log(2 pi) + log sigma",
)
mistake(
    "gaussian_entropy",
    "half_log_sigma",
    _wrong_ent_half_log_sigma,
    "the entropy grows with 0.5 log sigma per dimension, as 0.5 log(2 pi e sigma) would: it "
    "is 0.5 log(2 pi e sigma^2) = 0.5 + 0.5 log(2 pi) + log sigma",
)
mistake(
    "gaussian_entropy",
    "full_log_2pi",
    _wrong_ent_full_log_2pi,
    "the constant is log(2 pi) per dimension, twice what it should be: S = sum_i (0.5 + "
    "0.5 log(2 pi) + log sigma_i)",
)
mistake(
    "gaussian_entropy",
    "sign",
    _wrong_ent_sign,
    "log sigma is subtracted: a wider Gaussian has a larger entropy, S = sum_i (0.5 + "
    "0.5 log(2 pi) + log sigma_i)",
)


def _check_ent_case(fn, log_std, what, dtype=None) -> None:
    """gaussian_entropy(log_std) against the reference."""

    def args():
        return (const(log_std, dtype),)

    check_case(fn, "gaussian_entropy", args, _ref_gaussian_entropy, what, index_names="row")


@register("gaussian_entropy")
def check_gaussian_entropy_basic(fn) -> None:
    """sigma = 1 in one dimension: 0.5 + 0.5 ln 2 pi = 1.419; two dimensions double it."""
    _check_ent_case(fn, [[0.0]], "entropy of the standard normal (1.419)")
    _check_ent_case(fn, [[0.0, 0.0], [0.5, -0.5]], "entropy of 2-D Gaussians")


@register("gaussian_entropy")
def check_gaussian_entropy_narrow(fn) -> None:
    """A narrow Gaussian has a *negative* entropy: no floor at 0, unlike a categorical one."""
    _check_ent_case(
        fn,
        [[-2.0, -3.0], [-1.5, 0.0]],
        "entropy of narrow Gaussians (sigma = e^-2, e^-3: negative)",
        dtype=_t_float32,
    )


@register("gaussian_entropy")
def check_gaussian_entropy_gradient(fn) -> None:
    """dS/d log_std = 1 for every dimension: the entropy bonus pushes every sigma up equally."""
    log_std = leaf([[-0.5, 0.2], [-0.5, 0.2]])
    out = call_learner(fn, "gaussian_entropy", log_std)
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (log_std,), "gaussian_entropy (summed)")
    if grad is None:
        raise _AssertionError("gaussian_entropy does not depend on log_std")
    assert_close(
        grad,
        _np_array([[1.0, 1.0], [1.0, 1.0]]),
        "gradient of the entropy w.r.t. log_std",
        index_names="row, dim",
        hint="S is linear in log sigma with slope 1 per dimension",
    )


@register("gaussian_entropy")
def check_gaussian_entropy_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches of log-stds, 1 to 6 dimensions."""

    def check_one(args, what):
        (log_std,) = args()
        _check_ent_case(fn, log_std, what)

    check_with_ladder(check_one, _ent_random_cases(seed, n_cases), _ENT_LADDER)


def _ent_random_cases(seed: int, n_cases: int):
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(1, 7))
        log_std = rng.uniform(-3.0, 1.5, size=(b, a))
        yield _given(log_std.tolist()), f"gaussian_entropy for a random ({b}, {a}) batch"


# One state and one dimension, then more of each, log sigma of both signs.
_ENT_LADDER = [
    (_given(s), f"gaussian_entropy(log_std={s})")
    for s in (
        [[0.5]],
        [[-1.0, 0.3]],
        [[0.2], [-0.7]],
        [[-2.0, 0.5, 1.0], [0.0, -0.3, 0.4]],
    )
]


def _wrong_clip_unit_bounds(actions, low, high):
    return np.clip(actions, -1.0, 1.0)


def _wrong_clip_tanh(actions, low, high):
    return (
        np.tanh(actions) * (np.asarray(high) - np.asarray(low)) / 2
        + (np.asarray(high) + np.asarray(low)) / 2
    )


def _wrong_clip_upper_only(actions, low, high):
    return np.minimum(actions, high)


def _wrong_clip_swapped(actions, low, high):
    return np.clip(actions, high, low)


mistake(
    "clip_action",
    "unit_bounds",
    _wrong_clip_unit_bounds,
    "the bounds are hard-coded to [-1, 1]: clip to the action space's own low and high, "
    "per dimension",
)
mistake(
    "clip_action",
    "tanh",
    _wrong_clip_tanh,
    "the action is squashed with tanh, which changes actions that are already inside the "
    "bounds: clip, so the environment gets exactly the sampled action whenever it is legal",
)
mistake(
    "clip_action",
    "upper_only",
    _wrong_clip_upper_only,
    "only the upper bound is applied: clip below at low too (np.clip(actions, low, high))",
)
mistake(
    "clip_action",
    "swapped",
    _wrong_clip_swapped,
    "low and high are swapped: np.clip(actions, low, high)",
)


def _wrong_clip_lower_only(actions, low, high):
    return np.maximum(actions, low)


def _wrong_clip_always_high(actions, low, high):
    return np.maximum(np.minimum(actions, low), high)


def _wrong_clip_in_place(actions, low, high):
    np.clip(actions, low, high, out=actions)
    return actions


def _wrong_clip_widest_bounds(actions, low, high):
    return np.clip(actions, np.min(low), np.max(high))


def _wrong_clip_first_bounds(actions, low, high):
    return np.clip(actions, low[0], high[0])


def _wrong_clip_bounds_by_row(actions, low, high):
    return np.stack([np.clip(row, low[i], high[i]) for i, row in enumerate(actions)])


def _wrong_clip_integer(actions, low, high):
    return np.clip(actions, low, high).astype(np.int64)  # truncates towards 0


def _wrong_clip_symmetric(actions, low, high):
    return np.sign(actions) * np.minimum(np.abs(actions), high)


mistake(
    "clip_action",
    "lower_only",
    _wrong_clip_lower_only,
    "only the lower bound is applied: clip above at high too (np.clip(actions, low, high))",
)
mistake(
    "clip_action",
    "always_high",
    _wrong_clip_always_high,
    "every action becomes high: np.maximum(np.minimum(actions, low), high) has minimum and "
    "maximum the wrong way round; use np.minimum(np.maximum(actions, low), high)",
)
_IN_PLACE = (
    "the rollout stores the *sampled* action (its log-probability is the one the policy "
    "computed), so return a clipped copy (np.clip without out=, or torch.clamp without _)"
)
mistake("clip_action", "in_place", _wrong_clip_in_place, _IN_PLACE)
mistake(
    "clip_action",
    "widest_bounds",
    _wrong_clip_widest_bounds,
    "every dimension is clipped to the same, widest bounds (the smallest low, the largest "
    "high): clip each dimension j to its own low[j] and high[j]",
)
mistake(
    "clip_action",
    "first_bounds",
    _wrong_clip_first_bounds,
    "every dimension is clipped to the first dimension's bounds low[0], high[0]: clip each "
    "dimension j to its own low[j] and high[j]",
)
mistake(
    "clip_action",
    "bounds_by_row",
    _wrong_clip_bounds_by_row,
    "row i is clipped to low[i], high[i]: the bounds have one entry per action dimension "
    "(columns), not per environment (rows); np.clip(actions, low, high) broadcasts them",
)
mistake(
    "clip_action",
    "integer",
    _wrong_clip_integer,
    "the result holds whole numbers (the fractions are cut off): an integer array keeps "
    "only the integer part; return a float array (np.clip returns one)",
)
mistake(
    "clip_action",
    "symmetric",
    _wrong_clip_symmetric,
    "the bounds are taken as symmetric, -high to high, and low is ignored: clip to "
    "[low, high], per dimension",
)


def _bounds_case(rng, n: int, a: int) -> tuple:
    low = -rng.uniform(0.2, 2.0, size=a)
    high = rng.uniform(0.2, 2.0, size=a)
    actions = rng.normal(0.0, 1.5, size=(n, a))
    return actions, low, high


def _wrong_clip_torch_clamp(actions, low, high):
    return torch.clamp(torch.as_tensor(actions), low, high).numpy()  # raises: numpy bounds


_TORCH_ON_ARRAYS = (
    "a torch function was given numpy arrays (actions, low and high are numpy arrays here): "
    "use numpy, np.clip(actions, low, high), or convert them with torch.as_tensor first"
)
mistake("clip_action", "torch_clamp", _wrong_clip_torch_clamp, _TORCH_ON_ARRAYS)


def _check_clip_case(fn, actions, low, high, what) -> None:
    """clip_action(actions, low, high) against the reference."""

    def args():
        return (
            _np_array(actions, dtype=np.float32),
            _np_array(low, dtype=np.float32),
            _np_array(high, dtype=np.float32),
        )

    try:
        check_case(fn, "clip_action", args, _ref_clip_action, what, index_names="env, dim")
    except _AssertionError as err:
        raised = err.__cause__  # the learner's exception; its type is rebuilt by name remotely
        if _type(raised).__name__ == "TypeError" and "numpy.ndarray" in _str(raised):
            raise _AssertionError(f"{what}: {_TORCH_ON_ARRAYS}") from raised
        raise


@register("clip_action")
def check_clip_action_basic(fn) -> None:
    """LunarLanderContinuous's bounds [-1, 1]: outside clipped, inside unchanged."""
    _check_clip_case(
        fn,
        [[1.7, -0.2], [-3.0, 0.9], [0.1, 5.0]],
        [-1.0, -1.0],
        [1.0, 1.0],
        "clip_action with bounds [-1, 1]",
    )


@register("clip_action")
def check_clip_action_bounds(fn) -> None:
    """Bounds that differ per dimension and are not [-1, 1]."""
    _check_clip_case(
        fn,
        [[0.3, 0.3, -0.3], [2.0, -2.0, 0.05], [-0.6, 0.6, 9.0]],
        [-0.5, -1.5, 0.0],
        [0.25, 3.0, 0.1],
        "clip_action with bounds low = [-0.5, -1.5, 0], high = [0.25, 3, 0.1]",
    )


@register("clip_action")
def check_clip_action_keeps_sample(fn) -> None:
    """The sampled array is left as drawn: the rollout stores it for the ratio."""
    actions = _np_array([[1.5, -0.5], [-2.0, 0.25]], dtype=np.float32)
    before = actions.copy()
    got = call_learner(
        fn,
        "clip_action",
        actions,
        _np_array([-1.0, -1.0], dtype=np.float32),
        _np_array([1.0, 1.0], dtype=np.float32),
    )
    if not bool(_np_all(actions == before)):
        raise _AssertionError(f"clip_action changed its input in place: {_IN_PLACE}")
    assert_close(
        got,
        _ref_clip_action(before, _np_array([-1.0, -1.0]), _np_array([1.0, 1.0])),
        "clip_action's result",
        index_names="env, dim",
    )


@register("clip_action")
def check_clip_action_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random actions and bounds, 1 to 6 dimensions."""

    def check_one(args, what):
        actions, low, high = args()
        _check_clip_case(fn, actions, low, high, what)

    check_with_ladder(check_one, _clip_random_cases(seed, n_cases), _CLIP_LADDER)


def _clip_random_cases(seed: int, n_cases: int):
    rng = make_rng(seed)
    for _ in _range(n_cases):
        n, a = _int(rng.integers(1, 32)), _int(rng.integers(1, 7))
        actions, low, high = _bounds_case(rng, n, a)
        yield (
            _given(actions.tolist(), low.tolist(), high.tolist()),
            f"clip_action for random ({n}, {a}) actions, bounds "
            f"{[round(_float(x), 2) for x in low]} to "
            f"{[round(_float(x), 2) for x in high]}",
        )


# One action, then more environments and dimensions; each case has actions below, inside and
# above the bounds, and from the third on the bounds differ per dimension.
_CLIP_LADDER = [
    (_given(a, lo, hi), f"clip_action(actions={a}, low={lo}, high={hi})")
    for a, lo, hi in (
        ([[1.5]], [-1.0], [1.0]),
        ([[1.5, -2.0], [0.3, 0.5]], [-1.0, -1.0], [1.0, 1.0]),
        ([[0.3, -0.8], [2.0, 0.1], [-0.9, 2.5]], [-0.5, -1.0], [0.25, 2.0]),
        (
            [[0.3, 0.3, -0.3], [2.0, -2.0, 0.05], [-0.6, 0.6, 9.0]],
            [-0.5, -1.5, 0.0],
            [0.25, 3.0, 0.1],
        ),
    )
]
