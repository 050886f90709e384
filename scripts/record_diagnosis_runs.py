"""Record Lab 5's "diagnose the broken run" training runs, and check them on other seeds.

Trains LunarLander-v3 with ppo_core once healthily and once per injected fault, and writes each
run's per-update history (the rows of ``TrainResult.history``, CleanRL keys) to a small JSON file
under ``ppo_core/assets/runs/``, plus ``manifest.json`` recording, for every run, the full
config, the fault and how it was injected, its signature, the script and the date.

Every run uses the same pinned baseline (below, not ``PPOConfig()``'s defaults, which may be
retuned) and the same seed, and changes exactly one thing, so any difference between a faulty
run and the healthy one comes from the fault.

Each run also has a **signature**: a sentence (what the lab shows) and a predicate over a run's
history that compares it with fixed thresholds -- the dashboard's healthy bands
(``ppo_core.diagnostics.HEALTHY``, ``ENTROPY_FLOOR``) -- never with a healthy run of the same
seed, so that a learner can judge one run alone. A fault is "told apart" when its own signature
holds and no other run's signature does. Bit-identical runs hold on one machine only, so the
signatures are checked on seeds other than the recorded one (``--check``).

Usage (two idle CPU cores: about 10 minutes to record, about 10 minutes per checked seed)::

    .venv/bin/python scripts/record_diagnosis_runs.py                      # record all runs
    .venv/bin/python scripts/record_diagnosis_runs.py --only healthy gae_leak --seeds  # a subset
    .venv/bin/python scripts/record_diagnosis_runs.py --only --seeds 2 3 4 5  # the study only
    .venv/bin/python scripts/record_diagnosis_runs.py --check --seeds 11 12 13

In record mode, ``--seeds`` (default 2 3 4 5) also trains the healthy baseline on those seeds and
records each one's final mean return (the "seed study" the lab prints). In check mode it names
the seeds to retrain every run on; ``--histories DIR`` keeps those histories and ``--reuse``
evaluates the ones already there (same configuration) instead of training again.
``--refresh-signatures`` rewrites only the manifest's signature fields from the recorded runs.

The lab (``solutions/lab5_diagnostics``) shows the recorded runs under shuffled labels through
``ppo_core.recorded_runs.load_diagnosis_runs()``; ``tests/test_diagnosis_runs.py`` checks that
each recorded run shows its signature and only its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gymnasium
import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ppo_core
from ppo_core import PPOConfig, compute_gae, train
from ppo_core.diagnostics import ENTROPY_FLOOR, HEALTHY
from ppo_core.recorded_runs import mean_advantage_positive_share

OUT_DIR = ROOT / "ppo_core" / "assets" / "runs"
SCRIPT_NAME = "scripts/record_diagnosis_runs.py"
LN4 = math.log(4)  # the largest entropy of a distribution over LunarLander's 4 actions
SOLVED = 200.0  # LunarLander-v3's reward threshold

# The healthy configuration every run starts from: ppo_core's tuned LunarLander settings, which
# land on every seed tried within ~150k steps, run for twice that, so that "lands" does not sit on
# a knife edge (the previous baseline, lr 3e-3 with 4 large minibatches, ended at 200 on one
# machine and at 52 on another with the same seed). Pinned here so that retuning PPOConfig's
# defaults does not silently change the exercise.
BASELINE = {
    "env_id": "LunarLander-v3",
    "seed": 1,
    "total_timesteps": 307_200,  # 150 updates of 2048 transitions
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
    "ent_coef": 0.01,
    "vf_coef": 0.5,
    "max_grad_norm": 0.5,
    "norm_adv": True,
    "target_kl": None,
    "hidden_size": 64,
    "torch_threads": 1,
    # One process (dropped where PPOConfig has no such field). The shipped runs were made before
    # the readable loop became the default (one process, flat Adam); a rerun with plain
    # torch.optim.Adam matches them in distribution, not bit for bit: --check is what holds.
    "env_workers": 1,
}


def make_config(overrides: dict | None = None, seed: int | None = None) -> PPOConfig:
    """The baseline with ``overrides`` (and ``seed``), keeping only fields PPOConfig has: a field
    pinned here that the library dropped (e.g. ``env_workers``) is left out, not an error."""
    known = {f.name for f in dataclasses.fields(PPOConfig)}
    settings = {**BASELINE, **(overrides or {})}
    if seed is not None:
        settings["seed"] = seed
    return PPOConfig(**{k: v for k, v in settings.items() if k in known})


def leaky_gae(rewards, values, next_values, terminated, truncated, gamma, lam):
    """A buggy GAE that ignores episode ends, as a first implementation often does.

    It treats each environment's column of the rollout as one endless episode: the step where an
    episode ends bootstraps from the value of whatever follows it in the buffer -- the first
    state of the *next* episode, after the reset -- and the recursion runs on across the
    boundary. A crash (-100) then looks no worse than "-100 plus a fresh start", and the
    advantages near every episode's end absorb residuals of an unrelated episode.
    """
    values = np.asarray(values, dtype=np.float64)  # (T, N)
    following = np.concatenate([values[1:], np.asarray(next_values, np.float64)[-1:]])  # (T, N)
    no_ends = np.zeros_like(values)
    return compute_gae(rewards, values, following, no_ends, no_ends, gamma, lam)


# --- Reading a history ------------------------------------------------------------------------


def column(history: list[dict], key: str) -> np.ndarray:
    """One metric over the updates as floats; a missing or None entry (no episode ended in that
    update, a NaN written as null) becomes NaN."""
    return np.array([math.nan if row.get(key) is None else float(row[key]) for row in history])


def window(history: list[dict], part: str) -> list[dict]:
    """The rows of one part of a run: ``"all"``, ``"first_quarter"``, ``"second_half"``,
    ``"last_three_quarters"`` or ``"after_warmup"`` (all but the first tenth, while the first
    rollouts of a random policy and an untrained critic settle)."""
    n = len(history)
    parts = {
        "all": (0, n),
        "first_quarter": (0, n // 4),
        "second_half": (n // 2, n),
        "last_three_quarters": (n // 4, n),
        "after_warmup": (n // 10, n),
    }
    if part not in parts:
        raise ValueError(f"unknown part {part!r}: use one of {sorted(parts)}")
    start, stop = parts[part]
    return history[start:stop]


def median(history: list[dict], key: str, part: str = "all") -> float:
    """The median of ``key`` over ``part`` of the run (NaNs ignored; NaN if nothing is left)."""
    values = column(window(history, part), key)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else math.nan


def share_in_band(
    history: list[dict], key: str, band: tuple[float, float], part: str = "after_warmup"
) -> float:
    """The share of the updates in ``part`` whose ``key`` lies inside ``band`` (low, high)."""
    values = column(window(history, part), key)
    if not values.size:
        return math.nan
    return float(np.mean((values >= band[0]) & (values <= band[1])))


def final_return(history: list[dict]) -> float:
    """The mean return of the last 100 training episodes at the end of the run."""
    returns = column(history, "charts/mean_return_100")
    returns = returns[np.isfinite(returns)]
    return float(returns[-1]) if returns.size else math.nan


# --- Signatures: what each run shows on the dashboard, as a sentence and as a predicate -------
# Thresholds are the dashboard's healthy bands (ppo_viz.plots) or fixed multiples of them, so a
# run is judged alone. Where a number is not a band (the |policy loss| scale), the comment says
# where it comes from.
KL_BAND, CLIPFRAC_BAND = HEALTHY["losses/approx_kl"], HEALTHY["losses/clipfrac"]
EV_BAND = HEALTHY["losses/explained_variance"]
ENTROPY_BAND = (ENTROPY_FLOOR, LN4)
IN_BANDS_SHARE = 0.8  # "most updates": the healthy run sits inside every band this often
# |policy loss| with advantages normalised is at most about ratio spread x 1 and in practice
# ~0.01 (healthy runs: under 0.02 on every update after the first); without the normalisation
# it is the mean raw advantage, on the (scaled) reward scale: 0.1 to 1 here.
POLICY_LOSS_SCALE = 0.05
# With GAE leaking across episode ends a return runs on into the following episodes, so the
# critic's targets keep growing as the policy improves and it lags behind them: the mean advantage
# is positive on 84-98 % of the updates after the first quarter (seeds 1, 2, 11), against 64-75 %
# for the healthy run and at most 81 % for any other run (whose critic the other signs exclude).
UNDERESTIMATED_SHARE = 0.8
NEAR_ZERO_EV = 0.1  # an untrained critic explains nothing: the median |EV| stays below this


@dataclass(frozen=True)
class Signature:
    """How a run shows on the dashboard: ``text`` for the lab, ``holds(history)`` to check it."""

    text: str
    holds: Callable[[list[dict]], bool]


def lands(history: list[dict]) -> bool:
    """The healthy run's signature: it solves the task and its diagnostics stay in the bands."""
    bands = {
        "losses/approx_kl": KL_BAND,
        "losses/clipfrac": CLIPFRAC_BAND,
        "losses/explained_variance": EV_BAND,
        "losses/entropy": ENTROPY_BAND,
    }
    inside = all(share_in_band(history, key, band) >= IN_BANDS_SHARE for key, band in bands.items())
    return (
        final_return(history) >= SOLVED
        and inside
        and not policy_loss_on_reward_scale(history)
        and not critic_keeps_underestimating(history)
    )


