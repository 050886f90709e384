"""Time one slider update of each live-demo widget (the course asks for at most 100 ms).

An update is what a slider change costs the kernel: the observer moves the figure's artists,
recomputes the statistics, renders the figure to PNG and replaces the Output widget's image.
The benchmark sets the slider's ``value`` (which fires the same ``observe`` callback as a drag
in the browser) and times that call; the browser adds only the transfer of one PNG.

Usage::

    .venv/bin/python benchmarks/widget_latency.py [--repeats 30]

Prints the median and the 90th percentile per slider, and exits 1 if a median exceeds 100 ms.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ppo_viz.widgets import clip_objective_demo, gae_demo

BUDGET_MS = 100.0


def time_slider(slider, values, repeats: int) -> np.ndarray:
    times = []
    for k in range(repeats):
        value = values[k % len(values)]
        if slider.value == value:
            value = values[(k + 1) % len(values)]
        start = time.perf_counter()
        slider.value = value  # fires the observer exactly as a drag in the browser does
        times.append((time.perf_counter() - start) * 1e3)
    return np.asarray(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    clip, gae = clip_objective_demo(), gae_demo()
    build_ms = (time.perf_counter() - start) * 1e3
    print(f"building both widgets: {build_ms:.0f} ms")
    cases = [
        ("clip_objective_demo: epsilon", clip.slider, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]),
        ("gae_demo: lambda", gae.lam_slider, [0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0]),
        (
            "gae_demo: gamma (recomputes every curve)",
            gae.gamma_slider,
            [0.95, 0.97, 0.99, 0.995, 0.999],
        ),
    ]
    worst = 0.0
    for name, slider, values in cases:
        times = time_slider(slider, values, args.repeats)
        median, p90 = np.median(times), np.quantile(times, 0.9)
        worst = max(worst, median)
        print(f"{name:45s} median {median:6.1f} ms   p90 {p90:6.1f} ms   max {times.max():6.1f} ms")
    ok = worst <= BUDGET_MS
    print(f"{'OK' if ok else 'TOO SLOW'}: worst median {worst:.1f} ms (budget {BUDGET_MS:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
