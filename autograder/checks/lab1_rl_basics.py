"""Lab 1's checks: discounted_return, returns_to_go, categorical_log_prob, categorical_entropy.

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
    _len,
    _log,
    _np_any,
    _range,
    _t_float32,
    _t_long,
    _t_tensor,
    _Tensor,
    assert_close,
    assert_scalar_close,
    call_learner,
    check_case,
    const,
    gradient_of,
    leaf,
    make_rng,
    mistake,
    register,
    to_array,
)
from ppo_core.distributions import categorical_entropy as _ref_categorical_entropy
from ppo_core.distributions import categorical_log_prob as _ref_categorical_log_prob
from ppo_core.returns import discounted_return as _ref_discounted_return
from ppo_core.returns import returns_to_go as _ref_returns_to_go


def _wrong_return_from_gamma1(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    return float(np.sum(gamma ** np.arange(1, len(r) + 1) * r))


def _wrong_return_reversed(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    return float(np.sum(gamma ** np.arange(len(r))[::-1] * r))


def _wrong_return_undiscounted(rewards, gamma):
    return float(np.sum(np.asarray(rewards, dtype=np.float64)))


mistake(
    "discounted_return",
    "from_gamma1",
    _wrong_return_from_gamma1,
    "the first reward is discounted too: r_0 is weighted by gamma^0 = 1, so the exponent "
    "starts at t = 0, not 1",
)
mistake(
    "discounted_return",
    "reversed",
    _wrong_return_reversed,
    "the discounts run backwards: the *first* reward gets gamma^0 and later rewards get "
    "smaller weights gamma^t",
)
mistake(
    "discounted_return",
    "undiscounted",
    _wrong_return_undiscounted,
    "the rewards are summed without discounting: multiply r_t by gamma^t",
)


def _check_return_case(fn, rewards, gamma) -> None:
    """discounted_return(rewards, gamma) against the reference."""

    def args():
        return (np.array(rewards, dtype=np.float64), gamma)

    check_case(
        fn,
        "discounted_return",
        args,
        _ref_discounted_return,
        f"discounted_return({list(rewards)}, gamma={gamma})",
        scalar=True,
    )


@register("discounted_return")
def check_discounted_return_basic(fn) -> None:
    """Hand-checkable episodes: 1 + 0.5 + 0.25 = 1.75, and gamma = 1 sums the rewards."""
    _check_return_case(fn, [1.0, 1.0, 1.0], 0.5)
    _check_return_case(fn, [0.0, 0.0, 10.0], 0.9)
    _check_return_case(fn, [2.0, -1.0, 3.0, 0.5], 1.0)


@register("discounted_return")
def check_discounted_return_edge_cases(fn) -> None:
    """One-step and empty episodes, gamma = 0, and a plain number as the result."""
    _check_return_case(fn, [5.0], 0.99)
    _check_return_case(fn, [3.0, 100.0, 100.0], 0.0)
    got = call_learner(fn, "discounted_return", np.zeros(0), 0.99)
    assert_scalar_close(
        got,
        0.0,
        "discounted_return of an empty episode",
        hint="an episode without rewards has return 0.0",
    )


@register("discounted_return")
def check_discounted_return_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random episodes (lengths 1 to 300, LunarLander-sized rewards) and discounts."""
    rng = make_rng(seed)
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


mistake(
    "returns_to_go",
    "forward",
    _wrong_rtg_forward,
    "the sum runs forwards in time (G_t collects rewards from the *past*): loop backwards, "
    "G_t = r_t + gamma * G_{t+1}, starting from the last step",
)
mistake(
    "returns_to_go",
    "exclusive",
    _wrong_rtg_exclusive,
    "G_t leaves out r_t: the return from step t includes the reward of step t itself",
)
mistake(
    "returns_to_go",
    "undiscounted",
    _wrong_rtg_undiscounted,
    "the future rewards are not discounted: G_t = r_t + gamma * G_{t+1}",
)


def _check_rtg_case(fn, rewards, gamma) -> None:
    """returns_to_go(rewards, gamma) against the reference."""

    def args():
        return (np.array(rewards, dtype=np.float64), gamma)

    check_case(
        fn,
        "returns_to_go",
        args,
        _ref_returns_to_go,
        f"returns_to_go({_len(rewards)} rewards, gamma={gamma})",
    )


@register("returns_to_go")
def check_returns_to_go_basic(fn) -> None:
    """A short episode by hand: [1, 1, 1] with gamma 0.5 gives [1.75, 1.5, 1]."""
    _check_rtg_case(fn, [1.0, 1.0, 1.0], 0.5)
    _check_rtg_case(fn, [0.0, -1.0, 0.0, 10.0], 0.9)


