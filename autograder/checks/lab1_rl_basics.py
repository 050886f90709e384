"""Lab 1's checks: discounted_return, returns_to_go, categorical_log_prob, categorical_entropy.

Each function's known mistakes (``_wrong_*``) are registered right above the checks they serve.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from autograder.checks.compare import (
    MISTAKES,
    _AssertionError,
    _autograd_grad,
    _Exception,
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
    check_with_ladder,
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


def _wrong_return_not_compounded(rewards, gamma):
    return float(gamma * np.sum(np.asarray(rewards, dtype=np.float64)))


def _wrong_return_mean(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    if len(r) == 0:
        raise ValueError("the mean of no terms is undefined")
    return float(np.mean(gamma ** np.arange(len(r)) * r))


def _wrong_return_drops_last(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)[:-1]
    return float(np.sum(gamma ** np.arange(len(r)) * r))


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
mistake(
    "discounted_return",
    "not_compounded",
    _wrong_return_not_compounded,
    "every reward is multiplied by gamma exactly once (the result is gamma * sum_t r_t): the "
    "discount compounds, r_t is weighted by gamma^t (in a backward loop, G = r_t + gamma * G)",
)
mistake(
    "discounted_return",
    "mean",
    _wrong_return_mean,
    "the discounted rewards are averaged instead of summed: G_0 = sum_t gamma^t r_t",
)
mistake(
    "discounted_return",
    "drops_last",
    _wrong_return_drops_last,
    "the last reward is left out: the sum runs over all T steps, t = 0 ... T - 1 "
    "(range(len(rewards)), not range(len(rewards) - 1))",
)


def _episode_args(rewards, gamma):
    """A function that returns fresh (rewards, gamma) arguments."""

    def args():
        return (np.array(rewards, dtype=np.float64), gamma)

    return args


# Small episodes for the random checks' smallest failing case, smallest first: one step, two,
# then rewards that differ in size and sign, and gamma = 1.
_EPISODE_LADDER = [
    ([1.0], 0.9),
    ([1.0, 2.0], 0.9),
    ([1.0, 2.0, 4.0], 0.5),
    ([0.0, -1.0, 0.0, 10.0], 0.9),
    ([2.0, -1.0, 3.0, 0.5, -4.0], 1.0),
    ([0.5, 1.5, -2.0, 3.0, 1.0, -0.5, 2.5, 4.0], 0.99),
]


def _episode_ladder(function: str) -> list:
    """``_EPISODE_LADDER`` as (args, what) cases of ``function``."""
    return [
        (_episode_args(rewards, gamma), f"{function}(rewards={rewards}, gamma={gamma})")
        for rewards, gamma in _EPISODE_LADDER
    ]


def _random_episodes(seed: int, n_cases: int, function: str, gammas):
    """Random (args, what) cases: episodes of 1 to 300 LunarLander-sized rewards."""
    rng = make_rng(seed)
    for _ in _range(n_cases):
        rewards = rng.normal(0.0, 20.0, size=_int(rng.integers(1, 300))).round(3)
        gamma = _float(rng.choice(gammas))
        what = f"{function} of a random episode of {_len(rewards)} rewards, gamma={gamma}"
        yield _episode_args(rewards.tolist(), gamma), what


def _check_return(fn, args, what) -> None:
    """discounted_return(*args()) against the reference."""
    check_case(fn, "discounted_return", args, _ref_discounted_return, what, scalar=True)


def _check_return_case(fn, rewards, gamma) -> None:
    """discounted_return(rewards, gamma) against the reference."""
    what = f"discounted_return({list(rewards)}, gamma={gamma})"
    _check_return(fn, _episode_args(rewards, gamma), what)


@register("discounted_return")
def check_discounted_return_basic(fn) -> None:
    """Hand-checkable episodes: 1 + 0.5 * 2 + 0.25 * 4 = 3, and gamma = 1 sums the rewards."""
    # Rewards that differ from step to step tell the known mistakes apart on the first case.
    _check_return_case(fn, [1.0, 2.0, 4.0], 0.5)
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
    """Random episodes (lengths 1 to 300, LunarLander-sized rewards) and discounts; a failure
    shows the smallest failing episode of a fixed ladder."""
    check_with_ladder(
        lambda args, what: _check_return(fn, args, what),
        _random_episodes(seed, n_cases, "discounted_return", [0.9, 0.95, 0.99, 0.999, 1.0]),
        _episode_ladder("discounted_return"),
    )


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


def _wrong_rtg_not_reversed(rewards, gamma):
    return _ref_returns_to_go(rewards, gamma)[::-1].copy()


def _wrong_rtg_extra_gamma(rewards, gamma):
    return gamma * _ref_returns_to_go(rewards, gamma)


def _wrong_rtg_drops_last(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    if len(r) == 0:
        raise ValueError("no last step to drop")
    return np.append(_ref_returns_to_go(r[:-1], gamma), 0.0)


def _wrong_rtg_absolute_exponent(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    weighted = gamma ** np.arange(len(r)) * r  # gamma^k r_k, whatever t is
    return np.cumsum(weighted[::-1])[::-1].copy()


def _wrong_rtg_integer(rewards, gamma):
    return np.trunc(_ref_returns_to_go(rewards, gamma))


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
mistake(
    "returns_to_go",
    "not_reversed",
    _wrong_rtg_not_reversed,
    "the values are right but in reverse order (G_{T-1} comes first): a backward loop that "
    "appends G_t to a list collects them last step first; reverse the list before returning "
    "it, or write out[t] = G_t",
)
mistake(
    "returns_to_go",
    "extra_gamma",
    _wrong_rtg_extra_gamma,
    "every G_t is gamma times the right value: the reward of step t is discounted too, "
    "G_t = r_t + gamma * G_{t+1} (gamma multiplies only the future, G_{t+1})",
)
mistake(
    "returns_to_go",
    "drops_last",
    _wrong_rtg_drops_last,
    "the last reward is left out (G_{T-1} is 0 and no earlier G_t contains r_{T-1}): the "
    "backward loop must start at t = T - 1, range(len(rewards) - 1, -1, -1)",
)
mistake(
    "returns_to_go",
    "absolute_exponent",
    _wrong_rtg_absolute_exponent,
    "the discount's exponent counts from the start of the episode (gamma^k r_k) instead of "
    "from step t: G_t = sum_{k >= t} gamma^(k - t) r_k",
)
mistake(
    "returns_to_go",
    "integer",
    _wrong_rtg_integer,
    "each G_t is cut to a whole number: the array that collects them has an integer dtype "
    "(np.zeros(T, dtype=int)?); collect them in a float array, e.g. np.zeros(T)",
)


def _check_rtg(fn, args, what) -> None:
    """returns_to_go(*args()) against the reference."""
    check_case(fn, "returns_to_go", args, _ref_returns_to_go, what)


def _check_rtg_case(fn, rewards, gamma) -> None:
    """returns_to_go(rewards, gamma) against the reference."""
    what = f"returns_to_go({_len(rewards)} rewards, gamma={gamma})"
    _check_rtg(fn, _episode_args(rewards, gamma), what)


@register("returns_to_go")
def check_returns_to_go_basic(fn) -> None:
    """A short episode by hand: [1, 2, 4] with gamma 0.5 gives [3, 4, 4]."""
    # Rewards that differ from step to step tell the known mistakes apart on the first case.
    _check_rtg_case(fn, [1.0, 2.0, 4.0], 0.5)
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
    """Random episodes of 1 to 300 steps; a failure shows the smallest failing episode of a
    fixed ladder."""
    check_with_ladder(
        lambda args, what: _check_rtg(fn, args, what),
        _random_episodes(seed, n_cases, "returns_to_go", [0.9, 0.99, 0.999, 1.0]),
        _episode_ladder("returns_to_go"),
    )


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


def _wrong_log_prob_normaliser_sign(logits, actions):
    log_probs = logits + torch.logsumexp(logits, dim=-1, keepdim=True)
    return log_probs.gather(-1, torch.as_tensor(actions).long().unsqueeze(-1)).squeeze(-1)


def _wrong_log_prob_index_matrix(logits, actions):
    return torch.log_softmax(logits, dim=-1)[:, torch.as_tensor(actions).long()]


def _wrong_log_prob_overflow(logits, actions):
    log_probs = logits - torch.log(torch.exp(logits).sum(-1, keepdim=True))
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
mistake(
    "categorical_log_prob",
    "normaliser_sign",
    _wrong_log_prob_normaliser_sign,
    "the log-normaliser is added instead of subtracted (the log-probabilities are positive): "
    "log pi(a|s) = logit_a - logsumexp(logits)",
)
mistake(
    "categorical_log_prob",
    "index_matrix",
    _wrong_log_prob_index_matrix,
    "log_probs[:, actions] picks every row's log-probability of *every* row's action, a "
    "(B, B) matrix: pick one entry per row, log_probs[torch.arange(B), actions] or "
    "log_probs.gather(-1, actions.unsqueeze(-1)).squeeze(-1)",
)
mistake(
    "categorical_log_prob",
    "overflow",
    _wrong_log_prob_overflow,
    "exp(logits) overflows to inf for large logits, so the log of their sum is inf: subtract "
    "the largest logit before exponentiating, or use torch.logsumexp / torch.log_softmax",
)


def _log_prob_args(logits, actions, dtype=None):
    """A function that returns fresh (logits, actions) arguments."""

    def args():
        return (const(logits, dtype), _t_tensor(actions, dtype=_t_long))

    return args


def _check_log_prob(fn, args, what) -> None:
    """categorical_log_prob(*args()) against the reference."""
    check_case(fn, "categorical_log_prob", args, _ref_categorical_log_prob, what, index_names="row")


def _check_log_prob_case(fn, logits, actions, what, dtype=None) -> None:
    """categorical_log_prob(logits, actions) against the reference."""
    _check_log_prob(fn, _log_prob_args(logits, actions, dtype), what)


# Small batches for the random checks' smallest failing case, smallest first: one state with
# two actions, then more actions, more rows, and logits of scale 30.
_LOGITS_LADDER = [
    ([[0.5, -1.0]], [0]),
    ([[1.0, 2.0, 0.5]], [2]),
    ([[1.0, 2.0, 0.5, -1.0], [0.3, 0.3, 3.0, 0.0]], [1, 2]),
    ([[10.0, -5.0, 0.0, 2.0], [-30.0, 0.0, 30.0, 1.0], [0.1, 0.2, -0.1, 0.0]], [0, 2, 3]),
]


def _random_logits(seed: int, n_cases: int, with_actions: bool = True):
    """Random (logits, actions, (B, A)): 1 to 63 rows, 2 to 18 actions, scale 0.1 to 30 (the
    actions are None without ``with_actions``, which keeps the entropy's draws as they were)."""
    rng = make_rng(seed)
    for _ in _range(n_cases):
        b, a = _int(rng.integers(1, 64)), _int(rng.integers(2, 19))
        logits = rng.normal(0.0, _float(rng.choice([0.1, 1.0, 5.0, 30.0])), size=(b, a))
        actions = rng.integers(0, a, size=b).tolist() if with_actions else None
        yield logits.tolist(), actions, (b, a)


def _mistake_gradients(function: str, raw, *rest) -> dict:
    """``{key: gradient of the summed result w.r.t. the logits}`` for each known mistake of
    ``function`` on fresh logits ``raw`` (``None`` where a mistake has no such gradient)."""
    out: dict = {}
    for key, (impl, _) in MISTAKES[function].items():
        logits = leaf(raw)
        try:
            (out[key],) = _autograd_grad(impl(logits, *rest).sum(), (logits,))
        except _Exception:  # no result, or one without a gradient: not what the learner did
            out[key] = None
    return out


@register("categorical_log_prob")
def check_categorical_log_prob_basic(fn) -> None:
    """Uniform logits give ln(1/4); a small batch compares with torch.distributions.Categorical."""
    # Uniform but not zero: the raw logit (1) and a softmax over the batch (0) then differ.
    _check_log_prob_case(fn, [[1.0, 1.0, 1.0, 1.0]], [2], "log-prob under uniform logits (ln 1/4)")
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
        function="categorical_log_prob",
        wrong=_mistake_gradients("categorical_log_prob", raw, _t_tensor([3, 0], dtype=_t_long)),
        index_names="row, action",
        hint="d log pi(a)/d logit_j = 1[j = a] - pi(j)",
    )


