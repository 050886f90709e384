"""The live-demo widgets (ppo_viz.widgets), tested without a browser.

Slider changes are simulated by setting ``slider.value`` (the same ``observe`` callback a drag
fires); the figure's artists, the statistics and the rendered PNG must follow. The numbers the
demos show are checked against ppo_core's own implementations of Eq. 7 and Eq. 11.
"""

from __future__ import annotations

import math

import ipywidgets
import numpy as np
import pytest
import torch

import ppo_core
from ppo_core import clip_fraction, clipped_surrogate_loss, compute_gae, plug
from ppo_core.exercises import Withheld
from ppo_core.pretrained import load_batch, load_episode
from ppo_viz.widgets import (
    ClipObjectiveDemo,
    GAEDemo,
    clip_objective_demo,
    clipped_objective,
    gae_curves,
    gae_demo,
    gets_gradient,
)


@pytest.fixture(scope="module")
def clip_widget():
    return clip_objective_demo()


@pytest.fixture(scope="module")
def gae_widget():
    return gae_demo()


# ---------------------------------------------------------------- clipped objective (epsilon)


@pytest.mark.parametrize("eps", [0.1, 0.2, 0.3])
def test_clipped_objective_case_analysis(eps):
    r = np.linspace(0.0, 2.0, 401)
    dr = r[1] - r[0]
    for sign in (1.0, -1.0):
        obj = clipped_objective(r, sign, eps)
        slope = np.gradient(obj, dr)
        flat = (r > 1 + eps + dr) if sign > 0 else (r < 1 - eps - dr)
        moving = (r < 1 + eps - dr) if sign > 0 else (r > 1 - eps + dr)
        assert np.allclose(slope[flat], 0.0)  # the shaded, zero-gradient region
        assert np.allclose(slope[moving], sign)  # elsewhere the unclipped r A
        assert np.all(obj <= r * sign + 1e-12)  # a pessimistic (lower) bound


@pytest.mark.parametrize("eps", [0.1, 0.2, 0.35])
def test_batch_statistics_match_the_library(eps):
    batch = load_batch()
    demo = ClipObjectiveDemo(batch, eps)
    new = torch.as_tensor(batch["new_log_probs"], dtype=torch.float64)
    old = torch.as_tensor(batch["old_log_probs"], dtype=torch.float64)
    adv = torch.as_tensor(demo.advantages)
    assert demo.stats["clip_fraction"] == pytest.approx(clip_fraction(new, old, eps), abs=1e-6)
    assert demo.stats["surrogate"] == pytest.approx(
        -float(clipped_surrogate_loss(new, old, adv, eps)), abs=1e-9
    )
    assert demo.stats["zero_gradient_fraction"] <= demo.stats["clip_fraction"]
    assert demo.stats["surrogate"] <= demo.stats["unclipped"] + 1e-12


def test_clip_widget_structure(clip_widget):
    assert isinstance(clip_widget, ipywidgets.VBox)
    slider = clip_widget.slider
    assert isinstance(slider, ipywidgets.FloatSlider)
    assert "epsilon" in slider.description
    assert slider.value == pytest.approx(0.2)
    assert any(isinstance(c, ipywidgets.Output) for c in clip_widget.children)
    assert clip_widget.demo.png.startswith(b"\x89PNG")


def test_moving_epsilon_updates_everything(clip_widget):
    demo = clip_widget.demo
    slider = clip_widget.slider
    slider.value = 0.2
    png, summary, stats = demo.png, clip_widget.summary.value, dict(demo.stats)
    spans = dict(demo.flat_spans)
    slider.value = 0.1  # what a drag in the browser does
    assert demo.eps == pytest.approx(0.1)
    assert demo.png != png and demo.png.startswith(b"\x89PNG")
    assert clip_widget.summary.value != summary and "0.10" in clip_widget.summary.value
    assert demo.stats["clip_fraction"] > stats["clip_fraction"]  # narrower range clips more
    assert demo.flat_spans != spans
    assert demo.flat_spans[1.0][0][0] == pytest.approx(1.1, abs=1e-3)  # A > 0: flat past 1 + eps
    assert demo.flat_spans[-1.0][0][1] == pytest.approx(0.9, abs=1e-3)  # A < 0: below 1 - eps
    np.testing.assert_allclose(demo.curves[1.0].get_ydata(), clipped_objective(demo._r, 1.0, 0.1))
    assert "epsilon = 0.10" in demo.title.get_text()
    assert "[0.90, 1.10]" in demo.hist_text.get_text()
    slider.value = 0.2
    assert demo.png == png  # same epsilon, same picture