def steps_too_large(history: list[dict]) -> bool:
    """approx_kl jumps far above its band, and the policy collapses onto one action."""
    return (
        float(np.nanmax(column(history, "losses/approx_kl"))) > 10 * KL_BAND[1]
        and median(history, "losses/entropy", "second_half") < ENTROPY_FLOOR
    )


def entropy_pinned(history: list[dict]) -> bool:
    """The entropy stays near its maximum ln 4 in the second half."""
    return median(history, "losses/entropy", "second_half") > 0.8 * LN4


def policy_loss_on_reward_scale(history: list[dict]) -> bool:
    """|policy loss| on the scale of the raw advantages, not of normalised ones."""
    return float(np.nanmedian(np.abs(column(history, "losses/policy_loss")))) > POLICY_LOSS_SCALE


def optimisation_looks_healthy(history: list[dict]) -> bool:
    """The policy and the critic are optimised as in a healthy run (medians, not shares: a
    slow start does not count against a run): approx KL and clip fraction inside their bands,
    entropy neither collapsed nor pinned, the critic explaining the returns, |policy loss| small."""
    return (
        KL_BAND[0] <= median(history, "losses/approx_kl", "after_warmup") <= KL_BAND[1]
        and CLIPFRAC_BAND[0]
        <= median(history, "losses/clipfrac", "after_warmup")
        <= CLIPFRAC_BAND[1]
        and ENTROPY_FLOOR <= median(history, "losses/entropy", "second_half") <= 0.8 * LN4
        and median(history, "losses/explained_variance", "second_half") >= EV_BAND[0]
        and not policy_loss_on_reward_scale(history)
    )


