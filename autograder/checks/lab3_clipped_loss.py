"""Lab 3's checks: probability_ratio, clipped_surrogate_loss, value_loss, ppo_loss.

Each function's known mistakes (``_wrong_*``) are registered right above the checks they serve.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.checks.compare import (
    ATOL,
    EDITED_AFTER_USE,
    MISTAKES,
    RTOL,
    STATE,
    _AssertionError,
    _autograd_grad,
    _Exception,
    _float,
    _int,
    _isinstance,
    _len,
    _log,
    _name_known_mistake,
    _np_all,
    _np_argmax,
    _np_array,
    _range,
    _Tensor,
    _tuple,
    _zip,
    assert_close,
    assert_scalar_close,
    call_learner,
    check_case,
    check_with_ladder,
    const,
    elementwise_close,
    fmt,
    gradient_of,
    known_results,
    leaf,
    make_rng,
    matches,
    mistake,
    register,
    to_array,
    to_float,
)
from ppo_core.losses import clipped_surrogate_loss as _ref_clipped_surrogate_loss
from ppo_core.losses import ppo_loss as _ref_ppo_loss
from ppo_core.losses import probability_ratio as _ref_probability_ratio
from ppo_core.losses import value_loss as _ref_value_loss

_IN_PLACE = (
    "the function edits an input tensor in place (e.g. x -= y, x.exp_()), which autograd "
    "refuses for a tensor that needs a gradient: compute new tensors instead (z = x - y)"
)


def _call_for_gradient(fn, function: str, *inputs):
    """call_learner on inputs that need a gradient; when the learner's function fails because
    it edits one of them in place (seen by calling it again on copies that need none), say so."""
    try:
        return call_learner(fn, function, *inputs)
    except _AssertionError as err:
        copies = [x.detach().clone() if _isinstance(x, _Tensor) else x for x in inputs]
        try:
            call_learner(fn, function, *copies)
        except _AssertionError:
            pass
        for x, c in _zip(inputs, copies):
            if _isinstance(x, _Tensor) and not bool((x.detach() == c).all()):
                raise _AssertionError(f"{function}: {MISTAKES[function]['in_place'][1]}") from err
        raise


def _wrong_ratio_in_place(new, old):
    new -= old
    return new.exp()


def _wrong_ratio_reduced(new, old):
    return torch.exp(new - old).mean()


def _wrong_ratio_difference(new, old):
    return torch.exp(new) - torch.exp(old)


mistake("probability_ratio", "in_place", _wrong_ratio_in_place, _IN_PLACE)
mistake(
    "probability_ratio",
    "reduced",
    _wrong_ratio_reduced,
    "probability_ratio returns one number for the whole batch: the ratio is per sample, "
    "r_t = exp(new_log_probs[t] - old_log_probs[t]), one per action (no mean or sum)",
)
mistake(
    "probability_ratio",
    "difference",
    _wrong_ratio_difference,
    "this is the difference of the probabilities, pi_new - pi_old: the ratio divides them, "
    "r = exp(new_log_probs - old_log_probs)",
)


def _wrong_ratio_no_exp(new, old):
    return new - old


def _wrong_ratio_inverted(new, old):
    return torch.exp(old - new)


def _wrong_ratio_divide(new, old):
    return torch.exp(new) / torch.exp(old)


def _wrong_ratio_divides_log_probs(new, old):
    return new / old


mistake(
    "probability_ratio",
    "divides_log_probs",
    _wrong_ratio_divides_log_probs,
    "the log-probabilities are divided (new_log_probs / old_log_probs): a ratio of "
    "probabilities is a difference of log-probabilities, r = exp(new_log_probs - old_log_probs)",
)
mistake(
    "probability_ratio",
    "no_exp",
    _wrong_ratio_no_exp,
    "this is the log-ratio: r = exp(log pi_new - log pi_old)",
)
mistake(
    "probability_ratio",
    "inverted",
    _wrong_ratio_inverted,
    "the ratio is inverted: r = pi_new / pi_old = exp(new_log_probs - old_log_probs)",
)
mistake(
    "probability_ratio",
    "divide",
    _wrong_ratio_divide,
    "exp(new) / exp(old) underflows to 0/0 = nan for very unlikely actions: compute "
    "exp(new_log_probs - old_log_probs)",
)


def _check_ratio_case(fn, new, old, what) -> None:
    """probability_ratio(new, old) against the reference."""

    def args():
        return (const(new), const(old))

    check_case(fn, "probability_ratio", args, _ref_probability_ratio, what, index_names="sample")


@register("probability_ratio")
def check_probability_ratio_value(fn) -> None:
    """Unchanged policy -> ratio 1; a more likely action -> ratio > 1, a less likely one < 1."""
    _check_ratio_case(
        fn, [-1.0, -0.5, -2.0], [-1.0, -0.5, -2.0], "the ratio of an unchanged policy"
    )
    _check_ratio_case(fn, [-0.5, -2.0, -1.2], [-1.0, -1.0, -1.3], "probability_ratio")


@register("probability_ratio")
def check_probability_ratio_stability(fn) -> None:
    """Very unlikely actions (log-probs near -800) must still give finite ratios."""
    _check_ratio_case(fn, [-800.0, -750.0], [-801.0, -750.5], "the ratio of very unlikely actions")


@register("probability_ratio")
def check_probability_ratio_gradient(fn) -> None:
    """Gradients flow through the new log-probabilities: d r / d new = r."""
    new = leaf([-0.5, -2.0, -1.2])
    old = const([-1.0, -1.0, -1.3])
    out = _call_for_gradient(fn, "probability_ratio", new, old)
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (new,), "probability_ratio (summed)")
    if grad is None:
        raise _AssertionError("probability_ratio does not depend on new_log_probs")
    assert_close(
        grad,
        to_array(_ref_probability_ratio(const([-0.5, -2.0, -1.2]), old), "r"),
        "gradient of the ratio w.r.t. new_log_probs",
        index_names="sample",
        hint="d exp(new - old) / d new = exp(new - old)",
    )


@register("probability_ratio")
def check_probability_ratio_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches of log-probabilities."""
    rng = make_rng(seed)
    cases = []
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 200))
        old = -rng.exponential(1.5, size=b)
        new = old + rng.normal(0.0, 0.3, size=b)
        cases.append(
            _ratio_case(new.tolist(), old.tolist(), f"probability_ratio of a batch of {b}")
        )

    def check_one(args, what):
        new, old = args()
        _check_ratio_case(fn, new, old, what)

    check_with_ladder(check_one, cases, [_ratio_case(new, old) for new, old in _RATIO_LADDER])


