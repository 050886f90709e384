"""Steps per second of ppo_core vs Stable-Baselines3, same settings, side by side in one run.

All runs train LunarLander-v3 (or, with ``--env LunarLanderContinuous-v3``, the continuous
lander: SB3's Gaussian MlpPolicy against ppo_core's) with the RL Zoo's settings, which are the
same for both environments in its ppo.yml (16 envs, 1024 steps per env, minibatch 64, 4 epochs,
gamma 0.999, GAE lambda 0.98, entropy 0.01), for the same number of steps on the CPU, one after
the other on this machine, each in a process of its own:

1. SB3 (its DummyVecEnv: all envs in one process) with ``torch.set_num_threads(1)``;
2. SB3 with 2 torch threads;
3. ppo_core's readable default loop (one process, one torch thread), through its CLI;
4. ppo_core with ``--fast``: the speed layer (``ppo_core.fast``: a worker process on the
   second core collects half of each rollout and takes the critic's half of each update step).

Each repeat prints the steps/s of all four and the ratio of each ppo_core path to the *faster*
of the two SB3 settings.

    python benchmarks/sps_vs_sb3.py [--env LunarLander-v3] [--steps 327680] [--repeats 1]
                                    [--env-workers N]

Needs the dev extra (stable-baselines3). A benchmark prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZOO_FLAGS = [
    "--num-envs",
    "16",
    "--num-steps",
    "1024",
    "--num-minibatches",
    "256",
    "--update-epochs",
    "4",
    "--gamma",
    "0.999",
    "--gae-lambda",
    "0.98",
    "--ent-coef",
    "0.01",
    "--learning-rate",
    "3e-4",
    "--no-anneal-lr",
]
SB3_THREADS = (1, 2)
ENVS = ("LunarLander-v3", "LunarLanderContinuous-v3")  # the Zoo's settings above fit both


def run_ppo_core(
    env_id: str, steps: int, seed: int, fast: bool, env_workers: int | None = None
) -> float:
    """Steps/s of one ``python -m ppo_core train`` run (readable loop, or ``--fast``)."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [
            sys.executable,
            "-m",
            "ppo_core",
            "train",
            "--env",
            env_id,
            "--seed",
            str(seed),
            "--total-timesteps",
            str(steps),
            "--eval-episodes",
            "0",
            "--out",
            out,
            "--quiet",
            *ZOO_FLAGS,
        ]
        if fast:
            cmd.append("--fast")
        if env_workers is not None:
            cmd += ["--env-workers", str(env_workers)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return json.loads((Path(out) / "metrics.json").read_text())["sps"]


def run_sb3(env_id: str, steps: int, seed: int, threads: int) -> float:
    """Steps/s of one SB3 PPO run with ``threads`` torch threads."""
    code = f"""
import time
import torch
torch.set_num_threads({threads})
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env
env = make_vec_env("{env_id}", n_envs=16, seed={seed})
model = PPO("MlpPolicy", env, n_steps=1024, batch_size=64, n_epochs=4, gamma=0.999,
            gae_lambda=0.98, ent_coef=0.01, learning_rate=3e-4, device="cpu", seed={seed},
            verbose=0)
t = time.perf_counter()
model.learn(total_timesteps={steps})
print(model.num_timesteps / (time.perf_counter() - t))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def one_repeat(env_id: str, steps: int, seed: int, env_workers: int | None) -> str:
    """Run the four settings one after the other; one line of steps/s and ratios."""
    sb3 = {threads: run_sb3(env_id, steps, seed, threads) for threads in SB3_THREADS}
    readable = run_ppo_core(env_id, steps, seed, fast=False)
    fast = run_ppo_core(env_id, steps, seed, fast=True, env_workers=env_workers)
    best_threads = max(sb3, key=sb3.get)
    best = sb3[best_threads]
    sb3_text = " | ".join(f"SB3 {t} thread{'s' * (t > 1)} {sps:6.0f}" for t, sps in sb3.items())
    return (
        f"{sb3_text} | ppo_core readable {readable:6.0f} ({readable / best:4.2f}x) | "
        f"ppo_core --fast {fast:6.0f} ({fast / best:4.2f}x)  "
        f"[steps/s; ratios against SB3 with {best_threads} thread{'s' * (best_threads > 1)}]"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--env",
        default=ENVS[0],
        choices=ENVS,
        help="environment of every run (default: %(default)s)",
    )
    parser.add_argument("--steps", type=int, default=327_680, help="steps per run (20 rollouts)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--env-workers",
        type=int,
        default=None,
        help="--env-workers for the --fast run (default: its PPOConfig default)",
    )
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores; {args.steps} steps per run; {args.env} with the RL Zoo's "
        f"settings",
        flush=True,
    )
    for k in range(args.repeats):
        t = time.perf_counter()
        line = one_repeat(args.env, args.steps, args.seed + k, args.env_workers)
        print(f"repeat {k + 1}: {line}  ({time.perf_counter() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
