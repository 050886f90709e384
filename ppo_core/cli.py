"""Command line: ``python -m ppo_core train|evaluate|record``.

``train`` exposes every :class:`~ppo_core.config.PPOConfig` field as a kebab-case flag
(``--num-envs 16``, ``--no-anneal-lr``, ``--fast`` for the speed layer; ``--preset`` starts from
``PPOConfig.for_env(--env)``) and writes ``OUT/metrics.json``, ``history.json`` and
``checkpoint.pt``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import types
import typing
from pathlib import Path

import numpy as np

from ppo_core import exercises
from ppo_core.checkpoint import load_checkpoint
from ppo_core.config import PPOConfig, field_docs
from ppo_core.envs import make_env
from ppo_core.evaluate import evaluate
from ppo_core.networks import ActorCritic
from ppo_core.train import train


def _none_or(kind):
    def parse(text: str):
        return None if text.lower() in ("none", "null", "off") else kind(text)

    parse.__name__ = kind.__name__
    return parse


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per PPOConfig field, typed from the annotations, documented from the docstrings."""
    docs = field_docs()
    hints = typing.get_type_hints(PPOConfig)
    defaults = PPOConfig()
    for f in dataclasses.fields(PPOConfig):
        flag = "--" + f.name.replace("_", "-")
        kind = hints[f.name]
        default = getattr(defaults, f.name)
        help_text = f"{docs.get(f.name, '')} (default: {default})"
        if kind is bool:
            parser.add_argument(
                flag,
                dest=f.name,
                action=argparse.BooleanOptionalAction,
                default=default,
                help=help_text,
            )
        elif typing.get_origin(kind) in (typing.Union, types.UnionType):  # e.g. float | None
            inner = next(a for a in typing.get_args(kind) if a is not type(None))
            parser.add_argument(
                flag,
                dest=f.name,
                type=_none_or(inner),
                default=default,
                help=help_text + "; 'none' disables",
            )
        else:
            parser.add_argument(flag, dest=f.name, type=kind, default=default, help=help_text)
    parser.add_argument("--env", dest="env_id", help="alias of --env-id")


def config_from_args(args: argparse.Namespace) -> PPOConfig:
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(PPOConfig)}
    return PPOConfig(**values).validate()


def _json_safe(x):
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        return _json_safe(x.item())
    return x


def cmd_train(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = train(config, progress=not args.quiet, checkpoint_path=out / "checkpoint.pt")
    metrics = {
        "env_id": config.env_id,
        "seed": config.seed,
        "total_timesteps": result.history[-1]["global_step"] if result.history else 0,
        "wall_time_s": result.wall_time_s,
        "sps": result.sps,
        "time_to_threshold_s": result.time_to_threshold_s,
        "steps_to_threshold": result.steps_to_threshold,
        "final_mean_return_100": result.mean_return(100),
        "episodes": len(result.episode_returns),
        "rollout_processes": result.rollout_processes,
        "eval_return_mean": None,
        "eval_return_std": None,
        "eval_episodes": args.eval_episodes,
        "config": config.to_dict(),
    }
    if args.eval_episodes > 0:
        returns = evaluate(
            result.policy, config.env_id, args.eval_episodes, seed=config.seed + 10_000
        )
        metrics["eval_return_mean"] = float(returns.mean())
        metrics["eval_return_std"] = float(returns.std())
    (out / "metrics.json").write_text(json.dumps(_json_safe(metrics), indent=2))
    (out / "history.json").write_text(json.dumps(_json_safe(result.history)))
    print(json.dumps(_json_safe({k: v for k, v in metrics.items() if k != "config"}), indent=2))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    policy, config, _ = load_checkpoint(args.checkpoint)
    env_id = args.env_id or config.env_id
    returns = evaluate(
        policy, env_id, args.episodes, seed=args.seed, deterministic=not args.stochastic
    )
    print(
        json.dumps(
            {
                "env_id": env_id,
                "episodes": args.episodes,
                "return_mean": float(returns.mean()),
                "return_std": float(returns.std()),
                "return_min": float(returns.min()),
                "return_max": float(returns.max()),
            },
            indent=2,
        )
    )
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from ppo_viz.video import record_episode  # the only use of ppo_viz: imported when it runs

    if args.checkpoint:
        policy, config, _ = load_checkpoint(args.checkpoint)
        env_id = args.env_id or config.env_id
    else:
        env_id = args.env_id or "LunarLander-v3"
        env = make_env(env_id)
        policy = ActorCritic.for_env(env)
        env.close()
    ret = record_episode(
        policy, env_id, args.out, seed=args.seed, fps=args.fps, deterministic=not args.stochastic
    )
    print(f"wrote {args.out} (episode return {ret:.1f})")
    return 0


def build_parser(train_defaults: dict | None = None) -> argparse.ArgumentParser:
    """The parser; ``train_defaults`` replaces the train flags' defaults (``--preset``)."""
    parser = argparse.ArgumentParser(prog="python -m ppo_core", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="train a policy and write metrics, history and a checkpoint")
    add_config_flags(p)
    p.add_argument(
        "--preset",
        action="store_true",
        help="start from PPOConfig.for_env(ENV), the tuned settings for --env "
        "(e.g. LunarLanderContinuous-v3); flags given still override them",
    )
    if train_defaults:
        p.set_defaults(**train_defaults)
    p.add_argument(
        "--eval-episodes",
        type=int,
        default=100,
        help="deterministic evaluation episodes after training (0 skips)",
    )
    p.add_argument("--out", default="runs/latest", help="output folder (default: runs/latest)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", help="evaluate a checkpoint")
    evaluate.add_argument("checkpoint", help="a checkpoint.pt written by train")
    evaluate.add_argument("--episodes", type=int, default=100)
    evaluate.set_defaults(func=cmd_evaluate)
    record = sub.add_parser("record", help="record one episode to a GIF or MP4")
    record.add_argument(
        "checkpoint", nargs="?", default=None, help="checkpoint.pt (omit for an untrained policy)"
    )
    record.add_argument("--out", required=True, help="output file, .gif or .mp4")
    record.add_argument("--fps", type=int, default=30)
    record.set_defaults(func=cmd_record)
    for p in (evaluate, record):  # both play episodes of a policy
        p.add_argument("--env", "--env-id", dest="env_id", default=None)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--stochastic", action="store_true", help="sample actions instead of argmax")
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed command line; with ``train --preset`` the flags default to the preset's values."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "preset", False):  # parse again, the preset's values as the defaults
        parser = build_parser(train_defaults=PPOConfig.for_env(args.env_id).to_dict())
        args = parser.parse_args(argv)
    if getattr(args, "eval_episodes", 0) < 0:
        parser.error("--eval-episodes must be >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, FloatingPointError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except NotImplementedError as err:  # a student build: say what it leaves to the learner
        withheld = [n for n in exercises.names() if not exercises.reference_available(n)]
        if not withheld:
            raise
        listed = ", ".join(f"{n} ({exercises.lab_of(n).name})" for n in withheld)
        print(
            f"error: {err}\nThis copy of ppo_core is a student build: it leaves the code of these "
            f"exercises to you ({listed}), and the command line runs the library's own. Train "
            "with your functions from the labs' notebooks (ppo_core.plug_in lets the library "
            "call them), or ask your instructor for a build that reveals these labs.",
            file=sys.stderr,
        )
        return 2