def critic_keeps_underestimating(history: list[dict]) -> bool:
    """The batch's mean advantage (return minus value) is positive on almost every update after
    the first quarter: the critic's targets keep outgrowing it."""
    return mean_advantage_positive_share(history) >= UNDERESTIMATED_SHARE


def leaks_across_episode_ends(history: list[dict]) -> bool:
    """The optimisation looks healthy, but the critic keeps underestimating the returns."""
    return optimisation_looks_healthy(history) and critic_keeps_underestimating(history)


def critic_explains_nothing(history: list[dict]) -> bool:
    """Explained variance stays at 0: a small median size, and never inside its band."""
    ev = column(window(history, "after_warmup"), "losses/explained_variance")
    return float(np.nanmedian(np.abs(ev))) < NEAR_ZERO_EV and float(np.nanmax(ev)) < EV_BAND[0]


@dataclass(frozen=True)
class Fault:
    """One run of the exercise: what is changed against the baseline, and how it shows."""

    overrides: dict
    description: str
    signature: Signature
    gae_fn: Callable | None = None


FAULTS: dict[str, Fault] = {
    "healthy": Fault(
        {},
        "no fault: the baseline configuration",
        Signature(
            "lands: the mean of the last 100 returns is 200 or more at "
            "the end, and approx KL, clip "
            "fraction, entropy and explained variance sit inside their "
            "healthy ranges on at least 80 "
            "% of the updates after the first tenth, |policy loss| stays small (median under "
            "0.05), and the mean advantage changes sign (positive on under 80 % of the updates "
            "after the first quarter)",
            lands,
        ),
    ),
    "lr_too_high": Fault(
        {"learning_rate": 3e-2},
        "learning rate 3e-2 instead of 1e-3: the first updates move the policy so far that it "
        "collapses onto one action and never recovers",
        Signature(
            "approx KL jumps far above its healthy range (over 0.3, ten times the range's "
            "top, on some update) and the entropy collapses below its floor 0.3 (median "
            "over the second half of the run)",
            steps_too_large,
        ),
    ),
    "ent_coef_too_high": Fault(
        {"ent_coef": 0.1},
        "entropy coefficient 0.1 instead of 0.01: the bonus for randomness outweighs the return",
        Signature(
            "the entropy stays near its maximum ln 4 = 1.386: its median over the second "
            "half of the run is above 0.8 x ln 4 = 1.11",
            entropy_pinned,
        ),
    ),
    "no_adv_norm": Fault(
        {"norm_adv": False},
        (
            "advantages not normalised: the policy gradient is on the scale of the (scaled) "
            "rewards, so its size depends on the reward scale, not on the learning rate alone"
        ),
        Signature(
            "|policy loss| is on the scale of the raw advantages: its median over the run "
            "is above 0.05, where a loss of normalised advantages stays around 0.01",
            policy_loss_on_reward_scale,
        ),
    ),
    "gae_leak": Fault(
        {},
        (
            "GAE ignores episode ends (gae_fn=leaky_gae): the last step of each episode bootstraps "
            "from the next episode's first state and advantages leak across the boundary"
        ),
        Signature(
            "the optimisation looks healthy -- median approx KL and clip fraction inside "
            "their ranges, entropy between 0.3 and 1.11 and explained variance 0.5 or more "
            "over the second half, |policy loss| small -- but the critic keeps "
            "underestimating the returns: the batch's mean advantage is positive on 80 % "
            "or more of the updates after the first quarter (a healthy critic's errors "
            "change sign more often), because each return runs on into the following "
            "episodes",
            leaks_across_episode_ends,
        ),
        gae_fn=leaky_gae,
    ),
    "critic_not_trained": Fault(
        {"vf_coef": 0.0},
        (
            "value-loss coefficient 0: the critic never learns, so the advantages are returns "
            "minus a random function"
        ),
        Signature(
            "explained variance stuck at 0: after the first tenth of the run its median "
            "size is under 0.1 and it never reaches the healthy range (0.5)",
            critic_explains_nothing,
        ),
    ),
}


