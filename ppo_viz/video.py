"""Recording episodes to GIF or MP4 with imageio, headless (``render_mode="rgb_array"``)."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import numpy.typing as npt
import torch

from ppo_core.envs import make_env
from ppo_core.exercises import current


def _sampling_generator(seed: int, deterministic: bool) -> torch.Generator | None:
    """A private generator for sampled actions, so that a sampled episode replays exactly."""
    return None if deterministic else torch.Generator().manual_seed(seed)


def _action(policy, obs, deterministic: bool, generator: torch.Generator | None) -> np.ndarray:
    obs_t = torch.as_tensor(obs, dtype=torch.float32)[None]
    with torch.inference_mode():
        if deterministic:
            return policy.act(obs_t, True)[0].numpy()
        if policy.discrete:  # sample from the policy's own probabilities, reproducibly
            probs = torch.softmax(policy.actor(obs_t), dim=-1)
            return torch.multinomial(probs, 1, generator=generator)[0, 0].numpy()
        mean = policy.actor(obs_t)
        noise = torch.randn(mean.shape, generator=generator)
        return (mean + policy.actor_logstd.exp() * noise)[0].numpy()


def play_episode(
    policy,
    env_id: str,
    seed: int = 0,
    deterministic: bool = True,
    max_steps: int = 1000,
    render_every: int = 0,
    scale: int = 1,
):
    """Play one episode; return ``(observations, frames, episode_return)``.

    ``observations`` holds every observation from the reset on; with ``render_every=k > 0``,
    ``frames`` holds every k-th rendered frame (downscaled by ``scale``) plus the final one.
    Sampled actions (``deterministic=False``) come from a generator seeded with ``seed``, so the
    same call plays the same episode again.
    """
    env = make_env(env_id, render_mode="rgb_array" if render_every else None)
    generator = _sampling_generator(seed, deterministic)
    observations, frames, total = [], [], 0.0
    try:
        obs, _ = env.reset(seed=seed)
        observations.append(obs)
        for t in range(max_steps):
            if render_every and t % render_every == 0:
                frames.append(np.asarray(env.render())[::scale, ::scale])
            action = _action(policy, obs, deterministic, generator)
            if isinstance(env.action_space, gym.spaces.Box):
                action = current.clip_action(action, env.action_space.low, env.action_space.high)
            obs, reward, terminated, truncated, _ = env.step(action)
            observations.append(obs)
            total += float(reward)
            if terminated or truncated:
                break
        if render_every:
            frames.append(np.asarray(env.render())[::scale, ::scale])
    finally:
        env.close()
    return observations, frames, total


def rollout_frames(
    policy,
    env_id: str,
    seed: int = 0,
    deterministic: bool = True,
    max_steps: int = 1000,
    stride: int = 2,
    scale: int = 2,
):
    """Play one episode and return ``(frames, episode_return)``.

    Every ``stride``-th frame is kept and downscaled by ``scale`` so that a GIF stays small.
    """
    _, frames, total = play_episode(
        policy, env_id, seed, deterministic, max_steps, render_every=stride, scale=scale
    )
    return frames, total


def lander_in_view(observation) -> bool:
    """Whether a LunarLander observation puts the lander inside the rendered picture.

    The observation's first two entries are the position, scaled so that x = +-1 are the
    picture's side edges and y = 1.41 its top edge, where the lander starts (LunarLander's
    viewport is 400 pixels of 30 per metre). The check lets the centre go a little past the
    top (y < 1.5) before it calls the lander gone.
    """
    x, y = float(observation[0]), float(observation[1])
    return abs(x) < 0.95 and y < 1.5


def showcase_seed(policies: list, env_id: str, deterministic=True, candidates=range(100)) -> int:
    """The first seed in ``candidates`` at which every policy's lander stays in the picture for
    the whole episode, so that a side-by-side video never shows an empty tile.

    ``deterministic`` is one flag or one per policy. Environments other than LunarLander have
    nothing to leave: the first candidate is returned.
    """
    flags = _per_policy(deterministic, len(policies))
    for seed in candidates:
        if not env_id.startswith("LunarLander"):
            return seed
        if all(
            all(lander_in_view(o) for o in play_episode(p, env_id, seed, d)[0])
            for p, d in zip(policies, flags)
        ):
            return seed
    raise ValueError(
        f"no seed in {candidates} keeps every lander in the picture: try more "
        f"candidates, or sampled actions for an untrained policy"
    )


def _per_policy(flag, n: int) -> list[bool]:
    flags = [flag] * n if isinstance(flag, bool) else list(flag)
    if len(flags) != n:
        raise ValueError(
            f"{n} policies but {len(flags)} deterministic flags: pass one flag, or one per policy"
        )
    return flags


def write_video(frames: list[np.ndarray], path, fps: int = 30) -> Path:
    """Write frames to ``path``; the extension (.gif or .mp4) picks the format."""
    import imageio.v2 as imageio

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"unsupported video format {suffix!r}: use a .gif or .mp4 file name")
    if not frames:
        raise ValueError("no frames to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    images: list[npt.ArrayLike] = list(frames)  # (imageio's parameter is a list of array-likes)
    if suffix == ".gif":
        imageio.mimsave(path, images, duration=1000 / fps, loop=0)
    else:
        imageio.mimsave(path, images, fps=fps, macro_block_size=1)
    return path


def record_episode(
    policy, env_id: str, path, seed: int = 0, fps: int = 30, deterministic: bool = True
) -> float:
    """Record one episode of ``policy`` to ``path``; returns its return."""
    frames, total = rollout_frames(policy, env_id, seed=seed, deterministic=deterministic)
    write_video(frames, path, fps=fps)
    return total


def label_frame(frame: np.ndarray, text: str) -> np.ndarray:
    """A copy of ``frame`` (H, W, 3) with ``text`` written in its top-left corner on a dark band."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.fromarray(np.ascontiguousarray(frame))
    draw = ImageDraw.Draw(image)
    size = max(10, frame.shape[0] // 14)
    try:
        font = ImageFont.load_default(size=size)  # scalable default font (Pillow >= 10.1)
    except TypeError:
        font = ImageFont.load_default()
    _, _, right, bottom = draw.textbbox((4, 3), text, font=font)
    draw.rectangle((0, 0, right + 4, bottom + 3), fill=(20, 20, 20))
    draw.text((4, 3), text, fill=(255, 255, 255), font=font)
    return np.asarray(image)


def side_by_side(
    policies: list,
    labels: list[str] | None,
    env_id: str,
    path,
    seed: int = 0,
    fps: int = 30,
    show_returns: bool = True,
    deterministic=True,
    scale: int = 1,
) -> list[float]:
    """One video with several policies playing the same seed next to each other.

    Each tile is captioned with its label (and the episode's return if ``show_returns``); pass
    ``labels=None`` for an unlabelled video. Shorter episodes hold their last frame until the
    longest ends. ``path`` may be a list (e.g. a .gif and an .mp4) to write the same episodes
    in several formats. ``deterministic`` is one flag or one per policy (an untrained policy
    is best shown sampling: played greedily, it takes the same action on nearly every step).
    ``scale=1`` keeps the full 600 x 400 picture per tile, large enough for a projector.
    Returns each policy's return.
    """
    if labels is not None and len(labels) != len(policies):
        raise ValueError(
            f"{len(policies)} policies but {len(labels)} labels: pass one label per "
            f"policy, or labels=None"
        )
    flags = _per_policy(deterministic, len(policies))
    runs = [
        rollout_frames(p, env_id, seed=seed, deterministic=d, scale=scale)
        for p, d in zip(policies, flags)
    ]
    length = max(len(f) for f, _ in runs)
    tiles = []
    for i, (frames, total) in enumerate(runs):
        if labels is not None:
            caption = f"{labels[i]}: return {total:.0f}" if show_returns else labels[i]
            frames = [label_frame(frame, caption) for frame in frames]
        frames = frames + [frames[-1]] * (length - len(frames))
        tiles.append(frames)
    gap = np.full_like(tiles[0][0][:, :4], 255)
    combined = []
    for k in range(length):
        row = []
        for i, frames in enumerate(tiles):
            if i:
                row.append(gap)
            row.append(frames[k])
        combined.append(np.concatenate(row, axis=1))
    for target in [path] if isinstance(path, (str, Path)) else path:
        write_video(combined, target, fps=fps)
    return [total for _, total in runs]