_RATIO_LADDER = (
    ([-0.5], [-2.0]),
    ([-0.5, -2.0], [-1.0, -1.0]),
    ([-0.5, -2.0, -1.2], [-1.0, -1.0, -1.3]),
    ([-0.1, -3.0, -0.7, -1.6], [-0.2, -2.5, -0.9, -1.1]),
)
"""Small fixed cases, smallest first: a failing random case is reported as the first of these
that fails too."""


def _ratio_case(new: list, old: list, what: str | None = None):
    """A ``(args, what)`` case of probability_ratio for :func:`check_with_ladder`."""
    return (
        lambda: (new, old)
    ), what or f"probability_ratio(new_log_probs={new}, old_log_probs={old})"


def _surrogate_terms(new, old, adv, eps):
    """The ratio, the unclipped term r*A and the clipped term clip(r)*A of Eq. 7."""
    ratio = torch.exp(new - old)
    return ratio, ratio * adv, torch.clamp(ratio, 1 - eps, 1 + eps) * adv


def _wrong_clip_max(new, old, adv, eps):
    _, u, c = _surrogate_terms(new, old, adv, eps)
    return -torch.max(u, c).mean()


def _wrong_clip_advantage(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, ratio * torch.clamp(adv, -eps, eps)).mean()


def _wrong_clip_advantage_around_one(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, ratio * torch.clamp(adv, 1 - eps, 1 + eps)).mean()


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


def _wrong_clip_upper_only(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, torch.clamp(ratio, max=1 + eps) * adv).mean()


def _wrong_clip_lower_only(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, torch.clamp(ratio, min=1 - eps) * adv).mean()


def _wrong_clip_min_of_means(new, old, adv, eps):
    _, u, c = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u.mean(), c.mean())


def _wrong_clip_ratio_minus_one(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, torch.clamp(ratio - 1, -eps, eps) * adv).mean()


def _wrong_clip_product(new, old, adv, eps):
    _, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, torch.clamp(u, 1 - eps, 1 + eps)).mean()


def _wrong_clip_bounds_swapped(new, old, adv, eps):
    ratio, u, _ = _surrogate_terms(new, old, adv, eps)
    return -torch.min(u, torch.clamp(ratio, 1 + eps, 1 - eps) * adv).mean()


def _wrong_clip_in_place(new, old, adv, eps):
    new -= old
    return _ref_clipped_surrogate_loss(new, torch.zeros_like(old), adv, eps)


mistake(
    "clipped_surrogate_loss",
    "bounds_swapped",
    _wrong_clip_bounds_swapped,
    "the clip bounds are swapped: torch.clamp(r, 1 + eps, 1 - eps) returns 1 - eps "
    "everywhere; clamp(r, 1 - eps, 1 + eps)",
)
mistake("clipped_surrogate_loss", "in_place", _wrong_clip_in_place, _IN_PLACE)


def _wrong_clip_clamped_in_place(new, old, adv, eps):
    ratio = torch.exp(new - old)
    clipped = ratio.clamp_(1 - eps, 1 + eps)
    return -torch.min(ratio * adv, clipped * adv).mean()


