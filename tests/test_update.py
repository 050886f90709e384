"""Lab 4: normalize_advantages, minibatch_indices and ppo_update (PPO Algorithm 1)."""

from __future__ import annotations

import math

import pytest
import torch

from ppo_core import (
    PPOConfig,
    minibatch_indices,
    normalize_advantages,
    ppo_loss,
    ppo_update,
    probability_ratio,
    train,
)

CLEANRL_KEYS = (
    "losses/approx_kl",
    "losses/clipfrac",
    "losses/explained_variance",
    "losses/policy_loss",
    "losses/value_loss",
    "losses/entropy",
)


# ------------------------------------------------------------------------ normalize_advantages


@pytest.mark.parametrize("scale, shift", [(1.0, 0.0), (100.0, -50.0), (1e-3, 7.0)])
def test_normalize_advantages_mean_zero_std_one(scale, shift):
    adv = torch.randn(256, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    adv = adv * scale + shift
    out = normalize_advantages(adv)
    assert out.shape == adv.shape
    assert abs(out.mean().item()) < 1e-5
    assert out.std().item() == pytest.approx(1.0, abs=1e-4)
    # An affine map: the order of the samples is kept.
    assert torch.equal(out.argsort(), adv.argsort())


def test_normalize_advantages_constant_and_single_sample_are_finite():
    assert torch.equal(normalize_advantages(torch.full((8,), 3.0)), torch.zeros(8))
    assert torch.equal(normalize_advantages(torch.tensor([5.0])), torch.zeros(1))


# --------------------------------------------------------------------------- minibatch_indices


@pytest.mark.parametrize(
    "batch_size, minibatch_size", [(64, 16), (64, 64), (64, 1), (10, 3), (7, 4), (5, 5), (1, 1)]
)
def test_minibatch_indices_is_a_partition(batch_size, minibatch_size):
    mbs = minibatch_indices(batch_size, minibatch_size, torch.Generator().manual_seed(0))
    assert isinstance(mbs, list) and all(mb.dtype == torch.int64 and mb.dim() == 1 for mb in mbs)
    assert len(mbs) == math.ceil(batch_size / minibatch_size)
    assert all(len(mb) == minibatch_size for mb in mbs[:-1])
    assert 1 <= len(mbs[-1]) <= minibatch_size
    every = torch.cat(mbs)
    assert torch.equal(every.sort().values, torch.arange(batch_size))  # each index exactly once


def test_minibatch_indices_are_shuffled_and_reproducible():
    a = minibatch_indices(256, 64, torch.Generator().manual_seed(7))
    b = minibatch_indices(256, 64, torch.Generator().manual_seed(7))
    c = minibatch_indices(256, 64, torch.Generator().manual_seed(8))
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(torch.cat(a), torch.cat(c))
    assert not torch.equal(torch.cat(a), torch.arange(256))  # not in rollout order


def test_minibatch_indices_uses_the_global_rng_without_a_generator():
    torch.manual_seed(3)
    a = torch.cat(minibatch_indices(100, 10))
    torch.manual_seed(3)
    b = torch.cat(minibatch_indices(100, 10))
    assert torch.equal(a, b)


# -------------------------------------------------------------------------------- ppo_update


def make_batch(policy, B=64, adv_scale=1.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    obs = torch.randn(B, 4, generator=g)
    with torch.no_grad():
        actions, log_probs, _, values = policy.get_action_and_value(obs)
    return {
        "obs": obs,
        "actions": actions,
        "log_probs": log_probs,
        "advantages": torch.randn(B, generator=g) * adv_scale,
        # targets the critic can learn quickly: a linear function of the observation
        "returns": values + 2.0 * obs[:, 0] - obs[:, 1],
        "values": values,
    }


def config(**overrides) -> PPOConfig:
    base = {
        "env_id": "CartPole-v1",
        "num_envs": 4,
        "num_steps": 16,
        "num_minibatches": 4,
        "update_epochs": 3,
        "learning_rate": 1e-2,
        "total_timesteps": 64,
    }
    base.update(overrides)
    return PPOConfig(**base).validate()


class RecordingLoss:
    """A ppo_loss wrapper that counts its calls and records the ratio of each call."""

    def __init__(self, inner=ppo_loss, nan_at_call: int | None = None):
        self.inner, self.nan_at_call = inner, nan_at_call
        self.calls, self.ratios = 0, []

    def __call__(self, new_log_probs, old_log_probs, *rest):
        self.calls += 1
        self.ratios.append(probability_ratio(new_log_probs.detach(), old_log_probs))
        loss = self.inner(new_log_probs, old_log_probs, *rest)
        if self.calls == self.nan_at_call:
            loss = loss * float("nan")
        return loss


def test_ratio_is_one_on_the_first_minibatch_of_the_first_epoch(tiny_policy):
    batch = make_batch(tiny_policy)
    loss_fn = RecordingLoss()
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=1e-2)
    ppo_update(tiny_policy, opt, batch, config(), loss_fn=loss_fn)
    torch.testing.assert_close(loss_fn.ratios[0], torch.ones(16), rtol=0, atol=1e-6)
    # ... and only there: after the first step the policy has moved.
    assert all((r - 1).abs().max() > 1e-4 for r in loss_fn.ratios[1:])


@pytest.mark.parametrize("epochs, minibatches", [(1, 1), (3, 4), (2, 8)])
def test_runs_epochs_times_minibatches_steps(tiny_policy, epochs, minibatches):
    batch = make_batch(tiny_policy)
    loss_fn = RecordingLoss()
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=1e-3)
    n_steps = []
    # Count optimiser steps too: every loss must be followed by exactly one step.
    opt.register_step_post_hook(lambda *_: n_steps.append(1))
    stats = ppo_update(
        tiny_policy,
        opt,
        batch,
        config(update_epochs=epochs, num_minibatches=minibatches),
        loss_fn=loss_fn,
    )
    assert loss_fn.calls == epochs * minibatches == len(n_steps)
    assert all(len(r) == 64 // minibatches for r in loss_fn.ratios)
    assert stats["losses/epochs"] == epochs


def test_returned_dict_has_the_cleanrl_keys(tiny_policy):
    batch = make_batch(tiny_policy)
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=1e-3)
    stats = ppo_update(tiny_policy, opt, batch, config())
    for key in CLEANRL_KEYS:
        assert key in stats and isinstance(stats[key], float) and math.isfinite(stats[key]), key
    assert stats["losses/approx_kl"] >= 0.0
    assert 0.0 <= stats["losses/clipfrac"] <= 1.0
    assert stats["losses/entropy"] == pytest.approx(math.log(2), abs=0.05)  # near-uniform start


