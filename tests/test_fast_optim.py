"""FlatAdam: Adam over one flat buffer, step for step the same as torch.optim.Adam."""

from __future__ import annotations

import copy

import gymnasium as gym
import pytest
import torch
from torch import nn

from ppo_core import ActorCritic
from ppo_core.fast.optim import FlatAdam


def _loss(policy, obs, actions):
    _, log_prob, entropy, value = policy.get_action_and_value(obs, actions)
    return -log_prob.mean() + (value - 1.0).pow(2).mean() - 0.01 * entropy.mean()


@pytest.mark.parametrize(
    "action_space",
    [gym.spaces.Discrete(4), gym.spaces.Box(-1, 1, (2,))],
    ids=["discrete", "gaussian"],
)
def test_flat_adam_takes_the_same_steps_as_adam(action_space):
    torch.manual_seed(0)
    ref = ActorCritic(8, action_space, hidden=16)
    flat = copy.deepcopy(ref)
    initial = [p.detach().clone() for p in ref.parameters()]
    opt_ref = torch.optim.Adam(ref.parameters(), lr=1e-2, eps=1e-5)
    opt_flat = FlatAdam(flat, lr=1e-2, eps=1e-5)
    obs = torch.randn(32, 8)
    for step in range(25):
        actions = ref.get_action_and_value(obs)[0].detach()
        for policy, opt in ((ref, opt_ref), (flat, opt_flat)):
            opt.zero_grad(set_to_none=True)
            if step % 7 == 3:  # a learner's habit: zero through the module, dropping the grads
                policy.zero_grad(set_to_none=True)
            _loss(policy, obs, actions).backward()
            nn.utils.clip_grad_norm_(policy.parameters(), 0.5)
            opt.step()
    for (name, p), q in zip(ref.named_parameters(), flat.parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6, msg=name)
    assert all(not torch.equal(p, p0) for p, p0 in zip(flat.parameters(), initial)), "it trained"


def test_parameters_and_gradients_live_in_the_flat_buffers():
    policy = ActorCritic(4, gym.spaces.Discrete(2), hidden=8)
    before = [p.detach().clone() for p in policy.parameters()]
    opt = FlatAdam(policy, lr=1e-3)
    n = sum(p.numel() for p in policy.parameters())
    assert opt.flat.shape == (n,) and opt.flat.grad.shape == (n,)
    for p, b in zip(policy.parameters(), before):
        assert torch.equal(p, b)  # values unchanged by the move
        assert p.untyped_storage().data_ptr() == opt.flat.untyped_storage().data_ptr()
        assert p.grad.untyped_storage().data_ptr() == opt.flat.grad.untyped_storage().data_ptr()
    opt.zero_grad(set_to_none=True)  # must not cut the gradients off the buffer
    _loss(policy, torch.randn(5, 4), torch.tensor([0, 1, 1, 0, 1])).backward()
    assert opt.flat.grad.abs().sum() > 0
    first = next(policy.parameters())
    torch.testing.assert_close(opt.flat.grad[: first.numel()].view_as(first), first.grad)


def test_state_dict_round_trip_keeps_the_sharing():
    source = ActorCritic(4, gym.spaces.Discrete(2), hidden=8)
    target = ActorCritic(4, gym.spaces.Discrete(2), hidden=8)
    opt = FlatAdam(target, lr=1e-3)
    target.load_state_dict(source.state_dict())  # copies in place: the views survive
    torch.testing.assert_close(opt.flat, torch.cat([p.reshape(-1) for p in source.parameters()]))
    saved = copy.deepcopy(target.state_dict())
    for k, v in source.state_dict().items():
        torch.testing.assert_close(saved[k], v)


def test_a_module_without_parameters_is_refused():
    with pytest.raises(ValueError, match="trainable parameters"):
        FlatAdam(nn.Tanh())
