"""ppo_viz: figures, live widgets and videos of ppo_core runs, for the labs and the presenter.

Kept apart from ``ppo_core`` (the PPO library the labs build) as Spinning Up keeps its plotting
apart from its algorithms: nothing in ``ppo_core``'s training path imports this package.

* :mod:`ppo_viz.plots` -- training curve, action heatmap, ratio histogram, diagnostics dashboard
  (with the healthy bands Lab 5 teaches).
* :mod:`ppo_viz.widgets` -- the epsilon and lambda sliders (ipywidgets 7 and 8).
* :mod:`ppo_viz.video` -- episodes to GIF or MP4, side by side, headless.
* :mod:`ppo_viz.gifs` -- ``python -m ppo_viz.gifs OUT_DIR``: the landers side by side, for slides.
* :mod:`ppo_viz.presenter` -- the presenter's notebook on a student build.

Importing the package imports none of them (the ipywidgets-7 check loads one module alone).
"""
