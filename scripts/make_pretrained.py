"""Train the course's pretrained LunarLander-v3 policies and record the demos' data, in one run.

One real PPO run with the configuration pinned below (not ``PPOConfig()``'s defaults, which may
be retuned). It writes to ``ppo_core/assets/pretrained/``:

* ``policy_0.pt``, ``policy_100k.pt``, ``policy_300k.pt``, ``policy_final.pt`` -- the policy
  before any update, after the first update that passes 100k and 300k environment steps, and at
  the end (``ppo_core.load_pretrained(step=...)`` loads them);
* ``history.json`` -- the run's per-update history (``TrainResult.history``, CleanRL keys) and
  every finished training episode's return, length and global step;
* ``batch.npz`` -- one real rollout batch of the run, the one the 100k policy collected (a
  seeded random 4096 of its 16384 samples): observations, actions, log-probabilities under that
  policy, GAE advantages (not normalised), returns and values, and the log-probabilities of the
  same actions *after* the real update the run then made on it (same optimiser, same
  minibatches), so the ratios and clip fractions computed from it are the ones PPO saw
  (``clip_objective_demo``, the ratio histogram);
* ``episode.npz`` -- one LunarLander-v3 episode played by the final policy, sampling its actions
  as in training: observations, actions, rewards, values, next_values (V of the true next
  state), terminated and truncated (``gae_demo``);
* ``manifest.json`` -- this script's name, the full config, the date, library versions, the
  actual global step of each checkpoint and each checkpoint's deterministic evaluation (for the
  final policy with the margin within which another CPU reproduces it, see
  ``reproduction_margin``).

With ``--continuous`` it instead trains Lab 6's LunarLanderContinuous-v3 policy with the pinned
``CONTINUOUS_CONFIG`` (the measured preset) and writes ``continuous/policy_final.pt`` and
``continuous/manifest.json`` (config, date, versions, a 100-episode deterministic evaluation
and its margin). ``--margins`` only measures the two margins into the shipped manifests.

Usage (measured: about 7 minutes in all on a 2-core machine shared with other jobs, 6.5 of them
training at 2000 to 3800 steps/s)::

    .venv/bin/python scripts/make_pretrained.py
    .venv/bin/python scripts/make_pretrained.py --continuous
    .venv/bin/python scripts/make_pretrained.py --margins
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import random
import sys
import time
from pathlib import Path

import gymnasium
import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ppo_core
from ppo_core import PPOConfig, evaluate, save_checkpoint, train
from ppo_core.envs import make_env, make_vec_env
from ppo_core.update import ppo_update

OUT_DIR = ROOT / "ppo_core" / "assets" / "pretrained"
SCRIPT_NAME = "scripts/make_pretrained.py"

# Pinned here on purpose: retuning PPOConfig's defaults must not change the shipped policies.
CONFIG = {
    # The RL Zoo's tuned PPO settings for LunarLander (rl-baselines3-zoo, hyperparams/ppo.yml):
    # large rollouts, small minibatches, a long horizon (gamma 0.999) and a constant step size.
    "env_id": "LunarLander-v3",
    "seed": 1,
    "total_timesteps": 1_507_328,  # 92 updates of 16 x 1024 = 16384 transitions
    "num_envs": 16,
    "num_steps": 1024,
    "num_minibatches": 256,  # minibatches of 64
    "update_epochs": 4,
    "learning_rate": 3e-4,
    "anneal_lr": True,  # (the Zoo keeps 3e-4 constant; decaying it steadies the final policy)
    "gamma": 0.999,
    "gae_lambda": 0.98,
    "clip_coef": 0.2,
    "clip_vloss": False,
    "reward_scale": 1.0,  # raw rewards: the critic's values are in return units (gae_demo needs it)
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

# Lab 6's continuous policy: PPOConfig.for_env("LunarLanderContinuous-v3") as measured when the
# shipped file was made, pinned for the same reason.
CONTINUOUS_CONFIG = {
    "env_id": "LunarLanderContinuous-v3",
    "seed": 1,
    "total_timesteps": 500_000,
    "num_envs": 16,
    "num_steps": 128,
    "num_minibatches": 16,
    "update_epochs": 6,
    "learning_rate": 1e-3,
    "anneal_lr": True,
    "gamma": 0.999,
    "gae_lambda": 0.98,
    "clip_coef": 0.2,
    "clip_vloss": False,
    "reward_scale": 0.1,
    "ent_coef": 0.0,
    "vf_coef": 0.5,
    "max_grad_norm": 0.5,
    "norm_adv": True,
    "target_kl": None,
    "hidden_size": 64,
    "torch_threads": 1,
    "fast": False,
    "env_workers": 2,
}

# Nominal milestone -> file name. A checkpoint is taken after the first update whose global
# step reaches the milestone; the manifest records the exact step.
MILESTONES = {0: "policy_0.pt", 100_000: "policy_100k.pt", 300_000: "policy_300k.pt"}
FINAL_NAME = "policy_final.pt"
BATCH_AT_STEP = 100_000  # record the rollout batch of the first update past this step
BATCH_SAMPLES = 4096  # a uniform random subset of its 16384 samples keeps the file small
EPISODE_SEED = 7
EVAL_SEED = 10_000
# The final policies' evaluations are re-run by the tests on whatever CPU runs them: each gets a
# margin measured from this many further 100-episode evaluations on fresh seeds.
SPREAD_BLOCKS = 8
SPREAD_SEED = 20_000


def _round(value, digits: int = 6):
    """Floats to ``digits`` significant digits (keeps history.json small); NaN to None."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.{digits}g}")
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return value


