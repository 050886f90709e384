"""Lab 2's checks: td_residuals and compute_gae.

Each function's known mistakes (``_wrong_*``) are registered right above the checks they serve.
"""

from __future__ import annotations

import numpy as np

from autograder.checks.compare import (
    _AssertionError,
    _float,
    _int,
    _isinstance,
    _len,
    _list,
    _range,
    _tuple,
    _type,
    assert_close,
    call_learner,
    check_case,
    check_with_ladder,
    known_results,
    make_rng,
    mistake,
    register,
)
from ppo_core.gae import compute_gae as _ref_compute_gae
from ppo_core.gae import td_residuals as _ref_td_residuals


def _wrong_td_no_termination(rewards, values, next_values, terminated, gamma):
    return (
        np.asarray(rewards, np.float64)
        + gamma * np.asarray(next_values, np.float64)
        - np.asarray(values, np.float64)
    )


def _wrong_td_shifted_values(rewards, values, next_values, terminated, gamma):
    v = np.asarray(values, np.float64)
    nxt = np.concatenate([v[1:], np.zeros_like(v[:1])], axis=0)
    return np.asarray(rewards, np.float64) + gamma * nxt * (1.0 - np.asarray(terminated)) - v


def _wrong_td_no_gamma(rewards, values, next_values, terminated, gamma):
    return _ref_td_residuals(rewards, values, next_values, terminated, 1.0)


def _wrong_td_negated(rewards, values, next_values, terminated, gamma):
    return -_ref_td_residuals(rewards, values, next_values, terminated, gamma)


def _wrong_td_cut_whole(rewards, values, next_values, terminated, gamma):
    r, v, nv, term = (np.asarray(x, np.float64) for x in (rewards, values, next_values, terminated))
    return (r + gamma * nv - v) * (1.0 - term)


def _wrong_td_reward_discounted(rewards, values, next_values, terminated, gamma):
    r, v, nv, term = (np.asarray(x, np.float64) for x in (rewards, values, next_values, terminated))
    return gamma * (r + nv * (1.0 - term)) - v


def _wrong_td_next_flag(rewards, values, next_values, terminated, gamma):
    term = np.asarray(terminated, np.float64)
    # terminated[t + 1] in place of terminated[t]; nothing after the last step.
    next_flag = np.concatenate([term[1:], np.zeros_like(term[:1])], axis=0)
    return _ref_td_residuals(rewards, values, next_values, next_flag, gamma)


mistake(
    "td_residuals",
    "no_termination",
    _wrong_td_no_termination,
    "the residual bootstraps through a termination: where terminated_t = 1 there is no "
    "future, so delta_t = r_t - V(s_t) (multiply gamma * V(s_{t+1}) by 1 - terminated_t)",
)
mistake(
    "td_residuals",
    "shifted_values",
    _wrong_td_shifted_values,
    "V(s_{t+1}) is taken from values[t+1] (and 0 after the last step): use next_values[t], "
    "the value of the transition's true next state, which also bootstraps the last step",
)
mistake(
    "td_residuals",
    "no_gamma",
    _wrong_td_no_gamma,
    "the bootstrap term is not discounted: delta_t = r_t + gamma * V(s_{t+1}) - V(s_t)",
)
mistake(
    "td_residuals",
    "negated",
    _wrong_td_negated,
    "every residual has the opposite sign (V(s_t) - r_t - ...): "
    "delta_t = r_t + gamma * V(s_{t+1}) * (1 - terminated_t) - V(s_t)",
)
mistake(
    "td_residuals",
    "cut_whole",
    _wrong_td_cut_whole,
    "at a terminated step the whole residual is zeroed: only the bootstrap term "
    "gamma * V(s_{t+1}) is dropped there, so delta_t = r_t - V(s_t)",
)
mistake(
    "td_residuals",
    "reward_discounted",
    _wrong_td_reward_discounted,
    "the reward is discounted as well: gamma multiplies only the next state's value, "
    "delta_t = r_t + gamma * V(s_{t+1}) * (1 - terminated_t) - V(s_t)",
)
mistake(
    "td_residuals",
    "next_flag",
    _wrong_td_next_flag,
    "the bootstrap of step t is cut by terminated[t+1], the flag of the *next* step: "
    "terminated[t] says whether the transition of step t ended the episode, so use it",
)


