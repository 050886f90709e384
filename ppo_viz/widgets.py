"""Live demos of PPO's two key knobs: the clip range epsilon and the GAE lambda.

Both run on real LunarLander-v3 data shipped with the package (``ppo_core.pretrained``) and use
only what ipywidgets 7 (Google Colab) and 8 (JupyterLab 4) share: ``FloatSlider``, ``VBox``,
``HTML``, ``Output`` and ``observe(names="value")``. Figures are plain matplotlib (no ipympl): one
figure per demo is kept, a slider change moves its artists, renders it to PNG once and shows the
PNG in the ``Output`` widget. That keeps an update cheap; ``benchmarks/widget_latency.py`` times
it against a budget of 100 ms.

Each demo draws the library's function (``clipped_surrogate_loss`` and ``clip_fraction``,
``compute_gae``) unless given the learner's (``loss_fn=``, ``clip_fraction_fn=``, ``gae_fn=``):
in a student build, whose library leaves those functions to the learner, the labs pass theirs.
The clip demo also takes its shaded regions and its shares of the batch from the loss it draws
(where that loss gives a sample no gradient), so a learner's loss shows its own clip.

The returned widget carries its demo object as ``.demo`` (``.demo.update(...)`` redraws without a
browser; the tests and the benchmark use it).
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from ppo_core import exercises

CLIP_COLOR, UNCLIPPED_COLOR, FLAT_COLOR = "tab:blue", "0.55", "tab:red"


_PARAMETER = {
    "clipped_surrogate_loss": "loss_fn",
    "clip_fraction": "clip_fraction_fn",
    "compute_gae": "gae_fn",
}


def _function(name: str, given: Callable | None, required: bool = True) -> Callable | None:
    """``given``, else the library's ``name`` as the library calls it now (a plug counts).

    Where this build withholds the library's function and none is given: an error saying what
    to pass if ``required``, else ``None`` (the demo leaves that number out).
    """
    if given is not None:
        if not callable(given):
            raise TypeError(f"the function for {name} must be callable, got {given!r}")
        return given
    current = exercises.resolve(name)
    if exercises.plugged(name) is None and not exercises.reference_available(name):
        if required:
            raise exercises.Withheld(
                name, f"Pass your function to the demo, {_PARAMETER[name]}={name}, as the lab does."
            )
        return None
    return current


def _widgets():
    import ipywidgets

    return ipywidgets


def _show_png(out, png: bytes) -> None:
    """Replace what ``out`` shows by one PNG (``clear_output(wait=True)`` avoids a flicker)."""
    from IPython import get_ipython
    from IPython.display import Image, clear_output, display

    if get_ipython() is None:  # plain Python (tests, benchmark): no front end to show it on
        return
    with out:
        clear_output(wait=True)
        display(Image(data=png, format="png"))


class _BlitRenderer:
    """Render a figure to PNG, redrawing only its moving artists after the first time.

    The static part (axes, ticks, labels, histograms: most of the drawing time is text) is drawn
    once and kept as a pixel buffer; each update restores it and draws the ``animated`` artists
    on top. :meth:`invalidate` forces a full redraw (e.g. after axis limits change).
    """

    def __init__(self, fig: Figure, artists: list):
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.artists = list(artists)
        for artist in self.artists:
            artist.set_animated(True)
        self._background = None

    def invalidate(self) -> None:
        self._background = None

    def render(self) -> bytes:
        from PIL import Image

        if self._background is None:
            self.canvas.draw()  # draws everything except the animated artists
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        renderer = self.canvas.get_renderer()
        for artist in self.artists:
            artist.draw(renderer)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer(
            "RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
        )
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()


def _bands(ax, color: str, alpha: float = 0.15) -> PolyCollection:
    """Vertical bands spanning the axes' height, their x ranges set later (data coordinates)."""
    bands = PolyCollection([], transform=ax.get_xaxis_transform(), color=color, alpha=alpha, lw=0)
    ax.add_collection(bands, autolim=False)
    return bands


def _set_bands(bands: PolyCollection, spans: list[tuple[float, float]]) -> None:
    bands.set_verts([[(x0, 0.0), (x1, 0.0), (x1, 1.0), (x0, 1.0)] for x0, x1 in spans])