# --- Training -------------------------------------------------------------------------------


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


def train_run(name: str, seed: int | None = None) -> dict:
    """Train run ``name`` (on ``seed``, else the baseline's) and return its record: ``name``,
    ``seed``, ``config``, ``gae_fn``, ``history`` (rounded rows), ``episodes``, ``wall_time_s``."""
    fault = FAULTS[name]
    config = make_config(fault.overrides, seed)
    start = time.perf_counter()
    result = train(config, gae_fn=fault.gae_fn or compute_gae, progress=False)
    wall = time.perf_counter() - start
    history = [{k: _round(v) for k, v in row.items()} for row in result.history]
    print(
        f"{name:20s} seed {config.seed:3d} {wall:6.1f} s  mean return (last 100 episodes) "
        f"{result.mean_return(100):8.1f}",
        flush=True,
    )
    return {
        "name": name,
        "seed": config.seed,
        "config": config.to_dict(),
        "gae_fn": getattr(fault.gae_fn, "__name__", "compute_gae"),
        "history": history,
        "episodes": len(result.episode_returns),
        "wall_time_s": round(wall, 1),
    }


def cached_run(name: str, seed: int, folder: Path | None, reuse: bool) -> dict:
    """``train_run(name, seed)``, kept as ``folder/{name}_seed{seed}.json`` when ``folder`` is
    given; with ``reuse``, a kept run of the same configuration is read instead of retrained."""
    path = folder / f"{name}_seed{seed}.json" if folder is not None else None
    if reuse and path is not None and path.exists():
        kept = json.loads(path.read_text())
        if kept.get("config") == make_config(FAULTS[name].overrides, seed).to_dict():
            return kept
        print(f"{path} was trained with another configuration: training again", flush=True)
    run = train_run(name, seed)
    if path is not None:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(run, separators=(",", ":")) + "\n")
    return run