@register("returns_to_go")
def check_returns_to_go_consistency(fn) -> None:
    """G_0 equals the discounted return, G_t = r_t + gamma G_{t+1}, shape (T,) in and out."""
    rewards = np.array([0.5, -2.0, 3.0, 0.0, 1.5, -0.25])
    g = to_array(call_learner(fn, "returns_to_go", rewards.copy(), 0.95), "returns_to_go")
    if g.shape != rewards.shape:
        raise _AssertionError(
            f"returns_to_go returned shape {g.shape} for 6 rewards: return one G_t per step, (6,)"
        )
    assert_scalar_close(
        g[0],
        _ref_discounted_return(rewards, 0.95),
        "returns_to_go(...)[0] (must equal the discounted return)",
        hint="G_0 is the return of the whole episode",
    )
    assert_close(
        g[:-1],
        rewards[:-1] + 0.95 * g[1:],
        "the recursion G_t = r_t + gamma G_{t+1}",
        hint="each G_t must be r_t plus gamma times the next G",
    )
    assert_scalar_close(g[-1], rewards[-1], "G at the last step (no future after it)")


@register("returns_to_go")
def check_returns_to_go_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random episodes of 1 to 300 steps."""
    rng = make_rng(seed)
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


mistake(
    "categorical_log_prob",
    "naive",
    _wrong_log_prob_naive,
    "log(softmax(logits)) underflows to -inf when one logit is much larger than the others: "
    "use torch.log_softmax, which subtracts the largest logit first",
)
mistake(
    "categorical_log_prob",
    "no_log",
    _wrong_log_prob_no_log,
    "this is the probability pi(a|s), not its logarithm: take log_softmax, then pick the action",
)
mistake(
    "categorical_log_prob",
    "raw_logit",
    _wrong_log_prob_raw_logit,
    "this is the raw logit of the action, not log pi(a|s): normalise with log_softmax first",
)
mistake(
    "categorical_log_prob",
    "wrong_dim",
    _wrong_log_prob_wrong_dim,
    "the softmax is taken over the batch dimension: normalise over the actions (dim=-1)",
)


def _check_log_prob_case(fn, logits, actions, what, dtype=None) -> None:
    """categorical_log_prob(logits, actions) against the reference."""

    def args():
        return (const(logits, dtype), _t_tensor(actions, dtype=_t_long))

    check_case(fn, "categorical_log_prob", args, _ref_categorical_log_prob, what, index_names="row")


@register("categorical_log_prob")
def check_categorical_log_prob_basic(fn) -> None:
    """Uniform logits give ln(1/4); a small batch compares with torch.distributions.Categorical."""
    _check_log_prob_case(fn, [[0.0, 0.0, 0.0, 0.0]], [2], "log-prob under uniform logits (ln 1/4)")
    _check_log_prob_case(
        fn,
        [[1.0, 2.0, 0.5, -1.0], [0.3, 0.3, 3.0, 0.0], [-2.0, 0.0, 0.0, 1.0]],
        [1, 2, 0],
        "categorical_log_prob of a batch of three states",
    )


@register("categorical_log_prob")
def check_categorical_log_prob_stability(fn) -> None:
    """Huge logits (1000) must give finite log-probabilities, not -inf or nan."""
    _check_log_prob_case(
        fn,
        [[1000.0, 0.0, 0.0, 0.0], [0.0, -1000.0, 500.0, 0.0]],
        [1, 1],
        "categorical_log_prob with logits of size 1000",
    )
    _check_log_prob_case(
        fn,
        [[100.0, 0.0, -100.0, 0.0]],
        [2],
        "categorical_log_prob for float32 logits of size 100",
        dtype=_t_float32,
    )


@register("categorical_log_prob")
def check_categorical_log_prob_gradient(fn) -> None:
    """The result must stay differentiable w.r.t. the logits (PPO backpropagates through it)."""
    raw = [[0.5, -0.2, 1.0, 0.0], [2.0, 0.1, -1.0, 0.3]]
    logits = leaf(raw)
    out = call_learner(fn, "categorical_log_prob", logits, _t_tensor([3, 0], dtype=_t_long))
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (logits,), "categorical_log_prob (summed)")
    ref_logits = leaf(raw)
    (ref,) = _autograd_grad(
        _ref_categorical_log_prob(ref_logits, _t_tensor([3, 0])).sum(), (ref_logits,)
    )
    if grad is None:
        raise _AssertionError("categorical_log_prob does not depend on the logits")
    assert_close(
        grad,
        to_array(ref, "ref"),
        "gradient of the log-prob w.r.t. the logits",
        index_names="row, action",
        hint="d log pi(a)/d logit_j = 1[j = a] - pi(j): compute log_softmax in torch",
    )


@register("categorical_log_prob")
def check_categorical_log_prob_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 2 to 18 actions, logits of scale 0.1 to 30."""
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(2, 19))
        logits = rng.normal(0.0, _float(rng.choice([0.1, 1.0, 5.0, 30.0])), size=(b, a))
        _check_log_prob_case(
            fn,
            logits.tolist(),
            rng.integers(0, a, size=b).tolist(),
            f"categorical_log_prob for a random ({b}, {a}) batch",
        )


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


