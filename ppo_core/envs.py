"""Environment construction: single and vectorised gymnasium environments.

Vectorised environments use same-step autoreset (``AutoresetMode.SAME_STEP``): when an episode
ends, ``step`` already returns the first observation of the next episode and puts the *final*
observation of the ended one in ``info["final_obs"]``. So every one of the T steps of a rollout is
a real transition (no dead "reset" steps as in gymnasium's NEXT_STEP default), and the rollout can
bootstrap a time-limit truncation from V(final observation).

With ``workers=2`` (``PPOConfig.env_workers``, the default for training) half of the
environments are stepped in a second process at the same time (:mod:`ppo_core.vector`), with
exactly the same results.
"""

from __future__ import annotations

import difflib
import os
import sys
import warnings

import gymnasium as gym

from ppo_core._env_worker import make_sync_vec_env

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


def make_env(env_id: str, render_mode: str | None = None, **kwargs) -> gym.Env:
    """One environment, e.g. for recording videos (``render_mode="rgb_array"``)."""
    check_env_id(env_id)
    return gym.make(env_id, render_mode=render_mode, **kwargs)


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def make_vec_env(env_id: str, num_envs: int, workers: int = 1, **kwargs) -> gym.vector.VectorEnv:
    """``num_envs`` copies of ``env_id`` stepped in lock-step, same-step autoreset.

    Args:
        env_id: a gymnasium id, e.g. ``"LunarLander-v3"``.
        num_envs: N.
        workers: processes that step the environments, this one included. With 2 the envs are
            split in two halves stepped at the same time on two cores
            (:class:`ppo_core.vector.ShardedVectorEnv`) -- the same numbers, faster. Clamped to
            ``num_envs`` and to the CPUs available, and 1 on Windows and while nbgrader grades;
            if worker processes cannot be started, a warning says why and every env runs in
            this process.
        **kwargs: passed to ``gymnasium.make`` (e.g. ``max_episode_steps``).

    Seed them by calling ``envs.reset(seed=seed)`` once: env i gets seed + i, and later
    resets continue each env's own random stream, so a run is reproducible.
    """
    check_env_id(env_id)
    if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
        raise ValueError(f"num_envs must be a positive integer, got {num_envs!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer (1 = this process only), "
                         f"got {workers!r}")
    if os.environ.get("NBGRADER_EXECUTION"):  # grading runs kernels side by side already
        workers = 1
    workers = min(workers, num_envs, available_cpus())
    if workers > 1 and sys.platform != "win32":
        from ppo_core.vector import ShardedVectorEnv

        try:
            return ShardedVectorEnv(env_id, num_envs, workers, **kwargs)
        except Exception as err:  # noqa: BLE001 -- one process always works
            warnings.warn(f"could not start environment worker processes ({err}); stepping "
                          f"all {num_envs} environments in this process instead", stacklevel=2)
    return make_sync_vec_env(env_id, num_envs, **kwargs)