mistake(
    "clipped_surrogate_loss",
    "edited_after_use",
    _wrong_clip_clamped_in_place,
    EDITED_AFTER_USE,
)
mistake(
    "clipped_surrogate_loss",
    "upper_only",
    _wrong_clip_upper_only,
    "the ratio is clipped from above only (clamp(r, max=1 + eps)): Eq. 7 clips it on both "
    "sides, clamp(r, 1 - eps, 1 + eps)",
)
mistake(
    "clipped_surrogate_loss",
    "lower_only",
    _wrong_clip_lower_only,
    "the ratio is clipped from below only (clamp(r, min=1 - eps)): Eq. 7 clips it on both "
    "sides, clamp(r, 1 - eps, 1 + eps)",
)
mistake(
    "clipped_surrogate_loss",
    "min_of_means",
    _wrong_clip_min_of_means,
    "the min is taken between the two batch means, min(mean(r*A), mean(clip(r)*A)): Eq. 7 "
    "takes the min per sample, then the mean, -mean(min(r*A, clip(r)*A))",
)
mistake(
    "clipped_surrogate_loss",
    "ratio_minus_one",
    _wrong_clip_ratio_minus_one,
    "r - 1 is clipped to [-eps, eps] and multiplied by A without adding the 1 back: the clipped "
    "term is clamp(r, 1 - eps, 1 + eps) * A",
)
mistake(
    "clipped_surrogate_loss",
    "clipped_product",
    _wrong_clip_product,
    "the product r*A is clipped to [1 - eps, 1 + eps]: clip the ratio alone, then multiply, "
    "clamp(r, 1 - eps, 1 + eps) * A",
)
mistake(
    "clipped_surrogate_loss",
    "max",
    _wrong_clip_max,
    "the loss takes the max of the unclipped and clipped terms: Eq. 7 takes the *min* of "
    "r*A and clip(r)*A (a pessimistic bound), then the loss is its negative mean",
)
mistake(
    "clipped_surrogate_loss",
    "clip_advantage",
    _wrong_clip_advantage,
    "the advantage is clipped: Eq. 7 clips the *ratio* to [1 - eps, 1 + eps], never A",
)
mistake(
    "clipped_surrogate_loss",
    "clip_advantage_around_one",
    _wrong_clip_advantage_around_one,
    MISTAKES["clipped_surrogate_loss"]["clip_advantage"][1],
)
mistake(
    "clipped_surrogate_loss",
    "sign",
    _wrong_clip_sign,
    "the sign is flipped: Eq. 7 is an objective to maximise, so the loss to minimise is "
    "-mean(min(r*A, clip(r)*A))",
)
mistake(
    "clipped_surrogate_loss",
    "sum",
    _wrong_clip_sum,
    "the loss sums over the batch: take the mean (E_t in Eq. 7), so the step size does not "
    "depend on the minibatch size",
)
mistake(
    "clipped_surrogate_loss",
    "clip_only",
    _wrong_clip_only,
    "only the clipped term is used: without the min, a step that made a good action much "
    "less likely (r < 1 - eps, A > 0) is never corrected; take min(r*A, clip(r)*A)",
)
mistake(
    "clipped_surrogate_loss",
    "no_exp",
    _wrong_clip_no_exp,
    "the ratio is the log-ratio: r = exp(new_log_probs - old_log_probs)",
)
mistake(
    "clipped_surrogate_loss",
    "inverted",
    _wrong_clip_inverted,
    "the ratio is inverted: r = exp(new_log_probs - old_log_probs), not old - new",
)
mistake(
    "clipped_surrogate_loss",
    "unclipped",
    _wrong_clip_unclipped,
    "nothing is clipped (this is the plain surrogate r*A): take "
    "min(r*A, clamp(r, 1 - eps, 1 + eps)*A)",
)
mistake(
    "clipped_surrogate_loss",
    "clip_range",
    _wrong_clip_range,
    "the ratio is clipped to [-eps, eps]: the clip range is [1 - eps, 1 + eps] around 1",
)

# A batch that exercises every case of Eq. 7 (eps = 0.2): ratio inside / above / below the clip
# range, each with a positive and a negative advantage.
_CASE_RATIOS = [1.05, 0.9, 1.5, 1.5, 0.5, 0.5, 1.0, 1.19]
_CASE_ADV = [1.0, -2.0, 2.0, -1.0, 1.5, -0.5, 0.3, -0.7]
_CASE_OLD = [-1.2, -0.7, -2.0, -1.5, -0.3, -2.5, -1.0, -0.9]


def _case_inputs(ratios, advs, olds):
    """New log-probabilities that give ``ratios`` against ``olds``: (new, old, adv)."""
    new = [math.log(r) + o for r, o in _zip(ratios, olds)]
    return new, olds, advs


def _check_clip_value_case(fn, new, old, adv, eps, what) -> None:
    """The value of clipped_surrogate_loss(new, old, adv, eps) against the reference."""

    def args():
        return (const(new), const(old), const(adv), eps)

    check_case(fn, "clipped_surrogate_loss", args, _ref_clipped_surrogate_loss, what, scalar=True)


