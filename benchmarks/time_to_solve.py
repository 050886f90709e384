"""Time to land LunarLander-v3 (or another ``--env``) with its tuned config, over several seeds.

Runs ``python -m ppo_core train --env ENV --preset --seed S --out DIR`` once per seed (``--preset``
starts from ``PPOConfig.for_env(ENV)``: ``PPOConfig()`` itself for LunarLander-v3, the measured
preset for LunarLanderContinuous-v3),
sequentially (one run at a time, so runs do not compete for the CPU), and prints one row per
seed and the median and spread of: seconds and environment steps until the mean return of the
last 100 training episodes first reached 200, steps per second, and the deterministic 100-episode
evaluation.
Without ``--fast`` it times the readable default loop (one process); with ``--fast`` the speed
layer (``ppo_core.fast``, two processes). It prints which one ran.

    python benchmarks/time_to_solve.py [--env LunarLanderContinuous-v3] [--fast]
                                       [--seeds 1 2 3 4 5] [--out runs/bench] [extra train flags]

A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path


def run_seed(seed: int, args: argparse.Namespace, extra: list[str]) -> dict:
    """One training run of the CLI; prints its line and returns its metrics."""
    out = Path(args.out) / f"seed{seed}"
    cmd = [sys.executable, "-m", "ppo_core", "train", "--env", args.env, "--seed", str(seed)]
    cmd += ["--out", str(out), "--quiet", "--preset", *(["--fast"] if args.fast else []), *extra]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    m = json.loads((out / "metrics.json").read_text())
    ttt, stt = m["time_to_threshold_s"], m["steps_to_threshold"]
    print(
        f"seed {seed}: time_to_200 {'-' if ttt is None else f'{ttt:6.1f} s'}  "
        f"steps_to_200 {'-' if stt is None else f'{stt:>8}'}  "
        f"wall {m['wall_time_s']:6.1f} s  sps {m['sps']:7.0f}  "
        f"last-100 {m['final_mean_return_100']:6.1f}  "
        f"eval {m['eval_return_mean']:6.1f} +- {m['eval_return_std']:5.1f}  "
        f"processes {m['rollout_processes']}",
        flush=True,
    )
    return m


def summary(rows: list[dict], key: str) -> str:
    """Median, min and max of ``key`` over the runs that have it."""
    vals = [r[key] for r in rows if r[key] is not None]
    if not vals:
        return "n/a"
    return (
        f"median {statistics.median(vals):.1f} (min {min(vals):.1f}, max {max(vals):.1f}, "
        f"{len(vals)}/{len(rows)} runs)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--out", default="runs/bench_time_to_solve")
    parser.add_argument("--env", default="LunarLander-v3")
    parser.add_argument(
        "--fast", action="store_true", help="time the speed layer (passes --fast to the CLI)"
    )
    args, extra = parser.parse_known_args()
    path = (
        "fast: ppo_core.fast (train --fast)"
        if args.fast
        else "readable: the default loop of ppo_core.train (one process)"
    )
    print(f"path: {path}", flush=True)
    rows = [run_seed(seed, args, extra) for seed in args.seeds]
    print(f"\npath: {path}")
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{__import__('os').cpu_count()} cores, python {platform.python_version()}"
    )
    print(f"env: {args.env}")
    print("time_to_threshold_s:", summary(rows, "time_to_threshold_s"))
    print("steps_to_threshold: ", summary(rows, "steps_to_threshold"))
    print("sps:                ", summary(rows, "sps"))
    print("eval_return_mean:   ", summary(rows, "eval_return_mean"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