def record(name: str, out_dir: Path) -> dict:
    """Train run ``name`` on the baseline seed, write its history file, return its manifest
    entry."""
    fault = FAULTS[name]
    run = train_run(name)
    path = out_dir / f"{name}.json"
    path.write_text(
        json.dumps({"name": name, "history": run["history"]}, separators=(",", ":")) + "\n"
    )
    return {
        "name": name,
        "file": path.name,
        "fault": fault.description,
        "signature": fault.signature.text,
        "overrides": fault.overrides,
        "gae_fn": run["gae_fn"],
        "config": run["config"],
        "updates": len(run["history"]),
        "episodes": run["episodes"],
        "final_mean_return_100": _round(final_return(run["history"])),
        "signatures_holding": signatures_holding(run["history"]),
        "wall_time_s": run["wall_time_s"],
    }


def seed_study(seeds: list[int], folder: Path | None, reuse: bool) -> list[dict]:
    """The healthy baseline on other seeds: how much the return at the end varies by chance."""
    study = []
    for seed in seeds:
        history = cached_run("healthy", seed, folder, reuse)["history"]
        study.append(
            {
                "seed": seed,
                "final_mean_return_100": _round(final_return(history)),
                "lands": FAULTS["healthy"].signature.holds(history),
            }
        )
    return study


# --- Checking the signatures on other seeds -----------------------------------------------------
MAX_FAILED_SEEDS = 1  # a run may miss its signature (or show another's) on one checked seed


def signatures_holding(history: list[dict]) -> list[str]:
    """The runs whose signature this history shows, in FAULTS order."""
    return [name for name, fault in FAULTS.items() if fault.signature.holds(history)]


def check_row(name: str, seed: int, history: list[dict]) -> dict:
    """One line of the check: does run ``name`` on ``seed`` show its signature, and whose else?"""
    if name not in FAULTS:
        raise ValueError(f"unknown run {name!r}: use one of {list(FAULTS)}")
    holding = signatures_holding(history)
    return {
        "run": name,
        "seed": seed,
        "holds": name in holding,
        "also": [other for other in holding if other != name],
        "final_return": final_return(history),
    }


def row_passes(row: dict) -> bool:
    """A run is told apart on a seed when its own signature holds and no other does."""
    return row["holds"] and not row["also"]


def check_failures(rows: list[dict]) -> list[str]:
    """One message per run that is not told apart on more than MAX_FAILED_SEEDS seeds."""
    messages = []
    for name in FAULTS:
        failed = [row for row in rows if row["run"] == name and not row_passes(row)]
        if len(failed) > MAX_FAILED_SEEDS:
            seeds = ", ".join(
                f"{row['seed']}" + (f" (also {'+'.join(row['also'])})" if row["also"] else "")
                for row in failed
            )
            messages.append(f"{name}: not told apart on {len(failed)} seeds: {seeds}")
    return messages


def _cell(row: dict) -> str:
    """A table cell: yes/no, which other signatures fired, and the final return."""
    verdict = "yes" if row["holds"] else "**no**"
    also = f", also {'+'.join(row['also'])}" if row["also"] else ""
    return f"{verdict}{also} ({row['final_return']:.0f})"