def _check_clip_gradient(fn, ratios, advs, olds, eps, what):
    """The gradient of clipped_surrogate_loss w.r.t. the new log-probs against the
    reference's; on a mismatch, names the case of Eq. 7 (and the known mistake) that went wrong."""
    new_raw, old_raw, adv_raw = _case_inputs(ratios, advs, olds)
    new = leaf(new_raw)
    out = _call_for_gradient(fn, "clipped_surrogate_loss", new, const(old_raw), const(adv_raw), eps)
    (grad,) = gradient_of(out, (new,), "clipped_surrogate_loss")
    ref_new = leaf(new_raw)
    (ref_grad,) = _autograd_grad(
        _ref_clipped_surrogate_loss(ref_new, const(old_raw), const(adv_raw), eps), (ref_new,)
    )
    ref = to_array(ref_grad, "ref")
    if grad is None:
        raise _AssertionError("clipped_surrogate_loss does not depend on new_log_probs")
    ok = elementwise_close(grad, ref, RTOL, ATOL)
    if STATE.all_mistakes:  # recording the student build: every mistake's gradient, every case
        for impl, _ in MISTAKES["clipped_surrogate_loss"].values():
            _gradient_of_impl(impl, new_raw, old_raw, adv_raw, eps)
    if bool(_np_all(ok)):
        return
    # Name the case of Eq. 7 that went wrong, for the first wrong sample.
    i = _int(_np_argmax(~ok))
    r, a = ratios[i], advs[i]
    side = (
        "inside the clip range"
        if 1 - eps <= r <= 1 + eps
        else f"above 1 + eps = {1 + eps:g}"
        if r > 1 + eps
        else f"below 1 - eps = {1 - eps:g}"
    )
    wrong = {
        key: _gradient_of_impl(impl, new_raw, old_raw, adv_raw, eps)
        for key, (impl, _) in MISTAKES["clipped_surrogate_loss"].items()
    }
    where = f"{what} (sample {i}: ratio r={r:g} {side}, advantage A={a:g})"
    _name_known_mistake(grad, ref, where, "clipped_surrogate_loss", wrong, RTOL, ATOL)
    # No single known cause: say what Eq. 7 gives for this sample, and why.
    if ref[i] == 0.0:
        reason = (
            "here the clipped term is the smaller one, so Eq. 7 is flat in r and its gradient "
            "is exactly 0"
        )
    elif 1 - eps <= r <= 1 + eps:
        reason = (
            "inside the clip range Eq. 7 is the plain surrogate r*A, whose loss gradient "
            "per sample is -A*r/B (mean over the batch)"
        )
    else:
        reason = (
            "here the *unclipped* term r*A is the smaller one, so the min keeps it and the "
            "gradient is -A*r/B, not 0"
        )
    raise _AssertionError(
        f"{what}: the gradient for sample {i} (ratio r={r:g} {side}, advantage A={a:g}) is "
        f"{fmt(_float(grad[i]))}, expected {fmt(_float(ref[i]))}: {reason}"
    )


def _gradient_of_impl(impl, new_raw, old_raw, adv_raw, eps):
    """Gradient of a known-wrong loss w.r.t. the new log-probs, or None if it has none."""
    try:
        new = leaf(new_raw)
        out = impl(new, const(old_raw), const(adv_raw), eps)
        (g,) = _autograd_grad(out, (new,), allow_unused=True)
        return None if g is None else to_array(g, "g")
    except _Exception:
        return None


def _check_scalar_cases(fn, function: str, reference, cases) -> None:
    """The single-number result of ``function`` on each ``(args, what)`` case against
    ``reference``. A known mistake is named only when its cause alone explains what the learner
    returned on *every* case: on any one case two mistakes can return the same number (the min
    of the two batch means of the clipped loss always equals another known mistake's)."""
    seen = []
    for args, what in cases:
        got = _np_array(to_float(call_learner(fn, function, *args()), what))
        expected = _np_array(_float(reference(*args())))
        seen.append((got, expected, known_results(function, args), what))
    consistent = [
        key for key in MISTAKES[function] if _all_match(key, [(g, w) for g, _, w, _ in seen])
    ]
    for got, expected, wrong, what in seen:
        if not matches(got, expected, RTOL, ATOL):
            explained = {key: wrong[key] for key in consistent}
            _name_known_mistake(got, expected, what, function, explained, RTOL, ATOL)
            assert_close(got, expected, what)


def _clip_value_case(new, old, adv, eps, what):
    """A ``(args, what)`` case of clipped_surrogate_loss's value."""
    return (lambda: (const(new), const(old), const(adv), eps)), what


def _all_match(key, results) -> bool:
    """Whether the known mistake ``key`` returned what the learner did on every case."""
    for got, wrong in results:
        w = wrong.get(key)
        if w is None or not matches(got, to_array(w, "a known mistake").reshape(()), RTOL, ATOL):
            return False
    return True


# Where the min of the two batch means equals the clipped mean rather than the unclipped one.
_MEANS_RATIOS, _MEANS_ADV, _MEANS_OLD = [1.5, 0.5], [3.0, 1.0], [-1.0, -0.5]


@register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_value(fn) -> None:
    """The loss on a batch covering every case of Eq. 7, and at ratio 1 (= -mean(A))."""
    new, old, adv = _case_inputs(_CASE_RATIOS, _CASE_ADV, _CASE_OLD)
    means = _case_inputs(_MEANS_RATIOS, _MEANS_ADV, _MEANS_OLD)
    cases = [
        (new, old, adv, 0.2, "clipped_surrogate_loss (eps=0.2)"),
        (new, old, adv, 0.1, "clipped_surrogate_loss (eps=0.1)"),
        (old, old, adv, 0.2, "clipped_surrogate_loss at ratio 1 (must equal -mean(A))"),
        (*means, 0.2, "clipped_surrogate_loss of ratios [1.5, 0.5], advantages [3, 1]"),
    ]
    _check_scalar_cases(
        fn,
        "clipped_surrogate_loss",
        _ref_clipped_surrogate_loss,
        [_clip_value_case(*case) for case in cases],
    )


