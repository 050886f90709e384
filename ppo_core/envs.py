"""Environment construction: single and vectorised gymnasium environments.

Vectorised environments use same-step autoreset (``AutoresetMode.SAME_STEP``): when an episode
ends, ``step`` already returns the first observation of the next episode and puts the *final*
observation of the ended one in ``info["final_obs"]``. So every one of the T steps of a rollout is
a real transition (no dead "reset" steps as in gymnasium's NEXT_STEP default), and the rollout can
bootstrap a time-limit truncation from V(final observation).
"""

from __future__ import annotations

import difflib

import gymnasium as gym
from gymnasium.vector import AutoresetMode

REMOVED_ENVS = {
    "LunarLander-v2": "LunarLander-v3",
    "LunarLanderContinuous-v2": "LunarLanderContinuous-v3",
    "BipedalWalker-v2": "BipedalWalker-v3",
}


def check_env_id(env_id: str) -> gym.envs.registration.EnvSpec:
    """Return the spec of ``env_id`` or raise a ``ValueError`` that suggests the right id."""
    if env_id in REMOVED_ENVS:
        raise ValueError(
            f"{env_id} was removed from gymnasium (1.0 and later); use {REMOVED_ENVS[env_id]} "
            f"instead, which fixes the old version's bugs"
        )
    try:
        return gym.spec(env_id)
    except gym.error.Error as err:
        close = difflib.get_close_matches(env_id, list(gym.registry), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"unknown environment id {env_id!r}{hint}") from err


def reward_threshold(env_id: str) -> float | None:
    """The return at which gymnasium considers ``env_id`` solved (200 for LunarLander-v3)."""
    return check_env_id(env_id).reward_threshold


def space_shape(space: gym.Space) -> tuple[int, ...]:
    """The shape of one observation or action of ``space``; a space without a fixed one (Graph,
    Sequence, Text) cannot fill the rollout's arrays or size a network."""
    if space.shape is None:
        raise ValueError(f"{space} has no fixed shape: the course's buffers and networks need one")
    return space.shape


def make_env(env_id: str, render_mode: str | None = None, **kwargs) -> gym.Env:
    """One environment, e.g. for recording videos (``render_mode="rgb_array"``)."""
    check_env_id(env_id)
    return gym.make(env_id, render_mode=render_mode, **kwargs)


def make_vec_env(env_id: str, num_envs: int, **kwargs) -> gym.vector.VectorEnv:
    """``num_envs`` copies of ``env_id`` stepped in lock-step in this process, same-step autoreset.

    Seed them by calling ``envs.reset(seed=seed)`` once: env i gets seed + i, and later
    resets continue each env's own random stream, so a run is reproducible.
    """
    check_env_id(env_id)
    if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
        raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
    return gym.make_vec(
        env_id,
        num_envs=num_envs,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": AutoresetMode.SAME_STEP},
        **kwargs,
    )
