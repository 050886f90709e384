"""The pictures of the live demo and of Lab 5, drawn from a run's history (plain matplotlib).

Every function takes the data explicitly (``history`` rows with CleanRL keys, as in
``TrainResult.history``; or a batch from :func:`ppo_core.pretrained.load_batch`) and returns a
``matplotlib.figure.Figure``. Called without data, they use the shipped pretrained run.
Figures are built without pyplot, so a notebook shows each exactly once.

Healthy ranges shaded in :func:`diagnostics_dashboard` are rules of thumb for PPO on small
control tasks like LunarLander (see ``ppo_core.diagnostics``), not laws:

==================  ====================  ====================================================
metric              shaded as healthy     what leaving it usually means
==================  ====================  ====================================================
entropy             0.3 to ln|A|          near 0 early: premature collapse; flat at ln|A|: not
                                          learning. ln|A| (1.386 for 4 actions) is the maximum.
approx_kl           0.001 to 0.03         above: steps too big (lower the learning rate)
clipfrac            0.01 to 0.2           above 0.3: the clip is doing all the work
explained variance  0.5 to 1              below 0: the critic is worse than a constant
value loss          (none: scale-bound)   should fall, then level off; spikes = return jumps
mean advantage      (none: changes sign)  above 0 on nearly every update: the critic keeps
                                          underestimating (e.g. GAE across episode ends)
==================  ====================  ====================================================
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from ppo_core.diagnostics import ENTROPY_FLOOR, HEALTHY

LUNAR_LANDER_ACTIONS = ("do nothing", "fire left engine", "fire main engine", "fire right engine")

# The healthy bands the dashboard shades are the library's (Lab 5 teaches them).


def _history(history):
    if history is None:
        from ppo_core.pretrained import load_history

        return load_history()["history"]
    if isinstance(history, dict) and "history" in history:
        return history["history"]
    return list(history)


def _column(rows: list[dict], key: str) -> np.ndarray:
    """One metric over the updates, float, missing or None -> NaN."""
    return np.array([np.nan if row.get(key) is None else float(row[key]) for row in rows])


def _steps(rows: list[dict]) -> np.ndarray:
    return _column(rows, "global_step")


def rolling_mean(values, window: int = 100) -> np.ndarray:
    """Mean of the last ``window`` values at each index (fewer at the start)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    csum = np.cumsum(np.insert(values, 0, 0.0))
    idx = np.arange(1, values.size + 1)
    lo = np.maximum(idx - window, 0)
    return (csum[idx] - csum[lo]) / (idx - lo)