@register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_gradient_inside(fn) -> None:
    """Inside [1 - eps, 1 + eps], for both signs of A, the gradient is that of -mean(r*A)."""
    _check_clip_gradient(
        fn,
        [1.05, 0.9, 1.15, 0.85],
        [1.0, 1.5, -2.0, -0.5],
        [-1.0, -0.5, -2.0, -1.5],
        0.2,
        "clipped_surrogate_loss gradient inside the clip range",
    )


@register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_gradient_positive_advantage(fn) -> None:
    """A > 0 outside the clip range: zero gradient above 1 + eps, full gradient below 1 - eps."""
    _check_clip_gradient(
        fn,
        [1.5, 1.3, 0.5, 0.7],
        [2.0, 0.5, 1.0, 3.0],
        [-1.0, -0.5, -2.0, -1.5],
        0.2,
        "clipped_surrogate_loss gradient for positive advantages",
    )


@register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_gradient_negative_advantage(fn) -> None:
    """A < 0 outside the clip range: zero gradient below 1 - eps, full gradient above 1 + eps."""
    _check_clip_gradient(
        fn,
        # mean(r*A) < mean(clip(r)*A) here, so the min of the two batch means (a known
        # mistake) has the unclipped term's gradient, unlike the clipped term alone; and
        # log r = 0.92 lies in [1 - eps, 1 + eps], so a log-ratio has a gradient there
        [0.5, 0.7, 1.5, 2.5],
        [-0.5, -0.5, -2.0, -3.0],
        [-1.0, -0.5, -2.0, -1.5],
        0.2,
        "clipped_surrogate_loss gradient for negative advantages",
    )


