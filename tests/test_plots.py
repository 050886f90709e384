"""The demo pictures (ppo_viz.plots): right data, right markers, healthy ranges."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ppo_core.pretrained import load_batch, load_history
from ppo_viz.plots import (
    HEALTHY,
    LUNAR_LANDER_ACTIONS,
    action_heatmap,
    diagnostics_dashboard,
    ratio_histogram,
    rolling_mean,
    training_curve,
)


def _renders(fig: Figure) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")


def _horizontal_at(ax, y: float) -> list[Line2D]:
    return [
        line
        for line in ax.get_lines()
        if len(set(np.asarray(line.get_ydata(), float))) == 1
        and np.asarray(line.get_ydata(), float)[0] == pytest.approx(y)
    ]


def _vertical_at(ax, x: float) -> list[Line2D]:
    return [
        line
        for line in ax.get_lines()
        if len(set(np.asarray(line.get_xdata(), float))) == 1
        and np.asarray(line.get_xdata(), float)[0] == pytest.approx(x)
    ]


def _span_y(patch) -> tuple[float, float]:
    """(low, high) data y of an axhspan, whatever patch type this matplotlib returns."""
    ys = patch.get_patch_transform().transform(patch.get_path().vertices)[:, 1]
    return float(ys.min()), float(ys.max())


def test_rolling_mean():
    np.testing.assert_allclose(rolling_mean([1, 2, 3, 4], window=2), [1, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(rolling_mean([5.0], window=100), [5.0])


def test_training_curve_marks_the_threshold():
    fig = training_curve()
    ax = fig.axes[0]
    assert _horizontal_at(ax, 200.0), "the 200 'solved' line is missing"
    run = load_history()
    scatter = ax.collections[0].get_offsets()
    assert len(scatter) == len(run["episode_returns"])
    mean_line = next(line for line in ax.get_lines() if "mean of the last" in line.get_label())
    np.testing.assert_allclose(mean_line.get_ydata(), rolling_mean(run["episode_returns"], 100))
    _renders(fig)


def test_training_curve_custom_threshold_and_errors():
    run = {"episode_returns": [0.0, 10.0, 20.0], "episode_steps": [5, 10, 15]}
    assert _horizontal_at(training_curve(run, threshold=475).axes[0], 475.0)
    with pytest.raises(ValueError, match="one global step per finished episode"):
        training_curve({"episode_returns": [1.0, 2.0], "episode_steps": [1]})


def test_action_heatmap_shows_frequencies_per_update():
    rows = load_history()["history"]
    fig = action_heatmap(rows)
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    assert image.shape == (4, len(rows))
    np.testing.assert_allclose(image.sum(axis=0), 1.0, atol=1e-4)
    np.testing.assert_allclose(image[:, 0], rows[0]["charts/action_frequencies"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(LUNAR_LANDER_ACTIONS)
    # Training moved the distribution away from uniform.
    assert np.abs(image[:, -1] - 0.25).max() > np.abs(image[:, 0] - 0.25).max()
    _renders(fig)
    with pytest.raises(ValueError, match="action_frequencies"):
        action_heatmap([{"global_step": 1}])


@pytest.mark.parametrize("eps", [None, 0.1, 0.3])
def test_ratio_histogram_marks_the_clip_range(eps):
    batch = load_batch()
    fig = ratio_histogram(batch, clip_coef=eps)
    ax = fig.axes[0]
    e = float(batch["clip_coef"]) if eps is None else eps
    assert _vertical_at(ax, 1 - e) and _vertical_at(ax, 1 + e)
    ratio = np.exp(batch["new_log_probs"].astype(float) - batch["old_log_probs"])
    assert f"{np.mean(np.abs(ratio - 1) > e):.1%} outside" in ax.get_title()
    assert sum(p.get_height() for p in ax.patches[1:]) == len(ratio)  # every sample binned
    _renders(fig)


# The documented rules of thumb (ppo_core.diagnostics, the plots docstring, the presenter text).
EXPECTED_BANDS = {
    "losses/approx_kl": (0.001, 0.03),
    "losses/clipfrac": (0.01, 0.2),
    "losses/explained_variance": (0.5, 1.0),
}


def test_diagnostics_dashboard_marks_ln_actions_and_healthy_ranges():
    assert EXPECTED_BANDS == HEALTHY
    rows = load_history()["history"]
    fig = diagnostics_dashboard(rows)
    axes = {ax.get_title(): ax for ax in fig.axes}
    entropy = axes["policy entropy"]
    assert _horizontal_at(entropy, math.log(4)), "ln|A| = 1.386 must be marked"
    assert any("1.386" in line.get_label() for line in entropy.get_lines())
    assert entropy.get_ylim()[1] < 2.0  # the syllabus's "2.0+" is impossible with 4 actions
    values = next(line for line in entropy.get_lines() if len(line.get_ydata()) == len(rows))
    assert np.nanmax(values.get_ydata()) <= math.log(4) + 1e-6
    for title, key in (
        ("approx KL(old || new)", "losses/approx_kl"),
        ("clip fraction", "losses/clipfrac"),
        ("explained variance", "losses/explained_variance"),
    ):
        spans = [_span_y(p) for p in axes[title].patches]
        low, high = EXPECTED_BANDS[key]
        assert any(lo == pytest.approx(low) and hi == pytest.approx(high) for lo, hi in spans), (
            title,
            spans,
        )
    assert any(t.startswith("value loss") for t in axes)
    _renders(fig)


def test_dashboard_entropy_ceiling_follows_the_action_count():
    rows = [{"global_step": 1, "losses/entropy": 0.5}, {"global_step": 2, "losses/entropy": 0.4}]
    fig = diagnostics_dashboard(rows, num_actions=2)
    entropy = next(ax for ax in fig.axes if ax.get_title() == "policy entropy")
    assert _horizontal_at(entropy, math.log(2))


def test_dashboard_shows_the_mean_advantage_against_zero_and_the_policy_loss_size():
    """The gae_leak run's signature (a mean advantage above 0 on nearly every update) and the
    no_adv_norm run's (|policy loss| on the reward scale) are visible on the dashboard."""
    rows = [
        {"global_step": i, "advantages/mean": m, "losses/policy_loss": p}
        for i, (m, p) in enumerate([(0.5, -0.2), (-0.25, 0.1), (1.0, None)], start=1)
    ]
    fig = diagnostics_dashboard(rows)
    axes = {ax.get_title(): ax for ax in fig.axes}
    assert len(fig.axes) == 8
    advantage = axes["mean advantage (before normalisation)"]
    assert _horizontal_at(advantage, 0.0), "the zero line must be marked"
    curve = next(line for line in advantage.get_lines() if len(line.get_ydata()) == len(rows))
    np.testing.assert_allclose(curve.get_ydata(), [0.5, -0.25, 1.0])
    loss = axes["|policy loss|"]
    curve = next(line for line in loss.get_lines() if len(line.get_ydata()) == len(rows))
    np.testing.assert_allclose(curve.get_ydata(), [0.2, 0.1, np.nan])
    assert loss.get_yscale() == "log"
    _renders(fig)


def test_diagnostics_docstring_quotes_the_dashboard_bands():
    """ppo_core.diagnostics tells the same healthy ranges the dashboard shades."""
    import ppo_core.diagnostics

    doc = " ".join(ppo_core.diagnostics.__doc__.split())
    for key in ("losses/approx_kl", "losses/clipfrac"):
        low, high = HEALTHY[key]
        assert f"{low:g} to {high:g}" in doc, key
    assert ":data:`HEALTHY`" in doc
    assert ppo_core.diagnostics.HEALTHY is HEALTHY  # the dashboard shades the library's bands