def test_clip_demo_rejects_bad_epsilon():
    demo = ClipObjectiveDemo(eps=0.2)
    with pytest.raises(ValueError, match="epsilon must lie in"):
        demo.update(1.5)


# ---------------------------------------------------------------- GAE (lambda, gamma)


@pytest.mark.parametrize("gamma", [0.9, 0.99, 0.999, 1.0])
def test_gae_curves_match_compute_gae(gamma):
    ep = load_episode()
    args = [ep[k] for k in ("rewards", "values", "next_values", "terminated", "truncated")]
    lams = [0.0, 0.5, 0.95, 1.0]
    curves = gae_curves(*args, gamma=gamma, lams=lams)
    for lam, curve in zip(lams, curves):
        expected, _ = compute_gae(*args, gamma, lam)
        np.testing.assert_allclose(curve, expected, rtol=1e-10, atol=1e-9)


def test_lambda_one_is_monte_carlo_and_zero_is_td():
    ep = {k: np.asarray(v, np.float64) for k, v in load_episode().items()}
    gamma = 0.999
    curves = gae_curves(
        ep["rewards"],
        ep["values"],
        ep["next_values"],
        ep["terminated"],
        ep["truncated"],
        gamma,
        [0.0, 1.0],
    )
    # lambda = 1: discounted return-to-go (bootstrapped only if the episode was truncated) - V.
    tail = 0.0 if ep["terminated"][-1] else gamma * ep["next_values"][-1]
    returns = np.zeros_like(ep["rewards"])
    for t in reversed(range(len(ep["rewards"]))):
        tail = ep["rewards"][t] + gamma * tail
        returns[t] = tail
    np.testing.assert_allclose(curves[1], returns - ep["values"], rtol=1e-9, atol=1e-6)
    td = ep["rewards"] + gamma * ep["next_values"] * (1 - ep["terminated"]) - ep["values"]
    np.testing.assert_allclose(curves[0], td, atol=1e-9)


def test_gae_widget_structure(gae_widget):
    assert isinstance(gae_widget, ipywidgets.VBox)
    assert "lambda" in gae_widget.lam_slider.description
    assert "gamma" in gae_widget.gamma_slider.description
    assert gae_widget.gamma_slider.value == pytest.approx(0.999)
    assert gae_widget.demo.png.startswith(b"\x89PNG")


def test_moving_lambda_updates_the_advantages(gae_widget):
    demo = gae_widget.demo
    gae_widget.lam_slider.value = 0.95
    png, adv = demo.png, demo.adv_line.get_ydata().copy()
    gae_widget.lam_slider.value = 0.5
    assert demo.png != png
    assert not np.allclose(demo.adv_line.get_ydata(), adv)
    np.testing.assert_allclose(demo.adv_line.get_ydata(), demo.all_adv[25])  # grid point 0.5
    assert "lambda = 0.50" in demo.title.get_text()
    assert "lambda = 0.50" in gae_widget.summary.value
    gae_widget.lam_slider.value = 1.0
    assert demo.stats["gap_to_mc"] == pytest.approx(0.0, abs=1e-9)


def test_bias_variance_trade_off_on_the_real_episode():
    demo = GAEDemo(lam=0.95, gamma=0.999)
    # Variance: the spread of the advantages grows towards Monte Carlo ...
    assert demo.spread[-1] > 1.5 * demo.spread[0]
    # ... while the distance from the Monte Carlo estimate shrinks to zero.
    assert demo.gap[0] > demo.gap[25] > demo.gap[45] > demo.gap[-1] == 0.0


def test_moving_gamma_recomputes_and_warns_about_the_critic(gae_widget):
    demo = gae_widget.demo
    gae_widget.gamma_slider.value = 0.999
    gap = demo.gap.copy()
    assert "Note" not in gae_widget.summary.value
    gae_widget.gamma_slider.value = 0.99
    assert not np.allclose(demo.gap, gap)
    assert "critic was trained for gamma = 0.999" in gae_widget.summary.value
    assert "gamma = 0.990" in demo.title.get_text()
    assert math.isfinite(demo.stats["horizon"])
    gae_widget.gamma_slider.value = 0.999


def test_gae_demo_rejects_bad_lambda():
    with pytest.raises(ValueError, match="lambda must lie in"):
        GAEDemo().update(1.2)


# ---------------------------------------------------------------- the learner's functions