@register("clipped_surrogate_loss")
def check_clipped_surrogate_loss_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random batches: values and gradients, eps in [0.1, 0.3]."""
    rng = make_rng(seed)
    cases = []
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 200))
        old = -rng.exponential(1.5, size=b)
        ratios = np.exp(rng.normal(0.0, 0.4, size=b))
        adv = rng.normal(0.0, 1.0, size=b)
        eps = _float(rng.choice([0.1, 0.2, 0.3]))
        what = f"clipped_surrogate_loss of a random batch of {b} (eps={eps})"
        cases.append(_clip_case(ratios.tolist(), adv.tolist(), old.tolist(), eps, what))

    def check_one(args, what):
        ratios, advs, olds, eps = args()
        new, old, adv = _case_inputs(ratios, advs, olds)
        _check_clip_value_case(fn, new, old, adv, eps, what)
        _check_clip_gradient(fn, ratios, advs, olds, eps, f"{what}, its gradient")

    ladder = [_clip_case(r, a, [-1.0] * _len(r), 0.2) for r, a in _CLIP_LADDER]
    check_with_ladder(check_one, cases, ladder)


_CLIP_LADDER = (
    ([1.1], [1.0]),
    ([1.5, 0.5], [1.0, 1.0]),
    ([1.5, 0.5, 1.1], [-1.0, -1.0, -0.5]),
    ([1.05, 0.9, 1.5, 1.5, 0.5, 0.5], [1.0, -2.0, 2.0, -1.0, 1.5, -0.5]),
)
"""Small fixed cases (ratios, advantages), smallest first, with old log-probs -1 and eps 0.2:
inside the clip range, then outside it with A > 0, with A < 0, and every case of Eq. 7."""


def _clip_case(ratios: list, advs: list, olds: list, eps: float, what: str | None = None):
    """A ``(args, what)`` case of clipped_surrogate_loss for :func:`check_with_ladder`."""
    what = what or f"clipped_surrogate_loss with ratios {ratios}, advantages {advs}, eps={eps}"
    return (lambda: (ratios, advs, olds, eps)), what


def _wrong_vl_sum(values, returns):
    return ((values - returns) ** 2).sum()


def _wrong_vl_abs(values, returns):
    return (values - returns).abs().mean()


def _wrong_vl_half(values, returns):
    return 0.5 * ((values - returns) ** 2).mean()


def _wrong_vl_no_square(values, returns):
    return (values - returns).mean()


def _wrong_vl_root(values, returns):
    return torch.sqrt(((values - returns) ** 2).mean())


def _wrong_vl_broadcast(values, returns):
    return ((values.reshape(-1, 1) - returns) ** 2).mean()


def _wrong_vl_square_of_mean(values, returns):
    return (values - returns).mean() ** 2


def _wrong_vl_n_minus_one(values, returns):
    return ((values - returns) ** 2).sum() / (_len(values) - 1)


def _wrong_vl_in_place(values, returns):
    values -= returns
    return (values**2).mean()


mistake(
    "value_loss",
    "square_of_mean",
    _wrong_vl_square_of_mean,
    "the mean error is squared, (mean(V - V^targ))^2, so positive and negative errors cancel: "
    "square each error, then average, mean((V - V^targ)^2)",
)
mistake(
    "value_loss",
    "n_minus_one",
    _wrong_vl_n_minus_one,
    "the squared errors are summed and divided by B - 1: L^VF is their mean, divided by B",
)
mistake("value_loss", "in_place", _wrong_vl_in_place, _IN_PLACE)
mistake(
    "value_loss",
    "root",
    _wrong_vl_root,
    "this is the root of the mean squared error (RMSE): L^VF is the mean squared error "
    "itself, mean((V - V^targ)^2), without the square root",
)
mistake(
    "value_loss",
    "broadcast",
    _wrong_vl_broadcast,
    "values and returns were broadcast against each other (a (B, 1) column minus a (B,) row "
    "is a (B, B) table of every value minus every return): make both 1-D, e.g. "
    "values.view(-1), before subtracting",
)
mistake(
    "value_loss",
    "sum",
    _wrong_vl_sum,
    "the squared errors are summed: take their mean over the batch",
)
mistake(
    "value_loss",
    "abs",
    _wrong_vl_abs,
    "this is the mean absolute error: L^VF squares the error, (V(s) - V^targ)^2",
)
mistake(
    "value_loss",
    "half",
    _wrong_vl_half,
    "there is an extra factor 1/2: this course's L^VF is mean((V - V^targ)^2); the "
    "weight c1 (vf_coef) scales it in the full loss",
)
mistake(
    "value_loss",
    "no_square",
    _wrong_vl_no_square,
    "the errors are not squared, so positive and negative errors cancel: mean((V - V^targ)^2)",
)


def _check_vl_case(fn, values, returns, what) -> None:
    """value_loss(values, returns) against the reference."""

    def args():
        return (const(values), const(returns))

    check_case(fn, "value_loss", args, _ref_value_loss, what, scalar=True)


@register("value_loss")
def check_value_loss_value(fn) -> None:
    """Mean squared error: perfect predictions give 0; [1, 2] vs [0, 4] gives (1 + 4)/2 = 2.5."""
    cases = [
        _vl_case([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "value_loss of perfect predictions"),
        _vl_case([1.0, 2.0], [0.0, 4.0], "value_loss([1, 2], [0, 4])"),
        _vl_case([10.0, -3.0, 0.5, 2.0], [8.0, -1.0, 0.0, 2.5], "value_loss of four samples"),
    ]
    _check_scalar_cases(fn, "value_loss", _ref_value_loss, [_const_args(c) for c in cases])


def _ref_value_loss_gradient(values: list, returns: list) -> list:
    """dL/dV_i = 2 (V_i - R_i) / B, written out (a local reference: the student build replays
    its recorded result, like the imported references)."""
    return [2.0 * (v - r) / _len(values) for v, r in _zip(values, returns)]


@register("value_loss")
def check_value_loss_gradient(fn) -> None:
    """d L / d V_i = 2 (V_i - R_i) / B: the critic is pulled towards its targets."""
    raw_v, raw_r = [1.0, 2.0, -0.5, 4.0], [0.0, 4.0, -0.5, 3.0]
    values = leaf(raw_v)
    out = _call_for_gradient(fn, "value_loss", values, const(raw_r))
    (grad,) = gradient_of(out, (values,), "value_loss")
    if grad is None:
        raise _AssertionError("value_loss does not depend on values")
    assert_close(
        grad,
        _np_array(_ref_value_loss_gradient(raw_v, raw_r)),
        "gradient of value_loss w.r.t. values",
        index_names="sample",
        hint="L^VF = mean((V - R)^2), so dL/dV_i = 2(V_i - R_i)/B",
    )


@register("value_loss")
def check_value_loss_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches of predictions and targets."""
    rng = make_rng(seed)
    cases = []
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 300))
        values = rng.normal(0.0, 30.0, size=b)
        returns = values + rng.normal(0.0, 10.0, size=b)
        cases.append(_vl_case(values.tolist(), returns.tolist(), f"value_loss of a batch of {b}"))

    def check_one(args, what):
        values, returns = args()
        _check_vl_case(fn, values, returns, what)

    check_with_ladder(check_one, cases, [_vl_case(v, r) for v, r in _VL_LADDER])


_VL_LADDER = (
    ([1.0], [0.0]),
    ([1.0, 2.0], [0.0, 4.0]),
    ([10.0, -3.0, 0.5], [8.0, -1.0, 0.0]),
    ([10.0, -3.0, 0.5, 2.0], [8.0, -1.0, 0.0, 2.5]),
)
"""Small fixed cases (values, returns), smallest first."""


def _const_args(case):
    """``case`` with its list arguments made tensors."""
    args, what = case
    return (lambda: _tuple(const(x) for x in args())), what


def _vl_case(values: list, returns: list, what: str | None = None):
    """A ``(args, what)`` case of value_loss for :func:`check_with_ladder`."""
    return (lambda: (values, returns)), what or f"value_loss(values={values}, returns={returns})"


def _wrong_ppo_entropy_added(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        + c1 * _ref_value_loss(values, returns)
        + c2 * entropy.mean()
    )


def _wrong_ppo_value_subtracted(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        - c1 * _ref_value_loss(values, returns)
        - c2 * entropy.mean()
    )


def _wrong_ppo_no_vf_coef(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        + _ref_value_loss(values, returns)
        - c2 * entropy.mean()
    )


def _wrong_ppo_entropy_sum(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        + c1 * _ref_value_loss(values, returns)
        - c2 * entropy.sum()
    )


def _wrong_ppo_swapped_coefs(new, old, adv, values, returns, entropy, eps, c1, c2):
    return _ref_ppo_loss(new, old, adv, values, returns, entropy, eps, c2, c1)


