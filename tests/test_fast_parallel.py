"""The speed layer's two processes (ppo_core.fast.parallel): the rollout has the same data
layout, the shared update equals ppo_update, runs are reproducible, failures are clear and it
falls back to one process."""

from __future__ import annotations

import math
import shutil
import time
import warnings

import gymnasium as gym
import numpy as np
import pytest
import torch

import ppo_core.fast.parallel as parallel
from ppo_core import ActorCritic, PPOConfig, RolloutBuffer, collect_rollout, make_vec_env, train
from ppo_core.fast.optim import FlatAdam
from ppo_core.fast.parallel import (
    LocalRollout,
    ParallelRollout,
    actor_parameters,
    available_cpus,
    make_rollout,
    shard_sizes,
)
from ppo_core.update import ppo_update

needs_two_cpus = pytest.mark.skipif(available_cpus() < 2, reason="needs 2 CPUs")


@pytest.mark.parametrize("n, k", [(16, 2), (5, 2), (7, 3), (2, 2)])
def test_shard_sizes_partition_the_envs(n, k):
    sizes = shard_sizes(n, k)
    assert sum(sizes) == n and len(sizes) == k and max(sizes) - min(sizes) <= 1


def _policy(env_id: str) -> ActorCritic:
    torch.manual_seed(0)
    return ActorCritic.for_env(gym.make(env_id), hidden=16)


@needs_two_cpus
@pytest.mark.parametrize(
    "env_id, kwargs",
    [
        ("CartPole-v1", {"max_episode_steps": 9}),
        ("LunarLanderContinuous-v3", {"max_episode_steps": 15}),
    ],
)
def test_worker_shard_is_what_one_process_collects_with_the_same_sampling(env_id, kwargs):
    """The worker's half of the buffer equals collect_rollout run here on the same envs, with the
    same parameters and the torch seed the worker was given."""
    policy = _policy(env_id)
    rollout = ParallelRollout(env_id, 4, 2, policy, seed=5, **kwargs)
    try:
        buffer = RolloutBuffer.allocate(20, 4, rollout)
        next_obs = rollout.reset(seed=11)
        next_obs = rollout.collect(policy, buffer, next_obs)
        envs = make_vec_env(env_id, 2, **kwargs)  # the worker's two envs: seeds 13 and 14
        obs, _ = envs.reset(seed=11 + 2)
        np.testing.assert_array_equal(buffer.obs[0, 2:], obs)
        alone = RolloutBuffer.allocate(20, 2, envs)
        torch.manual_seed(5 + 1)  # worker k samples with torch seed + k
        own_next, _ = collect_rollout(envs, policy, alone, np.asarray(obs, np.float32))
        for name, array in vars(alone).items():  # equal up to float rounding in another process
            np.testing.assert_allclose(
                getattr(buffer, name)[:, 2:], array, rtol=1e-5, atol=1e-6, err_msg=name
            )
        np.testing.assert_allclose(next_obs[2:], own_next, rtol=1e-5, atol=1e-6)
        assert np.logical_or(alone.terminated, alone.truncated).any(), "include episode ends"
        envs.close()
    finally:
        rollout.close()


@needs_two_cpus
def test_workers_receive_the_current_parameters():
    policy = _policy("CartPole-v1")
    rollout = ParallelRollout("CartPole-v1", 2, 2, policy, seed=0)
    try:
        buffer = RolloutBuffer.allocate(8, 2, rollout)
        next_obs = rollout.collect(policy, buffer, rollout.reset(seed=0))
        with torch.no_grad():
            for p in policy.critic.parameters():
                p.mul_(3.0)
        rollout.collect(policy, buffer, next_obs)
        with torch.no_grad():  # the worker's stored values are V under the *changed* critic
            expected = policy.get_value(torch.from_numpy(buffer.obs[:, 1])).numpy()
        np.testing.assert_allclose(buffer.values[:, 1], expected, rtol=1e-5, atol=1e-6)
    finally:
        rollout.close()


