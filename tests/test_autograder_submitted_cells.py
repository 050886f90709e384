"""What learners' editors do to their cells must not cost points: a scratch copy of an exercise
cell (same grade_id), nbgrader metadata stored as a JSON string, a written answer whose cell was
turned into a code cell. These tests work on the sanitiser; ``test_autograder_robust.py``'s
graded class grades the same notebooks for real."""

from __future__ import annotations

import copy
import json
import os
import sys

from autograder.kernel import sanitize

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

LAB = hostile.LAB


def copied_exercise_cell(nb):
    """The notebook with a scratch copy (same metadata, a call instead of the definition) of its
    first exercise cell at the end, as Jupyter's copy-and-paste leaves it."""
    first = next(c for c in nb.cells if sanitize.is_solution_code(c))
    scratch = copy.deepcopy(first)
    scratch.source = f"print({builders.grade_id(first)}([1.0, 2.0], 0.5))\n"
    nb.cells.append(scratch)
    return nb, builders.grade_id(first)


def metadata_as_json_strings(nb):
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"] = json.dumps(dict(cell.metadata["nbgrader"]))
    return nb


def answers_in_code_cells(nb):
    for cell in nb.cells:
        if sanitize.is_written(cell):
            cell.cell_type, cell.outputs, cell.execution_count = "code", [], None
    return nb


def _exercise_sources(rebuilt) -> dict[str, str]:
    return {builders.grade_id(c): c.source for c in rebuilt.cells if sanitize.is_solution_code(c)}


def test_a_scratch_copy_of_an_exercise_cell_is_not_graded_instead_of_it():
    nb, function = copied_exercise_cell(builders.solved(LAB))
    rebuilt, notes = sanitize.rebuild(nb, builders.release(LAB), LAB)
    assert f"def {function}(" in _exercise_sources(rebuilt)[function]
    assert any("several cells carry" in n for n in notes), notes
    # Without the copy the same cell is graded and nothing is said about copies.
    plain, notes = sanitize.rebuild(builders.solved(LAB), builders.release(LAB), LAB)
    assert _exercise_sources(plain) == _exercise_sources(rebuilt)
    assert not any("several cells carry" in n for n in notes)


def test_metadata_stored_as_json_strings_is_read():
    release = builders.release(LAB)
    rebuilt, notes = sanitize.rebuild(metadata_as_json_strings(builders.solved(LAB)), release, LAB)
    expected, _ = sanitize.rebuild(builders.solved(LAB), release, LAB)
    assert _exercise_sources(rebuilt) == _exercise_sources(expected)
    assert not any("missing" in n for n in notes), notes


def test_a_written_answer_in_a_code_cell_reaches_the_instructor():
    rebuilt, notes = sanitize.rebuild(
        answers_in_code_cells(builders.solved(LAB)), builders.release(LAB), LAB
    )
    written = [c for c in rebuilt.cells if sanitize.is_written(c)]
    assert written and all("My answer" in c.source for c in written)
    assert all(c.cell_type == "markdown" for c in written)
    assert sum("was in a code cell" in n for n in notes) == len(written), notes
