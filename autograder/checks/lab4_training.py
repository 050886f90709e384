"""Lab 4's checks: normalize_advantages, minibatch_indices, ppo_update.

Each function's known mistakes (``_wrong_*``) are registered right above the checks they serve.

The update's checks run the learner's ppo_update on a tiny fixed actor-critic and batch, with
a spy loss_fn (records what each minibatch sees) and a spy optimiser (counts steps and reads
the gradient norm at each step). They check behaviour, not exact numbers, so any correct order
of operations and any way of averaging the diagnostics passes.
"""

from __future__ import annotations

from copy import deepcopy as _deepcopy
from dataclasses import replace as _replace
from typing import Any

import numpy as np
import torch

from autograder.checks.compare import (
    MISTAKES,
    STATE,
    _abs,
    _AssertionError,
    _autograd_grad,
    _enumerate,
    _Exception,
    _f64,
    _float,
    _int,
    _isfinite,
    _isinstance,
    _len,
    _list,
    _log,
    _max,
    _min,
    _name_known_mistake,
    _no_grad,
    _np_abs,
    _np_all,
    _np_array,
    _np_errstate,
    _np_isfinite,
    _np_ndarray,
    _range,
    _t_float32,
    _t_tensor,
    _Tensor,
    _tuple,
    _type,
    _zip,
    assert_close,
    call_learner,
    check_with_ladder,
    const,
    fmt,
    known_results,
    make_rng,
    matches,
    mistake,
    register,
    to_array,
    to_float,
)
from autograder.kernel.spies import SpyLoss as _SpyLoss
from autograder.kernel.spies import SpyOptimizer as _SpyOptimizer
from ppo_core.config import PPOConfig as _PPOConfig
from ppo_core.diagnostics import explained_variance as _ref_explained_variance
from ppo_core.losses import ppo_loss as _ref_ppo_loss
from ppo_core.networks import ActorCritic as _ActorCritic
from ppo_core.update import ppo_update as _ref_ppo_update
from ppo_core.update import update_diagnostics as _ref_update_diagnostics

_t_randn, _t_manual_seed, _t_generator = torch.randn, torch.manual_seed, torch.Generator
_t_randperm, _t_randint, _t_arange = torch.randperm, torch.randint, torch.arange
_clip_grad_norm = torch.nn.utils.clip_grad_norm_
_np_sort, _np_arange, _np_concatenate, _np_array_equal = (
    np.sort,
    np.arange,
    np.concatenate,
    np.array_equal,
)


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


mistake(
    "normalize_advantages",
    "no_mean",
    _wrong_norm_no_mean,
    "the mean is not subtracted: (A - mean(A)) / (std(A) + eps) has mean 0, so that about "
    "half the actions are pushed up and half down",
)
mistake(
    "normalize_advantages",
    "no_std",
    _wrong_norm_no_std,
    "the advantages are centred but not divided by their standard deviation: the gradient "
    "would still scale with the rewards",
)
mistake(
    "normalize_advantages",
    "variance",
    _wrong_norm_variance,
    "the advantages are divided by their variance, not their standard deviation (std = sqrt(var))",
)
mistake(
    "normalize_advantages",
    "max",
    _wrong_norm_max,
    "the advantages are divided by their largest absolute value: normalise to mean 0 and "
    "std 1 instead",
)