def training_curve(
    run: dict | None = None,
    threshold: float = 200.0,
    window: int = 100,
    checkpoints: dict[int, str] | None = None,
) -> Figure:
    """Return of every training episode against the environment step, with the mean of the last
    ``window`` episodes and the "solved" threshold (200 for LunarLander-v3) marked.

    Args:
        run: ``{"episode_returns": [...], "episode_steps": [...]}`` (a :class:`TrainResult`'s
            fields, or :func:`ppo_core.pretrained.load_history`); the shipped run if None.
        checkpoints: optional ``{global_step: label}`` drawn as vertical lines (e.g. the
            pretrained policies).
    """
    if run is None:
        from ppo_core.pretrained import load_history, manifest

        run = load_history()
        if checkpoints is None:
            checkpoints = {
                info["global_step"]: name.removeprefix("policy_").removesuffix(".pt")
                for name, info in manifest()["checkpoints"].items()
            }
    returns = np.asarray(run["episode_returns"], dtype=np.float64)
    steps = np.asarray(run["episode_steps"], dtype=np.float64)
    if returns.shape != steps.shape:
        raise ValueError(
            f"episode_returns has {returns.size} entries but episode_steps has "
            f"{steps.size}: pass one global step per finished episode"
        )
    fig = Figure(figsize=(8, 4), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(steps, returns, s=3, alpha=0.25, color="tab:blue", label="one episode")
    ax.plot(
        steps,
        rolling_mean(returns, window),
        color="tab:blue",
        lw=2,
        label=f"mean of the last {window}",
    )
    ax.axhline(threshold, color="tab:green", ls="--", lw=1.5, label=f"solved: {threshold:g}")
    for step, label in (checkpoints or {}).items():
        ax.axvline(step, color="0.6", lw=0.8, zorder=0)
        ax.annotate(
            label,
            (step, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=8,
            ha="left",
            va="top",
            color="0.35",
            xytext=(2, -2),
            textcoords="offset points",
        )
    ax.set_xlabel("environment steps")
    ax.set_ylabel("episode return")
    ax.set_ylim(max(returns.min(), -600) - 20 if returns.size else -600, None)
    ax.set_title("LunarLander-v3 training: return per episode")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def action_heatmap(history=None, action_names=LUNAR_LANDER_ACTIONS) -> Figure:
    """How often each action was taken in each rollout, over training.

    The figure logged as ``charts/action_frequencies``.

    Early rollouts are close to uniform (an untrained policy samples every action about equally,
    entropy ~ ln|A|); later ones concentrate on what lands the craft.
    """
    rows = _history(history)
    freqs = [row.get("charts/action_frequencies") for row in rows]
    if not freqs or any(f is None for f in freqs):
        raise ValueError(
            "history rows have no 'charts/action_frequencies': the heatmap needs a "
            "discrete-action run recorded by ppo_core.train"
        )
    freqs = np.asarray(freqs, dtype=np.float64).T  # (actions, updates)
    steps = _steps(rows)
    names = list(action_names)[: freqs.shape[0]]
    names += [f"action {i}" for i in range(len(names), freqs.shape[0])]
    fig = Figure(figsize=(8, 2.8), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(
        freqs,
        aspect="auto",
        origin="lower",
        cmap="viridis",
        vmin=0.0,
        vmax=max(0.5, float(np.nanmax(freqs))),
        interpolation="nearest",
        extent=(0, steps[-1], -0.5, freqs.shape[0] - 0.5),
    )
    ax.set_yticks(range(freqs.shape[0]), names)
    ax.set_xlabel("environment steps")
    ax.set_title("action distribution over training (share of each action per rollout)")
    fig.colorbar(image, ax=ax, label="share", pad=0.01)
    return fig


def ratio_histogram(
    batch: dict | None = None, clip_coef: float | None = None, bins: int = 80
) -> Figure:
    """Histogram of ``r = pi_new / pi_old`` over one batch, after the update, clip range marked.

    Args:
        batch: ``{"old_log_probs", "new_log_probs"}`` arrays (``load_batch()`` if None).
        clip_coef: epsilon; the batch's own ``clip_coef`` if None.
    """
    batch = batch if batch is not None else _load_batch()
    eps = float(clip_coef if clip_coef is not None else batch.get("clip_coef", 0.2))
    ratio = np.exp(
        np.asarray(batch["new_log_probs"], np.float64)
        - np.asarray(batch["old_log_probs"], np.float64)
    )
    outside = np.abs(ratio - 1.0) > eps
    lo, hi = np.quantile(ratio, [0.001, 0.999])
    lo, hi = min(lo, 1 - 1.5 * eps), max(hi, 1 + 1.5 * eps)
    edges = np.linspace(lo, hi, bins + 1)
    fig = Figure(figsize=(7, 3.5), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.axvspan(
        1 - eps,
        1 + eps,
        color="tab:green",
        alpha=0.12,
        label=f"clip range [1-eps, 1+eps], eps = {eps:g}",
    )
    ax.hist(np.clip(ratio, lo, hi), bins=edges, color="tab:blue", alpha=0.85)
    for x in (1 - eps, 1 + eps):
        ax.axvline(x, color="tab:green", lw=1.5)
    ax.axvline(1.0, color="0.3", lw=0.8, ls=":")
    ax.set_xlabel("probability ratio r = pi_new(a|s) / pi_old(a|s)")
    ax.set_ylabel("samples")
    step = batch.get("global_step")
    where = f" (rollout at step {int(step):,})" if step is not None else ""
    ax.set_title(f"ratios after one PPO update{where}: {outside.mean():.1%} outside the clip range")
    ax.legend(loc="upper right", fontsize=8)
    return fig


def _load_batch() -> dict:
    from ppo_core.pretrained import load_batch

    return load_batch()


def _panel(
    ax, rows: list[dict], key: str, title: str, band=None, log: bool = False, absolute: bool = False
):
    """One diagnostic over the environment steps (its size if ``absolute``), its healthy band
    (if any) shaded."""
    values = _column(rows, key)
    if absolute:
        values = np.abs(values)
    if band is not None:
        ax.axhspan(*band, color="tab:green", alpha=0.12, label="healthy")
    ax.plot(_steps(rows), values, color="tab:blue", lw=1.2)
    ax.set_title(title, fontsize=10)
    if log:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    return values


def _policy_panels(axes, rows: list[dict], num_actions: int) -> None:
    """Top row: how the policy moves (entropy, approx KL, clip fraction, |policy loss|)."""
    max_entropy = math.log(num_actions)
    ax = axes[0]
    _panel(ax, rows, "losses/entropy", "policy entropy", band=(ENTROPY_FLOOR, max_entropy))
    ax.axhline(
        max_entropy,
        color="tab:red",
        ls="--",
        lw=1.2,
        label=f"ln|A| = ln {num_actions} = {max_entropy:.3f} (maximum)",
    )
    ax.set_ylim(0, max_entropy * 1.12)
    ax.legend(fontsize=7, loc="lower left")
    _panel(
        axes[1],
        rows,
        "losses/approx_kl",
        "approx KL(old || new)",
        band=HEALTHY["losses/approx_kl"],
        log=True,
    )
    axes[1].legend(fontsize=7)
    _panel(axes[2], rows, "losses/clipfrac", "clip fraction", band=HEALTHY["losses/clipfrac"])
    axes[2].set_ylim(0, None)
    # Normalised advantages keep |policy loss| around 0.01; raw ones put it on the reward scale.
    _panel(axes[3], rows, "losses/policy_loss", "|policy loss|", log=True, absolute=True)


def _critic_panels(axes, rows: list[dict]) -> None:
    """Bottom row: the critic and the data (explained variance, value loss, mean advantage),
    and the return for context."""
    ax = axes[0]
    _panel(
        ax,
        rows,
        "losses/explained_variance",
        "explained variance",
        band=HEALTHY["losses/explained_variance"],
    )
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.set_ylim(-1.0, 1.05)
    _panel(
        axes[1], rows, "losses/value_loss", "value loss (no fixed range: reward scale)", log=True
    )
    # A critic that keeps up errs both ways, so the batch's mean advantage changes sign; one
    # that keeps underestimating (e.g. GAE running across episode ends) stays above the line.
    _panel(axes[2], rows, "advantages/mean", "mean advantage (before normalisation)")
    axes[2].axhline(0.0, color="tab:red", ls="--", lw=1.2)
    ax = axes[3]
    _panel(ax, rows, "charts/mean_return_100", "mean return, last 100 episodes")
    ax.axhline(200, color="tab:green", ls="--", lw=1.2, label="solved: 200")
    ax.legend(fontsize=7, loc="lower right")


def diagnostics_dashboard(history=None, num_actions: int = 4) -> Figure:
    """Seven PPO diagnostics over training, healthy ranges shaded (Lab 5).

    Top row, the policy: entropy (with its maximum ln|A| marked: 1.386 for LunarLander's 4
    actions), approx KL, clip fraction and |policy loss|. Bottom row, the critic and the data:
    explained variance, value loss and the batch's mean advantage (zero marked: it should change
    sign), plus the training return for context.
    """
    rows = _history(history)
    fig = Figure(figsize=(14, 6), dpi=100, layout="constrained")
    axes = fig.subplots(2, 4, sharex=True)
    _policy_panels(axes[0], rows, num_actions)
    _critic_panels(axes[1], rows)
    for ax in axes[1]:
        ax.set_xlabel("environment steps")
    fig.suptitle("PPO diagnostics (green: healthy range)", fontsize=12)
    return fig


__all__ = [
    "HEALTHY",
    "LUNAR_LANDER_ACTIONS",
    "action_heatmap",
    "diagnostics_dashboard",
    "ratio_histogram",
    "rolling_mean",
    "training_curve",
]