def _wrong_ppo_policy_negated(new, old, adv, values, returns, entropy, eps, c1, c2):
    return -(
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        - c1 * _ref_value_loss(values, returns)
        + c2 * entropy.mean()
    )


def _wrong_ppo_half_value(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        + 0.5 * c1 * _ref_value_loss(values, returns)
        - c2 * entropy.mean()
    )


def _wrong_ppo_entropy_not_reduced(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        + c1 * _ref_value_loss(values, returns)
        - c2 * entropy
    )


def _wrong_ppo_eq9_signs(new, old, adv, values, returns, entropy, eps, c1, c2):
    return (
        _ref_clipped_surrogate_loss(new, old, adv, eps)
        - c1 * _ref_value_loss(values, returns)
        + c2 * entropy.mean()
    )


def _wrong_ppo_in_place(new, old, adv, values, returns, entropy, eps, c1, c2):
    new -= old
    zero = torch.zeros_like(old)
    return _ref_ppo_loss(new, zero, adv, values, returns, entropy, eps, c1, c2)


mistake(
    "ppo_loss",
    "eq9_signs",
    _wrong_ppo_eq9_signs,
    "the value and entropy terms have Eq. 9's signs, - c1 L^VF + c2 S, which belong to the "
    "objective to maximise: the loss to minimise flips them, policy_loss + vf_coef * "
    "value_loss - ent_coef * entropy.mean()",
)
mistake("ppo_loss", "in_place", _wrong_ppo_in_place, _IN_PLACE)
mistake(
    "ppo_loss",
    "policy_negated",
    _wrong_ppo_policy_negated,
    "the clipped surrogate term has the opposite sign: clipped_surrogate_loss already returns "
    "the loss to minimise (-L^CLIP), so it is added unchanged, policy_loss + vf_coef * "
    "value_loss - ent_coef * entropy.mean()",
)
mistake(
    "ppo_loss",
    "half_value",
    _wrong_ppo_half_value,
    "the value loss is weighted by vf_coef / 2 (an extra factor 1/2): the loss adds "
    "vf_coef * value_loss",
)
mistake(
    "ppo_loss",
    "entropy_not_reduced",
    _wrong_ppo_entropy_not_reduced,
    "the entropy term is not averaged, so the loss has one value per sample: subtract "
    "ent_coef * entropy.mean()",
)
mistake(
    "ppo_loss",
    "entropy_added",
    _wrong_ppo_entropy_added,
    "the entropy bonus is added to the loss, which *penalises* exploration: Eq. 9 adds "
    "c2*S to the objective, so the loss subtracts ent_coef * entropy.mean()",
)
mistake(
    "ppo_loss",
    "value_subtracted",
    _wrong_ppo_value_subtracted,
    "the value loss is subtracted, which would push the critic away from its targets: the "
    "loss adds vf_coef * value_loss",
)
mistake(
    "ppo_loss",
    "no_vf_coef",
    _wrong_ppo_no_vf_coef,
    "the value loss is not weighted by vf_coef (c1 in Eq. 9)",
)
mistake(
    "ppo_loss",
    "entropy_sum",
    _wrong_ppo_entropy_sum,
    "the entropy is summed over the batch: the bonus uses its mean",
)
mistake(
    "ppo_loss",
    "swapped_coefs",
    _wrong_ppo_swapped_coefs,
    "vf_coef and ent_coef are swapped: c1 (vf_coef) weights the value loss, c2 (ent_coef) "
    "the entropy",
)


_PPO_NEW, _PPO_OLD, _PPO_ADV = _case_inputs(_CASE_RATIOS, _CASE_ADV, _CASE_OLD)
_PPO_V = [1.0, 2.0, -0.5, 4.0, 0.0, 1.5, 3.0, -2.0]
_PPO_R = [0.5, 2.5, 0.0, 3.0, 0.2, 1.0, 2.0, -1.0]
_PPO_S = [1.2, 1.0, 1.38, 0.4, 0.9, 1.1, 0.7, 0.3]


def _ppo_args(eps, c1, c2, new=None):
    """A function that returns fresh ppo_loss arguments on the fixed batch."""

    def args():
        return (
            const(new or _PPO_NEW),
            const(_PPO_OLD),
            const(_PPO_ADV),
            const(_PPO_V),
            const(_PPO_R),
            const(_PPO_S),
            eps,
            c1,
            c2,
        )

    return args


def _check_ppo_case(fn, args, what) -> None:
    """ppo_loss(*args()) against the reference (a loss that is not a single number is compared
    with the known mistakes first)."""
    got = call_learner(fn, "ppo_loss", *args())
    wrong = known_results("ppo_loss", args)
    expected = _ref_ppo_loss(*args())
    result = to_array(got, what)
    if result.size != 1:
        _name_known_mistake(result, to_array(expected, "ref"), what, "ppo_loss", wrong, RTOL, ATOL)
    assert_scalar_close(
        got,
        _float(expected),
        what,
        function="ppo_loss",
        wrong=wrong,
        hint="expected clipped_surrogate_loss + vf_coef * value_loss - ent_coef * entropy.mean()",
    )