@register("categorical_log_prob")
def check_categorical_log_prob_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 2 to 18 actions, logits of scale 0.1 to 30; a failure shows the smallest
    failing batch of a fixed ladder."""
    cases = (
        (_log_prob_args(logits, actions), f"categorical_log_prob for a random {shape} batch")
        for logits, actions, shape in _random_logits(seed, n_cases)
    )
    ladder = [
        (
            _log_prob_args(logits, actions),
            f"categorical_log_prob(logits={logits}, actions={actions})",
        )
        for logits, actions in _LOGITS_LADDER
    ]
    check_with_ladder(lambda args, what: _check_log_prob(fn, args, what), cases, ladder)


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


def _wrong_entropy_sum_all(logits):
    return _ref_categorical_entropy(logits).sum()


def _wrong_entropy_batch_dim(logits):
    log_probs = torch.log_softmax(logits, dim=0)
    return -(log_probs.exp() * log_probs).sum(-1)


def _wrong_entropy_probs_detached(logits):
    log_probs = torch.log_softmax(logits, dim=-1)
    return -(log_probs.exp().detach() * log_probs).sum(-1)


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
    "the rows' entropies are averaged into one number: return one entropy per row of "
    "logits, shape (B,); the loss takes the mean later",
)
mistake(
    "categorical_entropy",
    "sum_all",
    _wrong_entropy_sum_all,
    "the terms are summed over the whole batch into one number: sum over the actions only "
    "(dim=-1), one entropy per row",
)
mistake(
    "categorical_entropy",
    "batch_dim",
    _wrong_entropy_batch_dim,
    "the softmax is taken over the batch dimension (dim=0): normalise each row of logits over "
    "its actions (dim=-1)",
)
mistake(
    "categorical_entropy",
    "probs_detached",
    _wrong_entropy_probs_detached,
    "the value is right but the gradient misses the part that flows through pi(a) in "
    "pi(a) * log pi(a): pi is detached; keep both factors attached to the logits",
)


def _entropy_args(logits, dtype=None):
    """A function that returns fresh (logits,) arguments."""

    def args():
        return (const(logits, dtype),)

    return args


def _check_entropy(fn, args, what) -> None:
    """categorical_entropy(*args()) against the reference."""
    check_case(fn, "categorical_entropy", args, _ref_categorical_entropy, what, index_names="row")


def _check_entropy_case(fn, logits, what, dtype=None) -> None:
    """categorical_entropy(logits) against the reference."""
    _check_entropy(fn, _entropy_args(logits, dtype), what)


def _check_entropy_in_bounds(fn, args, what) -> None:
    """categorical_entropy(*args()) against the reference, and 0 <= S <= ln |A| row by row."""
    _check_entropy(fn, args, what)
    (logits,) = args()
    got = to_array(call_learner(fn, "categorical_entropy", logits), "entropy")
    a = _int(logits.shape[-1])
    if bool(_np_any(got < -1e-6)) or bool(_np_any(got > _log(a) + 1e-5)):
        raise _AssertionError(f"{what}: an entropy lies outside [0, ln {a}] for {a} actions")


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
        function="categorical_entropy",
        wrong=_mistake_gradients("categorical_entropy", raw),
        index_names="row, action",
        hint="the gradient must be that of S = -sum_a pi(a) log pi(a) with pi = softmax(logits)",
    )


@register("categorical_entropy")
def check_categorical_entropy_random(fn, seed: int = 0, n_cases: int = 5) -> None:
    """Random batches, 2 to 18 actions; also checks 0 <= S <= ln |A| row by row. A failure
    shows the smallest failing batch of a fixed ladder."""
    cases = (
        (_entropy_args(logits), f"categorical_entropy for a random {shape} batch")
        for logits, _, shape in _random_logits(seed, n_cases, with_actions=False)
    )
    ladder = [
        (_entropy_args(logits), f"categorical_entropy(logits={logits})")
        for logits, _ in _LOGITS_LADDER
    ]
    check_with_ladder(lambda args, what: _check_entropy_in_bounds(fn, args, what), cases, ladder)
