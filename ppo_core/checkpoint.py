"""Saving and loading a trained policy together with the config that produced it."""

from __future__ import annotations

import os
from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from ppo_core.config import PPOConfig
from ppo_core.networks import ActorCritic


def _describe_space(space: gym.Space) -> dict:
    if isinstance(space, gym.spaces.Discrete):
        return {"kind": "discrete", "n": int(space.n)}
    if not isinstance(space, gym.spaces.Box):  # ActorCritic takes no other
        raise ValueError(f"cannot save a policy for the action space {space}")
    return {
        "kind": "box",
        "low": np.asarray(space.low).tolist(),
        "high": np.asarray(space.high).tolist(),
    }


def _build_space(desc: dict) -> gym.Space:
    if desc["kind"] == "discrete":
        return gym.spaces.Discrete(desc["n"])
    return gym.spaces.Box(np.array(desc["low"], np.float32), np.array(desc["high"], np.float32))


def save_checkpoint(
    path, policy: ActorCritic, config: PPOConfig, extra: dict | None = None
) -> Path:
    """Write the policy's weights, its shape and the config to ``path`` (a ``.pt`` file).

    The file is written to a temporary name first and moved into place, so an interrupted save
    never destroys an earlier checkpoint.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": "ppo_core.checkpoint.v1",
        "state_dict": policy.state_dict(),
        "obs_dim": policy.obs_dim,
        "hidden": policy.hidden,
        "action_space": _describe_space(policy.action_space),
        "config": config.to_dict(),
        "extra": extra or {},
    }
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path) -> tuple[ActorCritic, PPOConfig, dict]:
    """Return ``(policy, config, extra)`` from a file written by :func:`save_checkpoint`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {path}: train one with `python -m ppo_core train --out DIR` "
            f"(it writes DIR/checkpoint.pt) or use ppo_core.load_pretrained()"
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # a truncated or foreign file
        raise ValueError(f"{path} is not a readable ppo_core checkpoint: {err}") from err
    if not isinstance(payload, dict) or payload.get("format") != "ppo_core.checkpoint.v1":
        raise ValueError(f"{path} is not a ppo_core checkpoint (missing format tag)")
    policy = ActorCritic(
        payload["obs_dim"], _build_space(payload["action_space"]), payload["hidden"]
    )
    policy.load_state_dict(payload["state_dict"])
    policy.eval()
    return policy, PPOConfig.from_dict(payload["config"]), payload.get("extra", {})