def _spans(x: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """The intervals of the evenly spaced grid ``x`` where ``mask`` holds, each reaching half a
    grid step past its end points (so that two neighbouring intervals meet)."""
    half = (x[1] - x[0]) / 2
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(float(x[i] - half), float(x[j - 1] + half)) for i, j in zip(edges[::2], edges[1::2])]


# --------------------------------------------------------------------------------------------
# epsilon: the clipped surrogate objective (PPO Eq. 7)
# --------------------------------------------------------------------------------------------


def clipped_objective(ratio, advantage, eps: float, loss_fn: Callable | None = None) -> np.ndarray:
    """``min(r A, clip(r, 1 - eps, 1 + eps) A)`` per sample (PPO Eq. 7, before the mean).

    Each value is ``-clipped_surrogate_loss`` of a one-sample batch, so the curve drawn is the
    library's (or, given as ``loss_fn``, the learner's Lab 3) loss, not a second
    implementation of it.
    """
    loss_fn = _function("clipped_surrogate_loss", loss_fn)
    ratio, advantage = np.broadcast_arrays(
        np.asarray(ratio, dtype=np.float64), np.asarray(advantage, dtype=np.float64)
    )
    log_ratio = torch.from_numpy(np.log(np.maximum(ratio, 1e-300)).reshape(-1, 1))
    adv = torch.from_numpy(advantage.reshape(-1, 1))
    zero = torch.zeros(1, dtype=torch.float64)
    values = [-float(loss_fn(lr, zero, a, eps)) for lr, a in zip(log_ratio, adv)]
    return np.asarray(values).reshape(ratio.shape)


def gets_gradient(ratio, advantages, eps: float, loss_fn: Callable | None = None) -> np.ndarray:
    """Per sample, whether the clipped loss gives its log-probability a gradient (bool array).

    One backward pass through the loss of the whole batch (``log r = new - old`` with old = 0):
    the loss is a mean over samples, so each sample's gradient comes from its own term, and it
    is exactly zero where the min of Eq. 7 picks the flat ``clip(r) A``. The demo finds the
    clipped regions this way, from the loss it draws (the learner's where given), rather than
    assuming where they lie. A loss without a gradient at all gives False everywhere.
    """
    loss_fn = _function("clipped_surrogate_loss", loss_fn)
    ratio, advantages = np.broadcast_arrays(
        np.asarray(ratio, dtype=np.float64), np.asarray(advantages, dtype=np.float64)
    )
    new = torch.tensor(np.log(np.maximum(ratio, 1e-300)).ravel(), requires_grad=True)
    old = torch.zeros_like(new).detach()
    loss = loss_fn(new, old, torch.tensor(advantages.ravel()), eps)
    grad = None
    if isinstance(loss, torch.Tensor) and loss.requires_grad:
        # sum(): a loss that forgot the mean still gives each sample its own gradient
        (grad,) = torch.autograd.grad(loss.sum(), new, allow_unused=True)
    if grad is None:
        return np.zeros(ratio.shape, dtype=bool)
    return (grad.detach().numpy() != 0).reshape(ratio.shape)