class BatchRecorder:
    """An ``update_fn`` that runs the library's ``ppo_update`` and, once, records its batch.

    The batch handed to the update is exactly what the run trains on; after the update, the same
    actions are re-scored under the updated policy, giving the new log-probabilities.
    """

    def __init__(self, at_step: int, batch_size: int, samples: int):
        self.samples = min(samples, batch_size)
        self.at_iteration = math.ceil(at_step / batch_size) + 1  # first rollout starting past it
        self.iteration = 0
        self.record: dict | None = None

    def __call__(self, policy, optimizer, batch, config):
        self.iteration += 1
        stats = ppo_update(policy, optimizer, batch, config)
        if self.iteration == self.at_iteration:
            with torch.no_grad():
                _, new_log_probs, _, _ = policy.get_action_and_value(batch["obs"], batch["actions"])
            # A seeded subset, in rollout order; drawn after training's own random calls.
            rng = np.random.default_rng(0)
            keep = np.sort(rng.choice(len(new_log_probs), size=self.samples, replace=False))
            self.record = {
                "obs": batch["obs"].numpy()[keep].astype(np.float32),
                "actions": batch["actions"].numpy()[keep].astype(np.int64),
                "old_log_probs": batch["log_probs"].numpy()[keep].astype(np.float32),
                "advantages": batch["advantages"].numpy()[keep].astype(np.float32),
                "returns": batch["returns"].numpy()[keep].astype(np.float32),
                "values": batch["values"].numpy()[keep].astype(np.float32),
                "new_log_probs": new_log_probs.numpy()[keep].astype(np.float32),
                "batch_size": np.int64(len(new_log_probs)),
                "clip_coef": np.float32(config.clip_coef),
                "iteration": np.int64(self.iteration),
                "global_step": np.int64(self.iteration * config.batch_size),
                "update_clipfrac": np.float32(stats["losses/clipfrac"]),
            }
        return stats