def _td_args(rewards, values, next_values, terminated, gamma, dtype=np.float64):
    """A function that returns fresh td_residuals arguments of the given dtype."""

    def args():
        return (
            np.array(rewards, dtype=dtype),
            np.array(values, dtype=dtype),
            np.array(next_values, dtype=dtype),
            np.array(terminated, dtype=dtype),
            gamma,
        )

    return args


def _check_td_case(fn, args, what, index_names="t") -> None:
    """td_residuals(*args()) against the reference."""
    check_case(fn, "td_residuals", args, _ref_td_residuals, what, index_names=index_names)


@register("td_residuals")
def check_td_residuals_basic(fn) -> None:
    """No episode end: delta_t = r_t + gamma V(s_{t+1}) - V(s_t), bootstrapped at the last step."""
    _check_td_case(
        fn,
        _td_args([1.0, 0.0, 2.0], [0.5, 1.0, 1.5], [1.0, 1.5, 2.0], [0.0, 0.0, 0.0], 0.9),
        "td_residuals of three steps",
    )


@register("td_residuals")
def check_td_residuals_termination(fn) -> None:
    """Where the episode terminated there is no bootstrap: delta_t = r_t - V(s_t)."""
    _check_td_case(
        fn,
        _td_args(
            [1.0, -100.0, 0.5, 0.5],
            [2.0, 3.0, 0.2, 0.4],
            [3.0, 7.0, 0.4, 0.6],
            [0.0, 1.0, 0.0, 0.0],
            0.99,
        ),
        "td_residuals around a crash (terminated at t=1)",
    )


@register("td_residuals")
def check_td_residuals_batch(fn) -> None:
    """Time-major (T, N) rollouts of N environments: same shape in and out."""
    rng = make_rng(7)
    T, N = 5, 3
    term = np.zeros((T, N))
    term[2, 0] = term[4, 2] = 1.0
    _check_td_case(
        fn,
        _td_args(
            rng.normal(size=(T, N)).round(2),
            rng.normal(size=(T, N)).round(2),
            rng.normal(size=(T, N)).round(2),
            term,
            0.97,
        ),
        "td_residuals of a (5, 3) rollout",
        index_names="t, n",
    )


@register("td_residuals")
def check_td_residuals_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random (T,) and (T, N) rollouts, float32 or float64; a failure shows the smallest
    failing rollout of a fixed ladder."""

    def cases():
        rng = make_rng(seed)
        for _ in _range(n_cases):
            shape = _rollout_shape(rng)
            r, v, nv = (rng.normal(0.0, 5.0, size=shape) for _ in _range(3))
            term = (rng.random(shape) < 0.15).astype(np.float64)
            dtype = np.float32 if rng.random() < 0.5 else np.float64
            args = _td_args(r, v, nv, term, _float(rng.uniform(0.8, 1.0)), dtype)
            yield args, f"td_residuals of a random {shape} rollout"

    ladder: list = []
    for r, v, nv, term, _ in _ROLLOUT_LADDER:
        what = (
            f"td_residuals(rewards={r}, values={v}, next_values={nv}, terminated={term}, gamma=0.9)"
        )
        if what not in [w for _, w in ladder]:  # rollouts that differ in truncations only
            ladder.append((_td_args(r, v, nv, term, 0.9), what))
    check_with_ladder(
        lambda args, what: _check_td_case(fn, args, what, _index_names(args)), cases(), ladder
    )


# Small rollouts for the random checks' smallest failing case, smallest first, as (rewards,
# values, next_values, terminated, truncated): one step, one that terminates, two steps, an
# episode end inside three steps (terminated, then truncated), both kinds of end, two
# environments side by side.
_ROLLOUT_LADDER = [
    ([1.0], [0.5], [2.0], [0.0], [0.0]),
    ([1.0], [0.5], [2.0], [1.0], [0.0]),
    ([1.0, -1.0], [0.5, 2.0], [2.0, 1.5], [0.0, 0.0], [0.0, 0.0]),
    ([1.0, -1.0, 2.0], [0.5, 2.0, 1.0], [2.0, 3.0, 0.5], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]),
    ([1.0, -1.0, 2.0], [0.5, 2.0, 1.0], [2.0, 3.0, 0.5], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]),
    (
        [1.0, -1.0, 2.0, 0.5],
        [0.5, 2.0, 1.0, -0.5],
        [2.0, 3.0, 0.5, 1.5],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
    ),
    (
        [[1.0, 0.5], [-1.0, 2.0], [2.0, 0.0]],
        [[0.5, 1.0], [2.0, -0.5], [1.0, 1.5]],
        [[2.0, -0.5], [1.5, 1.5], [0.5, 2.5]],
        [[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]],
        [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]],
    ),
]


def _index_names(args) -> str:
    """The axes' names of a rollout in messages: ``t`` or ``t, n``."""
    return "t" if np.ndim(args()[0]) == 1 else "t, n"


