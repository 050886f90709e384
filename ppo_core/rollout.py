"""Collecting experience: a time-major (T, N) rollout buffer (Lab 4 reads it; Lab 2 uses it).

Every array is indexed ``[t, n]``: step t of environment n. ``next_values[t, n]`` is V of the
transition's *true* next state: V(final observation) where the episode ended at step t (see
:mod:`ppo_core.envs`), V(s_{t+1}) otherwise. With it, GAE can bootstrap a time-limit truncation
correctly while a termination multiplies it by zero.

The :class:`EpisodeTracker` records the return and length of every finished episode -- a
training loop that circulates in tutorials prints the average of a list it never fills.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np
import torch

from ppo_core.envs import space_shape
from ppo_core.exercises import current


@dataclass
class RolloutBuffer:
    """Storage for one rollout of ``num_steps`` (T) steps in ``num_envs`` (N) environments."""

    obs: np.ndarray  # (T, N, *obs_shape) float32
    actions: np.ndarray  # (T, N) int64, or (T, N, act_dim) float32
    log_probs: np.ndarray  # (T, N) log pi_old(a_t|s_t)
    rewards: np.ndarray  # (T, N) float64, as the environments return them
    values: np.ndarray  # (T, N) V(s_t)
    next_values: np.ndarray  # (T, N) V(true next state of transition t)
    terminated: np.ndarray  # (T, N) 1.0 where the MDP ended at step t
    truncated: np.ndarray  # (T, N) 1.0 where a time limit cut the episode at step t

    @classmethod
    def allocate(cls, num_steps: int, num_envs: int, envs: gym.vector.VectorEnv) -> RolloutBuffer:
        T, N = num_steps, num_envs
        act_space = envs.single_action_space
        actions: np.ndarray
        if isinstance(act_space, gym.spaces.Discrete):
            actions = np.zeros((T, N), dtype=np.int64)
        else:
            actions = np.zeros((T, N, *space_shape(act_space)), dtype=np.float32)
        per_step = {
            name: np.zeros((T, N), dtype=np.float32)
            for name in ("log_probs", "values", "next_values", "terminated", "truncated")
        }
        return cls(
            obs=np.zeros((T, N, *space_shape(envs.single_observation_space)), dtype=np.float32),
            actions=actions,
            rewards=np.zeros((T, N)),  # float64, as envs return them
            **per_step,
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.rewards.shape

    def flatten(self, advantages: np.ndarray, returns: np.ndarray) -> dict[str, torch.Tensor]:
        """Flatten (T, N) to (T * N,) torch tensors, the ``batch`` that ``ppo_update`` takes."""
        T, N = self.shape
        targets = {"advantages": np.asarray(advantages), "returns": np.asarray(returns)}
        for name, arr in targets.items():
            if arr.shape != (T, N):
                raise ValueError(
                    f"{name} has shape {arr.shape} but the rollout is (T, N) = {(T, N)}: "
                    f"compute_gae must return one value per step and environment"
                )

        def flat(a: np.ndarray, dtype: torch.dtype = torch.float32) -> torch.Tensor:
            return torch.as_tensor(a.reshape(T * N, *a.shape[2:]), dtype=dtype)

        return {
            "obs": flat(self.obs),
            "actions": flat(
                self.actions, torch.int64 if self.actions.dtype == np.int64 else torch.float32
            ),  # discrete indices, or Box actions as float32
            "log_probs": flat(self.log_probs),
            **{name: flat(arr) for name, arr in targets.items()},
            "values": flat(self.values),
        }


@dataclass
class EpisodeTracker:
    """Running return and length per environment; a record of every finished episode."""

    num_envs: int
    start_time: float = field(default_factory=time.perf_counter)
    returns: list = field(default_factory=list)  # return of each finished episode
    lengths: list = field(default_factory=list)
    end_steps: list = field(default_factory=list)  # global step at which it finished
    end_times: list = field(default_factory=list)  # seconds since start_time

    def __post_init__(self) -> None:
        self._running_return = np.zeros(self.num_envs, dtype=np.float64)
        self._running_length = np.zeros(self.num_envs, dtype=np.int64)

    def update(self, rewards: np.ndarray, dones: np.ndarray, global_step: int) -> None:
        self._running_return += rewards
        self._running_length += 1
        if dones.any():
            now = time.perf_counter() - self.start_time
            for i in np.flatnonzero(dones):
                self.returns.append(float(self._running_return[i]))
                self.lengths.append(int(self._running_length[i]))
                self.end_steps.append(int(global_step))
                self.end_times.append(now)
                self._running_return[i] = 0.0
                self._running_length[i] = 0

    def record_rollout(self, buffer: RolloutBuffer, global_step: int) -> None:
        """:meth:`update` for every step of a rollout collected without a tracker (e.g. in
        several processes); ``global_step`` is the step count before it. An episode's
        ``end_times`` entry is then the time the rollout was recorded."""
        T, N = buffer.shape
        dones = np.logical_or(buffer.terminated, buffer.truncated)
        for t in range(T):
            self.update(buffer.rewards[t], dones[t], global_step + (t + 1) * N)

    def mean_return(self, last: int = 100) -> float:
        return float(np.mean(self.returns[-last:])) if self.returns else float("nan")


def collect_rollout(
    envs: gym.vector.VectorEnv,
    policy,
    buffer: RolloutBuffer,
    next_obs: np.ndarray,
    tracker: EpisodeTracker | None = None,
    global_step: int = 0,
) -> tuple[np.ndarray, int]:
    """Fill ``buffer`` with T steps of ``policy`` in ``envs`` (same-step autoreset).

    Args:
        envs: vectorised environments created by :func:`ppo_core.envs.make_vec_env`.
        policy: an :class:`~ppo_core.networks.ActorCritic`.
        buffer: a (T, N) :class:`RolloutBuffer`, overwritten.
        next_obs: ``(N, obs_dim)`` the observations to act on first.
        tracker: records finished episodes (optional).
        global_step: environment steps so far, counted over all envs.

    Returns:
        ``(next_obs, global_step)`` to continue from.
    """
    T, N = buffer.shape
    act_space = envs.single_action_space
    ended_at: list[tuple[int, int]] = []  # (t, n) where an episode ended
    final_obs: list[np.ndarray] = []  # its final observation
    with torch.inference_mode():
        for t in range(T):
            buffer.obs[t] = next_obs
            obs = torch.from_numpy(buffer.obs[t])  # (N, obs_dim), shares the buffer's memory
            action, log_prob, _, value = policy.get_action_and_value(obs)
            action = action.numpy()
            buffer.actions[t] = action
            buffer.log_probs[t] = log_prob.numpy()
            buffer.values[t] = value.numpy()
            if isinstance(act_space, gym.spaces.Box):  # the Gaussian is unbounded; the env is not
                action = current.clip_action(
                    action, act_space.low, act_space.high
                )  # stored: unclipped
            next_obs, reward, terminated, truncated, info = envs.step(action)
            global_step += N
            buffer.rewards[t] = reward
            buffer.terminated[t] = terminated
            buffer.truncated[t] = truncated
            dones = np.logical_or(terminated, truncated)
            for n in np.flatnonzero(dones):
                ended_at.append((t, int(n)))
                final_obs.append(info["final_obs"][n])
            if tracker is not None:
                tracker.update(reward, dones, global_step)
            next_obs = np.asarray(next_obs, dtype=np.float32)

        # next_values[t] = V(s_{t+1}): the value computed at step t + 1, or after the loop for t=T-1
        buffer.next_values[:-1] = buffer.values[1:]
        buffer.next_values[-1] = policy.get_value(torch.from_numpy(next_obs)).numpy()
        if final_obs:
            # ...except where the episode ended: V(final observation), in one batched forward pass.
            steps, env_ids = zip(*ended_at)
            obs_final = torch.as_tensor(np.stack(final_obs), dtype=torch.float32)
            buffer.next_values[list(steps), list(env_ids)] = policy.get_value(obs_final).numpy()
    return next_obs, global_step
