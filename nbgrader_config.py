"""nbgrader entry point for the repository root.

nbgrader (and JupyterLab's formgrader) read ``nbgrader_config.py`` from the working directory.
The course configuration itself lives in ``autograder/nbgrader_config.py``; this file only loads
it, so that ``nbgrader generate_assignment lab2_gae`` and friends work from the repository root.
"""

c = get_config()  # noqa: F821 -- injected by traitlets when nbgrader loads this file
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821 -- path relative to this file