@needs_two_cpus
def test_training_in_two_processes_is_reproducible_and_learns_the_same_way():
    config = PPOConfig(
        env_id="CartPole-v1",
        seed=5,
        total_timesteps=2048,
        num_envs=4,
        num_steps=128,
        num_minibatches=4,
        update_epochs=2,
        hidden_size=32,
        gamma=0.99,
        reward_scale=1.0,
        fast=True,
        env_workers=2,
    )
    a, b = train(config, progress=False), train(config, progress=False)
    for (name, p), q in zip(a.policy.state_dict().items(), b.policy.state_dict().values()):
        assert torch.equal(p, q), name
    assert a.episode_returns == b.episode_returns and a.episode_steps == b.episode_steps
    for row_a, row_b in zip(a.history, b.history):
        for key in row_a.keys() - {"time/wall_s", "charts/SPS"}:
            x, y = row_a[key], row_b[key]
            assert x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), key
    one = train(PPOConfig(**{**config.to_dict(), "env_workers": 1}), progress=False)
    assert (a.rollout_processes, one.rollout_processes) == (2, 1)
    assert len(one.history) == len(a.history) == 4
    assert a.episode_returns != one.episode_returns  # other action samples, other episodes
    # Episode bookkeeping is the same kind either way: every step of every env is counted once.
    for result in (a, one):
        assert sum(result.episode_lengths) <= config.total_timesteps
        assert result.episode_steps == sorted(result.episode_steps)


@needs_two_cpus
def test_make_rollout_chooses_and_clamps():
    policy = _policy("CartPole-v1")
    r = make_rollout("CartPole-v1", 4, 2, policy, seed=0)
    try:
        assert isinstance(r, ParallelRollout) and r.sizes == [2, 2]
    finally:
        r.close()
    for args in [
        ("CartPole-v1", 1, 2, policy),
        ("CartPole-v1", 4, 1, policy),
        ("CartPole-v1", 4, 2, torch.nn.Linear(4, 2)),
    ]:  # 1 env; 1 worker; not rebuildable
        r = make_rollout(*args, seed=0)
        assert isinstance(r, LocalRollout)
        r.close()


@needs_two_cpus
def test_one_process_while_nbgrader_grades(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    r = make_rollout("CartPole-v1", 4, 2, _policy("CartPole-v1"), seed=0)
    assert isinstance(r, LocalRollout)
    r.close()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_invalid_worker_counts_are_refused(workers):
    with pytest.raises(ValueError, match="env_workers must be a positive integer"):
        make_rollout("CartPole-v1", 2, workers, _policy("CartPole-v1"), seed=0)


def test_invalid_worker_count_in_the_config_is_refused():
    with pytest.raises(ValueError, match="env_workers must be a positive integer"):
        PPOConfig(env_workers=0).validate()


@needs_two_cpus
def test_falls_back_to_one_process_when_workers_cannot_start(monkeypatch):
    def refuse(*args, **kwargs):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel.subprocess, "Popen", refuse)
    with pytest.warns(UserWarning, match="could not start rollout worker processes"):
        r = make_rollout("CartPole-v1", 4, 2, _policy("CartPole-v1"), seed=0)
    assert isinstance(r, LocalRollout) and r.num_envs == 4
    r.close()


@needs_two_cpus
@pytest.mark.skipif(shutil.which("sleep") is None, reason="needs the sleep command")
def test_a_worker_that_never_answers_is_given_up_on(monkeypatch):
    # "sleep 30 FD FD" instead of "python worker.py FD FD": alive, silent
    monkeypatch.setattr(parallel.sys, "executable", shutil.which("sleep"))
    monkeypatch.setattr(parallel, "WORKER_SCRIPT", "30")
    monkeypatch.setattr(parallel, "START_TIMEOUT_S", 0.5)
    start = time.perf_counter()
    with pytest.warns(UserWarning, match="did not start within"):
        r = make_rollout("CartPole-v1", 4, 2, _policy("CartPole-v1"), seed=0)
    assert isinstance(r, LocalRollout) and time.perf_counter() - start < 10
    r.close()


@needs_two_cpus
def test_a_dead_worker_is_reported():
    policy = _policy("CartPole-v1")
    rollout = ParallelRollout("CartPole-v1", 4, 2, policy, seed=0)
    buffer = RolloutBuffer.allocate(8, 4, rollout)
    next_obs = rollout.reset(seed=0)
    rollout.workers[0].process.kill()
    rollout.workers[0].process.wait()
    with pytest.raises(RuntimeError, match="worker process exited.*env_workers=1"):
        rollout.collect(policy, buffer, next_obs)
    rollout.close()


