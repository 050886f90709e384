"""Lab 1: categorical_log_prob and categorical_entropy against torch.distributions."""

from __future__ import annotations

import math

import pytest
import torch
from torch.distributions import Categorical

from ppo_core import categorical_entropy, categorical_log_prob


@pytest.mark.parametrize("shape", [(5, 4), (1, 2), (64, 6), (3, 7, 4)])
@pytest.mark.parametrize("scale", [0.1, 1.0, 10.0])
def test_match_torch_categorical(shape, scale):
    g = torch.Generator().manual_seed(sum(shape))
    logits = torch.randn(shape, generator=g, dtype=torch.float64) * scale
    actions = torch.randint(shape[-1], shape[:-1], generator=g)
    reference = Categorical(logits=logits)
    lp = categorical_log_prob(logits, actions)
    ent = categorical_entropy(logits)
    assert lp.shape == shape[:-1] and ent.shape == shape[:-1]
    torch.testing.assert_close(lp, reference.log_prob(actions), rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(ent, reference.entropy(), rtol=1e-10, atol=1e-10)


def test_numpy_and_int32_actions_are_accepted():
    logits = torch.randn(4, 3)
    actions = torch.tensor([0, 2, 1, 1], dtype=torch.int32)
    expected = Categorical(logits=logits).log_prob(actions.long())
    torch.testing.assert_close(categorical_log_prob(logits, actions), expected)
    torch.testing.assert_close(categorical_log_prob(logits, actions.numpy()), expected)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_huge_logits_are_stable(dtype):
    # log(softmax) would give log(0) = -inf for the last two actions and nan gradients.
    logits = torch.tensor([[1000.0, 0.0, -1000.0]] * 3, dtype=dtype, requires_grad=True)
    actions = torch.tensor([0, 1, 2])
    lp = categorical_log_prob(logits, actions)
    ent = categorical_entropy(logits)
    assert torch.isfinite(lp).all() and torch.isfinite(ent).all()
    torch.testing.assert_close(lp, torch.tensor([0.0, -1000.0, -2000.0], dtype=dtype))
    torch.testing.assert_close(ent, torch.zeros(3, dtype=dtype))
    (lp.sum() + ent.sum()).backward()
    assert torch.isfinite(logits.grad).all()


def test_uniform_entropy_is_ln_num_actions():
    for n in (2, 4, 6):
        ent = categorical_entropy(torch.zeros(1, n))
        assert ent.item() == pytest.approx(math.log(n), abs=1e-6)
    # The course quotes this number: four actions (LunarLander) give at most ln 4 = 1.386.
    assert categorical_entropy(torch.full((1, 4), 3.7)).item() == pytest.approx(1.386, abs=1e-3)


def test_uniform_is_the_maximum_entropy():
    logits = torch.randn(2000, 4, generator=torch.Generator().manual_seed(0)) * 2.0
    ent = categorical_entropy(logits)
    assert (ent >= 0).all()
    assert (ent <= math.log(4) + 1e-6).all()
    assert ent.max() < math.log(4)  # random logits are (almost surely) not exactly uniform


def test_deterministic_policy_has_zero_entropy():
    entropy = categorical_entropy(torch.tensor([[50.0, -50.0, -50.0]])).item()
    assert entropy == pytest.approx(0.0, abs=1e-12)


def test_log_prob_gradient_is_one_hot_minus_softmax():
    logits = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    actions = torch.tensor([0, 3, 1, 2, 3])
    categorical_log_prob(logits, actions).sum().backward()
    expected = torch.nn.functional.one_hot(actions, 4).double() - torch.softmax(logits.detach(), -1)
    torch.testing.assert_close(logits.grad, expected)


def test_entropy_gradient_matches_torch():
    logits = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    categorical_entropy(logits).sum().backward()
    mine = logits.grad.clone()
    logits.grad = None
    Categorical(logits=logits).entropy().sum().backward()
    assert mine.abs().sum() > 0
    torch.testing.assert_close(mine, logits.grad)
