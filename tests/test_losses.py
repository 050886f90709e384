"""Lab 3: the probability ratio, the clipped surrogate (PPO Eq. 7), the value loss, Eq. 9."""

from __future__ import annotations

import math

import pytest
import torch

from ppo_core import clipped_surrogate_loss, ppo_loss, probability_ratio, value_loss

EPS = 0.2


def log_probs_for_ratio(ratios, old=-1.3):
    """new/old log-probs whose ratio is exactly ``ratios`` (old chosen arbitrary, not 0)."""
    ratios = torch.as_tensor(ratios, dtype=torch.float64)
    old_lp = torch.full_like(ratios, old)
    new_lp = (old_lp + ratios.log()).requires_grad_(True)
    return new_lp, old_lp


def test_probability_ratio_is_exp_of_the_difference():
    g = torch.Generator().manual_seed(0)
    new, old = torch.randn(50, generator=g), torch.randn(50, generator=g)
    torch.testing.assert_close(probability_ratio(new, old), torch.exp(new - old))
    torch.testing.assert_close(probability_ratio(old, old), torch.ones(50))


def test_probability_ratio_gradient_flows_through_new_log_probs():
    new = torch.tensor([0.1, -0.2], requires_grad=True)
    old = torch.tensor([0.3, 0.0])
    probability_ratio(new, old).sum().backward()
    torch.testing.assert_close(new.grad, torch.exp(new.detach() - old))


# (ratio, advantage, loss = -min(r A, clip(r, 0.8, 1.2) A), clip active -> zero gradient)
SURROGATE_CASES = [
    pytest.param(1.1, 1.0, -1.1, False, id="A>0 inside"),
    pytest.param(1.5, 1.0, -1.2, True, id="A>0 r>1+eps clipped"),
    pytest.param(0.5, 1.0, -0.5, False, id="A>0 r<1-eps unclipped (min)"),
    pytest.param(0.9, -1.0, 0.9, False, id="A<0 inside"),
    pytest.param(0.5, -1.0, 0.8, True, id="A<0 r<1-eps clipped"),
    pytest.param(1.5, -1.0, 1.5, False, id="A<0 r>1+eps unclipped (min)"),
    pytest.param(1.3, 2.0, -2.4, True, id="A=2 r>1+eps clipped"),
    pytest.param(0.6, -3.0, 2.4, True, id="A=-3 r<1-eps clipped"),
    pytest.param(1.0, 0.5, -0.5, False, id="ratio 1"),
]


@pytest.mark.parametrize("ratio, adv, expected, clipped", SURROGATE_CASES)
def test_clipped_surrogate_hand_cases(ratio, adv, expected, clipped):
    new_lp, old_lp = log_probs_for_ratio([ratio])
    loss = clipped_surrogate_loss(new_lp, old_lp, torch.tensor([adv], dtype=torch.float64), EPS)
    assert loss.dim() == 0
    assert loss.item() == pytest.approx(expected, abs=1e-12)
    loss.backward()
    # d(-r A)/d log pi = -r A where the unclipped term is the min; exactly 0 where the clip holds.
    if clipped:
        assert new_lp.grad.item() == 0.0
    else:
        assert new_lp.grad.item() != 0.0
        assert new_lp.grad.item() == pytest.approx(-ratio * adv, rel=1e-12)


def test_clipped_surrogate_is_the_mean_over_the_batch():
    ratios = [p.values[0] for p in SURROGATE_CASES]
    advs = [p.values[1] for p in SURROGATE_CASES]
    expected = [p.values[2] for p in SURROGATE_CASES]
    clipped = torch.tensor([p.values[3] for p in SURROGATE_CASES])
    new_lp, old_lp = log_probs_for_ratio(ratios)
    loss = clipped_surrogate_loss(new_lp, old_lp, torch.tensor(advs, dtype=torch.float64), EPS)
    assert loss.item() == pytest.approx(sum(expected) / len(expected), abs=1e-12)
    loss.backward()
    grad = new_lp.grad
    B = len(ratios)
    assert (grad[clipped] == 0.0).all()
    torch.testing.assert_close(
        grad[~clipped], -(torch.tensor(ratios) * torch.tensor(advs)).double()[~clipped] / B
    )


