"""What the labs show: their widgets on a student build, and their figures' legibility.

Each test runs a lab's own cell (its source, from ``scripts/labs/``) outside a kernel. The
widget cells run as a learner of a graded class runs them: the build withholds the library's
function (``ppo_core._withheld.WITHHELD``), and the function in the notebook is the learner's.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import ppo_core
from ppo_core import exercises

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import labkit  # noqa: E402  (needs scripts/ on the path)


def cells(lab: str) -> list:
    return labkit.build_solution(lab).cells


def code_cell(lab: str, marker: str) -> str:
    """The source of the one code cell of ``lab`` that contains ``marker``."""
    found = [c.source for c in cells(lab) if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, f"{lab}: {len(found)} code cells contain {marker!r}"
    return found[0]


def learners(name: str) -> tuple[list, object]:
    """A learner's ``name`` (the library's, counted), as the notebook's cell defines it."""
    calls: list = []
    library = exercises.library_function(name)

    def function(*args, **kwargs):
        calls.append(args)
        return library(*args, **kwargs)

    function.__name__ = name
    return calls, function


def run_widget_cell(lab: str, marker: str, namespace: dict) -> list:
    """Run the widget cell of ``lab`` interactively (not under the grader); what it displayed."""
    shown: list = []
    namespace.update(FAST=False, display=shown.append)
    exec(code_cell(lab, marker), namespace)
    return shown


def withhold(monkeypatch, lab: str) -> None:
    """Make ppo_core a student build that leaves ``lab``'s exercises (and later ones') to the
    learner, as a graded class has it while working on ``lab``."""
    number = exercises.lab(lab).number
    later = [e.name for e in exercises.EXERCISES if exercises.lab_of(e.name).number >= number]
    monkeypatch.setattr("ppo_core._withheld.WITHHELD", frozenset(later))


# --- Lab 2: the lambda slider -----------------------------------------------------------------


def test_lab2_shows_a_lambda_slider_drawn_with_the_learners_gae(monkeypatch, capsys):
    lab = "lab2_gae"
    withhold(monkeypatch, lab)
    assert not ppo_core.reference_available("compute_gae")
    calls, compute_gae = learners("compute_gae")
    [box] = run_widget_cell(lab, "gae_demo(", {"compute_gae": compute_gae})
    assert "unavailable" not in capsys.readouterr().out
    assert calls, "the slider is not drawn with the learner's compute_gae"
    drawn = len(calls)
    box.lam_slider.value = 0.5
    assert len(calls) > drawn and "lambda = 0.50" in box.summary.value
    # It sits in section 3, after the bias/variance measurement, before section 4.
    sources = [c.source for c in cells(lab)]
    slider = next(i for i, s in enumerate(sources) if "gae_demo(" in s)
    measured = next(i for i, s in enumerate(sources) if "bias_sq, variance, mse" in s)
    section_4 = next(i for i, s in enumerate(sources) if s.startswith("## 4."))
    assert measured < slider < section_4


def test_lab2_slider_is_skipped_while_grading():
    shown: list = []
    exec(code_cell("lab2_gae", "gae_demo("), {"FAST": True, "display": shown.append})
    assert shown == []


# --- Lab 3: the epsilon widget ----------------------------------------------------------------


def test_lab3_widget_on_a_student_build_shows_numbers_from_the_learners_loss(monkeypatch, capsys):
    lab = "lab3_clipped_loss"
    withhold(monkeypatch, lab)
    assert not ppo_core.reference_available("clip_fraction")
    calls, loss = learners("clipped_surrogate_loss")
    [box] = run_widget_cell(lab, "clip_objective_demo(", {"clipped_surrogate_loss": loss})
    assert "unavailable" not in capsys.readouterr().out
    assert calls
    demo = box.demo
    assert demo.stats["clip_fraction_from"] == "loss"
    shown = box.summary.value + demo.hist_text.get_text()
    assert "(Lab" not in shown and "nan" not in shown
    assert f"{demo.stats['clip_fraction']:.1%}" in box.summary.value


# --- Lab 6: the training figure ---------------------------------------------------------------


def _fake_result(total_steps: int) -> types.SimpleNamespace:
    """What Lab 6's figure cell reads of ``train``'s result, for a run of ``total_steps``."""
    rng = np.random.default_rng(0)
    steps = np.sort(rng.integers(100, total_steps, 400))
    updates = np.arange(2048, total_steps + 1, 2048)
    return types.SimpleNamespace(
        episode_steps=list(steps),
        episode_returns=list(rng.normal(0, 100, steps.size)),
        history=[{"global_step": int(s), "losses/entropy": 2.8 - s / total_steps} for s in updates],
    )


def overlapping_tick_labels(ax) -> list[tuple[str, str]]:
    """Neighbouring x tick labels of ``ax`` whose boxes overlap once drawn (at the figure's size
    and dpi), among the ticks inside the axis limits."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    lo, hi = sorted(ax.get_xlim())
    labels = [
        (tick.get_loc(), tick.label1)
        for tick in ax.xaxis.get_major_ticks()
        if lo <= tick.get_loc() <= hi and tick.label1.get_visible() and tick.label1.get_text()
    ]
    labels.sort(key=lambda pair: pair[0])
    boxes = [(label.get_text(), label.get_window_extent(renderer)) for _, label in labels]
    return [(a, b) for (a, box_a), (b, box_b) in zip(boxes, boxes[1:]) if box_a.x1 > box_b.x0]


@pytest.mark.parametrize("total_steps", [4 * 2048, 150_000, 1_000_000, 5_000_000])
def test_lab6_training_figure_tick_labels_do_not_overlap(total_steps):
    """The figure after Lab 6's training, for the short and full runs and longer ones."""
    namespace = {"np": np, "plt": plt, "result": _fake_result(total_steps)}
    exec(code_cell("lab6_continuous", "no ceiling at ln|A|"), namespace)
    try:
        for ax in namespace["fig"].axes:
            assert ax.get_xticklabels(), "no tick labels drawn"
            assert not overlapping_tick_labels(ax), overlapping_tick_labels(ax)
    finally:
        plt.close("all")