def record_episode(policy, env_id: str, seed: int) -> dict:
    """One episode with sampled actions: what a rollout stores for GAE, for a single env."""
    env = make_env(env_id)
    observations, rewards, values, next_values, terminated, truncated, actions = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    obs, _ = env.reset(seed=seed)
    torch.manual_seed(seed)
    try:
        with torch.no_grad():
            while True:
                observations.append(np.asarray(obs, dtype=np.float32))
                x = torch.as_tensor(obs, dtype=torch.float32)[None]
                action, _, _, value = policy.get_action_and_value(x)
                obs, reward, term, trunc, _ = env.step(int(action[0]))
                # V of the true next state: the final observation when the episode ends
                # (the GAE code multiplies it by zero after a termination).
                next_value = policy.get_value(torch.as_tensor(obs, dtype=torch.float32)[None])
                rewards.append(float(reward))
                values.append(float(value[0]))
                next_values.append(float(next_value[0]))
                terminated.append(float(term))
                truncated.append(float(trunc))
                actions.append(int(action[0]))
                if term or trunc:
                    break
    finally:
        env.close()

    def f32(a):
        return np.asarray(a, dtype=np.float32)

    return {
        "obs": np.stack(observations),
        "rewards": f32(rewards),
        "values": f32(values),
        "next_values": f32(next_values),
        "terminated": f32(terminated),
        "truncated": f32(truncated),
        "actions": np.asarray(actions, dtype=np.int64),
        "seed": np.int64(seed),
    }


def reproduction_margin(policy, env_id: str, episodes: int) -> dict:
    """How far the recorded evaluation's mean may move on another machine, measured.

    The same policy, seed and CPU give the same returns. Another CPU may round a float
    differently (its own SIMD kernels for the matrix products and ``tanh``), which can change one
    action near a tie and from there the rest of that episode; at worst every episode changes,
    and the mean then behaves like an evaluation on fresh seeds. So the policy is evaluated on
    ``SPREAD_BLOCKS`` blocks of fresh seeds: the difference of two such means has a standard
    deviation of sqrt(2) times their spread, and the margin is three of those.
    """
    means = [
        evaluate(
            policy, env_id, episodes=episodes, seed=SPREAD_SEED + 1000 * k, deterministic=True
        ).mean()
        for k in range(SPREAD_BLOCKS)
    ]
    spread = float(np.std(means, ddof=1))
    return {
        "fresh_seed_blocks": SPREAD_BLOCKS,
        "block_mean_sd": round(spread, 2),
        "block_means": [round(float(m), 2) for m in means],
        "margin": round(3 * math.sqrt(2) * spread, 2),
        "rule": "another CPU: |mean - recorded| <= margin (3 x sqrt(2) x block_mean_sd); "
        "the same CPU: bit-identical",
        "measured": dt.date.today().isoformat(),
        "versions": _versions(),
        "machine": platform.platform(),
    }


def _versions() -> dict:
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "gymnasium": gymnasium.__version__,
        "numpy": np.__version__,
        "ppo_core": ppo_core.__version__,
    }