def counting(function):
    """``function`` with a list of its calls, standing in for a learner's version."""
    calls = []

    def learners(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return calls, learners


def test_clip_demo_draws_the_given_functions():
    loss_calls, loss = counting(clipped_surrogate_loss)
    fraction_calls, fraction = counting(clip_fraction)
    box = clip_objective_demo(loss_fn=loss, clip_fraction_fn=fraction)
    assert loss_calls and fraction_calls
    drawn = len(loss_calls)
    box.slider.value = 0.3
    assert len(loss_calls) > drawn, "a slider move redraws with the given loss"
    # a loss that doubles: the curve drawn is the given function's, not the library's
    doubled = ClipObjectiveDemo(eps=0.2, loss_fn=lambda *a: 2 * clipped_surrogate_loss(*a))
    np.testing.assert_allclose(
        doubled.curves[1.0].get_ydata(), 2 * clipped_objective(doubled._r, 1.0, 0.2)
    )


def test_gae_demo_draws_the_given_function():
    calls, gae = counting(compute_gae)
    box = gae_demo(gae_fn=gae)
    assert len(calls) >= len(GAEDemo.LAMBDAS)
    shifted = GAEDemo(gae_fn=lambda *a: (compute_gae(*a)[0] + 1.0, None))
    np.testing.assert_allclose(shifted.all_adv, box.demo.all_adv + 1.0)


@pytest.mark.parametrize(
    "name, make",
    [
        ("clipped_surrogate_loss", clip_objective_demo),
        ("clip_fraction", clip_objective_demo),
        ("compute_gae", gae_demo),
    ],
)
def test_demos_draw_a_plugged_function(name, make):
    """Without an argument, a demo draws the function plugged in for the session (the plug is
    the registry's, asked when the demo is made); unplugged, the library's own again."""
    calls, learners = counting(plug.LIBRARY[name])
    with ppo_core.plug_in(**{name: learners}):
        make()
    assert calls, f"the demo did not call the plugged {name}"
    drawn = len(calls)
    make()
    assert len(calls) == drawn, "after the plug, the demo calls the library's own"


def test_demos_without_the_reference_need_the_learners_function(monkeypatch):
    monkeypatch.setattr(
        "ppo_core._withheld.WITHHELD",
        frozenset({"clipped_surrogate_loss", "clip_fraction", "compute_gae"}),
    )
    with pytest.raises(Withheld, match="clipped_surrogate_loss is an exercise of Lab 3") as err:
        ClipObjectiveDemo()
    assert "loss_fn=clipped_surrogate_loss" in str(err.value)
    with pytest.raises(Withheld, match="compute_gae is an exercise of Lab 2") as err:
        GAEDemo()
    assert err.value.lab.id == "lab2_gae" and "gae_fn=compute_gae" in str(err.value)
    assert ClipObjectiveDemo(loss_fn=clipped_surrogate_loss).stats
    assert GAEDemo(gae_fn=compute_gae).stats


@pytest.mark.parametrize("eps", [0.1, 0.2])
def test_without_clip_fraction_the_clip_demo_counts_what_the_loss_clips(monkeypatch, eps):
    """Before Lab 5 a student build has no clip_fraction: the share shown is the share of
    samples the given loss clips, a number, never a placeholder; for Eq. 7 it is the same
    share as the library's clip_fraction."""
    monkeypatch.setattr(
        "ppo_core._withheld.WITHHELD", frozenset({"clipped_surrogate_loss", "clip_fraction"})
    )
    batch = load_batch()
    demo = ClipObjectiveDemo(batch, eps, loss_fn=clipped_surrogate_loss)
    new = torch.as_tensor(batch["new_log_probs"], dtype=torch.float64)
    old = torch.as_tensor(batch["old_log_probs"], dtype=torch.float64)
    assert demo.stats["clip_fraction_from"] == "loss"
    assert demo.stats["clip_fraction"] == pytest.approx(clip_fraction(new, old, eps), abs=1e-6)
    shown = demo.hist_text.get_text() + demo.summary_html()
    assert "Lab" not in shown and "nan" not in shown
    assert f"{demo.stats['clip_fraction']:.1%}" in demo.summary_html()
    assert "the loss clips" in demo.summary_html()


def test_the_clip_demo_shades_where_the_given_loss_clips():
    """The shaded regions are where the drawn loss gives no gradient, not where Eq. 7 would:
    a learner's loss that clips at 1 +- 2 eps is shaded there, the dotted lines stay at
    1 +- eps, and a loss without a clip shades nothing and clips no sample."""
    eps = 0.1

    def wide(new, old, adv, clip_eps):
        return clipped_surrogate_loss(new, old, adv, 2 * clip_eps)

    demo = ClipObjectiveDemo(eps=eps, loss_fn=wide)
    assert demo.flat_spans[1.0][0][0] == pytest.approx(1.2, abs=1e-3)
    assert demo.flat_spans[-1.0][-1][1] == pytest.approx(0.8, abs=1e-3)
    [(lo, hi)] = demo.clip_spans
    assert (lo, hi) == (pytest.approx(0.8, abs=1e-3), pytest.approx(1.2, abs=1e-3))
    assert sorted({float(line.get_xdata()[0]) for line in demo.edges}) == pytest.approx([0.9, 1.1])
    paths = demo.flat_bands[1.0].get_paths()
    assert len(paths) == 1 and paths[0].vertices[:, 0].min() == pytest.approx(1.2, abs=1e-3)

    def unclipped(new, old, adv, clip_eps):
        return -(torch.exp(new - old) * adv).mean()

    plain = ClipObjectiveDemo(eps=eps, loss_fn=unclipped)
    assert plain.flat_spans == {1.0: [], -1.0: []}
    assert plain.stats["zero_gradient_fraction"] == 0.0
    assert plain.stats["clip_fraction"] > 0.0  # from the library's clip_fraction: |r - 1| > eps


def test_gets_gradient_is_false_where_eq7_is_flat():
    r = np.array([0.5, 0.95, 1.05, 1.5])
    assert gets_gradient(r, 1.0, 0.2).tolist() == [True, True, True, False]
    assert gets_gradient(r, -1.0, 0.2).tolist() == [False, True, True, True]
    detached = gets_gradient(r, 1.0, 0.2, lambda n, o, a, e: torch.tensor(0.0))
    assert not detached.any()  # a loss without any gradient


# ---------------------------------------------------------------- ipywidgets 7 (Google Colab)

IPYWIDGETS7_CHECK = r"""
import sys, types, io, contextlib
pkg = types.ModuleType("ppo_core"); pkg.__path__ = [sys.argv[1] + "/ppo_core"]
sys.modules["ppo_core"] = pkg  # skip ppo_core/__init__.py: it imports gymnasium, the demos do not
sys.path.insert(0, sys.argv[1])  # ppo_viz: its __init__ imports nothing
import ipywidgets
assert ipywidgets.__version__.startswith("7."), ipywidgets.__version__
from IPython.core.interactiveshell import InteractiveShell
InteractiveShell.instance()  # the display path runs as in a notebook
from ppo_viz.widgets import clip_objective_demo, gae_demo
with contextlib.redirect_stdout(io.StringIO()):
    clip, gae = clip_objective_demo(), gae_demo()
    from ppo_core.gae import compute_gae
    from ppo_core.losses import clipped_surrogate_loss
    assert clip_objective_demo(loss_fn=clipped_surrogate_loss).demo.png
    assert gae_demo(gae_fn=compute_gae).demo.png
    png = clip.demo.png
    clip.slider.value = 0.3
    assert clip.demo.eps == 0.3 and clip.demo.png != png and "0.30" in clip.summary.value
    png = gae.demo.png
    gae.lam_slider.value = 0.5
    gae.gamma_slider.value = 0.99
    assert gae.demo.png != png and "lambda = 0.50" in gae.summary.value
    for w in (clip, gae):  # every child serialises for the front end
        stack = [w]
        while stack:
            x = stack.pop(); x.get_state(); stack.extend(getattr(x, "children", ()))
print("ok", ipywidgets.__version__)
"""


def test_widgets_work_with_ipywidgets_7():
    """Set PPO_IPYWIDGETS7_PYTHON to a Python with ipywidgets 7.7.1, torch, matplotlib, numpy,
    pillow and IPython (``make test`` builds one), e.g.
    ``python3 -m venv /tmp/w7 &&
    /tmp/w7/bin/pip install torch==2.13.0 ipywidgets==7.7.1 matplotlib pillow``.
    """
    import os
    import subprocess
    from pathlib import Path

    python = os.environ.get("PPO_IPYWIDGETS7_PYTHON")
    if not python:
        pytest.skip("set PPO_IPYWIDGETS7_PYTHON to a Python with ipywidgets 7 to run this check")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [python, "-c", IPYWIDGETS7_CHECK, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("ok 7."), proc.stderr[-3000:]
