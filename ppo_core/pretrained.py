"""Policies and data shipped with the package, for the live demos and the labs.

Everything under ``ppo_core/assets/pretrained/`` comes from one real LunarLander-v3 run made by
``scripts/make_pretrained.py`` (config, date and versions in its ``manifest.json``), the
continuous run's final policy from ``--continuous``. Nothing here needs training: a presenter or
a learner gets a trained lander in a second.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent / "assets" / "pretrained"
DISCRETE_ENV = "LunarLander-v3"
CONTINUOUS_ENV = "LunarLanderContinuous-v3"
# Each shipped run's folder and the command that regenerates it.
RUNS = {
    DISCRETE_ENV: (ASSETS, "python scripts/make_pretrained.py"),
    CONTINUOUS_ENV: (ASSETS / "continuous", "python scripts/make_pretrained.py --continuous"),
}


def _require(name: str, env_id: str = DISCRETE_ENV) -> Path:
    if env_id not in RUNS:
        raise ValueError(f"no pretrained run for {env_id!r}; shipped: {', '.join(RUNS)}")
    folder, command = RUNS[env_id]
    path = folder / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the pretrained assets ship with ppo_core; regenerate them with "
            f"`{command}` from the repository root"
        )
    return path


@lru_cache(maxsize=2)
def manifest(env_id: str = DISCRETE_ENV) -> dict:
    """The manifest of the shipped run for ``env_id``: script, config, date, checkpoints and
    their evaluations (the continuous run: its one final policy and its evaluation)."""
    return json.loads(_require("manifest.json", env_id).read_text())


def available_steps() -> dict[int, str]:
    """Map each checkpoint's nominal step (0, 100_000, ..., the final step) to its file name."""
    return dict(
        sorted(
            (int(info["nominal_step"]), name) for name, info in manifest()["checkpoints"].items()
        )
    )


def load_pretrained(step: int | None = None, env_id: str = DISCRETE_ENV):
    """Load a policy from a shipped training run.

    Args:
        step: ``None`` for the final policy (deterministic evaluation >= 200, see the manifest),
            or one of :func:`available_steps`, e.g. ``0`` (untrained), ``100_000``, ``300_000``.
        env_id: ``"LunarLander-v3"`` (the default) or ``"LunarLanderContinuous-v3"`` (Lab 6; one
            final policy, trained with ``PPOConfig.for_env``, so ``step`` must be None).

    Returns:
        An :class:`~ppo_core.networks.ActorCritic` in eval mode.

    Example::

        policy = ppo_core.load_pretrained()
        ppo_core.evaluate(policy, "LunarLander-v3", episodes=10).mean()
    """
    from ppo_core.checkpoint import load_checkpoint  # needs gymnasium; the demos' data does not

    if env_id != DISCRETE_ENV:
        path = _require(manifest(env_id)["policy"], env_id)  # names an unknown env_id
        if step is not None:
            raise ValueError(
                f"the {CONTINUOUS_ENV} run ships its final policy only: pass step=None"
            )
    else:
        steps = available_steps()
        step = max(steps) if step is None else step  # None: the last checkpoint of the run
        is_step = isinstance(step, (int, np.integer)) and not isinstance(step, bool)
        if not is_step or int(step) not in steps:
            listed = ", ".join(f"{s:_}" for s in steps)
            raise ValueError(
                f"no pretrained policy at step {step!r}; available steps: {listed} "
                f"(or step=None for the final policy)"
            )
        path = _require(steps[int(step)])
    return load_checkpoint(path)[0]  # (policy, config, extra)


@lru_cache(maxsize=1)
def _history() -> dict:
    return json.loads(_require("history.json").read_text())


def load_history() -> dict:
    """The shipped run's record: ``{"history": [row per update, CleanRL keys],
    "episode_returns", "episode_lengths", "episode_steps"}`` (lists; NaN stored as None)."""
    return {key: list(value) for key, value in _history().items()}


def _load_npz(name: str) -> dict[str, np.ndarray]:
    with np.load(_require(name)) as data:
        return {key: data[key] for key in data.files}


def load_batch() -> dict[str, np.ndarray]:
    """One real rollout batch of the shipped run, flattened to ``(B,)`` (B = 2048).

    Keys: ``obs (B, 8)``, ``actions``, ``old_log_probs`` (policy that collected the data),
    ``advantages`` (GAE, not normalised), ``returns``, ``values``, ``new_log_probs`` (the same
    actions after the update PPO made on this batch), ``clip_coef`` (the run's epsilon),
    ``global_step``, ``update_clipfrac`` (the clip fraction the update itself logged).
    """
    return _load_npz("batch.npz")


def load_episode() -> dict[str, np.ndarray]:
    """One LunarLander-v3 episode of the final policy (actions sampled, as in training).

    Keys, each ``(T,)``: ``rewards``, ``values`` V(s_t), ``next_values`` V of the true next state,
    ``terminated``, ``truncated``, ``actions``; plus ``seed``. Feed the first five to
    :func:`ppo_core.compute_gae`.
    """
    return _load_npz("episode.npz")


__all__ = [
    "ASSETS",
    "CONTINUOUS_ENV",
    "available_steps",
    "load_batch",
    "load_episode",
    "load_history",
    "load_pretrained",
    "manifest",
]