@needs_two_cpus
def test_an_error_inside_a_worker_comes_back_with_its_traceback():
    policy = _policy("CartPole-v1")
    rollout = ParallelRollout("CartPole-v1", 4, 2, policy, seed=0)
    rollout.reset(seed=0)
    rollout.workers[0].send("collect", (np.zeros(3, dtype=np.float32), 8))  # wrong size
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="rollout worker process failed"):
            rollout.workers[0].receive()
    rollout.close()


@needs_two_cpus
def test_close_ends_the_workers():
    rollout = ParallelRollout("CartPole-v1", 4, 2, _policy("CartPole-v1"), seed=0)
    processes = [w.process for w in rollout.workers]
    rollout.close()
    assert processes and all(p.poll() is not None for p in processes)


def test_shard_count_is_checked():
    with pytest.raises(ValueError, match="num_shards"):
        ParallelRollout("CartPole-v1", 2, 3, _policy("CartPole-v1"), seed=0)


def _update_batch(env_id: str, n: int = 512, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    policy = _policy(env_id)
    obs = torch.as_tensor(rng.normal(size=(n, policy.obs_dim)), dtype=torch.float32)
    with torch.no_grad():
        actions, log_probs, _, values = policy.get_action_and_value(obs)
    return {
        "obs": obs,
        "actions": actions,
        "log_probs": log_probs + 0.05,  # a moved policy
        "advantages": torch.as_tensor(rng.normal(size=n) * 3, dtype=torch.float32),
        "returns": torch.as_tensor(rng.normal(size=n) * 2, dtype=torch.float32),
        "values": values,
    }


@needs_two_cpus
@pytest.mark.parametrize("env_id", ["LunarLander-v3", "LunarLanderContinuous-v3"])
@pytest.mark.parametrize("target_kl", [None, 0.002])
def test_shared_update_equals_ppo_update(env_id, target_kl):
    """The two-process update (actor here, critic in the worker, norms swapped for the global
    clip) gives ppo_update's parameters and diagnostics, from the same torch RNG state."""
    config = PPOConfig(
        env_id=env_id,
        num_envs=4,
        num_steps=128,
        num_minibatches=8,
        update_epochs=3,
        max_grad_norm=0.3,
        target_kl=target_kl,
    )
    batch = _update_batch(env_id)
    reference, shared = _policy(env_id), _policy(env_id)
    reference_optimizer = FlatAdam(reference, lr=3e-3, eps=1e-5)
    torch.manual_seed(123)
    expected = ppo_update(reference, reference_optimizer, batch, config)
    rollout = ParallelRollout(env_id, 2, 2, shared, seed=0)
    try:
        assert rollout.can_split_update(config)
        optimizer = FlatAdam(actor_parameters(shared), lr=3e-3, eps=1e-5)
        torch.manual_seed(123)
        got = rollout.update(shared, optimizer, batch, config)
        after = torch.rand(1)  # both consumed the same random numbers
        again = _policy(env_id)
        again_optimizer = FlatAdam(again, lr=3e-3, eps=1e-5)
        torch.manual_seed(123)
        ppo_update(again, again_optimizer, batch, config)
        assert torch.equal(after, torch.rand(1))
    finally:
        rollout.close()
    for (name, p), q in zip(reference.named_parameters(), shared.parameters()):
        torch.testing.assert_close(q, p, rtol=1e-4, atol=1e-5, msg=name)
    assert got.keys() == expected.keys() and got["losses/epochs"] == expected["losses/epochs"]
    if target_kl is not None:
        assert got["losses/epochs"] < config.update_epochs, "the early stop was exercised"
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-3, abs=1e-5), key


@needs_two_cpus
def test_shared_update_reports_a_nan_loss_and_stops_both_sides():
    config = PPOConfig(num_envs=4, num_steps=128, num_minibatches=8, update_epochs=2)
    batch = _update_batch("LunarLander-v3")
    batch["returns"][5] = float("nan")  # only the critic's half sees it
    policy = _policy("LunarLander-v3")
    rollout = ParallelRollout("LunarLander-v3", 2, 2, policy, seed=0)
    try:
        with pytest.raises(FloatingPointError, match="loss became nan in epoch 1"):
            rollout.update(policy, FlatAdam(actor_parameters(policy), lr=1e-3), batch, config)
    finally:
        rollout.close()


def test_value_clipping_keeps_the_single_process_update():
    config = PPOConfig(clip_vloss=True)
    assert not LocalRollout("CartPole-v1", 2).can_split_update(config)