def _rollout_shape(rng):
    """A random rollout shape: (T,) or (T, N)."""
    t = _int(rng.integers(1, 40))
    return (t,) if rng.random() < 0.4 else (t, _int(rng.integers(1, 5)))


def _gae_loop(deltas, cut, gamma, lam):
    """The GAE recursion over precomputed residuals, cut where ``cut`` is 1."""
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
    adv = np.zeros_like(deltas)
    last: float | np.ndarray = 0.0
    for t in reversed(range(len(deltas))):
        adv[t] = deltas[t] + gamma * lam * (1.0 - done[t]) * last
        last = np.where(done[t] > 0, 0.0, adv[t])
    # The step before an episode end is where the reset bites.
    for t in range(1, len(deltas)):
        adv[t - 1] = np.where(done[t] > 0, deltas[t - 1], adv[t - 1])
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_seed_loop(rewards, values, next_values, terminated, truncated, gamma, lam):
    # The tutorial loop of Lab 2, section 4, in spirit: one merged `dones` flag, V(s_{t+1}) taken
    # from values[t + 1] and 0 after the last step (no bootstrap), the running advantage reset
    # after every episode end.
    r, v = np.asarray(rewards, np.float64), np.asarray(values, np.float64)
    dones = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    adv = np.zeros_like(r)
    last: float | np.ndarray = 0.0
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


def _wrong_gae_truncation_as_termination(
    rewards, values, next_values, terminated, truncated, gamma, lam
):
    done = np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))
    return _ref_compute_gae(rewards, values, next_values, done, truncated, gamma, lam)


def _wrong_gae_truncation_not_cut(rewards, values, next_values, terminated, truncated, gamma, lam):
    return _ref_compute_gae(
        rewards,
        values,
        next_values,
        terminated,
        np.zeros_like(np.asarray(truncated, np.float64)),
        gamma,
        lam,
    )


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


def _wrong_gae_returns_without_values(
    rewards, values, next_values, terminated, truncated, gamma, lam
):
    adv, _ = _ref_compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam)
    return adv, adv


def _wrong_gae_across_envs(rewards, values, next_values, terminated, truncated, gamma, lam):
    arrays = [
        np.asarray(x, np.float64) for x in (rewards, values, next_values, terminated, truncated)
    ]
    if arrays[0].ndim != 2 or arrays[0].shape[1] < 2:
        raise ValueError("only differs from the reference for (T, N) rollouts")
    # Flattened row-major: the recursion runs along environments within a time step.
    r, v, next_v, term, trunc = (a.reshape(-1) for a in arrays)
    adv, _ = _ref_compute_gae(r, v, next_v, term, trunc, gamma, lam)
    adv = adv.reshape(arrays[0].shape)
    return adv, adv + arrays[1]


def _done(terminated, truncated):
    return np.maximum(np.asarray(terminated, np.float64), np.asarray(truncated, np.float64))


def _wrong_gae_done_late(rewards, values, next_values, terminated, truncated, gamma, lam):
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, gamma)
    done = _done(terminated, truncated)
    cut = np.concatenate([np.zeros_like(done[:1]), done[:-1]], axis=0)  # done[t - 1]
    adv = _gae_loop(deltas, cut, gamma, lam)
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_done_early(rewards, values, next_values, terminated, truncated, gamma, lam):
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, gamma)
    done = _done(terminated, truncated)
    cut = np.concatenate([done[1:], np.zeros_like(done[:1])], axis=0)  # done[t + 1]
    adv = _gae_loop(deltas, cut, gamma, lam)
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_no_gamma_in_recursion(
    rewards, values, next_values, terminated, truncated, gamma, lam
):
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, gamma)
    adv = _gae_loop(deltas, _done(terminated, truncated), 1.0, lam)
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_no_gamma_in_residual(
    rewards, values, next_values, terminated, truncated, gamma, lam
):
    deltas = _ref_td_residuals(rewards, values, next_values, terminated, 1.0)
    adv = _gae_loop(deltas, _done(terminated, truncated), gamma, lam)
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_returns_minus_values(
    rewards, values, next_values, terminated, truncated, gamma, lam
):
    adv, _ = _ref_compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam)
    return adv, adv - np.asarray(values, np.float64)


