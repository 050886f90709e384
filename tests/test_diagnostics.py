"""Lab 5: approx_kl, clip_fraction and explained_variance."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ppo_core import approx_kl, clip_fraction, explained_variance


def test_approx_kl_is_zero_for_identical_log_probs():
    lp = torch.log(torch.tensor([0.1, 0.5, 0.9, 0.25]))
    assert approx_kl(lp, lp.clone()) == 0.0


def test_approx_kl_by_hand():
    # r = 2: (2 - 1) - ln 2 = 0.30685 ; r = 0.5: (0.5 - 1) - ln 0.5 = 0.19315 ; mean 0.25
    old = torch.tensor([-1.0, -1.0])
    new = old + torch.log(torch.tensor([2.0, 0.5]))
    assert approx_kl(new[:1], old[:1]) == pytest.approx(1.0 - math.log(2.0), abs=1e-6)
    assert approx_kl(new, old) == pytest.approx(0.25, abs=1e-6)
    assert type(approx_kl(new, old)) is float


@pytest.mark.parametrize("seed", range(5))
def test_approx_kl_is_never_negative(seed):
    g = torch.Generator().manual_seed(seed)
    old = torch.randn(100, generator=g)
    new = old + torch.randn(100, generator=g) * 0.5
    assert approx_kl(new, old) >= 0.0
    # ... even where the naive estimator mean(-log r) is negative
    naive = [float((old[i : i + 1] - new[i : i + 1]).mean()) for i in range(100)]
    assert min(naive) < 0
    assert all(approx_kl(new[i : i + 1], old[i : i + 1]) >= 0.0 for i in range(100))


def test_approx_kl_matches_the_true_kl_for_small_changes():
    # Sample actions from pi_old; the estimator's mean approaches KL(pi_old || pi_new).
    g = torch.Generator().manual_seed(0)
    old_logits = torch.tensor([0.3, -0.2, 0.1, 0.0])
    new_logits = old_logits + torch.tensor([0.05, -0.05, 0.02, 0.0])
    old_dist = torch.distributions.Categorical(logits=old_logits)
    new_dist = torch.distributions.Categorical(logits=new_logits)
    actions = torch.multinomial(old_dist.probs, 200_000, replacement=True, generator=g)
    est = approx_kl(new_dist.log_prob(actions), old_dist.log_prob(actions))
    true = torch.distributions.kl_divergence(old_dist, new_dist).item()
    assert est == pytest.approx(true, rel=0.1)


def test_clip_fraction_by_hand():
    ratios = torch.tensor([1.0, 1.1, 1.3, 0.7, 0.85])  # outside [0.8, 1.2]: 1.3 and 0.7
    old = torch.full((5,), -0.7)
    new = old + ratios.log()
    assert clip_fraction(new, old, 0.2) == pytest.approx(0.4)
    assert clip_fraction(new, old, 0.05) == pytest.approx(0.8)  # only r = 1.0 inside
    assert clip_fraction(new, old, 0.35) == pytest.approx(0.0)
    assert clip_fraction(old, old, 0.2) == 0.0


def test_explained_variance_perfect_mean_and_worse():
    returns = np.array([1.0, 2.0, 3.0, 4.0])
    assert explained_variance(returns.copy(), returns) == pytest.approx(1.0)
    assert explained_variance(np.full(4, returns.mean()), returns) == pytest.approx(0.0)
    # Any constant prediction leaves Var[returns - v] = Var[returns]: 0, whatever the constant.
    assert explained_variance(np.full(4, 100.0), returns) == pytest.approx(0.0)
    worse = explained_variance(returns[::-1].copy(), returns)  # anti-correlated
    assert worse < 0
    # By hand: returns - v = [-3, -1, 1, 3], Var = 5 ; Var[returns] = 1.25 ; 1 - 5 / 1.25 = -3
    assert worse == pytest.approx(-3.0)
    # Half right: v = [1, 2, 3, 3] -> residual [0, 0, 0, 1], Var = 0.1875 ; 1 - 0.15 = 0.85
    assert explained_variance(np.array([1.0, 2.0, 3.0, 3.0]), returns) == pytest.approx(0.85)


def test_explained_variance_is_nan_for_constant_returns():
    assert math.isnan(explained_variance(np.array([1.0, 2.0, 3.0]), np.full(3, 5.0)))


def test_explained_variance_accepts_tensors():
    returns = torch.tensor([1.0, 2.0, 3.0, 4.0])
    values = torch.tensor([1.0, 2.0, 3.0, 3.0], requires_grad=True)
    out = explained_variance(values, returns)
    assert type(out) is float and out == pytest.approx(0.85, abs=1e-6)