def _wrong_norm_no_mean_sample(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor(a / (a.std(ddof=1) + eps))


def _wrong_norm_variance_sample(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor((a - a.mean()) / (a.var(ddof=1) + eps))


# The same two mistakes with torch's default (sample) std/var, which is what a learner writing
# `advantages.std()` gets: without these, only the numpy (population) versions were diagnosed.
mistake(
    "normalize_advantages",
    "no_mean_sample",
    _wrong_norm_no_mean_sample,
    MISTAKES["normalize_advantages"]["no_mean"][1],
)
mistake(
    "normalize_advantages",
    "variance_sample",
    _wrong_norm_variance_sample,
    MISTAKES["normalize_advantages"]["variance"][1],
)


def _wrong_norm_no_eps(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    with _np_errstate(invalid="ignore", divide="ignore"):
        return _t_tensor((a - a.mean()) / a.std(ddof=1))


def _wrong_norm_precedence(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor(a - a.mean() / (a.std(ddof=1) + eps))


def _wrong_norm_min_max(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor((a - a.min()) / (a.max() - a.min() + eps))


def _wrong_norm_mean_abs_deviation(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor((a - a.mean()) / (_np_abs(a - a.mean()).mean() + eps))


def _wrong_norm_integer(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return _t_tensor((a - a.mean()) / (a.std(ddof=1) + eps)).long()


def _wrong_norm_numpy(advantages, eps=1e-8):
    a = to_array(advantages, "a")
    return (a - a.mean()) / (a.std(ddof=1) + eps)


mistake(
    "normalize_advantages",
    "no_eps",
    _wrong_norm_no_eps,
    "nothing is added to the standard deviation, so equal advantages (std 0) divide 0 by 0: "
    "divide by (std(A) + eps)",
)
mistake(
    "normalize_advantages",
    "precedence",
    _wrong_norm_precedence,
    "only the mean is divided by the standard deviation (/ binds tighter than -): write "
    "(A - mean(A)) / (std(A) + eps) with the brackets",
)
mistake(
    "normalize_advantages",
    "min_max",
    _wrong_norm_min_max,
    "the advantages are rescaled to [0, 1] by their minimum and maximum: normalise to mean 0 "
    "and std 1, (A - mean(A)) / (std(A) + eps), so that worse-than-average actions get "
    "negative advantages",
)
mistake(
    "normalize_advantages",
    "mean_abs_deviation",
    _wrong_norm_mean_abs_deviation,
    "the advantages are divided by their mean absolute deviation, mean(|A - mean(A)|): divide "
    "by the standard deviation, sqrt(mean((A - mean(A))^2)) (torch's .std())",
)
mistake(
    "normalize_advantages",
    "integer",
    _wrong_norm_integer,
    "every value is cut to a whole number, as when the result is an integer tensor (e.g. "
    "torch.zeros(n, dtype=torch.long) filled in a loop): build the result as a float tensor, "
    "e.g. with torch.zeros_like(advantages) or without a loop",
)
mistake(
    "normalize_advantages",
    "numpy",
    _wrong_norm_numpy,
    "normalize_advantages returned a numpy array: return a torch tensor, because ppo_update "
    "feeds the result straight into the torch loss",
)


def _ref_normalized(x: np.ndarray, ddof: int, eps: float = 0.0) -> np.ndarray:
    """(x - mean(x)) / (std(x) + eps) with the standard deviation's ``ddof``, written out (a
    local reference: the student build replays its recorded result, like the imported
    references)."""
    return (x - x.mean()) / (x.std(ddof=ddof) + eps)


def _check_norm_case(fn, values, what, dtype=None):
    """normalize_advantages(values) against both correct answers (either std)."""

    def args():
        return (const(values, dtype=dtype),)

    got = call_learner(fn, "normalize_advantages", *args())
    if _isinstance(got, _np_ndarray):
        raise _AssertionError(f"{what}: {MISTAKES['normalize_advantages']['numpy'][1]}")
    if not _isinstance(got, _Tensor):
        raise _AssertionError(
            f"{what}: normalize_advantages returned a {_type(got).__name__}; return a torch "
            f"tensor, because ppo_update feeds the result straight into the torch loss"
        )
    a = to_array(got, what)
    x = _np_array(values, dtype=_f64)
    # Either standard deviation is correct (torch's .std() is the sample one, numpy's the
    # population one); eps is negligible next to it here.
    candidates = [_ref_normalized(x, ddof, 1e-8) for ddof in (0, 1)]
    if STATE.all_mistakes:  # recording the student build: every mistake, every case
        known_results("normalize_advantages", args)
    if _any_match(a, candidates, 1e-3, 1e-5):
        return
    assert_close(
        a,
        candidates[1],
        what,
        function="normalize_advantages",
        wrong=known_results("normalize_advantages", args),
        index_names="sample",
        rtol=1e-3,
        atol=1e-5,
        hint="expected (A - mean(A)) / (std(A) + eps)",
    )


def _any_match(a, candidates, rtol, atol) -> bool:
    """Whether ``a`` matches one of ``candidates``."""
    return any(matches(a, c, rtol, atol) for c in candidates)


@register("normalize_advantages")
def check_normalize_advantages_statistics(fn) -> None:
    """Mean 0 and std 1 after normalising, in float64 and float32, whatever the scale."""
    _check_norm_case(fn, [1.0, 2.0, 3.0, 4.0, 10.0], "normalize_advantages([1, 2, 3, 4, 10])")
    _check_norm_case(
        fn,
        [-120.0, 35.0, 80.0, -5.0, 0.0, 250.0],
        "normalize_advantages of LunarLander-sized advantages",
    )
    _check_norm_case(
        fn,
        [0.001, -0.002, 0.0005, 0.003],
        "normalize_advantages of tiny advantages",
        dtype=_t_float32,
    )


@register("normalize_advantages")
def check_normalize_advantages_constant(fn) -> None:
    """A constant minibatch must not divide by zero (that is what eps is for)."""
    for values in ([3.0, 3.0, 3.0, 3.0], [0.0, 0.0], [5.0]):
        what = f"normalize_advantages({values})"

        def args(values=values):
            return (const(values),)

        got = to_array(call_learner(fn, "normalize_advantages", *args()), what)
        if STATE.all_mistakes:  # recording the student build: every mistake, every case
            known_results("normalize_advantages", args)
        finite = bool(_np_all(_np_isfinite(got)))
        if finite and bool(_np_all(_np_abs(got) < 1e-3)):
            continue
        wrong = known_results("normalize_advantages", args)
        if got.shape == (_len(values),):
            zeros = _np_array([0.0] * _len(values))
            _name_known_mistake(got, zeros, what, "normalize_advantages", wrong, 1e-3, 1e-5)
        if not finite:
            hint = (
                "the standard deviation of a single sample is undefined (torch's .std() "
                "returns nan): return A - mean(A), i.e. 0, when there is only one sample"
                if _len(values) == 1
                else "the standard deviation of equal advantages is 0, and the result must "
                "still be finite (that is what eps is for)"
            )
            raise _AssertionError(f"{what} returned {got.tolist()}: {hint}")
        raise _AssertionError(
            f"{what} returned {got.tolist()}: equal advantages carry "
            f"no preference between actions, so every one normalises to 0"
        )


_NORM_LADDER = (
    [1.0, 2.0],
    [1.0, 2.0, 4.0],
    [-3.0, 0.5, 2.0, 10.0],
    [0.01, -0.02, 0.005, 0.03, -0.01],
    [100.0, -250.0, 30.0, 0.0, 75.0, -10.0],
)
"""Small fixed cases, smallest first: a failing random case is reported as the first of these
that fails too."""


def _norm_case(values: list, what: str | None = None):
    """A ``(args, what)`` case of normalize_advantages for :func:`check_with_ladder`."""
    return (lambda: (values,)), what or f"normalize_advantages({values})"


@register("normalize_advantages")
def check_normalize_advantages_random(fn, seed: int = 0, n_cases: int = 10) -> None:
    """Random minibatches of 2 to 500 advantages at scales from 0.01 to 1000."""
    rng = make_rng(seed)
    cases = []
    for _ in _range(n_cases):
        b = _int(rng.integers(2, 500))
        x = rng.normal(rng.normal(0.0, 10.0), 10.0 ** rng.uniform(-2, 3), size=b)
        cases.append(_norm_case(x.tolist(), f"normalize_advantages of a random batch of {b}"))

    def check_one(args, what):
        _check_norm_case(fn, args()[0], what)

    check_with_ladder(check_one, cases, [_norm_case(v) for v in _NORM_LADDER])


def _minibatches(fn, batch_size, minibatch_size, *extra):
    """Call minibatch_indices; return (what, the minibatches as flat float arrays)."""
    what = f"minibatch_indices({batch_size}, {minibatch_size})"
    got = call_learner(fn, "minibatch_indices", batch_size, minibatch_size, *extra)
    if got is None:
        raise _AssertionError(f"{what} returned None: return the list of minibatches")
    try:
        parts = [to_array(p, f"a minibatch of {what}").reshape(-1) for p in got]
    except TypeError:
        raise _AssertionError(
            f"{what} should return a list of index tensors, got {_type(got).__name__}"
        ) from None
    for p in parts:
        if p.size and not bool(_np_all(p == p.round())):
            raise _AssertionError(f"{what}: minibatches must hold integer indices, got {p[:5]}")
    return what, parts


def _wrong_mb_drop_last(batch_size, minibatch_size, generator=None):
    perm = _t_randperm(batch_size, generator=generator)
    n = batch_size // minibatch_size
    return [perm[i * minibatch_size : (i + 1) * minibatch_size] for i in _range(n)]


def _wrong_mb_stops_early(batch_size, minibatch_size, generator=None):
    perm = _t_randperm(batch_size, generator=generator)
    starts = _range(0, batch_size - minibatch_size, minibatch_size)
    return [perm[s : s + minibatch_size] for s in starts]


def _wrong_mb_with_replacement(batch_size, minibatch_size, generator=None):
    return _list(
        _t_randint(0, batch_size, (batch_size,), generator=generator).split(minibatch_size)
    )


def _wrong_mb_count_for_size(batch_size, minibatch_size, generator=None):
    return _list(_t_randperm(batch_size, generator=generator).chunk(minibatch_size))


def _wrong_mb_no_shuffle(batch_size, minibatch_size, generator=None):
    return _list(_t_arange(batch_size).split(minibatch_size))


def _wrong_mb_same_order(batch_size, minibatch_size, generator=None):
    return _list(_t_randperm(batch_size, generator=_t_manual_seed_gen(0)).split(minibatch_size))


def _wrong_mb_ignores_generator(batch_size, minibatch_size, generator=None):
    return _list(_t_randperm(batch_size).split(minibatch_size))


mistake(
    "minibatch_indices",
    "drop_last",
    _wrong_mb_drop_last,
    "the samples left over after the full minibatches are missing: when minibatch_size does "
    "not divide batch_size they form one last, smaller minibatch (torch.split(perm, "
    "minibatch_size) keeps it)",
)
mistake(
    "minibatch_indices",
    "stops_early",
    _wrong_mb_stops_early,
    "the last full minibatch is missing: the loop over start positions stops one minibatch "
    "early; range(0, batch_size, minibatch_size) visits every start",
)
mistake(
    "minibatch_indices",
    "with_replacement",
    _wrong_mb_with_replacement,
    "some indices appear twice and others not at all, as when indices are drawn with "
    "replacement (torch.randint): split one permutation, torch.randperm(batch_size), instead",
)
mistake(
    "minibatch_indices",
    "count_for_size",
    _wrong_mb_count_for_size,
    "minibatch_size was used as the number of minibatches (torch.chunk(x, k) makes k pieces): "
    "cut pieces of minibatch_size samples with torch.split(perm, minibatch_size)",
)
mistake(
    "minibatch_indices",
    "no_shuffle",
    _wrong_mb_no_shuffle,
    "the minibatches hold the samples in rollout order (0, 1, 2, ...): shuffle them (e.g. "
    "torch.randperm) so that correlated consecutive steps are spread out",
)
mistake(
    "minibatch_indices",
    "same_order",
    _wrong_mb_same_order,
    "every call returns the same order, as when the function seeds the random number "
    "generator itself (torch.manual_seed): draw a new permutation on every call (every epoch)",
)
mistake(
    "minibatch_indices",
    "ignores_generator",
    _wrong_mb_ignores_generator,
    "the generator argument is not used (np.random and torch's global generator ignore it): "
    "pass it on, torch.randperm(batch_size, generator=generator)",
)


def _signature(parts) -> tuple:
    """What a partition looks like whatever its random order: the minibatch sizes and whether
    the indices are distinct."""
    everything = _np_concatenate(parts) if parts else _np_array([])
    return _tuple(_int(p.size) for p in parts), _len(set(everything.tolist())) == everything.size


def _known_signatures(batch_size, minibatch_size) -> dict:
    """The signature of each known mistake on this case (None where it fails or has none)."""
    out = {}
    for key, (impl, _) in MISTAKES["minibatch_indices"].items():
        try:
            result = impl(batch_size, minibatch_size)
            out[key] = None if result is None else _signature([to_array(p, "") for p in result])
        except _Exception:
            out[key] = None
    return out


def _check_partitions(fn, cases) -> None:
    """minibatch_indices on each (batch_size, minibatch_size) case: the minibatches hold
    0..batch_size-1 once each, in the expected number and sizes. A known mistake is named only
    when it alone, of all known mistakes, gives what was observed on every case tried."""
    possible = _list(MISTAKES["minibatch_indices"])
    for batch_size, minibatch_size in cases:
        what, parts = _minibatches(fn, batch_size, minibatch_size)
        got, known = _signature(parts), _known_signatures(batch_size, minibatch_size)
        possible = [k for k in possible if known[k] == got]
        expected = -(-batch_size // minibatch_size)
        sizes_ok = _len(parts) == expected and _max(p.size for p in parts) <= minibatch_size
        if sizes_ok and _coverage_ok(parts, batch_size):
            continue
        causes = {MISTAKES["minibatch_indices"][k][1] for k in possible}
        if _len(causes) == 1:
            raise _AssertionError(f"{what}: {causes.pop()}")
        _describe_partition(what, parts, batch_size, minibatch_size)


def _coverage_ok(parts, batch_size) -> bool:
    everything = _np_concatenate(parts) if parts else _np_array([])
    return everything.size == batch_size and _np_array_equal(
        _np_sort(everything), _np_arange(batch_size)
    )


def _describe_partition(what, parts, batch_size, minibatch_size):
    """What is observably wrong with a partition (no cause named)."""
    everything = _np_concatenate(parts) if parts else _np_array([])
    if not _coverage_ok(parts, batch_size):
        distinct = _len(set(everything.tolist()))
        raise _AssertionError(
            f"{what}: the minibatches together hold {everything.size} indices ({distinct} "
            f"distinct) but must hold each of 0..{batch_size - 1} exactly once, so that every "
            f"sample is used once per epoch"
        )
    expected = -(-batch_size // minibatch_size)
    raise _AssertionError(
        f"{what} returned {_len(parts)} minibatches of sizes {[p.size for p in parts]}: "
        f"expected {expected} minibatches of at most {minibatch_size} indices"
    )


@register("minibatch_indices")
def check_minibatch_indices_partition(fn) -> None:
    """64 samples in minibatches of 16: four minibatches that together hold 0..63 once each."""
    _check_partitions(fn, [(64, 16)])


def _any(iterable) -> bool:
    """builtins.any through a reference that notebook code cannot replace."""
    for x in iterable:
        if x:
            return True
    return False


@register("minibatch_indices")
def check_minibatch_indices_uneven(fn) -> None:
    """8 samples in minibatches of 4, then 10 (sizes 4, 4, 2); a minibatch as large as the
    batch."""
    _check_partitions(fn, [(8, 4), (10, 4), (7, 7)])


@register("minibatch_indices")
def check_minibatch_indices_shuffled(fn) -> None:
    """A fresh random order every call; a seeded generator reproduces it."""
    what, first = _minibatches(fn, 1000, 250)
    _, second = _minibatches(fn, 1000, 250)
    if STATE.all_mistakes:  # recording the student build: every mistake's partitions
        _known_signatures(1000, 250)
    table = MISTAKES["minibatch_indices"]
    if _np_array_equal(first[0], _np_arange(250)):
        raise _AssertionError(f"{what}: {table['no_shuffle'][1]}")
    if _np_array_equal(_np_concatenate(first), _np_concatenate(second)):
        raise _AssertionError(f"{what} returned the same order twice: {table['same_order'][1]}")
    _, a = _minibatches(fn, 100, 10, _t_manual_seed_gen(7))
    _, b = _minibatches(fn, 100, 10, _t_manual_seed_gen(7))
    if not _np_array_equal(_np_concatenate(a), _np_concatenate(b)):
        raise _AssertionError(
            "minibatch_indices(100, 10, generator) gave different orders for two generators "
            f"seeded alike: {table['ignores_generator'][1]}"
        )


def _t_manual_seed_gen(seed: int):
    """A torch.Generator seeded with ``seed``."""
    g = _t_generator()
    g.manual_seed(seed)
    return g


# --- ppo_update -------------------------------------------------------------------------------

_UPDATE_KEYS = (
    "losses/policy_loss",
    "losses/value_loss",
    "losses/entropy",
    "losses/approx_kl",
    "losses/old_approx_kl",
    "losses/clipfrac",
    "losses/explained_variance",
    "losses/epochs",
)


class _Optimizer:
    """A known mistake's view of the optimiser: ``zero_grad`` only every ``clear_every`` calls
    (never, with 0) and ``step`` only every ``step_every`` calls."""

    def __init__(self, optimizer, clear_every: int, step_every: int = 1):
        self.optimizer, self.clear_every, self.step_every = optimizer, clear_every, step_every
        self.clears = self.steps = 0

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.clears += 1
        if self.clear_every and (self.clears - 1) % self.clear_every == 0:
            self.optimizer.zero_grad(set_to_none=set_to_none)

    def step(self, closure=None) -> None:
        self.steps += 1
        if self.steps % self.step_every == 0:
            self.optimizer.step(closure)


def _wrong_update_no_zero_grad(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    keeps: Any = _Optimizer(optimizer, 0)
    return _ref_ppo_update(policy, keeps, batch, config, loss_fn)


def _wrong_update_step_per_epoch(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    m = config.num_minibatches
    per_epoch: Any = _Optimizer(optimizer, m, m)
    return _ref_ppo_update(policy, per_epoch, batch, config, loss_fn)


def _wrong_update_whole_batch(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    advantages = batch["advantages"]
    if config.norm_adv:
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    whole = {**batch, "advantages": advantages}
    return _ref_ppo_update(policy, optimizer, whole, _replace(config, norm_adv=False), loss_fn)


def _wrong_update_old_from_new(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    def loss(new, old, *rest):
        return loss_fn(new, new.detach(), *rest)

    return _ref_ppo_update(policy, optimizer, batch, config, loss)


def _wrong_update_old_not_sliced(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    def loss(new, old, *rest):
        return loss_fn(new, batch["log_probs"], *rest)

    return _ref_ppo_update(policy, optimizer, batch, config, loss)


def _wrong_update_epochs_off_by_one(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    stats = _ref_ppo_update(policy, optimizer, batch, config, loss_fn)
    return {**stats, "losses/epochs": stats["losses/epochs"] - 1}


def _known_update(policy, optimizer, batch, config, loss_fn, minibatches, normalise: bool):
    """PPO's update as the reference does it (without target_kl), with the minibatches
    (``minibatches()`` each epoch) and the advantage normalisation a known mistake chooses."""
    for _ in _range(config.update_epochs):
        for mb in minibatches():
            _, new, entropy, values = policy.get_action_and_value(
                batch["obs"][mb], batch["actions"][mb]
            )
            adv = batch["advantages"][mb]
            if normalise:
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
            loss = loss_fn(
                new,
                batch["log_probs"][mb],
                adv,
                values,
                batch["returns"][mb],
                entropy,
                config.clip_coef,
                config.vf_coef,
                config.ent_coef,
            )
            optimizer.zero_grad()
            loss.backward()
            _clip_grad_norm(policy.parameters(), config.max_grad_norm)
            optimizer.step()
    stats = _ref_update_diagnostics(policy, batch, config)
    return {**stats, "losses/epochs": config.update_epochs}


def _wrong_update_same_order(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    size = _len(batch["obs"])
    order = _list(_t_randperm(size).split(size // config.num_minibatches))
    return _known_update(policy, optimizer, batch, config, loss_fn, lambda: order, config.norm_adv)


def _wrong_update_ignores_norm_adv(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    size = _len(batch["obs"])

    def minibatches():
        return _list(_t_randperm(size).split(size // config.num_minibatches))

    return _known_update(policy, optimizer, batch, config, loss_fn, minibatches, True)


def _wrong_update_count_for_size(policy, optimizer, batch, config, loss_fn=_ref_ppo_loss):
    size = _len(batch["obs"])

    def minibatches():
        return _list(_t_randperm(size).split(config.num_minibatches))

    return _known_update(policy, optimizer, batch, config, loss_fn, minibatches, config.norm_adv)


mistake(
    "ppo_update",
    "count_for_size",
    _wrong_update_count_for_size,
    "each minibatch holds config.num_minibatches samples: num_minibatches is how many "
    "minibatches to cut, so each holds batch_size // config.num_minibatches samples; pass that "
    "to minibatch_indices as the minibatch size",
)
mistake(
    "ppo_update",
    "same_order_every_epoch",
    _wrong_update_same_order,
    "every epoch visits the samples in the same order: draw new minibatch indices "
    "(minibatch_indices) at the start of every epoch, not once before the epochs",
)
mistake(
    "ppo_update",
    "ignores_norm_adv",
    _wrong_update_ignores_norm_adv,
    "the advantages are normalised although config.norm_adv is False: normalise them only "
    "when config.norm_adv is True",
)
mistake(
    "ppo_update",
    "no_zero_grad",
    _wrong_update_no_zero_grad,
    "the weights moved as if the gradients of all earlier minibatches were still added in: "
    "call optimizer.zero_grad() before every loss.backward(), since backward adds to .grad",
)
mistake(
    "ppo_update",
    "step_per_epoch",
    _wrong_update_step_per_epoch,
    "that is one optimizer step per epoch: call loss.backward() and optimizer.step() inside "
    "the minibatch loop, once for every minibatch's loss (Algorithm 1's minibatch SGD)",
)
mistake(
    "ppo_update",
    "whole_batch",
    _wrong_update_whole_batch,
    "the advantages are normalised over the whole batch (a valid choice, OpenAI's "
    "ppo1 made it), but this exercise asks for per-minibatch normalisation "
    "(config.norm_adv, as in ppo2 and CleanRL): normalise mb_advantages (the "
    "minibatch's slice) inside the minibatch loop",
)
mistake(
    "ppo_update",
    "old_from_new",
    _wrong_update_old_from_new,
    "the old_log_probs passed to the loss equal the new ones (after the first step they are no "
    "longer batch['log_probs']), so the ratio is always 1: pass the log-probabilities stored "
    "at collection time, batch['log_probs'][mb_inds], never ones recomputed from the policy",
)
mistake(
    "ppo_update",
    "old_not_sliced",
    _wrong_update_old_not_sliced,
    "the old_log_probs passed to the loss are the whole batch's batch['log_probs'], not the "
    "minibatch's: slice them like every other batch array, batch['log_probs'][mb_inds]",
)
mistake(
    "ppo_update",
    "epochs_off_by_one",
    _wrong_update_epochs_off_by_one,
    "stats['losses/epochs'] is one less than the number of epochs that ran: count an epoch "
    "once it has finished (epochs_run += 1 at the end of each epoch)",
)


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
    rng = make_rng(seed)
    batch = {
        "obs": obs,
        "actions": actions,
        "log_probs": log_probs,
        "advantages": _t_tensor(rng.normal(3.0, 5.0, size=batch_size), dtype=_t_float32),
        "returns": _t_tensor(10.0 + _np_arange(batch_size), dtype=_t_float32),
        "values": values,
    }
    settings: dict[str, Any] = {
        "update_epochs": 3,
        "num_minibatches": 4,
        "clip_coef": 0.2,
        "clip_vloss": False,
        "norm_adv": True,
        "ent_coef": 0.01,
        "vf_coef": 0.5,
        "max_grad_norm": 0.5,
        "target_kl": None,
    }
    settings.update(overrides)
    return policy, batch, _PPOConfig(**settings)


def _run_update(fn, seed=0, batch_size=64, lr=0.05, **overrides):
    """Run the learner's ppo_update on :func:`_update_setup`'s policy and batch with spies;
    return (stats, spy loss, spy optimiser, batch, config, whether the parameters changed)."""
    policy, batch, config = _update_setup(seed, batch_size, **overrides)
    before = [p.detach().clone() for p in policy.parameters()]
    optimizer = _SpyOptimizer(policy.parameters(), lr=lr)
    spy = _SpyLoss(_ref_ppo_loss, to_array)
    try:
        stats = call_learner(fn, "ppo_update", policy, optimizer, batch, config, spy)
    except _AssertionError as err:
        _check_old_sliced(spy, batch_size, err)
        raise
    _check_old_sliced(spy, batch_size, None)
    if not spy.calls:
        raise _AssertionError(
            "ppo_update never called loss_fn: compute each minibatch's loss with "
            "loss_fn(new_log_probs, old_log_probs, advantages, new_values, returns, entropy, "
            "config.clip_coef, config.vf_coef, config.ent_coef) -- the hook through which "
            "Lab 4 plugs in your own ppo_loss (and config.clip_vloss is False here)"
        )
    _check_steps_follow_the_losses(policy, before, batch, config, spy, optimizer, lr)
    changed = _any(not bool((p.detach() == b).all()) for p, b in _zip(policy.parameters(), before))
    return stats, spy, optimizer, batch, config, changed


def _check_old_sliced(spy, batch_size: int, err) -> None:
    """The old log-probabilities each loss got are the minibatch's (the reference loss refuses
    the whole batch's, the student build's stand-in loss does not: both end here)."""
    for call in spy.calls:
        if call["old"].size == batch_size != call["new"].size:
            message = MISTAKES["ppo_update"]["old_not_sliced"][1]
            raise _AssertionError(message) from (err.__cause__ if err is not None else None)


def _check_steps_follow_the_losses(policy, before, batch, config, spy, optimizer, lr) -> None:
    """The recorded losses and steps are what the update did: replaying them from the initial
    weights (each step: the loss of the recorded minibatch, its gradient rescaled to the recorded
    norm, one SGD step) gives the same log-probabilities along the way and the same final
    weights. (When a class is graded the spies run in the learner's kernel, so what they
    recorded is checked against the weights that came back.) When it does not, a replay in
    which every step also adds the gradients left from the steps before tells whether the
    gradients were never cleared."""
    steps, calls = _len(optimizer.grad_norms), _len(spy.calls)
    if steps != calls:
        said = f"ppo_update computed the loss {calls} times and took {steps} optimizer steps"
        if steps and calls == steps * config.num_minibatches:
            raise _AssertionError(f"{said}: {MISTAKES['ppo_update']['step_per_epoch'][1]}")
        raise _AssertionError(
            f"{said}: each minibatch needs one loss, one loss.backward() and one optimizer.step()"
        )
    replay = (policy, before, batch, config, spy, optimizer, lr)
    problem = _replay(*replay, accumulate=False)
    if problem is None:
        return
    if _replay(*replay, accumulate=True) is None:
        raise _AssertionError(MISTAKES["ppo_update"]["no_zero_grad"][1])
    raise _AssertionError(problem)


def _replay(policy, before, batch, config, spy, optimizer, lr, accumulate: bool) -> str | None:
    """Replay the recorded steps from the initial weights (see
    :func:`_check_steps_follow_the_losses`); ``None`` if they give what the update did, else
    what differs. ``accumulate``: each step's gradient also holds those of the steps before."""
    replay = _deepcopy(policy)  # the same network, put back to its initial weights
    with _no_grad():
        for p, b in _zip(replay.parameters(), before):
            p.copy_(b)
    params = _list(replay.parameters())
    held: list = [None] * _len(params)  # the gradients a step leaves in .grad
    obs, actions = batch["obs"], batch["actions"]
    for k, (call, norm) in _enumerate(_zip(spy.calls, optimizer.grad_norms)):
        ids = _t_tensor(_ids(call).astype(_int))
        _, new, entropy, values = replay.get_action_and_value(obs[ids], actions[ids])
        if not bool(_np_all(_np_abs(to_array(new, "new") - call["new"]) < 1e-4)):
            return (
                f"the new log-probabilities passed to the loss at step {k + 1} are not those of "
                f"the policy after the {k} optimizer step(s) before it: evaluate the policy on "
                f"each minibatch right before its loss, and step only with that loss"
            )
        loss = _ref_ppo_loss(
            new,
            const(call["old"], _t_float32),
            const(call["adv"], _t_float32),
            values.reshape(-1),
            batch["returns"][ids],
            entropy,
            call["clip_eps"],
            config.vf_coef,
            config.ent_coef,
        )
        grads = _list(_autograd_grad(loss, params, allow_unused=True))
        if accumulate:
            grads = [g if h is None else h if g is None else h + g for h, g in _zip(held, grads)]
        total = _float(_sum_sq(grads)) ** 0.5
        scale = norm / total if total > 0 else 0.0
        held = [None if g is None else g * scale for g in grads]
        with _no_grad():
            for p, g in _zip(params, held):
                if g is not None:
                    p.sub_(lr * g)
    worst = _max(
        _float((p.detach() - q.detach()).abs().max()) for p, q in _zip(params, policy.parameters())
    )
    if worst <= 1e-4:
        return None
    return (
        f"the weights ppo_update left differ (by up to {fmt(worst)}) from those its "
        f"{_len(spy.calls)} recorded steps give: each optimizer.step() should apply the gradient "
        f"of the loss just computed (after optimizer.zero_grad() and loss.backward())"
    )


def _sum_sq(grads):
    total = 0.0
    for g in grads:
        if g is not None:
            total += _float((g.detach().double() ** 2).sum())
    return total


def _ids(call) -> np.ndarray:
    """The sample indices of a spied minibatch (sample i has return 10 + i)."""
    return (call["returns"] - 10.0).round()


@register("ppo_update")
def check_ppo_update_steps(fn) -> None:
    """3 epochs x 4 minibatches = 12 gradient steps, one per loss; the parameters move."""
    _, spy, optimizer, _, config, changed = _run_update(fn)
    expected = config.update_epochs * config.num_minibatches
    sizes = sorted({c["returns"].size for c in spy.calls})
    if _len(optimizer.grad_norms) != expected and sizes == [config.num_minibatches]:
        raise _AssertionError(
            f"ppo_update took {_len(optimizer.grad_norms)} optimizer steps on minibatches of "
            f"{config.num_minibatches}: {MISTAKES['ppo_update']['count_for_size'][1]}"
        )
    if _len(optimizer.grad_norms) != expected:
        raise _AssertionError(
            f"ppo_update took {_len(optimizer.grad_norms)} optimizer steps with update_epochs=3 "
            f"and num_minibatches=4: expected {expected}, one optimizer.step() per minibatch per "
            f"epoch (PPO's Algorithm 1)"
        )
    if _len(spy.calls) != expected:
        raise _AssertionError(
            f"ppo_update computed the loss {_len(spy.calls)} times for {expected} steps: compute "
            f"one loss per minibatch, on that minibatch only"
        )
    if sizes != [16]:
        raise _AssertionError(
            f"ppo_update's minibatches had sizes {sizes}; with 64 samples and num_minibatches=4 "
            f"each minibatch holds 64 // 4 = 16 samples"
        )
    if not changed:
        raise _AssertionError(
            "the policy's parameters did not change: call loss.backward() and "
            "optimizer.step() (after optimizer.zero_grad())"
        )


@register("ppo_update")
def check_ppo_update_minibatches(fn) -> None:
    """Every epoch visits every sample exactly once, in a new random order."""
    _, spy, _, _, config, _ = _run_update(fn)
    m = config.num_minibatches
    orders = []
    for epoch in _range(config.update_epochs):
        ids = _np_concatenate([_ids(c) for c in spy.calls[epoch * m : (epoch + 1) * m]])
        if not _np_array_equal(_np_sort(ids), _np_arange(64)):
            raise _AssertionError(
                f"in epoch {epoch + 1} the minibatches did not hold each of the 64 samples "
                f"exactly once: use minibatch_indices(batch_size, minibatch_size) every epoch "
                f"and index every batch array with the same indices"
            )
        orders.append(ids)
    if _np_array_equal(orders[0], _np_arange(64)):
        raise _AssertionError(
            "the first epoch visits the samples in rollout order: shuffle them "
            "(minibatch_indices) so that minibatches mix time steps and envs"
        )
    if _np_array_equal(orders[0], orders[1]):
        raise _AssertionError(MISTAKES["ppo_update"]["same_order_every_epoch"][1])


@register("ppo_update")
def check_ppo_update_first_ratio(fn) -> None:
    """On the first minibatch the policy is still pi_old: ratio 1; later it has moved."""
    _, spy, _, batch, _, _ = _run_update(fn)
    first = spy.calls[0]
    stored = to_array(batch["log_probs"], "batch log_probs")
    for call in spy.calls:
        if not bool(_np_all(_np_abs(call["old"] - stored[_ids(call).astype(_int)]) < 1e-5)):
            if bool(_np_all(_np_abs(call["old"] - call["new"]) < 1e-6)):
                raise _AssertionError(MISTAKES["ppo_update"]["old_from_new"][1])
            raise _AssertionError(
                "the old_log_probs passed to the loss are not batch['log_probs'] of the "
                "minibatch's samples: the old log-probabilities are the ones stored at "
                "collection time, sliced with the minibatch indices -- never recomputed"
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


@register("ppo_update")
def check_ppo_update_normalization(fn) -> None:
    """With norm_adv each minibatch's advantages have mean 0, std 1; without, they are raw."""
    _, spy, _, batch, _, _ = _run_update(fn)
    raw = to_array(batch["advantages"], "batch advantages")
    whole = _ref_normalized(raw, 1)  # normalised over the whole batch: a mistake to name
    for k, call in _enumerate(spy.calls):
        adv = call["adv"]
        if _abs(_float(adv.mean())) > 1e-4 or not (0.9 < _float(adv.std()) < 1.1):
            if _np_all(_np_abs(adv - whole[_ids(call).astype(_int)]) < 1e-4):
                raise _AssertionError(MISTAKES["ppo_update"]["whole_batch"][1])
            raise _AssertionError(
                f"with config.norm_adv=True the advantages passed to the loss in minibatch "
                f"{k + 1} have mean {fmt(_float(adv.mean()))} and std {fmt(_float(adv.std()))}: "
                f"apply normalize_advantages to each minibatch's advantages"
            )
    _, spy, _, batch, _, _ = _run_update(fn, norm_adv=False)
    for call in spy.calls:
        if not bool(_np_all(_np_abs(call["adv"] - raw[_ids(call).astype(_int)]) < 1e-4)):
            part = raw[_ids(call).astype(_int)]
            if bool(_np_all(_np_abs(call["adv"] - _ref_normalized(part, 1)) < 1e-4)):
                raise _AssertionError(MISTAKES["ppo_update"]["ignores_norm_adv"][1])
            raise _AssertionError(
                "with config.norm_adv=False the loss must get the raw advantages of the "
                "minibatch: normalise only when config.norm_adv is True"
            )


@register("ppo_update")
def check_ppo_update_grad_clipping(fn) -> None:
    """Every step applies a gradient of global norm <= max_grad_norm."""
    max_norm = 0.01
    _, _, optimizer, _, _, _ = _run_update(fn, max_grad_norm=max_norm)
    worst = _max(optimizer.grad_norms)
    if worst > max_norm * (1 + 1e-3) + 1e-7:
        raise _AssertionError(
            f"with max_grad_norm={max_norm} a step applied a gradient of norm {fmt(worst)}: call "
            f"nn.utils.clip_grad_norm_(policy.parameters(), config.max_grad_norm) after "
            f"loss.backward() and before optimizer.step()"
        )
    if _min(optimizer.grad_norms) == 0.0:
        raise _AssertionError(
            "a step applied a zero gradient: call loss.backward() before "
            "optimizer.step(), and optimizer.zero_grad() before backward"
        )


def _check_epochs_reported(epochs: float, ran: int) -> None:
    """stats['losses/epochs'] is the number of epochs that ran (all of them, without target_kl)."""
    if epochs == ran - 1:
        raise _AssertionError(MISTAKES["ppo_update"]["epochs_off_by_one"][1])
    if epochs != ran:
        raise _AssertionError(
            f"stats['losses/epochs'] = {epochs}, but all {ran} epochs ran (target_kl is None)"
        )


@register("ppo_update")
def check_ppo_update_stats(fn) -> None:
    """The returned dict has CleanRL's keys with sensible values."""
    stats, _, _, batch, config, _ = _run_update(fn)
    if not _isinstance(stats, dict):
        raise _AssertionError(
            f"ppo_update returned {_type(stats).__name__}; return a dict of "
            f"diagnostics with CleanRL's keys {_list(_UPDATE_KEYS)}"
        )
    missing = [k for k in _UPDATE_KEYS if k not in stats]
    if missing:
        raise _AssertionError(f"ppo_update's result lacks the keys {missing}")
    values = {k: to_float(stats[k], f"stats['{k}']") for k in _UPDATE_KEYS}
    for k, v in values.items():
        if not _isfinite(v):
            raise _AssertionError(f"stats['{k}'] is {v}: it should be a finite number")
    if values["losses/approx_kl"] < -1e-7:
        raise _AssertionError(
            "stats['losses/approx_kl'] is negative: use approx_kl(...), the "
            "estimator that is never negative"
        )
    if not 0.0 <= values["losses/clipfrac"] <= 1.0:
        raise _AssertionError("stats['losses/clipfrac'] must be a fraction in [0, 1]")
    if not 0.0 <= values["losses/entropy"] <= _log(3.0) + 1e-4:
        raise _AssertionError(
            f"stats['losses/entropy'] = {fmt(values['losses/entropy'])} is "
            f"outside [0, ln 3] for 3 actions: report the mean entropy"
        )
    _check_epochs_reported(values["losses/epochs"], config.update_epochs)
    ev = _ref_explained_variance(batch["values"], batch["returns"])
    if _abs(values["losses/explained_variance"] - ev) > 1e-4 * _max(1.0, _abs(ev)):
        raise _AssertionError(
            "stats['losses/explained_variance'] should be explained_variance(batch['values'], "
            "batch['returns']): how well the critic that collected the data predicted the returns"
        )


@register("ppo_update")
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
        raise _AssertionError(
            "ppo_update's result must be a dict with the key 'losses/epochs': "
            "the number of epochs that ran"
        )
    epochs = to_float(stats["losses/epochs"], "stats['losses/epochs']")
    if epochs == 0:
        raise _AssertionError(MISTAKES["ppo_update"]["epochs_off_by_one"][1])
    if epochs != 1:
        raise _AssertionError(
            f"stats['losses/epochs'] = {epochs} after stopping early in the "
            f"first epoch: report the number of epochs that ran, 1 here"
        )


@register("ppo_update")
def check_ppo_update_random(fn, seed: int = 0, n_cases: int = 3) -> None:
    """Other epochs, minibatch counts and batch sizes: step counts and per-epoch coverage."""
    rng = make_rng(seed)
    cases = []
    for case in _range(n_cases):
        epochs = _int(rng.integers(1, 5))
        m = _int(rng.choice([1, 2, 4, 8]))
        b = m * _int(rng.integers(2, 12))
        cases.append(_update_case(epochs, m, b, seed + case))

    def check_one(args, what):
        epochs, m, b, case_seed = args()
        _, spy, optimizer, _, _, _ = _run_update(
            fn, seed=case_seed, batch_size=b, update_epochs=epochs, num_minibatches=m
        )
        if _len(optimizer.grad_norms) != epochs * m:
            raise _AssertionError(
                f"with {what}, ppo_update took {_len(optimizer.grad_norms)} steps instead of "
                f"{epochs * m}"
            )
        for e in _range(epochs):
            ids = _np_concatenate([_ids(c) for c in spy.calls[e * m : (e + 1) * m]])
            if not _np_array_equal(_np_sort(ids), _np_arange(b)):
                raise _AssertionError(
                    f"with {what}, epoch {e + 1} did not use every sample exactly once"
                )

    check_with_ladder(check_one, cases, [_update_case(*c, 0) for c in _UPDATE_LADDER])


_UPDATE_LADDER = ((1, 1, 2), (1, 2, 4), (2, 1, 2), (2, 2, 4), (2, 4, 8), (3, 2, 6))
"""Small fixed cases (update_epochs, num_minibatches, batch size), smallest first."""


def _update_case(epochs: int, m: int, b: int, seed: int):
    """A ``(args, what)`` case of ppo_update for :func:`check_with_ladder`."""
    what = f"update_epochs={epochs}, num_minibatches={m} and a batch of {b}"
    return (lambda: (epochs, m, b, seed)), what
