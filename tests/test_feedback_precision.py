"""Feedback never names the wrong cause: every natural mistake of the catalogue
(``tests/fixtures/autograder/natural``) is run through every check of its function, in this
process, with the comparator the grader uses. A message may name a cause only when it is the
mistake's own; most mistakes get their own cause named, the rest a description of what is
observably wrong."""

from __future__ import annotations

import collections
import functools
import os
import re
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import natural

from autograder.checks import compare
from ppo_core import exercises

CATALOGUE = natural.catalogue()
MIN_MISTAKES, MIN_NAMED_SHARE = 80, 0.75


@functools.cache
def _outcome(index: int) -> tuple[str, str, str]:
    n = CATALOGUE[index]
    found = natural.messages(n)
    verdict, detail = natural.verdict(n, found)
    return verdict, detail, natural.first_failure(found)


def test_the_catalogue_is_large_and_covers_every_lab_and_kind():
    assert len(CATALOGUE) >= MIN_MISTAKES
    labs = {exercises.exercise(n.function).lab for n in CATALOGUE}
    assert labs == {lab.id for lab in exercises.LABS}
    assert {n.kind for n in CATALOGUE} == set(natural.KINDS)


def test_no_diagnosis_message_contains_another():
    messages = natural.diagnoses()
    for key, message in messages.items():
        for other, other_message in messages.items():
            assert other_message == message or other_message not in message, (key, other)


@pytest.mark.parametrize(
    "index", range(len(CATALOGUE)), ids=[f"{n.function}-{n.key}" for n in CATALOGUE]
)
def test_a_natural_mistake_is_caught_and_never_given_another_cause(index):
    n = CATALOGUE[index]
    verdict, detail, message = _outcome(index)
    assert verdict != "missed", f"{n.function}/{n.key} passes every check"
    assert verdict != "wrong", f"{n.function}/{n.key} (cause {n.cause}) {detail}: {message}"
    if n.named_cause:
        assert verdict == "named", f"{n.function}/{n.key}: its cause is not named: {message}"


# Mistakes whose feedback once named another cause (the first two) or only "got X, expected Y".
ONCE_MISREAD = {
    ("categorical_log_prob", "softmax_dim0"): "wrong_dim",
    ("returns_to_go", "output_not_reversed"): "not_reversed",
    ("compute_gae", "done_one_step_late"): "done_late",
    ("compute_gae", "gamma_forgotten_in_recursion"): "no_gamma_in_recursion",
    ("compute_gae", "gamma_forgotten_in_residual"): "no_gamma_in_residual",
    ("gaussian_log_prob", "quadratic_without_half"): "quadratic_no_half",
}


@pytest.mark.parametrize(("function", "key"), sorted(ONCE_MISREAD))
def test_mistakes_once_misread_get_their_own_cause_named(function, key):
    (index,) = [i for i, n in enumerate(CATALOGUE) if (n.function, n.key) == (function, key)]
    assert CATALOGUE[index].cause == ONCE_MISREAD[function, key]
    assert _outcome(index)[0] == "named", _outcome(index)


def test_most_natural_mistakes_get_their_own_cause_named(record_property):
    counts = collections.Counter(_outcome(i)[0] for i in range(len(CATALOGUE)))
    total = len(CATALOGUE)
    record_property(
        "figures",
        f"feedback precision: {total} natural mistakes tried, {counts['wrong']} wrongly "
        f"named, {counts['named']} specifically named "
        f"({100 * counts['named'] / total:.0f}%), {counts['described']} observably "
        f"described, {counts['missed']} not caught",
    )
    assert counts["wrong"] == 0
    assert counts["named"] >= MIN_NAMED_SHARE * total
    quoted = _readme_figures()
    measured = (total, counts["wrong"], counts["named"], round(100 * counts["named"] / total))
    assert quoted == (*measured, counts["described"]), "update the README's figures"


def _readme_figures() -> tuple[int, ...]:
    """The figures the README's grading section quotes from this test."""
    with open(os.path.join(os.path.dirname(HERE), "README.md"), encoding="utf-8") as f:
        text = " ".join(f.read().split())
    found = re.search(
        r"(\d+) natural mistakes .*? (\d+) given a wrong cause, (\d+) \((\d+)%\) named "
        r"precisely, (\d+) described",
        text,
    )
    assert found, "the README's grading section no longer quotes the precision figures"
    return tuple(int(g) for g in found.groups())


# --- The comparator's own parts: observations, ambiguity, the ladder --------------------------

