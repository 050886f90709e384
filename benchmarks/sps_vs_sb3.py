"""Steps per second of ppo_core vs Stable-Baselines3, same settings, side by side in one run.

Both train LunarLander-v3 with the RL Zoo's settings (16 envs, 1024 steps per env, minibatch 64,
4 epochs, gamma 0.999, GAE lambda 0.98, entropy 0.01) for the same number of steps on the CPU,
one after the other on this machine. ppo_core is driven through its CLI flags; each library
runs as it does out of the box: SB3 with its DummyVecEnv (all envs in one process) and torch's
default thread count, ppo_core with its defaults (one torch thread per process and a worker
process on the second core that collects half of each rollout and takes the critic's half of
each update step; ``--env-workers 1`` keeps everything in one process).

    python benchmarks/sps_vs_sb3.py [--steps 327680] [--repeats 1] [--env-workers N]

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

ZOO_FLAGS = ["--num-envs", "16", "--num-steps", "1024", "--num-minibatches", "256",
             "--update-epochs", "4", "--gamma", "0.999", "--gae-lambda", "0.98",
             "--ent-coef", "0.01", "--learning-rate", "3e-4", "--no-anneal-lr"]


def run_ppo_core(steps: int, seed: int, env_workers: int | None = None) -> float:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "ppo_core", "train", "--env", "LunarLander-v3",
               "--seed", str(seed), "--total-timesteps", str(steps), "--eval-episodes", "0",
               "--out", out, "--quiet", *ZOO_FLAGS]
        if env_workers is not None:
            cmd += ["--env-workers", str(env_workers)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return json.loads((Path(out) / "metrics.json").read_text())["sps"]


def run_sb3(steps: int, seed: int) -> float:
    code = f"""
import time
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env
env = make_vec_env("LunarLander-v3", n_envs=16, seed={seed})
model = PPO("MlpPolicy", env, n_steps=1024, batch_size=64, n_epochs=4, gamma=0.999,
            gae_lambda=0.98, ent_coef=0.01, learning_rate=3e-4, device="cpu", seed={seed}, verbose=0)
t = time.perf_counter()
model.learn(total_timesteps={steps})
print(model.num_timesteps / (time.perf_counter() - t))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=327_680, help="steps per run (20 rollouts)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--env-workers", type=int, default=None,
                        help="ppo_core's --env-workers (default: its PPOConfig default)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.steps} steps per run; RL Zoo LunarLander settings")
    for k in range(args.repeats):
        t = time.perf_counter()
        sb3 = run_sb3(args.steps, args.seed + k)
        ours = run_ppo_core(args.steps, args.seed + k, args.env_workers)
        print(f"repeat {k + 1}: stable-baselines3 {sb3:7.0f} steps/s | ppo_core {ours:7.0f} steps/s"
              f" | ratio {ours / sb3:5.2f}x  ({time.perf_counter() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