def _wrong_gae_not_reversed(rewards, values, next_values, terminated, truncated, gamma, lam):
    adv, _ = _ref_compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam)
    adv = adv[::-1].copy()
    return adv, adv + np.asarray(values, np.float64)


def _wrong_gae_next_from_values(rewards, values, next_values, terminated, truncated, gamma, lam):
    v, nv = np.asarray(values, np.float64), np.asarray(next_values, np.float64)
    shifted = np.concatenate([v[1:], nv[-1:]], axis=0)  # values[t + 1], next_values at the end
    return _ref_compute_gae(rewards, values, shifted, terminated, truncated, gamma, lam)


def _wrong_gae_no_bootstrap_at_end(rewards, values, next_values, terminated, truncated, gamma, lam):
    nv = np.array(next_values, np.float64)
    nv[-1] = 0.0
    return _ref_compute_gae(rewards, values, nv, terminated, truncated, gamma, lam)


def _wrong_gae_normalised(rewards, values, next_values, terminated, truncated, gamma, lam):
    adv, _ = _ref_compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam)
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    return adv, adv + np.asarray(values, np.float64)


mistake(
    "compute_gae",
    "seed_reset",
    _wrong_gae_seed_reset,
    "the advantage of the step *before* an episode end has lost its future (it equals its "
    "TD residual): like the GAE loop of Lab 2, section 4, it zeroes the running advantage "
    "after the end step. "
    "Cut the recursion with (1 - done_t) inside "
    "A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1} only, and never reset it afterwards",
)
mistake(
    "compute_gae",
    "seed_loop",
    _wrong_gae_seed_loop,
    "this is the tutorial GAE loop of Lab 2, section 4: it takes V(s_{t+1}) from values[t+1] "
    "and 0 after the last step (so it never bootstraps: use next_values), treats truncation "
    "as termination, and zeroes the running advantage after each episode end",
)
mistake(
    "compute_gae",
    "no_cut",
    _wrong_gae_no_cut,
    "the advantage at an episode's last step includes reward from the next episode: cut the "
    "recursion where an episode ends, A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1} with "
    "done_t = terminated_t or truncated_t",
)
mistake(
    "compute_gae",
    "truncation_as_termination",
    _wrong_gae_truncation_as_termination,
    "a time-limit truncation is treated as a termination: at a truncated step the residual "
    "must still bootstrap from next_values (V of the final observation); only terminated "
    "steps drop gamma*V(s_{t+1})",
)
mistake(
    "compute_gae",
    "truncation_not_cut",
    _wrong_gae_truncation_not_cut,
    "the recursion runs on across a truncation into the next episode: a truncated step ends "
    "its episode too, so cut with done_t = terminated_t or truncated_t",
)
mistake(
    "compute_gae",
    "no_lambda",
    _wrong_gae_no_lambda,
    "lambda is ignored (this is lambda = 1): the recursion multiplies A_{t+1} by gamma*lambda",
)
mistake(
    "compute_gae",
    "forward",
    _wrong_gae_forward,
    "the recursion runs forwards in time: A_t depends on the *future* residuals, so loop "
    "from the last step back to the first",
)
mistake(
    "compute_gae",
    "returns_without_values",
    _wrong_gae_returns_without_values,
    "the returns equal the advantages: the critic's target is advantages + values",
)
mistake(
    "compute_gae",
    "across_envs",
    _wrong_gae_across_envs,
    "the recursion runs across environments instead of along time: arrays are time-major "
    "(T, N), so step t's successor is row t + 1 of the same column",
)
mistake(
    "compute_gae",
    "done_late",
    _wrong_gae_done_late,
    "the recursion is cut one step too late, by done_{t-1}: an episode's last step looks into "
    "the next episode and the next episode's first step loses its future. Cut A_t with the "
    "flag of its own step, A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1}",
)
mistake(
    "compute_gae",
    "done_early",
    _wrong_gae_done_early,
    "the recursion is cut one step too early, by done_{t+1} (a reset after the end step's "
    "own advantage?): an episode's last step looks into the next episode and the step "
    "before it loses its future. Cut A_t with the flag of its own step, "
    "A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1}",
)
mistake(
    "compute_gae",
    "no_gamma_in_recursion",
    _wrong_gae_no_gamma_in_recursion,
    "the recursion multiplies A_{t+1} by lambda alone: gamma belongs there too, "
    "A_t = delta_t + gamma*lambda*(1 - done_t)*A_{t+1}",
)
mistake(
    "compute_gae",
    "no_gamma_in_residual",
    _wrong_gae_no_gamma_in_residual,
    "the TD residuals inside are not discounted: "
    "delta_t = r_t + gamma*V(s_{t+1})*(1 - terminated_t) - V(s_t)",
)
mistake(
    "compute_gae",
    "returns_minus_values",
    _wrong_gae_returns_minus_values,
    "the returns are advantages minus values: the critic's target adds them, "
    "returns = advantages + values",
)
mistake(
    "compute_gae",
    "not_reversed",
    _wrong_gae_not_reversed,
    "the advantages are right but in reverse order (A_{T-1} comes first): a backward loop "
    "that appends A_t to a list collects them last step first; reverse the list, or write "
    "advantages[t] = A_t",
)
mistake(
    "compute_gae",
    "next_from_values",
    _wrong_gae_next_from_values,
    "V(s_{t+1}) is read from values[t+1] (and next_values only after the last step): at an "
    "episode end values[t+1] is the next episode's first state. Use next_values[t], the "
    "value of the transition's own next state, at every step",
)
mistake(
    "compute_gae",
    "no_bootstrap_at_end",
    _wrong_gae_no_bootstrap_at_end,
    "the rollout's last step is not bootstrapped: the rollout stops mid-episode, so its last "
    "residual is r + gamma*next_values[-1]*(1 - terminated) - V like every other step's",
)
mistake(
    "compute_gae",
    "normalised",
    _wrong_gae_normalised,
    "the advantages are normalised (mean 0, std 1) inside compute_gae: return them as the "
    "recursion gives them, with returns = advantages + values; the update normalises each "
    "minibatch later",
)


