"""Feedback never names the wrong cause: every natural mistake of the catalogue
(``tests/fixtures/autograder/natural``) is run through every check of its function, in this
process, with the comparator the grader uses. A message may name a cause only when it is the
mistake's own; most mistakes get their own cause named, the rest a description of what is
observably wrong."""

from __future__ import annotations

import collections
import functools
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import natural

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
            assert other == key or other_message not in message, (key, other)


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


def test_most_natural_mistakes_get_their_own_cause_named(capsys):
    counts = collections.Counter(_outcome(i)[0] for i in range(len(CATALOGUE)))
    total = len(CATALOGUE)
    with capsys.disabled():
        print(
            f"\nfeedback precision: {total} natural mistakes tried, {counts['wrong']} wrongly "
            f"named, {counts['named']} specifically named "
            f"({100 * counts['named'] / total:.0f}%), {counts['described']} observably "
            f"described, {counts['missed']} not caught"
        )
    assert counts["wrong"] == 0
    assert counts["named"] >= MIN_NAMED_SHARE * total