def format_check(rows: list[dict]) -> str:
    """The check as a Markdown table: one line per run, one column per seed."""
    seeds = sorted({row["seed"] for row in rows})
    lines = [
        "| run | " + " | ".join(f"seed {s}" for s in seeds) + " |",
        "|---|" + "---|" * len(seeds),
    ]
    for name in FAULTS:
        by_seed = {row["seed"]: row for row in rows if row["run"] == name}
        if by_seed:
            cells = [_cell(by_seed[s]) if s in by_seed else "-" for s in seeds]
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_check(seeds: list[int], folder: Path | None, reuse: bool) -> int:
    """Retrain (or, with ``reuse``, reread) every run on ``seeds``, print the table, and return
    the exit status: 1 if any run is not told apart on more than MAX_FAILED_SEEDS seeds."""
    if not seeds:
        raise SystemExit("--check needs seeds to train on, e.g. --check --seeds 11 12 13")
    rows = []
    for seed in seeds:
        for name in FAULTS:
            rows.append(check_row(name, seed, cached_run(name, seed, folder, reuse)["history"]))
    print("\nsignature holds? (yes/no, other signatures that also hold, final mean return)")
    print(format_check(rows))
    failures = check_failures(rows)
    for message in failures:
        print(f"FAILED {message}")
    if not failures:
        print(f"OK: every run told apart on all but at most {MAX_FAILED_SEEDS} of the seeds")
    return 1 if failures else 0


# --- Recording ----------------------------------------------------------------------------------


def write_manifest(
    out_dir: Path,
    names: list[str] | None,
    study_seeds: list[int] | None,
    folder: Path | None,
    reuse: bool,
) -> dict:
    """Record the runs ``names`` (all if None) and the seed study, keep the other entries of an
    existing manifest, and write ``manifest.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    entries = {e["name"]: e for e in old.get("runs", [])}
    for name in list(FAULTS) if names is None else names:
        entries[name] = record(name, out_dir) | {"date": dt.date.today().isoformat()}
    study = seed_study(study_seeds, folder, reuse) if study_seeds else old.get("seed_study", [])
    manifest = {
        "script": SCRIPT_NAME,
        "description": "Lab 5 diagnosis exercise: LunarLander-v3 PPO runs, one healthy and one "
        "per injected fault; each file holds the per-update history rows "
        "(CleanRL keys) of ppo_core.train.",
        "ppo_core_version": ppo_core.__version__,
        "torch_version": torch.__version__,
        "gymnasium_version": gymnasium.__version__,
        "python_version": platform.python_version(),
        "baseline": make_config().to_dict(),
        "signatures": {name: fault.signature.text for name, fault in FAULTS.items()},
        "runs": [entries[n] for n in FAULTS if n in entries],
        "seed_study": study,
    }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(manifest['runs'])} runs and {manifest_path}")
    return manifest


def refresh_signatures(out_dir: Path) -> dict:
    """Rewrite the manifest's signature texts and, per run, the signatures its recorded history
    shows, without training: for after a signature's wording or threshold changed."""
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.exists():
        raise SystemExit(
            f"no {manifest_path}: record the runs first (run this script without "
            f"--refresh-signatures)"
        )
    manifest = json.loads(manifest_path.read_text())
    manifest["signatures"] = {name: fault.signature.text for name, fault in FAULTS.items()}
    for entry in manifest["runs"]:
        history = json.loads((out_dir / entry["file"]).read_text())["history"]
        entry["signature"] = FAULTS[entry["name"]].signature.text
        entry["signatures_holding"] = signatures_holding(history)
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"refreshed the signatures in {manifest_path}")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Record the runs (default) or check their signatures on other seeds (``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="*",
        choices=list(FAULTS),
        help="record only these runs (none: only the seed study)",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="*",
        default=None,
        help="record mode: the seed study's seeds (default 2 3 4 5; none to keep "
        "the recorded study); --check: the seeds to check on",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="retrain every run on --seeds and check that each shows its "
        "signature and no other's; exit 1 if not",
    )
    parser.add_argument(
        "--histories",
        type=Path,
        default=None,
        help="keep every trained run's history here as NAME_seedSEED.json",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="read kept histories (same configuration) instead of training",
    )
    parser.add_argument(
        "--refresh-signatures",
        action="store_true",
        help="only rewrite the manifest's signatures from the recorded runs",
    )
    args = parser.parse_args(argv)
    if args.reuse and args.histories is None:
        parser.error("--reuse reads the histories kept with --histories DIR: pass that folder")
    if args.check:
        return run_check(args.seeds or [], args.histories, args.reuse)
    if args.refresh_signatures:
        refresh_signatures(args.out)
        return 0
    seeds = [2, 3, 4, 5] if args.seeds is None else args.seeds
    write_manifest(args.out, args.only, seeds, args.histories, args.reuse)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