def _gae_args(r, v, nv, term, trunc, gamma, lam, dtype=np.float64):
    """A function that returns fresh compute_gae arguments of the given dtype."""

    def args():
        return (
            np.array(r, dtype=dtype),
            np.array(v, dtype=dtype),
            np.array(nv, dtype=dtype),
            np.array(term, dtype=dtype),
            np.array(trunc, dtype=dtype),
            gamma,
            lam,
        )

    return args


def _unpack_gae(result):
    """The learner's (advantages, returns), or a message if it returned something else."""
    if not _isinstance(result, (_tuple, _list)) or _len(result) != 2:
        raise _AssertionError(
            f"compute_gae should return a pair (advantages, returns), got {_type(result).__name__}"
        )
    return result[0], result[1]


def _check_gae_case(fn, args, what, index_names="t") -> None:
    """compute_gae(*args()) against the reference: advantages first, then returns."""
    adv, ret = _unpack_gae(call_learner(fn, "compute_gae", *args()))
    ref_adv, ref_ret = _ref_compute_gae(*args())
    known = known_results("compute_gae", args)
    wrong_adv = {k: None if w is None else w[0] for k, w in known.items()}
    assert_close(
        adv,
        ref_adv,
        f"advantages of {what}",
        index_names=index_names,
        function="compute_gae",
        wrong=wrong_adv,
    )
    wrong_ret = {k: None if w is None else w[1] for k, w in known.items()}
    assert_close(
        ret,
        ref_ret,
        f"returns of {what}",
        index_names=index_names,
        function="compute_gae",
        wrong=wrong_ret,
    )


# One episode of 6 steps that the rollout cuts before it ends (bootstrap from next_values[-1]).
_EP_R = [1.0, 0.0, -0.5, 2.0, 0.0, 1.0]
_EP_V = [0.5, 0.8, 0.2, 1.0, 1.5, 0.7]
_EP_NV = _EP_V[1:] + [0.9]
_NO_FLAGS = [0.0] * 6


@register("compute_gae")
def check_compute_gae_one_episode(fn) -> None:
    """One environment, no episode end: GAE, and its special cases lambda = 0 and lambda = 1."""
    _check_gae_case(
        fn,
        _gae_args(_EP_R, _EP_V, _EP_NV, _NO_FLAGS, _NO_FLAGS, 0.99, 0.95),
        "one episode (gamma=0.99, lambda=0.95)",
    )
    # lambda = 0 is the TD residual; lambda = 1 is the discounted return minus V(s_t).
    _check_gae_case(
        fn,
        _gae_args(_EP_R, _EP_V, _EP_NV, _NO_FLAGS, _NO_FLAGS, 0.9, 0.0),
        "one episode with lambda=0 (must equal the TD residuals)",
    )
    _check_gae_case(
        fn,
        _gae_args(_EP_R, _EP_V, _EP_NV, _NO_FLAGS, _NO_FLAGS, 0.9, 1.0),
        "one episode with lambda=1 (Monte Carlo return minus V)",
    )


