"""Feedback pages keep the hidden tests with the instructor (autograder HideHiddenTests)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.grading.preprocessors import HideHiddenTests

TEST_SOURCE = (
    "from autograder.checks.lab1_rl_basics import check_discounted_return_random\n\n"
    "check_discounted_return_random(discounted_return, seed=0, n_cases=5)\n"
    "### BEGIN HIDDEN TESTS\n"
    "check_discounted_return_random(discounted_return, seed=1317, n_cases=40)\n"
    "### END HIDDEN TESTS\n"
)
MESSAGE = "discounted_return: the last reward is not discounted"


def _graded(error: bool) -> nbformat.NotebookNode:
    cell = new_code_cell(TEST_SOURCE)
    if error:
        cell.outputs = [
            new_output(
                "error",
                ename="CheckFailed",
                evalue=MESSAGE,
                traceback=[
                    "Traceback",
                    "----> 5 check_discounted_return_random(discounted_return, seed=1317, "
                    "n_cases=40)",
                    f"CheckFailed: {MESSAGE}",
                ],
            )
        ]
    plain = new_code_cell("x = 1  # no hidden tests here\n")
    return new_notebook(cells=[cell, plain])


def test_hidden_region_and_its_traceback_leave_the_page_the_message_stays():
    nb, _ = HideHiddenTests().preprocess(_graded(error=True), {})
    test_cell, plain = nb.cells
    assert "1317" not in test_cell.source and "HIDDEN TESTS" not in test_cell.source
    assert "seed=0, n_cases=5" in test_cell.source  # the visible test stays as it was
    assert "your instructor keeps them" in test_cell.source
    text = nbformat.writes(nb)
    assert "1317" not in text
    assert test_cell.outputs[0]["traceback"] == [f"CheckFailed: {MESSAGE}"]
    assert plain.source == "x = 1  # no hidden tests here"


def test_instructor_may_hide_the_messages_too():
    nb, _ = HideHiddenTests(show_messages=False).preprocess(_graded(error=True), {})
    assert MESSAGE not in nbformat.writes(nb)
    assert nb.cells[0].outputs[0]["evalue"] == "a hidden test failed"


def test_generate_feedback_runs_it():
    """The course configuration puts it into nbgrader's generate_feedback."""
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.student.checkout import REPO_ROOT

    config = PyFileConfigLoader(
        "nbgrader_config.py", path=str(REPO_ROOT / "autograder")
    ).load_config()
    assert HideHiddenTests in config.GenerateFeedback.preprocessors
