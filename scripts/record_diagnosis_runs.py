"""Record the training histories of Lab 5's "diagnose the broken run" exercise.

Trains LunarLander-v3 with ppo_core once healthily and once per injected fault, and writes each
run's per-update history (the rows of ``TrainResult.history``, CleanRL keys) to a small JSON file
under ``ppo_core/assets/runs/``, plus ``manifest.json`` recording, for every run, the full
config, the fault and how it was injected, the script and the date.

Every run uses the same pinned baseline (below, not ``PPOConfig()``'s defaults, which may be
retuned) and the same seed, and changes exactly one thing, so any difference between a faulty
run and the healthy one comes from the fault.

Usage (about 4 minutes on two idle CPU cores; re-run to regenerate everything)::

    .venv/bin/python scripts/record_diagnosis_runs.py
    .venv/bin/python scripts/record_diagnosis_runs.py --only healthy gae_leak --seeds   # a subset

The seed study (``--seeds``, default 2 3 4 5) trains the healthy baseline on other seeds and
records only each one's final mean return: how much a healthy run's return varies by chance.

The lab (``solutions/lab5_diagnostics``) shows these runs under shuffled labels through
``ppo_core.recorded_runs.load_diagnosis_runs()``; ``tests/test_lab_data.py`` checks that each
fault leaves the trace the lab says it leaves.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import sys
import time
from pathlib import Path

import gymnasium
import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ppo_core
from ppo_core import PPOConfig, compute_gae, train

OUT_DIR = ROOT / "ppo_core" / "assets" / "runs"
SCRIPT_NAME = "scripts/record_diagnosis_runs.py"

# The healthy configuration every run starts from: ppo_core's LunarLander settings with a
# learning rate of 3e-3, whose approx_kl and clip fraction sit in the textbook ranges. Pinned here
# so that retuning PPOConfig's defaults does not silently change the recorded exercise.
BASELINE = {
    "env_id": "LunarLander-v3",
    "seed": 1,
    "total_timesteps": 409_600,  # 200 updates of 2048 transitions
    "num_envs": 16,
    "num_steps": 128,
    "num_minibatches": 4,
    "update_epochs": 4,
    "learning_rate": 3e-3,
    "anneal_lr": True,
    "gamma": 0.999,
    "gae_lambda": 0.98,
    "clip_coef": 0.2,
    "clip_vloss": False,
    "reward_scale": 1.0,
    "ent_coef": 0.01,
    "vf_coef": 0.5,
    "max_grad_norm": 0.5,
    "norm_adv": True,
    "target_kl": None,
    "hidden_size": 64,
    "torch_threads": 1,
    "env_workers": 1,  # one process, as when the shipped files were made
    # (fast is left at False, its default, so the readable loop runs: still one process, but
    # torch.optim.Adam where the files were made with FlatAdam, so a rerun matches them in
    # distribution, not bit for bit. Pinning it would change the manifest's recorded config.)
}


def leaky_gae(rewards, values, next_values, terminated, truncated, gamma, lam):
    """A buggy GAE that ignores episode ends, as a first implementation often does.

    It treats each environment's column of the rollout as one endless episode: the step where an
    episode ends bootstraps from the value of whatever follows it in the buffer -- the first
    state of the *next* episode, after the reset -- and the recursion runs on across the
    boundary. A crash (-100) then looks no worse than "-100 plus a fresh start", and the
    advantages near every episode's end absorb residuals of an unrelated episode.
    """
    values = np.asarray(values, dtype=np.float64)                       # (T, N)
    following = np.concatenate([values[1:], np.asarray(next_values, np.float64)[-1:]])  # (T, N)
    no_ends = np.zeros_like(values)
    return compute_gae(rewards, values, following, no_ends, no_ends, gamma, lam)


# name -> (config overrides, gae_fn or None, what is wrong, in words)
FAULTS: dict[str, tuple[dict, object, str]] = {
    "healthy": ({}, None, "no fault: the baseline configuration"),
    "lr_too_high": (
        {"learning_rate": 3e-2},
        None,
        "learning rate 3e-2 instead of 3e-3: every update moves the policy too far",
    ),
    "ent_coef_too_high": (
        {"ent_coef": 0.1},
        None,
        "entropy coefficient 0.1 instead of 0.01: the bonus for randomness outweighs the return",
    ),
    "no_adv_norm": (
        {"norm_adv": False},
        None,
        ("advantages not normalised: the policy gradient is on the scale of the rewards "
         "(tens to hundreds), so the global gradient-norm clip is always active"),
    ),
    "gae_leak": (
        {},
        leaky_gae,
        ("GAE ignores episode ends (gae_fn=leaky_gae): the last step of each episode bootstraps "
         "from the next episode's first state and advantages leak across the boundary"),
    ),
    "critic_not_trained": (
        {"vf_coef": 0.0},
        None,
        ("value-loss coefficient 0: the critic never learns, so the advantages are returns "
         "minus a random function"),
    ),
}


def _round(x, digits: int = 5):
    """Round floats to ``digits`` significant digits (JSON stays small; NaN becomes null)."""
    if isinstance(x, bool) or x is None or isinstance(x, (int, str)):
        return x
    if isinstance(x, (list, tuple)):
        return [_round(v, digits) for v in x]
    x = float(x)
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def record(name: str, out_dir: Path) -> dict:
    overrides, gae_fn, description = FAULTS[name]
    config = PPOConfig(**{**BASELINE, **overrides})
    start = time.perf_counter()
    result = train(config, gae_fn=gae_fn or compute_gae, progress=False)
    wall = time.perf_counter() - start
    history = [{k: _round(v) for k, v in row.items()} for row in result.history]
    path = out_dir / f"{name}.json"
    path.write_text(json.dumps({"name": name, "history": history}, separators=(",", ":")) + "\n")
    entry = {
        "name": name,
        "file": path.name,
        "fault": description,
        "overrides": overrides,
        "gae_fn": getattr(gae_fn, "__name__", "compute_gae"),
        "config": config.to_dict(),
        "updates": len(history),
        "episodes": len(result.episode_returns),
        "final_mean_return_100": _round(result.mean_return(100)),
        "wall_time_s": round(wall, 1),
    }
    print(f"{name:20s} {wall:6.1f} s  mean return (last 100 episodes) "
          f"{result.mean_return(100):8.1f}", flush=True)
    return entry


def seed_study(seeds: list[int]) -> list[dict]:
    """The healthy baseline on other seeds: how much the return at the end varies by chance."""
    study = []
    for seed in seeds:
        result = train(PPOConfig(**{**BASELINE, "seed": seed}), progress=False)
        study.append({"seed": seed, "final_mean_return_100": _round(result.mean_return(100))})
        print(f"healthy, seed {seed:2d}   mean return (last 100 episodes) "
              f"{result.mean_return(100):8.1f}", flush=True)
    return study


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(FAULTS), help="record only these runs")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--seeds", type=int, nargs="*", default=[2, 3, 4, 5],
                        help="also train the healthy baseline on these seeds (seed study)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    entries = {e["name"]: e for e in old.get("runs", [])}
    for name in args.only or []:
        entries[name] = record(name, args.out) | {"date": dt.date.today().isoformat()}
    if not args.only:
        for name in FAULTS:
            entries[name] = record(name, args.out) | {"date": dt.date.today().isoformat()}
    study = seed_study(args.seeds) if args.seeds else old.get("seed_study", [])
    manifest = {
        "script": SCRIPT_NAME,
        "description": "Lab 5 diagnosis exercise: LunarLander-v3 PPO runs, one healthy and one "
                       "per injected fault; each file holds the per-update history rows "
                       "(CleanRL keys) of ppo_core.train.",
        "ppo_core_version": ppo_core.__version__,
        "torch_version": torch.__version__,
        "gymnasium_version": gymnasium.__version__,
        "python_version": platform.python_version(),
        "baseline": PPOConfig(**BASELINE).to_dict(),
        "runs": [entries[n] for n in FAULTS if n in entries],
        "seed_study": study,
    }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(manifest['runs'])} runs and {manifest_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