@pytest.mark.parametrize("eps", [0.1, 0.2, 0.3])
def test_zero_gradient_exactly_where_the_clip_is_active(eps):
    g = torch.Generator().manual_seed(1)
    ratios = torch.exp(torch.randn(400, generator=g, dtype=torch.float64) * 0.4)
    advs = torch.randn(400, generator=g, dtype=torch.float64)
    new_lp, old_lp = log_probs_for_ratio(ratios)
    clipped_surrogate_loss(new_lp, old_lp, advs, eps).backward()
    active = ((advs > 0) & (ratios > 1 + eps)) | ((advs < 0) & (ratios < 1 - eps))
    assert active.any() and (~active).any()
    assert (new_lp.grad[active] == 0.0).all()
    assert (new_lp.grad[~active] != 0.0).all()
    # Both one-sided regions where the min keeps the unclipped term are present and have gradient.
    assert ((advs > 0) & (ratios < 1 - eps)).any() and ((advs < 0) & (ratios > 1 + eps)).any()


def test_value_loss_is_mse():
    g = torch.Generator().manual_seed(2)
    values = torch.randn(32, generator=g, requires_grad=True)
    returns = torch.randn(32, generator=g)
    loss = value_loss(values, returns)
    torch.testing.assert_close(loss, torch.nn.functional.mse_loss(values, returns))
    by_hand = value_loss(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 2.0])).item()
    assert by_hand == pytest.approx(2.0)
    loss.backward()
    torch.testing.assert_close(values.grad, 2 * (values.detach() - returns) / 32)


def random_loss_inputs(B=16, seed=3):
    g = torch.Generator().manual_seed(seed)
    new = (torch.randn(B, generator=g) * 0.3 - 1.0).requires_grad_(True)
    old = new.detach() + torch.randn(B, generator=g) * 0.3
    adv = torch.randn(B, generator=g)
    values = torch.randn(B, generator=g, requires_grad=True)
    returns = torch.randn(B, generator=g)
    entropy = (torch.rand(B, generator=g) + 0.5).requires_grad_(True)
    return new, old, adv, values, returns, entropy


@pytest.mark.parametrize("vf_coef, ent_coef", [(0.5, 0.01), (1.0, 0.0), (0.0, 0.5), (2.0, 0.3)])
def test_ppo_loss_combines_the_three_terms(vf_coef, ent_coef):
    new, old, adv, values, returns, entropy = random_loss_inputs()
    expected = (
        clipped_surrogate_loss(new, old, adv, EPS)
        + vf_coef * value_loss(values, returns)
        - ent_coef * entropy.mean()
    )
    loss = ppo_loss(new, old, adv, values, returns, entropy, EPS, vf_coef, ent_coef)
    assert loss.dim() == 0
    torch.testing.assert_close(loss, expected)


def test_ppo_loss_is_differentiable():
    new, old, adv, values, returns, entropy = random_loss_inputs()
    vf_coef, ent_coef = 0.5, 0.01
    ppo_loss(new, old, adv, values, returns, entropy, EPS, vf_coef, ent_coef).backward()
    assert new.grad is not None and torch.isfinite(new.grad).all() and new.grad.abs().sum() > 0
    torch.testing.assert_close(values.grad, vf_coef * 2 * (values.detach() - returns) / 16)
    # More entropy lowers the loss: d loss / d S_i = -c2 / B.
    torch.testing.assert_close(entropy.grad, torch.full((16,), -ent_coef / 16))


def test_ratio_one_gives_minus_mean_advantage():
    adv = torch.tensor([0.5, -2.0, 3.0])
    lp = torch.log(torch.tensor([0.2, 0.5, 0.9]))
    loss = clipped_surrogate_loss(lp, lp.clone(), adv, EPS)
    assert loss.item() == pytest.approx(-adv.mean().item())
    assert math.isfinite(loss.item())
