"""A checker of ``results.json`` against Gradescope's documented format (see
:mod:`autograder.gradescope.results` for the fields and the source) plus what this package
promises: every test has a name, a score, a max_score, an output and a visibility, and no
score exceeds its max_score."""

from __future__ import annotations

import math

from autograder.gradescope.results import (
    REQUIRED_TEST_FIELDS,
    TEST_FIELDS,
    TOP_FIELDS,
    VISIBILITIES,
)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_visibility(where: str, value, problems: list[str]) -> None:
    if value not in VISIBILITIES:
        problems.append(f"{where}: visibility {value!r} is not one of {', '.join(VISIBILITIES)}")


def _check_test(i: int, test, problems: list[str]) -> None:
    where = f"tests[{i}]"
    if not isinstance(test, dict):
        problems.append(f"{where} is a {type(test).__name__}, not an object")
        return
    where = f"tests[{i}] ({test.get('name', 'no name')!r})"
    problems += [f"{where}: no {key!r}" for key in REQUIRED_TEST_FIELDS if key not in test]
    problems += [f"{where}: unknown field {key!r}" for key in sorted(set(test) - TEST_FIELDS)]
    for key in ("score", "max_score"):
        if key in test and not _is_number(test[key]):
            problems.append(f"{where}: {key} {test[key]!r} is not a number")
    if _is_number(test.get("score")) and _is_number(test.get("max_score")):
        if test["score"] > test["max_score"]:
            problems.append(f"{where}: score {test['score']} > max_score {test['max_score']}")
        if test["max_score"] < 0:
            problems.append(f"{where}: max_score {test['max_score']} is negative")
    for key in ("name", "output"):
        if key in test and not isinstance(test[key], str):
            problems.append(f"{where}: {key} is not text")
    if "visibility" in test:
        _check_visibility(where, test["visibility"], problems)


def problems(data) -> list[str]:
    """What is wrong with a results.json object (an empty list when nothing is)."""
    if not isinstance(data, dict):
        return [f"results.json holds a {type(data).__name__}, not an object"]
    found = [f"unknown top-level field {key!r}" for key in sorted(set(data) - TOP_FIELDS)]
    tests = data.get("tests", [])
    if not isinstance(tests, list):
        return found + ["tests is not a list"]
    if "score" not in data and not all(isinstance(t, dict) and "score" in t for t in tests):
        found.append("no top-level score and not every test has one")
    _check_top(data, found)
    for i, test in enumerate(tests):
        _check_test(i, test, found)
    return found


def _check_top(data: dict, found: list[str]) -> None:
    """The top-level fields but ``tests``."""
    if "score" in data and not _is_number(data["score"]):
        found.append(f"score {data['score']!r} is not a number")
    if "execution_time" in data and not _is_number(data["execution_time"]):
        found.append(f"execution_time {data['execution_time']!r} is not a number")
    if "output" in data and not isinstance(data["output"], str):
        found.append("output is not text")
    for key in ("visibility", "stdout_visibility"):
        if key in data:
            _check_visibility(key, data[key], found)
    if "extra_data" in data and not isinstance(data["extra_data"], dict):
        found.append("extra_data is not an object")


class InvalidResults(ValueError):
    """results.json does not follow Gradescope's format; the message lists every problem."""


def check(data) -> None:
    """Raise :class:`InvalidResults` listing every problem of ``data``; return if none."""
    found = problems(data)
    if found:
        raise InvalidResults("results.json is not in Gradescope's format: " + "; ".join(found))
