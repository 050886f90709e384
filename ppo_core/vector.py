"""Stepping the environments on more than one core (an engineering module; no lab asks for it).

A PPO rollout alternates two kinds of work: the policy's forward pass, which needs every
environment's observation, and the environments' physics, which are independent of each other.
On a 2-core laptop LunarLander's Box2D step (~20 us) is most of the rollout, so
:class:`ShardedVectorEnv` splits the N environments into shards: the first is stepped in this
process, each of the others in a worker process of its own, all at the same time.

It behaves exactly like one same-step-autoreset ``SyncVectorEnv`` of N environments -- same
observations, rewards, ``final_obs`` and seeds (env i gets seed + i) -- so a run is the same,
number for number, with or without workers (``tests/test_vector.py`` checks it). If worker
processes cannot be started (a sandbox that forbids them), :func:`ppo_core.envs.make_vec_env`
falls back to one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector.utils import batch_space

from ppo_core._env_worker import make_sync_vec_env, receive, send

WORKER_SCRIPT = Path(__file__).with_name("_env_worker.py")


def shard_sizes(num_envs: int, num_shards: int) -> list[int]:
    """Split ``num_envs`` into ``num_shards`` near-equal parts, the smallest first (shard 0 runs
    in the process that also evaluates the policy)."""
    base, extra = divmod(num_envs, num_shards)
    return [base + (1 if k >= num_shards - extra else 0) for k in range(num_shards)]


def _blank_like(template: np.ndarray, n: int) -> np.ndarray:
    """What a shard without this info key would have had: None, zeros or False."""
    if template.dtype == object:
        return np.full(n, None, dtype=object)
    return np.zeros((n, *template.shape[1:]), dtype=template.dtype)


def merge_infos(parts: list[dict], sizes: list[int]) -> dict:
    """Concatenate the vectorised ``info`` dicts of consecutive shards into one for all envs."""
    keys = list(dict.fromkeys(key for part in parts for key in part))
    merged: dict[str, Any] = {}
    for key in keys:
        values = [part.get(key) for part in parts]
        if any(isinstance(v, dict) for v in values):
            merged[key] = merge_infos([v if isinstance(v, dict) else {} for v in values], sizes)
            continue
        template = np.asarray(next(v for v in values if v is not None))
        merged[key] = np.concatenate([
            np.asarray(v, dtype=template.dtype) if v is not None else _blank_like(template, n)
            for v, n in zip(values, sizes)])
    return merged


class _Worker:
    """One worker process and the two pipes to it."""

    def __init__(self, env_id: str, num_envs: int, kwargs: dict):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, str(WORKER_SCRIPT), str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL)
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            raise
        os.close(to_child_r)
        os.close(from_child_w)
        self.writer = Connection(to_child_w, readable=False)
        self.reader = Connection(from_child_r, writable=False)
        self.send((env_id, num_envs, kwargs))

    def send(self, message) -> None:
        try:
            send(self.writer, message)
        except (BrokenPipeError, OSError) as err:
            raise RuntimeError(self._died()) from err

    def receive(self):
        try:
            status, payload = receive(self.reader)
        except (EOFError, OSError) as err:
            raise RuntimeError(self._died()) from err
        if status == "error":
            raise RuntimeError(f"an environment worker process failed:\n{payload}")
        return payload

    def _died(self) -> str:
        code = self.process.poll()
        return (f"an environment worker process exited (code {code}); its error, if any, is "
                f"printed above. Pass env_workers=1 to step every environment in this process")

    def close(self) -> None:
        try:
            send(self.writer, ("close", None))
        except (BrokenPipeError, OSError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.writer.close()
        self.reader.close()


class ShardedVectorEnv(gym.vector.VectorEnv):
    """N environments split into ``num_shards`` shards stepped at the same time: the first in
    this process, each of the others in a worker process. Same-step autoreset, like
    :func:`make_sync_vec_env`, and the same numbers.

    Raises ``OSError`` if a worker process cannot be started and ``RuntimeError`` if one fails.
    Unix only (the workers talk over inherited pipes).
    """

    def __init__(self, env_id: str, num_envs: int, num_shards: int = 2, **kwargs):
        if not 2 <= num_shards <= num_envs:
            raise ValueError(f"num_shards={num_shards} must lie in [2, num_envs={num_envs}]")
        if sys.platform == "win32":
            raise OSError("ShardedVectorEnv needs a Unix system; use one process on Windows")
        self.sizes = shard_sizes(num_envs, num_shards)
        self.num_envs = num_envs
        self.closed = False
        self.workers: list[_Worker] = []
        self.local = make_sync_vec_env(env_id, self.sizes[0], **kwargs)
        try:
            for size in self.sizes[1:]:  # start them all, then wait for them all
                self.workers.append(_Worker(env_id, size, kwargs))
            for worker in self.workers:
                worker.receive()
        except BaseException:
            self.close()
            raise
        self.metadata = dict(self.local.metadata)
        self.spec = self.local.spec
        self.render_mode = None
        self.single_observation_space = self.local.single_observation_space
        self.single_action_space = self.local.single_action_space
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._starts = np.cumsum([0, *self.sizes]).tolist()

    def reset(self, *, seed: int | list | None = None, options: dict | None = None):
        """Reset every environment; an int ``seed`` gives env i the seed ``seed + i``."""
        seeds = [None] * len(self.sizes)
        if isinstance(seed, int):
            seeds = [seed + start for start in self._starts[:-1]]
        elif seed is not None:
            seeds = [list(seed[a:b]) for a, b in zip(self._starts, self._starts[1:])]
        for worker, shard_seed in zip(self.workers, seeds[1:]):
            worker.send(("reset", {"seed": shard_seed, "options": options}))
        results = [self.local.reset(seed=seeds[0], options=options)]
        results += [worker.receive() for worker in self.workers]
        obs = np.concatenate([r[0] for r in results])
        return obs, merge_infos([r[1] for r in results], self.sizes)

    def step(self, actions):
        """Send each worker its shard's actions, step the local shard meanwhile, gather."""
        actions = np.asarray(actions)
        for worker, a, b in zip(self.workers, self._starts[1:], self._starts[2:]):
            worker.send(("step", actions[a:b]))
        results = [self.local.step(actions[:self.sizes[0]])]
        results += [worker.receive() for worker in self.workers]
        obs, rewards, terminated, truncated = (np.concatenate([r[i] for r in results])
                                               for i in range(4))
        infos = merge_infos([r[4] for r in results], self.sizes)
        return obs, rewards, terminated, truncated, infos

    def __del__(self):
        if not getattr(self, "closed", True):
            self.close()

    def close_extras(self, **kwargs) -> None:
        for worker in getattr(self, "workers", []):
            worker.close()
        self.workers = []
        if hasattr(self, "local"):
            self.local.close()


__all__ = ["ShardedVectorEnv", "make_sync_vec_env", "merge_infos", "shard_sizes"]