def batch_clip_stats(
    ratio,
    advantages,
    eps: float,
    loss_fn: Callable | None = None,
    clip_fraction_fn: Callable | None = None,
) -> dict[str, float | str]:
    """What epsilon does to one batch.

    Returns:
        ``clip_fraction`` -- share of samples with ``|r - 1| > eps`` (CleanRL's ``clipfrac``),
        from ``clip_fraction_fn`` (Lab 5); where this build withholds it and none is given,
        the share of samples the loss clips: those it gives no gradient for A = +1 or for
        A = -1 (the same share, for a loss that clips at ``1 +- eps``);
        ``clip_fraction_from`` -- ``"clip_fraction"`` or ``"loss"``, which of the two it is;
        ``zero_gradient_fraction`` -- share of samples the loss gives no gradient with their own
        advantage (for Eq. 7: A > 0 and r > 1 + eps, or A < 0 and r < 1 - eps);
        ``surrogate`` -- L^CLIP, the mean of Eq. 7; ``unclipped`` -- mean of r A (L^CPI).
    """
    loss_fn = _function("clipped_surrogate_loss", loss_fn)
    clip_fraction_fn = _function("clip_fraction", clip_fraction_fn, required=False)
    ratio = np.asarray(ratio, dtype=np.float64)
    advantages = np.asarray(advantages, dtype=np.float64)
    log_ratio = torch.from_numpy(np.log(ratio))
    old = torch.zeros_like(log_ratio)  # log r = new - old with old = 0
    adv = torch.from_numpy(advantages)
    if clip_fraction_fn is not None:
        clipped, source = float(clip_fraction_fn(log_ratio, old, eps)), "clip_fraction"
    else:
        free = gets_gradient(ratio, 1.0, eps, loss_fn) & gets_gradient(ratio, -1.0, eps, loss_fn)
        clipped, source = float(np.mean(~free)), "loss"
    return {
        "clip_fraction": clipped,
        "clip_fraction_from": source,
        "zero_gradient_fraction": float(np.mean(~gets_gradient(ratio, advantages, eps, loss_fn))),
        "surrogate": -float(loss_fn(log_ratio, old, adv, eps)),
        "unclipped": float(np.mean(ratio * advantages)),
    }