def make_continuous(out: Path) -> None:
    """Train the LunarLanderContinuous-v3 policy (Lab 6, the presenter's GIF) with the pinned
    preset; write ``policy_final.pt`` and ``manifest.json`` (with a 100-episode evaluation)."""
    out.mkdir(parents=True, exist_ok=True)
    config = PPOConfig(**CONTINUOUS_CONFIG)

    def callback(row: dict, policy) -> None:
        if row["iteration"] % 20 == 0:
            print(
                f"step {row['global_step']:>8}  ret100 {row['charts/mean_return_100']:7.1f}  "
                f"SPS {row['charts/SPS']:.0f}",
                flush=True,
            )

    result = train(config, callback=callback, progress=False)
    final_step = result.history[-1]["global_step"]
    save_checkpoint(
        out / FINAL_NAME,
        result.policy,
        config,
        {"global_step": final_step, "script": SCRIPT_NAME + " --continuous"},
    )
    returns = evaluate(
        result.policy, config.env_id, episodes=100, seed=EVAL_SEED, deterministic=True
    )
    print(
        f"trained {final_step} steps in {result.wall_time_s:.0f} s; deterministic eval over "
        f"100 episodes: {returns.mean():.1f} +- {returns.std():.1f}",
        flush=True,
    )
    manifest = {
        "script": SCRIPT_NAME + " --continuous",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": config.to_dict(),
        "policy": FINAL_NAME,
        "final_step": final_step,
        "evaluation": {
            "episodes": 100,
            "seed": EVAL_SEED,
            "deterministic": True,
            "return_mean": round(float(returns.mean()), 2),
            "return_std": round(float(returns.std()), 2),
            "return_min": round(float(returns.min()), 2),
            "reproducible": reproduction_margin(result.policy, config.env_id, 100),
        },
        "train_wall_s": round(result.wall_time_s, 1),
        "steps_to_threshold": result.steps_to_threshold,
        "time_to_threshold_s": (
            None if result.time_to_threshold_s is None else round(result.time_to_threshold_s, 1)
        ),
        "final_mean_return_100": round(result.mean_return(100), 2),
        "versions": _versions(),
        "machine": platform.platform(),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def train_discrete(out: Path):
    """The pinned discrete run, saving the milestone policies and recording one batch.

    Returns ``(config, result, recorder, checkpoints, train_s)``."""
    config = PPOConfig(**CONFIG)
    recorder = BatchRecorder(BATCH_AT_STEP, config.batch_size, BATCH_SAMPLES)
    checkpoints: dict[str, dict] = {}

    def save(name: str, policy, nominal: int, step: int) -> None:
        save_checkpoint(
            out / name,
            policy,
            config,
            {"global_step": step, "nominal_step": nominal, "script": SCRIPT_NAME},
        )
        checkpoints[name] = {"nominal_step": nominal, "global_step": step}

    # Step 0: the policy train() starts from, built the way train() builds it.
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    np.random.seed(config.seed)
    probe = make_vec_env(config.env_id, 1)
    initial = ppo_core.ActorCritic.for_env(probe, config.hidden_size)
    probe.close()
    save(MILESTONES[0], initial, 0, 0)

    pending = sorted(m for m in MILESTONES if m > 0)

    def callback(row: dict, policy) -> None:
        while pending and row["global_step"] >= pending[0]:
            nominal = pending.pop(0)
            save(MILESTONES[nominal], policy, nominal, row["global_step"])
        if row["iteration"] % 10 == 0:
            print(
                f"step {row['global_step']:>8}  ret100 {row['charts/mean_return_100']:7.1f}  "
                f"SPS {row['charts/SPS']:.0f}",
                flush=True,
            )

    start = time.perf_counter()
    result = train(config, policy=initial, update_fn=recorder, callback=callback, progress=False)
    train_s = time.perf_counter() - start
    final_step = result.history[-1]["global_step"]
    save(FINAL_NAME, result.policy, final_step, final_step)
    print(
        f"trained {final_step} steps in {train_s:.0f} s; last-100 training return "
        f"{result.mean_return():.1f}",
        flush=True,
    )

    return config, result, recorder, checkpoints, train_s


def evaluate_checkpoints(config: PPOConfig, out: Path, checkpoints: dict) -> None:
    """Add each checkpoint's deterministic evaluation to ``checkpoints`` (in place)."""
    # Deterministic evaluation of every checkpoint (100 episodes for the final one).
    for name, info in checkpoints.items():
        policy, _, _ = ppo_core.load_checkpoint(out / name)
        episodes = 100 if name == FINAL_NAME else 20
        returns = evaluate(
            policy, config.env_id, episodes=episodes, seed=EVAL_SEED, deterministic=True
        )
        info["eval"] = {
            "episodes": episodes,
            "seed": EVAL_SEED,
            "deterministic": True,
            "mean": round(float(returns.mean()), 2),
            "std": round(float(returns.std()), 2),
            "min": round(float(returns.min()), 2),
        }
        if name == FINAL_NAME:
            info["eval"]["reproducible"] = reproduction_margin(policy, config.env_id, episodes)
        print(
            f"{name}: deterministic eval over {episodes} episodes: "
            f"{returns.mean():.1f} +- {returns.std():.1f}",
            flush=True,
        )


def write_data(out: Path, config: PPOConfig, result, recorder: BatchRecorder) -> dict:
    """``batch.npz``, ``episode.npz`` and ``history.json``; returns the recorded episode."""
    assert recorder.record is not None, "the batch to record was never reached"
    np.savez_compressed(out / "batch.npz", **recorder.record)
    episode = record_episode(result.policy, config.env_id, EPISODE_SEED)
    np.savez_compressed(out / "episode.npz", **episode)
    print(
        f"episode: {len(episode['rewards'])} steps, return {episode['rewards'].sum():.1f}, "
        f"terminated={bool(episode['terminated'][-1])}",
        flush=True,
    )

    history = {
        "history": [{k: _round(v) for k, v in row.items()} for row in result.history],
        "episode_returns": _round([float(r) for r in result.episode_returns]),
        "episode_lengths": [int(n) for n in result.episode_lengths],
        "episode_steps": [int(s) for s in result.episode_steps],
    }
    (out / "history.json").write_text(json.dumps(history, separators=(",", ":")))

    return episode


def write_manifest(
    out: Path,
    config: PPOConfig,
    result,
    recorder: BatchRecorder,
    episode: dict,
    checkpoints: dict,
    train_s: float,
) -> None:
    """``manifest.json``: script, config, date, checkpoints with evaluations, versions."""
    final_step = result.history[-1]["global_step"]
    manifest = {
        "script": SCRIPT_NAME,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": config.to_dict(),
        "final_step": final_step,
        "checkpoints": checkpoints,
        "batch": {
            "file": "batch.npz",
            "iteration": int(recorder.record["iteration"]),
            "global_step": int(recorder.record["global_step"]),
            "samples": len(recorder.record["actions"]),
            "of_batch": int(recorder.record["batch_size"]),
            "update_clipfrac": round(float(recorder.record["update_clipfrac"]), 4),
        },
        "episode": {
            "file": "episode.npz",
            "seed": EPISODE_SEED,
            "policy": FINAL_NAME,
            "steps": len(episode["rewards"]),
            "return": round(float(episode["rewards"].sum()), 2),
            "actions": "sampled (as in training)",
        },
        "history": {
            "file": "history.json",
            "updates": len(result.history),
            "episodes": len(result.episode_returns),
        },
        "train_wall_s": round(train_s, 1),
        "steps_to_threshold": result.steps_to_threshold,
        "versions": _versions(),
        "machine": platform.platform(),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def make_discrete(out: Path) -> None:
    """The LunarLander-v3 run of the demos and Labs 1-5: every file described above."""
    out.mkdir(parents=True, exist_ok=True)
    config, result, recorder, checkpoints, train_s = train_discrete(out)
    evaluate_checkpoints(config, out, checkpoints)
    episode = write_data(out, config, result, recorder)
    write_manifest(out, config, result, recorder, episode, checkpoints, train_s)
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"wrote {out} ({total / 1e3:.0f} kB)")


def add_margins(out: Path) -> None:
    """Measure the final policies' reproduction margins into the shipped manifests, without
    training (the shipped files were made before the margins were recorded)."""
    discrete_path, continuous_path = out / "manifest.json", out / "continuous" / "manifest.json"
    discrete, continuous = (json.loads(p.read_text()) for p in (discrete_path, continuous_path))
    for path, manifest, policy_file, info in (
        (discrete_path, discrete, out / FINAL_NAME, discrete["checkpoints"][FINAL_NAME]["eval"]),
        (
            continuous_path,
            continuous,
            out / "continuous" / continuous["policy"],
            continuous["evaluation"],
        ),
    ):
        policy, _, _ = ppo_core.load_checkpoint(policy_file)
        info["reproducible"] = reproduction_margin(
            policy, manifest["config"]["env_id"], info["episodes"]
        )
        path.write_text(json.dumps(manifest, indent=2) + "\n")
        print(f"{path.relative_to(ROOT)}: {info['reproducible']}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output folder (default: {OUT_DIR.relative_to(ROOT)}, and its "
        f"continuous/ with --continuous)",
    )
    parser.add_argument(
        "--continuous",
        action="store_true",
        help="make the LunarLanderContinuous-v3 policy of Lab 6 instead",
    )
    parser.add_argument(
        "--margins",
        action="store_true",
        help="only measure the final policies' reproduction margins into the "
        "shipped manifests (no training)",
    )
    args = parser.parse_args(argv)
    if args.margins:
        add_margins(args.out or OUT_DIR)
    elif args.continuous:
        make_continuous(args.out or OUT_DIR / "continuous")
    else:
        make_discrete(args.out or OUT_DIR)


if __name__ == "__main__":
    main()