@register("ppo_loss")
def check_ppo_loss_value(fn) -> None:
    """The full loss with the paper's coefficients (eps 0.2, c1 0.5, c2 0.01) and others."""
    _check_ppo_case(fn, _ppo_args(0.2, 0.5, 0.01), "ppo_loss (eps=0.2, vf_coef=0.5, ent_coef=0.01)")
    _check_ppo_case(fn, _ppo_args(0.1, 1.0, 0.05), "ppo_loss (eps=0.1, vf_coef=1.0, ent_coef=0.05)")


@register("ppo_loss")
def check_ppo_loss_terms(fn) -> None:
    """Each term alone: only the surrogate, then the value term, then the entropy bonus."""
    _check_ppo_case(
        fn,
        _ppo_args(0.2, 0.0, 0.0),
        "ppo_loss with vf_coef=0 and ent_coef=0 (must equal the clipped loss)",
    )
    _check_ppo_case(fn, _ppo_args(0.2, 2.0, 0.0), "ppo_loss with vf_coef=2 and ent_coef=0")
    _check_ppo_case(fn, _ppo_args(0.2, 0.0, 0.5), "ppo_loss with vf_coef=0 and ent_coef=0.5")


@register("ppo_loss")
def check_ppo_loss_gradient(fn) -> None:
    """Gradients reach the policy (new log-probs), the critic (values) and the entropy."""
    leaves = [leaf(_PPO_NEW), leaf(_PPO_V), leaf(_PPO_S)]
    out = _call_for_gradient(
        fn,
        "ppo_loss",
        leaves[0],
        const(_PPO_OLD),
        const(_PPO_ADV),
        leaves[1],
        const(_PPO_R),
        leaves[2],
        0.2,
        0.5,
        0.01,
    )
    grads = gradient_of(out, _tuple(leaves), "ppo_loss")
    ref_leaves = [leaf(_PPO_NEW), leaf(_PPO_V), leaf(_PPO_S)]
    ref = _autograd_grad(
        _ref_ppo_loss(
            ref_leaves[0],
            const(_PPO_OLD),
            const(_PPO_ADV),
            ref_leaves[1],
            const(_PPO_R),
            ref_leaves[2],
            0.2,
            0.5,
            0.01,
        ),
        _tuple(ref_leaves),
    )
    for name, g, r in _zip(("new_log_probs", "values", "entropy"), grads, ref):
        if g is None:
            raise _AssertionError(
                f"ppo_loss does not depend on {name}: every term of Eq. 9 must reach the loss"
            )
        assert_close(
            g, to_array(r, "ref"), f"gradient of ppo_loss w.r.t. {name}", index_names="sample"
        )


@register("ppo_loss")
def check_ppo_loss_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches and coefficients."""
    rng = make_rng(seed)
    cases = []
    for _ in _range(n_cases):
        b = _int(rng.integers(1, 100))
        old = -rng.exponential(1.5, size=b)
        new = old + rng.normal(0.0, 0.4, size=b)
        adv, v = rng.normal(0.0, 1.0, size=b), rng.normal(0.0, 10.0, size=b)
        ret, ent = v + rng.normal(0.0, 3.0, size=b), rng.uniform(0.0, _log(4.0), size=b)
        eps, c1, c2 = (
            _float(rng.choice([0.1, 0.2, 0.3])),
            _float(rng.choice([0.5, 1.0])),
            _float(rng.choice([0.0, 0.01, 0.1])),
        )
        arrays = [x.tolist() for x in (new, old, adv, v, ret, ent)]
        what = f"ppo_loss of a random batch of {b} (eps={eps}, vf_coef={c1}, ent_coef={c2})"
        cases.append(_ppo_case(arrays, (eps, c1, c2), what))

    def check_one(args, what):
        _check_ppo_case(fn, args, what)

    ladder = [_ppo_case([x[:k] for x in _PPO_LADDER], (0.2, 0.5, 0.01)) for k in (1, 2, 3, 4)]
    check_with_ladder(check_one, cases, ladder)


_PPO_LADDER = (
    [-0.5, -2.0, -1.2, -0.3],
    [-1.0, -1.0, -1.3, -0.4],
    [1.0, -0.5, 2.0, -1.5],
    [1.0, 2.0, -0.5, 4.0],
    [0.5, 2.5, 0.0, 3.0],
    [1.2, 1.0, 0.4, 0.9],
)
"""The inputs of the ladder's cases (their first 1, 2, 3 and 4 samples): new and old
log-probs, advantages, values, returns, entropy."""


def _ppo_case(arrays: list, coefs: tuple, what: str | None = None):
    """A ``(args, what)`` case of ppo_loss for :func:`check_with_ladder`: ``arrays`` are the
    six per-sample inputs, ``coefs`` (clip_eps, vf_coef, ent_coef)."""
    if what is None:
        names = ("new_log_probs", "old_log_probs", "advantages", "values", "returns", "entropy")
        given = [f"{n}={x}" for n, x in _zip(names, arrays)]
        given += [f"{n}={c}" for n, c in _zip(("clip_eps", "vf_coef", "ent_coef"), coefs)]
        what = f"ppo_loss({', '.join(given)})"

    def args():
        return (*(const(x) for x in arrays), *coefs)

    return args, what