class ClipObjectiveDemo:
    """State and drawing of :func:`clip_objective_demo` (no widgets needed to use it)."""

    RATIO_RANGE = (0.0, 2.0)

    def __init__(
        self,
        batch: dict | None = None,
        eps: float = 0.2,
        dpi: int = 80,
        loss_fn: Callable | None = None,
        clip_fraction_fn: Callable | None = None,
    ):
        self.loss_fn = _function("clipped_surrogate_loss", loss_fn)
        self.clip_fraction_fn = _function("clip_fraction", clip_fraction_fn, required=False)
        self._read_batch(batch)
        self.eps = float(eps)

        self.fig = Figure(figsize=(11, 3.4), dpi=dpi)
        self.fig.subplots_adjust(left=0.05, right=0.99, bottom=0.16, top=0.84, wspace=0.28)
        ax_pos, ax_neg, ax_hist = self.fig.subplots(1, 3)
        self.edges: list = []
        self._draw_objectives(ax_pos, ax_neg)
        self._draw_histogram(ax_hist)
        # Where the loss gives a gradient is looked up on this grid, fine enough that a band's
        # edge is within a pixel of the ratio where the loss starts to clip.
        self._grid = np.linspace(
            min(self.RATIO_RANGE[0], self._hist_range[0]),
            max(self.RATIO_RANGE[1], self._hist_range[1]),
            2001,
        )
        self.title = self.fig.suptitle("")
        self._renderer = _BlitRenderer(
            self.fig,
            [
                *self.flat_bands.values(),
                self.hist_band,
                *self.curves.values(),
                *self.edges,
                self.hist_text,
                self.title,
            ],
        )
        self.stats: dict[str, float | str] = {}
        self.png = b""
        self.update(self.eps)

    def _draw_objectives(self, ax_pos, ax_neg) -> None:
        """Left and middle panels: Eq. 7's objective against the ratio for A = +1 and A = -1."""
        r = np.linspace(*self.RATIO_RANGE, 201)
        self._r = r
        self.curves, self.flat_bands = {}, {}
        for ax, sign in ((ax_pos, 1.0), (ax_neg, -1.0)):
            band = _bands(ax, FLAT_COLOR, 0.12)
            ax.plot(r, r * sign, color=UNCLIPPED_COLOR, ls="--", lw=1.5, label="unclipped  r A")
            (curve,) = ax.plot(
                r,
                clipped_objective(r, sign, self.eps, self.loss_fn),
                color=CLIP_COLOR,
                lw=2.5,
                label="clipped  min(r A, clip(r) A)",
            )
            for _ in range(2):
                self.edges.append(ax.axvline(1.0, color="0.3", lw=0.8, ls=":"))
            ax.axvline(1.0, color="0.8", lw=0.6)
            ax.set_xlim(*self.RATIO_RANGE)
            ax.set_ylim(-2.1, 2.1)
            ax.set_xlabel("ratio r = pi_new / pi_old")
            ax.grid(alpha=0.25)
            self.curves[sign], self.flat_bands[sign] = curve, band
        ax_pos.set_title("A > 0 (A = +1): good action")
        ax_neg.set_title("A < 0 (A = -1): bad action")
        ax_pos.set_ylabel("objective (to maximise)")
        ax_pos.plot([], [], color=FLAT_COLOR, alpha=0.3, lw=8, label="zero gradient")
        ax_pos.legend(loc="upper left", fontsize=7)

    def _draw_histogram(self, ax_hist) -> None:
        """Right panel: the batch's ratios, with the clip range as a band."""
        lo, hi = np.quantile(self.ratio, [0.002, 0.998])
        lo, hi = min(lo, 0.45), max(hi, 1.55)
        self._hist_range = (lo, hi)
        self.hist_band = _bands(ax_hist, "tab:green", 0.15)
        ax_hist.hist(
            np.clip(self.ratio, lo, hi), bins=np.linspace(lo, hi, 70), color="tab:blue", alpha=0.85
        )
        for _ in range(2):
            self.edges.append(ax_hist.axvline(1.0, color="tab:green", lw=1.2))
        ax_hist.set_xlim(lo, hi)
        ax_hist.set_xlabel("ratio r of each sample")
        where = f" at step {self.step:,}" if self.step is not None else ""
        ax_hist.set_title(f"real batch{where}, after one update", fontsize=10)
        self.hist_text = ax_hist.text(
            0.02,
            0.97,
            "",
            transform=ax_hist.transAxes,
            va="top",
            fontsize=8,
            family="monospace",
            bbox={"fc": "white", "alpha": 0.8, "lw": 0},
        )

    def _read_batch(self, batch: dict | None) -> None:
        """The batch's ratios, normalised advantages and step (the shipped batch if None)."""
        if batch is None:
            from ppo_core.pretrained import load_batch

            batch = load_batch()
        old = np.asarray(batch["old_log_probs"], np.float64)
        new = np.asarray(batch["new_log_probs"], np.float64)
        adv = np.asarray(batch["advantages"], np.float64)
        self.ratio = np.exp(new - old)
        # Normalised as the update does it (there per minibatch; here over the whole batch).
        self.advantages = (adv - adv.mean()) / (adv.std() + 1e-8)
        self.step = int(batch["global_step"]) if "global_step" in batch else None

    def update(self, eps: float) -> dict[str, float | str]:
        """Move every artist to ``eps`` and recompute the batch statistics (no rendering)."""
        if not 0.0 < eps < 1.0:
            raise ValueError(f"epsilon must lie in (0, 1), got {eps}: 0.1 to 0.3 is usual")
        self.eps = float(eps)
        lo, hi = 1.0 - eps, 1.0 + eps
        for sign, curve in self.curves.items():
            curve.set_ydata(clipped_objective(self._r, sign, eps, self.loss_fn))
        self._shade(eps)
        for k, line in enumerate(self.edges):  # the range asked for: 1 - eps and 1 + eps
            line.set_xdata([lo, lo] if k % 2 == 0 else [hi, hi])
        self.stats = batch_clip_stats(
            self.ratio, self.advantages, eps, self.loss_fn, self.clip_fraction_fn
        )
        s = self.stats
        clipped = (
            f"outside [{lo:.2f}, {hi:.2f}]:"
            if s["clip_fraction_from"] == "clip_fraction"
            else "clipped by the loss:"
        )
        self.hist_text.set_text(
            f"{clipped:<22}{s['clip_fraction']:6.1%}\n"
            f"{'zero gradient:':<22}{s['zero_gradient_fraction']:6.1%}\n"
            f"L_CLIP = {s['surrogate']:+.4f}\n"
            f"L_CPI  = {s['unclipped']:+.4f}"
        )
        self.title.set_text(
            f"PPO clipped objective, epsilon = {eps:.2f}: clip range [{lo:.2f}, {hi:.2f}]"
        )
        return self.stats

    def _shade(self, eps: float) -> None:
        """Shade where the drawn loss gives no gradient (for A = +1 and for A = -1) and, on the
        histogram, where it gives one for both signs: the loss's own clip range, so a learner's
        loss that clips elsewhere shows it against the dotted lines at ``1 +- eps``."""
        moving = {sign: gets_gradient(self._grid, sign, eps, self.loss_fn) for sign in (1.0, -1.0)}
        self.flat_spans = {sign: _spans(self._grid, ~m) for sign, m in moving.items()}
        self.clip_spans = _spans(self._grid, moving[1.0] & moving[-1.0])
        for sign, bands in self.flat_bands.items():
            _set_bands(bands, self.flat_spans[sign])
        _set_bands(self.hist_band, self.clip_spans)

    def render(self) -> bytes:
        """The figure as PNG bytes (also kept as ``self.png``)."""
        self.png = self._renderer.render()
        return self.png

    def summary_html(self) -> str:
        s, lo, hi = self.stats, 1 - self.eps, 1 + self.eps
        if s["clip_fraction_from"] == "clip_fraction":
            clipped = f"<b>{s['clip_fraction']:.1%}</b> have a ratio outside [{lo:.2f}, {hi:.2f}]"
        else:
            clipped = (
                f"the loss clips <b>{s['clip_fraction']:.1%}</b> of them (no gradient for "
                f"A &gt; 0 or for A &lt; 0)"
            )
        return (
            f"<b>epsilon = {self.eps:.2f}</b> on {self.ratio.size} real LunarLander-v3 "
            f"samples: {clipped}; <b>{s['zero_gradient_fraction']:.1%}</b> get no gradient "
            f"from the loss with their own advantage. "
            f"Surrogate L<sup>CLIP</sup> = <b>{s['surrogate']:+.4f}</b> "
            f"(unclipped {s['unclipped']:+.4f}, normalised advantages)."
        )