mistake(
    "categorical_entropy",
    "naive",
    _wrong_entropy_naive,
    "the entropy is nan when a probability underflows to 0 (0 * log 0): compute log-probs "
    "with torch.log_softmax and pi = exp(log-probs), so 0 * (finite) = 0",
)
mistake(
    "categorical_entropy",
    "sign",
    _wrong_entropy_sign,
    "the entropy is negative: S = -sum_a pi(a) log pi(a) (log-probabilities are <= 0)",
)
mistake(
    "categorical_entropy",
    "mean",
    _wrong_entropy_mean,
    "the terms are averaged over actions instead of summed: S = -sum_a pi(a) log pi(a)",
)
mistake(
    "categorical_entropy",
    "log2",
    _wrong_entropy_log2,
    "this is the entropy in bits (log base 2): use the natural log, so that the uniform "
    "policy over 4 actions has entropy ln 4 = 1.386",
)
mistake(
    "categorical_entropy",
    "batch_mean",
    _wrong_entropy_batch_mean,
    "return one entropy per row (shape (B,)); the loss takes the mean later",
)


def _check_entropy_case(fn, logits, what, dtype=None) -> None:
    """categorical_entropy(logits) against the reference."""

    def args():
        return (const(logits, dtype),)

    check_case(fn, "categorical_entropy", args, _ref_categorical_entropy, what, index_names="row")


@register("categorical_entropy")
def check_categorical_entropy_bounds(fn) -> None:
    """Uniform over 4 actions: ln 4 = 1.386 (the ceiling); nearly deterministic: close to 0."""
    _check_entropy_case(
        fn,
        [[0.0, 0.0, 0.0, 0.0], [3.0, 3.0, 3.0, 3.0]],
        "entropy of the uniform policy over 4 actions (must be ln 4 = 1.386)",
    )
    _check_entropy_case(fn, [[0.0, 0.0]], "entropy of a fair coin (ln 2)")
    _check_entropy_case(fn, [[20.0, 0.0, 0.0, 0.0]], "entropy of a nearly deterministic policy")


@register("categorical_entropy")
def check_categorical_entropy_stability(fn) -> None:
    """Huge logits: the entropy is 0 (or tiny), never nan."""
    _check_entropy_case(
        fn,
        [[1000.0, 0.0, 0.0, 0.0], [0.0, 0.0, -1000.0, 0.0]],
        "categorical_entropy with logits of size 1000",
    )
    _check_entropy_case(
        fn, [[200.0, 0.0, 0.0, 0.0]], "categorical_entropy for float32 logits", dtype=_t_float32
    )


@register("categorical_entropy")
def check_categorical_entropy_gradient(fn) -> None:
    """The entropy must be differentiable: PPO's entropy bonus pushes on the logits through it."""
    raw = [[0.5, -0.2, 1.0, 0.0], [2.0, 0.1, -1.0, 0.3]]
    logits = leaf(raw)
    out = call_learner(fn, "categorical_entropy", logits)
    total = out.sum() if _isinstance(out, _Tensor) else out
    (grad,) = gradient_of(total, (logits,), "categorical_entropy (summed)")
    ref_logits = leaf(raw)
    (ref,) = _autograd_grad(_ref_categorical_entropy(ref_logits).sum(), (ref_logits,))
    if grad is None:
        raise _AssertionError("categorical_entropy does not depend on the logits")
    assert_close(
        grad,
        to_array(ref, "ref"),
        "gradient of the entropy w.r.t. the logits",
        index_names="row, action",
        hint="compute the entropy with torch operations only",
    )


@register("categorical_entropy")
def check_categorical_entropy_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 2 to 18 actions; also checks 0 <= S <= ln |A| row by row."""
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(2, 19))
        logits = rng.normal(0.0, _float(rng.choice([0.1, 1.0, 5.0, 30.0])), size=(b, a))
        _check_entropy_case(
            fn, logits.tolist(), f"categorical_entropy for a random ({b}, {a}) batch"
        )
        got = to_array(call_learner(fn, "categorical_entropy", const(logits.tolist())), "entropy")
        if bool(_np_any(got < -1e-6)) or bool(_np_any(got > _log(a) + 1e-5)):
            raise _AssertionError(f"an entropy lies outside [0, ln {a}] for {a} actions")
