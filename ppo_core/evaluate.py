"""Evaluating a policy: returns of whole episodes, without exploration noise by default."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch

from ppo_core.envs import make_vec_env
from ppo_core.exercises import current


def evaluate(
    policy,
    env_id: str,
    episodes: int = 100,
    seed: int = 0,
    deterministic: bool = True,
    num_envs: int = 16,
) -> np.ndarray:
    """Run ``episodes`` full episodes and return their (undiscounted) returns.

    Environment ``i`` of ``num_envs`` runs episodes i, i + num_envs, ... so that the set of
    episodes does not favour short ones (taking "the first k to finish" would). Seeded: the same
    policy, seed and CPU give the same returns.

    Args:
        policy: an :class:`~ppo_core.networks.ActorCritic`.
        env_id: e.g. ``"LunarLander-v3"``.
        episodes: number of episodes (>= 1).
        seed: seed of the first environment; env i uses seed + i.
        deterministic: take the most likely action (the Gaussian mean) instead of sampling.

    Returns:
        float64 array of shape ``(episodes,)``, in order of episode index.
    """
    if episodes < 1:
        raise ValueError(f"episodes must be at least 1, got {episodes}")
    n = min(num_envs, episodes)
    envs = make_vec_env(env_id, n)
    act_space = envs.single_action_space
    quota = [len(range(i, episodes, n)) for i in range(n)]  # episodes env i plays
    running = np.zeros(n)
    results: list[list[float]] = [[] for _ in range(n)]
    obs, _ = envs.reset(seed=seed)
    was_training = policy.training
    policy.eval()
    try:
        with torch.inference_mode():
            while any(len(r) < q for r, q in zip(results, quota)):
                obs_t = torch.as_tensor(obs, dtype=torch.float32)
                action = policy.act(obs_t, deterministic).numpy()
                if isinstance(act_space, gym.spaces.Box):
                    action = current.clip_action(action, act_space.low, act_space.high)
                obs, reward, terminated, truncated, _ = envs.step(action)
                running += reward
                for i in np.flatnonzero(np.logical_or(terminated, truncated)):
                    if len(results[i]) < quota[i]:
                        results[i].append(float(running[i]))
                    running[i] = 0.0
    finally:
        envs.close()
        policy.train(was_training)
    ordered = [results[k % n][k // n] for k in range(episodes)]
    return np.asarray(ordered, dtype=np.float64)