def clip_objective_demo(
    batch: dict | None = None,
    eps: float = 0.2,
    loss_fn: Callable | None = None,
    clip_fraction_fn: Callable | None = None,
):
    """A slider for epsilon over PPO's clipped objective (Eq. 7) and a real batch.

    Left and middle: ``min(r A, clip(r, 1-eps, 1+eps) A)`` against the ratio r for A = +1 and
    A = -1, the unclipped ``r A`` dashed, the region where the loss gives no gradient shaded.
    Right: the ratios of a real LunarLander-v3 batch after the update PPO made on it, with the
    range where the loss does not clip shaded, the share of clipped samples and the surrogate's
    value at this epsilon. Dotted lines mark ``1 - eps`` and ``1 + eps``.

    ``loss_fn`` / ``clip_fraction_fn``: the learner's ``clipped_surrogate_loss`` (Lab 3) and
    ``clip_fraction`` (Lab 5) to draw instead of the library's. Without a ``clip_fraction``
    (Lab 3 of a student build), the share of clipped samples is the share the loss clips.

    Returns:
        An ``ipywidgets.VBox`` (slider, summary, figure); ``.demo`` is the
        :class:`ClipObjectiveDemo`.
    """
    w = _widgets()
    demo = ClipObjectiveDemo(batch, eps, loss_fn=loss_fn, clip_fraction_fn=clip_fraction_fn)
    slider = w.FloatSlider(
        value=demo.eps,
        min=0.02,
        max=0.6,
        step=0.01,
        description="epsilon (clip range)",
        readout_format=".2f",
        continuous_update=True,
        style={"description_width": "initial"},
        layout=w.Layout(width="520px"),
    )
    summary = w.HTML(demo.summary_html())
    out = w.Output()

    def on_change(change) -> None:
        demo.update(float(change["new"]))
        summary.value = demo.summary_html()
        _show_png(out, demo.render())

    slider.observe(on_change, names="value")
    _show_png(out, demo.render())
    box = w.VBox([slider, summary, out])
    box.demo, box.slider, box.summary, box.output = demo, slider, summary, out
    return box


# --------------------------------------------------------------------------------------------
# lambda: Generalized Advantage Estimation (PPO Eq. 11-12)
# --------------------------------------------------------------------------------------------


