"""Recording episodes to GIF or MP4 with imageio, headless (``render_mode="rgb_array"``)."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from ppo_core.envs import make_env


def rollout_frames(policy, env_id: str, seed: int = 0, deterministic: bool = True,
                   max_steps: int = 1000, stride: int = 2, scale: int = 2):
    """Play one episode and return ``(frames, episode_return)``.

    Every ``stride``-th frame is kept and downscaled by ``scale`` so that a GIF stays small.
    """
    env = make_env(env_id, render_mode="rgb_array")
    frames, total = [], 0.0
    try:
        obs, _ = env.reset(seed=seed)
        for t in range(max_steps):
            if t % stride == 0:
                frames.append(np.asarray(env.render())[::scale, ::scale])
            with torch.inference_mode():
                action = policy.act(torch.as_tensor(obs, dtype=torch.float32)[None],
                                    deterministic)[0].numpy()
            if isinstance(env.action_space, gym.spaces.Box):
                action = np.clip(action, env.action_space.low, env.action_space.high)
            obs, reward, terminated, truncated, _ = env.step(action)
            total += float(reward)
            if terminated or truncated:
                frames.append(np.asarray(env.render())[::scale, ::scale])
                break
    finally:
        env.close()
    return frames, total


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
    if suffix == ".gif":
        imageio.mimsave(path, frames, duration=1000 / fps, loop=0)
    else:
        imageio.mimsave(path, frames, fps=fps, macro_block_size=1)
    return path


def record_episode(policy, env_id: str, path, seed: int = 0, fps: int = 30,
                   deterministic: bool = True) -> float:
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


def side_by_side(policies: list, labels: list[str] | None, env_id: str, path, seed: int = 0,
                 fps: int = 30, show_returns: bool = True) -> list[float]:
    """One video with several policies playing the same seed next to each other.

    Each tile is captioned with its label (and the episode's return if ``show_returns``); pass
    ``labels=None`` for an unlabelled video. Shorter episodes hold their last frame until the
    longest ends. ``path`` may be a list (e.g. a .gif and an .mp4) to write the same episodes
    in several formats. Returns each policy's return.
    """
    if labels is not None and len(labels) != len(policies):
        raise ValueError(f"{len(policies)} policies but {len(labels)} labels: pass one label per "
                         f"policy, or labels=None")
    runs = [rollout_frames(p, env_id, seed=seed) for p in policies]
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
    for target in ([path] if isinstance(path, (str, Path)) else path):
        write_video(combined, target, fps=fps)
    return [total for _, total in runs]
