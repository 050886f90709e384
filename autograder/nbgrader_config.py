"""nbgrader configuration of the PPO course (nbgrader 0.9.x).

Loaded by ``nbgrader_config.py`` at the repository root; scripts that need another course
directory (e.g. ``scripts/sync_labs.py`` generating a release into a temporary folder) override
``CourseDirectory.root`` on the command line, which takes precedence over this file.

Layout (relative to the root):
    solutions/<lab>/<lab>.ipynb   instructor source: solutions and hidden tests (nbgrader "source")
    notebooks/<lab>/<lab>.ipynb   student release, generated, committed, never edited by hand
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821 -- injected by traitlets when loaded

# --- Course directory -------------------------------------------------------------------------
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

c.CourseDirectory.course_id = "ppo-course"
c.CourseDirectory.root = REPO_ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# --- Student release (generate_assignment) ----------------------------------------------------
# What replaces the code between "### BEGIN SOLUTION" and "### END SOLUTION". An unmodified
# release therefore raises NotImplementedError in every exercise, so it fails every test cell.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\n"
    'raise NotImplementedError("write this function, then run the tests below")',
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# --- Execution (validate, autograde) ----------------------------------------------------------
# Seconds per cell. Under nbgrader (NBGRADER_EXECUTION set) every lab shrinks its long cells so a
# whole notebook runs in well under 60 s; a single cell taking longer than this is a runaway.
c.Execute.timeout = 60

# --- Hardened autograding (see docs/instructors.md) -------------------------------------------
# Grade the learner's definitions, not the notebook's side effects: before execution the
# submission is rebuilt from the release notebook (test cells are the instructor's, solution
# cells are reduced to imports / definitions / constants), then executed in a sandboxed kernel
# (resource limits, empty working directory, no access to the course files).
c.Autograde.sanitize_preprocessors = [
    "autograder.grading.preprocessors.RebuildFromRelease",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "autograder.grading.preprocessors.SandboxedExecute",
    "autograder.grading.preprocessors.SanitizeOutputs",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A test cell deleted from a notebook graded without the rebuild comes back from the gradebook.
c.OverwriteCells.add_missing_cells = True
# Whole-notebook wall-clock budget (the per-cell limit is Execute.timeout above).
c.SandboxedExecute.notebook_timeout = 240
# nbgrader gives zero to a test cell that wrote to stderr: drop harmless library warnings.
c.IgnorePattern.pattern = r"(?m)^.*(Warning|warn\(|UserWarning|DeprecationWarning).*$"
c.LimitOutput.max_lines = 200

# --- Feedback ----------------------------------------------------------------------------------
# Feedback pages show the learner's notebook as graded, without the hidden tests' code (their
# seeds and calls stay with the instructor; a failed hidden test keeps its message).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from autograder.grading.preprocessors import HideHiddenTests  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