@register("compute_gae")
def check_compute_gae_episode_boundaries(fn) -> None:
    """An episode terminates inside the rollout: no advantage may look past its end."""
    r = [1.0, 0.5, 2.0, -10.0, 1.0, 1.0, 0.0, 3.0]
    v = [1.0, 2.0, 1.5, 0.5, 4.0, 3.5, 3.0, 2.0]
    nv = [2.0, 1.5, 0.5, 6.0, 3.5, 3.0, 2.0, 1.8]  # nv[3] = V(final obs), unused: terminated
    term = [0, 0, 0, 1, 0, 0, 0, 0]
    _check_gae_case(
        fn,
        _gae_args(r, v, nv, term, [0] * 8, 0.99, 0.95),
        "a rollout where an episode terminates at t=3",
    )
    term2 = [0, 1, 0, 0, 1, 0, 0, 1]
    _check_gae_case(
        fn,
        _gae_args(r, v, nv, term2, [0] * 8, 0.9, 0.9),
        "a rollout with three episode ends (t=1, 4, 7)",
    )


@register("compute_gae")
def check_compute_gae_truncation(fn) -> None:
    """A time limit cuts the episode at t=2: bootstrap from V(final obs), but cut the recursion."""
    r = [1.0, 1.0, 1.0, 0.0, 2.0]
    v = [5.0, 5.0, 5.0, 0.5, 1.0]
    nv = [5.0, 5.0, 4.8, 1.0, 1.2]  # nv[2] = V(final observation) of the truncated episode
    trunc = [0, 0, 1, 0, 0]
    # Both kinds of end first: a recursion cut at neither differs from one cut at terminations
    # only, so the known mistakes are told apart on the first case.
    term = [0, 0, 0, 1, 0]
    _check_gae_case(
        fn,
        _gae_args(r, v, nv, term, trunc, 0.99, 0.95),
        "a rollout truncated at t=2 and terminated at t=3",
    )
    _check_gae_case(
        fn,
        _gae_args(r, v, nv, [0] * 5, trunc, 0.99, 0.95),
        "a rollout truncated by a time limit at t=2",
    )


@register("compute_gae")
def check_compute_gae_batch(fn) -> None:
    """N = 3 environments side by side, (T, N) time-major, each with its own episode ends."""
    rng = make_rng(3)
    T, N = 7, 3
    term, trunc = np.zeros((T, N)), np.zeros((T, N))
    term[2, 0] = term[5, 1] = 1.0
    trunc[4, 2] = 1.0
    r, v, nv = (rng.normal(size=(T, N)).round(2) for _ in _range(3))
    _check_gae_case(
        fn,
        _gae_args(r, v, nv, term, trunc, 0.99, 0.95),
        "a (7, 3) rollout of three environments",
        index_names="t, n",
    )


@register("compute_gae")
def check_compute_gae_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random rollouts: shapes (T,) and (T, N), random flags, gamma and lambda, float32 inputs;
    a failure shows the smallest failing rollout of a fixed ladder."""

    def cases():
        rng = make_rng(seed)
        for _ in _range(n_cases):
            shape = _rollout_shape(rng)
            r, v, nv = (rng.normal(0.0, 5.0, size=shape) for _ in _range(3))
            term = (rng.random(shape) < 0.1).astype(np.float64)
            trunc = ((rng.random(shape) < 0.1) & (term == 0)).astype(np.float64)
            dtype = np.float32 if rng.random() < 0.5 else np.float64
            gamma = _float(rng.uniform(0.8, 1.0))
            lam = _float(rng.choice([0.0, 0.5, 0.9, 0.95, 1.0]))
            args = _gae_args(r, v, nv, term, trunc, gamma, lam, dtype)
            yield args, f"a random {shape} rollout (gamma={gamma:.3f}, lambda={lam})"

    ladder = [
        (
            _gae_args(r, v, nv, term, trunc, 0.9, 0.8),
            f"compute_gae(rewards={r}, values={v}, next_values={nv}, terminated={term}, "
            f"truncated={trunc}, gamma=0.9, lam=0.8)",
        )
        for r, v, nv, term, trunc in _ROLLOUT_LADDER
    ]
    check_with_ladder(
        lambda args, what: _check_gae_case(fn, args, what, _index_names(args)), cases(), ladder
    )