E = np.array([1.0, -2.0, 3.5, 0.25])


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        (E[::-1], "in reverse order"),
        (np.array([9.0, 1.0, -2.0, 3.5]), "shifted one step later"),
        (np.array([-2.0, 3.5, 0.25, 9.0]), "shifted one step earlier"),
        (2 * E, "every value is 2 times the expected one"),
        (-E, "opposite sign"),
        (E + 0.5, "plus 0.5"),
    ],
)
def test_a_mismatch_is_described_by_the_pattern_that_holds_everywhere(returned, words):
    message = compare.describe_mismatch(returned, E, "x", "t", compare.RTOL, compare.ATOL)
    assert words in message
    assert "first shown" in message


def test_a_mismatch_without_a_pattern_says_where_it_differs_and_nothing_more():
    returned = E.copy()
    returned[2] = 7.0
    message = compare.describe_mismatch(returned, E, "x", "t", compare.RTOL, compare.ATOL)
    assert message == "x is wrong at t=2: got 7, expected 3.5 (1 of 4 values differ)"


def test_one_number_is_called_a_multiple_only_for_a_simple_ratio():
    describe = compare.describe_mismatch
    assert "2 times" in describe(np.array(3.0), np.array(1.5), "x", "t", 1e-4, 1e-5)
    assert "times" not in describe(np.array(1.7), np.array(1.5), "x", "t", 1e-4, 1e-5)


def test_a_result_two_causes_explain_names_neither(monkeypatch):
    monkeypatch.setitem(compare.MISTAKES, "f", {})
    monkeypatch.setitem(compare.CAUSES, "f", {})
    compare.mistake("f", "doubled", lambda: None, "MESSAGE-DOUBLED")
    compare.mistake("f", "summed", lambda: None, "MESSAGE-SUMMED")
    compare.mistake("f", "twice", lambda: None, "MESSAGE-DOUBLED")  # same message: same cause
    assert compare.cause_of("f", "twice") == "doubled"
    both = {"doubled": 2 * E, "summed": 2 * E}
    with pytest.raises(AssertionError) as err:
        compare.assert_close(2 * E, E, "x", function="f", wrong=both)
    assert "MESSAGE" not in str(err.value) and "2 times" in str(err.value)
    one_cause = {"doubled": 2 * E, "twice": 2 * E, "summed": 3 * E}
    with pytest.raises(AssertionError, match="MESSAGE-DOUBLED"):
        compare.assert_close(2 * E, E, "x", function="f", wrong=one_cause)


def _fails_from_length_two(args, what):
    (values,) = args()
    if len(values) >= 2:
        raise compare.Mismatch(f"{what} is wrong", np.array(values) * 2, np.array(values))


def _case(values):
    return (lambda: (list(values),)), f"values={values}"


def test_a_failing_random_case_reports_the_smallest_failing_case_of_the_ladder():
    ladder = [_case([1.0]), _case([1.0, 2.0]), _case([1.0, 2.0, 3.0])]
    with pytest.raises(AssertionError) as err:
        compare.check_with_ladder(_fails_from_length_two, [_case(list(range(255)))], ladder)
    message = str(err.value)
    assert "Smallest failing case: values=[1.0, 2.0]" in message
    assert "expected: [1, 2]" in message and "returned: [2, 4]" in message
    assert "254" not in message.split("(a random case")[0]


def test_without_a_failing_ladder_case_the_random_case_is_reported():
    with pytest.raises(AssertionError, match=r"values=\[5, 6\] is wrong"):
        compare.check_with_ladder(_fails_from_length_two, [_case([5, 6])], [_case([1.0])])


def test_the_student_build_recording_runs_the_whole_ladder(monkeypatch):
    seen = []
    monkeypatch.setattr(compare.STATE, "all_mistakes", True)
    compare.check_with_ladder(lambda a, w: seen.append(w), [], [_case([1.0]), _case([2.0])])
    assert seen == ["values=[1.0]", "values=[2.0]"]


@pytest.mark.parametrize(
    ("function", "key", "smallest"),
    [
        ("discounted_return", "exponent_from_one", "discounted_return(rewards=[1.0], gamma=0.9)"),
        ("returns_to_go", "output_not_reversed", "returns_to_go(rewards=[1.0, 2.0], gamma=0.9)"),
    ],
)
def test_a_random_episode_check_shows_the_smallest_failing_episode(function, key, smallest):
    n = next(n for n in CATALOGUE if (n.function, n.key) == (function, key))
    message = natural.messages(n)["random"]
    assert f"Smallest failing case: {smallest}" in message
    assert "expected: " in message and "returned: " in message
    assert message.count(",") < 40  # no random episode's rewards (up to 300 numbers)


def test_zeros_are_said_to_be_zeros_not_a_multiple():
    describe = compare.describe_mismatch
    assert "every value returned is 0" in describe(0 * E, E, "x", "t", 1e-4, 1e-5)
    assert "times" not in describe(np.array(0.0), np.array(1.5), "x", "t", 1e-4, 1e-5)
