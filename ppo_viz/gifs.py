"""Record an untrained and a trained LunarLander-v3 lander side by side, as GIF and MP4.

Uses the shipped pretrained policies (``ppo_core.load_pretrained``), renders headless
(``render_mode="rgb_array"``, no display needed) and writes with imageio. Every tile plays the
same seed and is captioned with its policy and the episode's return.

Usage::

    python -m ppo_viz.gifs OUT_DIR [--steps 0 final] [--seed S] [--fps 30]

writes ``OUT_DIR/lander_side_by_side.gif`` and ``.mp4`` (a few seconds, 600 x 400 pixels per
policy, so two policies make a 1204-pixel-wide clip for a projector). The untrained policy
samples its actions (its most likely action is nearly the same everywhere); trained ones take
their most likely action. Without ``--seed``, the first seed at which every lander stays in the
picture is used (``ppo_viz.video.showcase_seed``). ``--steps`` accepts
any of ``ppo_core.pretrained.available_steps()`` plus ``final``, e.g. ``--steps 0 100000 final``
for the syllabus's "untrained, after 100k steps, trained" comparison.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ppo_core.pretrained import available_steps, load_pretrained, manifest
from ppo_viz.video import showcase_seed, side_by_side

ENV_ID = "LunarLander-v3"


def label_for(step: int | None) -> str:
    if step is None:
        return f"trained ({manifest()['final_step'] / 1e6:.1f}M steps)"
    if step == 0:
        return "untrained"
    return f"after {step / 1e3:.0f}k steps"


def make_side_by_side(
    out_dir, steps=(0, None), seed: int | None = None, fps: int = 30, formats=("gif", "mp4")
) -> dict:
    """Write the comparison to ``out_dir`` in each format; returns paths, seed and returns."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    policies = [load_pretrained(step) for step in steps]
    labels = [label_for(step) + (" (sampling)" if step == 0 else "") for step in steps]
    deterministic = [step != 0 for step in steps]
    if seed is None:
        seed = showcase_seed(policies, ENV_ID, deterministic)
    paths = [out_dir / f"lander_side_by_side.{fmt}" for fmt in formats]
    returns = side_by_side(
        policies, labels, ENV_ID, paths, seed=seed, fps=fps, deterministic=deterministic
    )
    return {"labels": labels, "paths": paths, "returns": returns, "seed": seed}


def _parse_step(text: str) -> int | None:
    if text == "final":
        return None
    step = int(text)
    if step not in available_steps():
        raise argparse.ArgumentTypeError(
            f"no pretrained policy at step {step}; choose from {sorted(available_steps())} "
            f"or 'final'"
        )
    return step


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the GIF and MP4 to")
    parser.add_argument(
        "--steps",
        nargs="+",
        type=_parse_step,
        default=[0, None],
        help="checkpoints to compare, e.g. 0 100000 final (default: 0 final)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="environment seed of the episode (default: the first seed at "
        "which every lander stays in the picture)",
    )
    parser.add_argument("--fps", type=int, default=30)
    args = parser.parse_args(argv)
    result = make_side_by_side(args.out_dir, args.steps, args.seed, args.fps)
    print(f"seed {result['seed']}")
    for label, ret in zip(result["labels"], result["returns"]):
        print(f"{label:>28s}: return {ret:7.1f}")
    for path in result["paths"]:
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
