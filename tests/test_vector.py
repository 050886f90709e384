"""Environments stepped in two processes (ppo_core.vector) give exactly the numbers of one."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

import ppo_core.vector as vector
from ppo_core import PPOConfig, make_vec_env, train
from ppo_core.envs import available_cpus
from ppo_core.vector import ShardedVectorEnv, make_sync_vec_env, merge_infos, shard_sizes

needs_two_cpus = pytest.mark.skipif(available_cpus() < 2, reason="needs 2 CPUs")


@pytest.mark.parametrize("n, k", [(16, 2), (5, 2), (7, 3), (2, 2)])
def test_shard_sizes_partition_the_envs(n, k):
    sizes = shard_sizes(n, k)
    assert sum(sizes) == n and len(sizes) == k
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes)


def test_merge_infos_fills_what_a_shard_lacks():
    a = {"final_obs": np.array([None, np.ones(2)], dtype=object),
         "_final_obs": np.array([False, True]), "final_info": {"x": np.array([0.0, 1.5])}}
    merged = merge_infos([a, {}], [2, 3])
    assert merged["final_obs"].dtype == object and len(merged["final_obs"]) == 5
    assert merged["final_obs"][2:].tolist() == [None] * 3
    assert merged["_final_obs"].tolist() == [False, True, False, False, False]
    assert merged["final_info"]["x"].tolist() == [0.0, 1.5, 0.0, 0.0, 0.0]


def _assert_same_step(sharded, single):
    for x, y in zip(sharded[:4], single[:4]):
        np.testing.assert_array_equal(x, y)
    assert sharded[4].keys() == single[4].keys()
    if "final_obs" in single[4]:
        np.testing.assert_array_equal(sharded[4]["_final_obs"], single[4]["_final_obs"])
        for x, y in zip(sharded[4]["final_obs"], single[4]["final_obs"]):
            assert (x is None and y is None) or np.array_equal(x, y)


@needs_two_cpus
@pytest.mark.parametrize("env_id, kwargs, n, steps", [
    ("CartPole-v1", {"max_episode_steps": 9}, 5, 60),     # truncations every 9 steps
    ("LunarLander-v3", {}, 6, 250),                       # terminations (crashes, landings)
    ("LunarLanderContinuous-v3", {}, 4, 120),
])
def test_sharded_env_matches_one_process_step_by_step(env_id, kwargs, n, steps):
    sharded = ShardedVectorEnv(env_id, n, 2, **kwargs)
    single = make_sync_vec_env(env_id, n, **kwargs)
    processes = [w.process for w in sharded.workers]
    try:
        obs_a, _ = sharded.reset(seed=11)
        obs_b, _ = single.reset(seed=11)
        np.testing.assert_array_equal(obs_a, obs_b)
        single.action_space.seed(0)
        ended = 0
        for _ in range(steps):
            actions = single.action_space.sample()
            a, b = sharded.step(actions), single.step(actions)
            _assert_same_step(a, b)
            ended += int(np.logical_or(b[2], b[3]).sum())
        assert ended > 0, "the comparison must include episode ends"
    finally:
        sharded.close()
        single.close()
    assert processes and all(p.poll() is not None for p in processes), "close() ends the workers"


@needs_two_cpus
def test_training_with_two_processes_gives_the_same_run():
    config = PPOConfig(env_id="LunarLander-v3", seed=5, total_timesteps=1024, num_envs=4,
                       num_steps=128, num_minibatches=4, update_epochs=2, hidden_size=32)
    one = train(PPOConfig(**{**config.to_dict(), "env_workers": 1}), progress=False)
    two = train(PPOConfig(**{**config.to_dict(), "env_workers": 2}), progress=False)
    for (name, p), q in zip(one.policy.state_dict().items(), two.policy.state_dict().values()):
        assert torch.equal(p, q), name
    assert one.episode_returns == two.episode_returns
    for row_a, row_b in zip(one.history, two.history):
        for key in row_a.keys() - {"time/wall_s", "charts/SPS"}:
            a, b = row_a[key], row_b[key]
            assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), key


@needs_two_cpus
def test_make_vec_env_uses_workers_and_clamps_them():
    envs = make_vec_env("CartPole-v1", 4, workers=2)
    try:
        assert isinstance(envs, ShardedVectorEnv) and envs.sizes == [2, 2]
        assert envs.observation_space.shape == (4, 4) and envs.action_space.shape == (4,)
    finally:
        envs.close()
    single = make_vec_env("CartPole-v1", 1, workers=2)  # one env: nothing to split
    assert not isinstance(single, ShardedVectorEnv)
    single.close()


@pytest.mark.parametrize("workers", [0, -1, 1.5, True])
def test_invalid_worker_counts_are_refused(workers):
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        make_vec_env("CartPole-v1", 2, workers=workers)


@needs_two_cpus
def test_falls_back_to_one_process_when_workers_cannot_start(monkeypatch):
    def refuse(*args, **kwargs):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(vector.subprocess, "Popen", refuse)
    with pytest.warns(UserWarning, match="could not start environment worker processes"):
        envs = make_vec_env("CartPole-v1", 4, workers=2)
    assert not isinstance(envs, ShardedVectorEnv) and envs.num_envs == 4
    envs.close()


@needs_two_cpus
def test_a_dead_worker_is_reported():
    envs = ShardedVectorEnv("CartPole-v1", 4, 2)
    envs.reset(seed=0)
    envs.workers[0].process.kill()
    envs.workers[0].process.wait()
    with pytest.raises(RuntimeError, match="worker process exited.*env_workers=1"):
        for _ in range(3):  # the first send may still land in the pipe's buffer
            envs.step(np.zeros(4, dtype=np.int64))
    envs.close()


@needs_two_cpus
def test_an_error_inside_a_worker_is_raised_with_its_traceback():
    envs = ShardedVectorEnv("CartPole-v1", 4, 2)
    envs.reset(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="worker process failed"):
            envs.step(np.array([0, 0, 5, 5]))  # 5 is not a CartPole action
    envs.close()


def test_shard_count_is_checked():
    with pytest.raises(ValueError, match="num_shards"):
        ShardedVectorEnv("CartPole-v1", 2, 3)