def gae_curves(
    rewards,
    values,
    next_values,
    terminated,
    truncated,
    gamma: float,
    lams,
    gae_fn: Callable | None = None,
) -> np.ndarray:
    """GAE advantages of one rollout for many lambdas: shape ``(len(lams), T)``.

    One call of :func:`ppo_core.compute_gae` per lambda (the library's recursion, the one the
    learner writes in Lab 2, given as ``gae_fn``); recomputed only when gamma changes.
    """
    gae_fn = _function("compute_gae", gae_fn)
    return np.stack(
        [
            np.asarray(
                gae_fn(rewards, values, next_values, terminated, truncated, gamma, float(lam))[0],
                np.float64,
            )
            for lam in np.atleast_1d(lams)
        ]
    )


class GAEDemo:
    """State and drawing of :func:`gae_demo`."""

    LAMBDAS = np.linspace(0.0, 1.0, 51)
    GAMMA_RANGE = (0.9, 1.0)  # the gamma slider's range

    def __init__(
        self,
        episode: dict | None = None,
        lam: float = 0.95,
        gamma: float = 0.999,
        critic_gamma: float | None = None,
        dpi: int = 80,
        gae_fn: Callable | None = None,
    ):
        self.gae_fn = _function("compute_gae", gae_fn)
        if episode is None:
            from ppo_core.pretrained import load_episode, manifest

            episode = load_episode()
            critic_gamma = manifest()["config"]["gamma"] if critic_gamma is None else critic_gamma
        self.critic_gamma = critic_gamma  # the gamma the critic V was trained for, if known
        self.episode = {
            k: np.asarray(episode[k], np.float64)
            for k in ("rewards", "values", "next_values", "terminated", "truncated")
        }
        self.T = self.episode["rewards"].size
        self.lam, self.gamma = float(lam), float(gamma)

        self.fig = Figure(figsize=(11, 3.6), dpi=dpi)
        self.fig.subplots_adjust(left=0.06, right=0.985, bottom=0.15, top=0.84, wspace=0.25)
        grid = self.fig.add_gridspec(1, 5)
        self.ax_t = self._draw_episode(self.fig.add_subplot(grid[0, :3]))
        self.ax_l = self._draw_lambda_sweep(self.fig.add_subplot(grid[0, 3:]))
        self.title = self.fig.suptitle("")
        self._renderer = _BlitRenderer(
            self.fig,
            [
                self.mc_line,
                self.td_line,
                self.adv_line,
                self.spread_line,
                self.gap_line,
                self.marker,
                self.dots,
                self.title,
            ],
        )
        self._curves_gamma: float | None = None
        self._recompute_curves(self.gamma)
        self._fit_limits(sorted({self.GAMMA_RANGE[0], self.gamma, self.GAMMA_RANGE[1]}))
        self.stats: dict[str, float] = {}
        self.png = b""
        self.update(self.lam, self.gamma)

    def _draw_episode(self, ax_t):
        """Left panel: the advantages along the episode (Monte Carlo, TD(0), GAE)."""
        t = np.arange(self.T)
        (self.mc_line,) = ax_t.plot(
            t, np.zeros(self.T), color="0.6", lw=1.0, label="Monte Carlo (lambda = 1)"
        )
        (self.td_line,) = ax_t.plot(
            t, np.zeros(self.T), color="tab:orange", lw=0.8, alpha=0.7, label="TD(0) (lambda = 0)"
        )
        (self.adv_line,) = ax_t.plot(
            t, np.zeros(self.T), color="tab:blue", lw=1.6, label="GAE at this lambda"
        )
        ax_t.axhline(0.0, color="0.3", lw=0.6)
        end = "terminated" if self.episode["terminated"][-1] else "truncated"
        ax_t.set_title(
            f"advantages along one real episode ({self.T} steps, {end}, return "
            f"{self.episode['rewards'].sum():.0f})",
            fontsize=10,
        )
        ax_t.set_xlabel("time step t")
        ax_t.set_ylabel("advantage A_t")
        ax_t.set_xlim(0, self.T - 1)
        ax_t.legend(loc="upper left", fontsize=7, ncol=3)
        ax_t.grid(alpha=0.25)
        return ax_t

    def _draw_lambda_sweep(self, ax_l):
        """Right panel: spread and distance from Monte Carlo of the advantages, per lambda."""
        (self.spread_line,) = ax_l.plot(
            self.LAMBDAS,
            np.zeros_like(self.LAMBDAS),
            color="tab:purple",
            lw=2,
            label="spread of A_t along the episode",
        )
        (self.gap_line,) = ax_l.plot(
            self.LAMBDAS,
            np.zeros_like(self.LAMBDAS),
            color="tab:brown",
            lw=2,
            label="RMS gap to Monte Carlo (lambda = 1)",
        )
        self.marker = ax_l.axvline(self.lam, color="tab:blue", lw=1.2)
        (self.dots,) = ax_l.plot([self.lam, self.lam], [0, 0], "o", color="tab:blue", ms=5)
        ax_l.set_xlim(0, 1)
        ax_l.set_xlabel("lambda")
        ax_l.set_title("one episode: smoothness vs. distance from Monte Carlo", fontsize=10)
        ax_l.legend(loc="upper left", fontsize=7)  # above the curves (symlog axis)
        ax_l.grid(alpha=0.25)
        return ax_l

    def _curves(self, gamma: float):
        all_adv = gae_curves(**self.episode, gamma=gamma, lams=self.LAMBDAS, gae_fn=self.gae_fn)
        mc = all_adv[-1]  # lambda = 1
        spread = all_adv.std(axis=1)
        gap = np.sqrt(np.mean((all_adv - mc) ** 2, axis=1))
        return all_adv, spread, gap

    def _fit_limits(self, gammas) -> None:
        """Fix the axis limits once, so that a slider move only redraws lines (fast).

        The critic was trained for one gamma; at any other its values are off by a constant
        factor and the advantages grow by orders of magnitude (the real effect of changing gamma
        without retraining). The trade-off panel is on a symlog scale sized for every gamma of
        the slider; the episode panel is sized for the starting gamma, and the summary says so
        when the curves leave it.
        """
        top = 0.0
        for gamma in gammas:
            _, spread, gap = self._curves(gamma)
            top = max(top, spread.max(), gap.max())
        self.ax_l.set_yscale("symlog", linthresh=1.0)
        self.ax_l.set_ylim(0, 2.0 * top)
        both = np.abs(np.concatenate([self.all_adv[-1], self.all_adv[0]]))
        self.ax_t.set_ylim(-1.2 * np.quantile(both, 0.995), 1.2 * np.quantile(both, 0.995))
        self._renderer.invalidate()

    def _recompute_curves(self, gamma: float) -> None:
        """Advantages for every lambda of the grid (only when gamma changes)."""
        self.all_adv, self.spread, self.gap = self._curves(gamma)
        self.spread_line.set_ydata(self.spread)
        self.gap_line.set_ydata(self.gap)
        self.mc_line.set_ydata(self.all_adv[-1])
        self.td_line.set_ydata(self.all_adv[0])
        self._curves_gamma = gamma

    def update(self, lam: float, gamma: float | None = None) -> dict[str, float]:
        """Move the demo to ``lam`` (and ``gamma``); returns the statistics shown."""
        gamma = self.gamma if gamma is None else float(gamma)
        for name, value in (("lambda", lam), ("gamma", gamma)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")
        self.lam, self.gamma = float(lam), gamma
        if self._curves_gamma != gamma:
            self._recompute_curves(gamma)
        adv = gae_curves(**self.episode, gamma=gamma, lams=[lam], gae_fn=self.gae_fn)[0]
        mc = self.all_adv[-1]
        self.advantages = adv
        self.adv_line.set_ydata(adv)
        y_max = self.ax_t.get_ylim()[1]
        self.stats = {
            "spread": float(adv.std()),
            "gap_to_mc": float(np.sqrt(np.mean((adv - mc) ** 2))),
            "horizon": float(1.0 / (1.0 - gamma * lam)) if gamma * lam < 1 else np.inf,
            "off_axes": float(np.mean(np.abs(self.all_adv[[0, -1]]) > y_max)),
        }
        self.marker.set_xdata([lam, lam])
        self.dots.set_data([lam, lam], [self.stats["spread"], self.stats["gap_to_mc"]])
        horizon = self.stats["horizon"]
        horizon_text = f"{horizon:.0f} steps" if np.isfinite(horizon) else "whole episode"
        self.title.set_text(
            f"GAE: lambda = {lam:.2f}, gamma = {gamma:.3f}  "
            f"(effective horizon 1/(1 - gamma lambda) = {horizon_text})"
        )
        return self.stats

    def render(self) -> bytes:
        """The figure as PNG bytes (also kept as ``self.png``)."""
        self.png = self._renderer.render()
        return self.png

    def summary_html(self) -> str:
        s = self.stats
        return (
            f"<b>lambda = {self.lam:.2f}</b>, gamma = {self.gamma:.3f}: spread of the "
            f"advantages {s['spread']:.2f}, RMS gap to the Monte Carlo estimate "
            f"{s['gap_to_mc']:.2f}. {html.escape('lambda -> 0')}: trusts the critic "
            f"(little noise, biased if V is wrong); {html.escape('lambda -> 1')}: trusts the "
            f"sampled rewards (unbiased, noisy). One episode shows the two ends, not the bias "
            f"and variance themselves: those need many episodes and the true values (Lab 2, "
            f"section 3).{self._gamma_note()}"
        )

    def _gamma_note(self) -> str:
        if self.critic_gamma is None or abs(self.gamma - self.critic_gamma) < 1e-9:
            return ""
        note = (
            f" <br><b>Note:</b> the critic was trained for gamma = {self.critic_gamma:g}; at "
            f"gamma = {self.gamma:.3f} its values no longer match the discounted returns, so "
            f"every TD residual is biased (watch the gap at small lambda)"
        )
        if self.stats.get("off_axes", 0.0) > 0:
            note += "; the curves now leave the left panel's axes"
        return note + "."


def gae_demo(
    episode: dict | None = None,
    lam: float = 0.95,
    gamma: float = 0.999,
    gae_fn: Callable | None = None,
):
    """Sliders for GAE's lambda and the discount gamma on a real LunarLander-v3 episode.

    Left: the advantages A_t along an episode played by the pretrained policy, at this lambda,
    next to the Monte Carlo (lambda = 1) and TD(0) (lambda = 0) extremes. Right, for every lambda:
    the spread of the advantages (variance) and their RMS distance from the Monte Carlo
    estimate, which uses no critic beyond the episode's end (the bias a wrong critic can bring).
    ``gae_fn``: the learner's ``compute_gae`` (Lab 2) to draw instead of the library's.

    Returns:
        An ``ipywidgets.VBox`` (sliders, summary, figure); ``.demo`` is the :class:`GAEDemo`.
    """
    w = _widgets()
    demo = GAEDemo(episode, lam, gamma, gae_fn=gae_fn)
    style, layout = {"description_width": "initial"}, w.Layout(width="420px")
    lam_slider = w.FloatSlider(
        value=demo.lam,
        min=0.0,
        max=1.0,
        step=0.01,
        description="lambda (GAE)",
        readout_format=".2f",
        continuous_update=True,
        style=style,
        layout=layout,
    )
    gamma_slider = w.FloatSlider(
        value=demo.gamma,
        min=GAEDemo.GAMMA_RANGE[0],
        max=GAEDemo.GAMMA_RANGE[1],
        step=0.001,
        description="gamma (discount)",
        readout_format=".3f",
        continuous_update=True,
        style=style,
        layout=layout,
    )
    summary = w.HTML(demo.summary_html())
    out = w.Output()

    def on_change(_change) -> None:
        demo.update(float(lam_slider.value), float(gamma_slider.value))
        summary.value = demo.summary_html()
        _show_png(out, demo.render())

    lam_slider.observe(on_change, names="value")
    gamma_slider.observe(on_change, names="value")
    _show_png(out, demo.render())
    box = w.VBox([w.HBox([lam_slider, gamma_slider]), summary, out])
    box.demo, box.lam_slider, box.gamma_slider = demo, lam_slider, gamma_slider
    box.summary, box.output = summary, out
    return box


__all__ = [
    "ClipObjectiveDemo",
    "GAEDemo",
    "batch_clip_stats",
    "clip_objective_demo",
    "clipped_objective",
    "gets_gradient",
    "gae_curves",
    "gae_demo",
]