def parameter_change(policy, before) -> float:
    return torch.sqrt(
        sum(((p.detach() - b) ** 2).sum() for p, b in zip(policy.parameters(), before))
    ).item()


@pytest.mark.parametrize("max_grad_norm", [1e-3, 0.05])
def test_gradient_norm_clipping_bounds_the_step(tiny_policy, max_grad_norm):
    # One plain SGD step with lr = 1 moves the parameters by exactly the (clipped) gradient.
    cfg = config(update_epochs=1, num_minibatches=1, norm_adv=False, max_grad_norm=max_grad_norm)
    batch = make_batch(tiny_policy, adv_scale=1e3)
    before = [p.detach().clone() for p in tiny_policy.parameters()]
    ppo_update(tiny_policy, torch.optim.SGD(tiny_policy.parameters(), lr=1.0), batch, cfg)
    clipped_step = parameter_change(tiny_policy, before)
    assert clipped_step <= max_grad_norm * (1 + 1e-4)
    assert clipped_step == pytest.approx(max_grad_norm, rel=1e-3)  # the huge gradient was clipped

    for p, b in zip(tiny_policy.parameters(), before):
        p.data.copy_(b)
    ppo_update(
        tiny_policy,
        torch.optim.SGD(tiny_policy.parameters(), lr=1.0),
        batch,
        config(update_epochs=1, num_minibatches=1, norm_adv=False, max_grad_norm=1e9),
    )
    assert parameter_change(tiny_policy, before) > 100 * max_grad_norm


def test_target_kl_stops_early(tiny_policy):
    batch = make_batch(tiny_policy)
    loss_fn = RecordingLoss()
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=5e-2)
    stats = ppo_update(
        tiny_policy, opt, batch, config(update_epochs=4, target_kl=1e-9), loss_fn=loss_fn
    )
    # Checked after each epoch only: the first epoch always runs in full (Lab 5's model answer
    # says so of the lr_too_high fix), then the update stops.
    assert stats["losses/epochs"] == 1
    assert loss_fn.calls == config().num_minibatches


def test_no_early_stop_without_target_kl(tiny_policy):
    batch = make_batch(tiny_policy)
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=5e-2)
    stats = ppo_update(tiny_policy, opt, batch, config(update_epochs=4, target_kl=None))
    assert stats["losses/epochs"] == 4


def test_clip_vloss_path_runs_and_trains_the_critic(tiny_policy):
    batch = make_batch(tiny_policy)
    critic_before = [p.detach().clone() for p in tiny_policy.critic.parameters()]
    actor_before = [p.detach().clone() for p in tiny_policy.actor.parameters()]
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=1e-2)
    stats = ppo_update(tiny_policy, opt, batch, config(clip_vloss=True))
    for key in CLEANRL_KEYS:
        assert math.isfinite(stats[key]), key
    assert stats["losses/value_loss"] > 0
    critic_after = tiny_policy.critic.parameters()
    assert any(not torch.equal(p, b) for p, b in zip(critic_after, critic_before))
    assert any(not torch.equal(p, b) for p, b in zip(tiny_policy.actor.parameters(), actor_before))


def test_update_lowers_the_value_loss(tiny_policy):
    batch = make_batch(tiny_policy)
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=1e-2)
    first = ppo_update(tiny_policy, opt, batch, config(update_epochs=1))["losses/value_loss"]
    for _ in range(10):
        last = ppo_update(tiny_policy, opt, batch, config(update_epochs=1))["losses/value_loss"]
    assert last < 0.5 * first


def test_nan_loss_names_the_epoch_and_minibatch(tiny_policy):
    batch = make_batch(tiny_policy)
    opt = torch.optim.Adam(tiny_policy.parameters(), lr=1e-3)
    with pytest.raises(FloatingPointError, match=r"nan in epoch 2\b"):
        # 4 minibatches per epoch: call 7 is epoch 2, minibatch 3
        ppo_update(
            tiny_policy, opt, batch, config(num_minibatches=4), loss_fn=RecordingLoss(nan_at_call=7)
        )


def test_train_reraises_a_nan_loss_naming_the_update(tiny_config):
    # 2 epochs x 2 minibatches = 4 losses per update: call 6 is update 2, epoch 1, minibatch 2.
    with pytest.raises(
        FloatingPointError, match=r"update 2 of 4 \(global step 256\).*nan in epoch 1\b"
    ):
        train(tiny_config, loss_fn=RecordingLoss(nan_at_call=6), progress=False)


def test_train_uses_the_loss_hook(tiny_config):
    loss_fn = RecordingLoss()
    train(tiny_config, loss_fn=loss_fn, progress=False)
    assert loss_fn.calls == tiny_config.num_iterations * 2 * 2
