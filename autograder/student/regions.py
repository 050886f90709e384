"""Where, in the library's source, each exercise holds what the learner writes.

The student build replaces that part by a stub (:mod:`autograder.student.build`), the notebook
kit puts it in the solution cell between nbgrader's markers (``scripts/labkit.py``), and the
leak scan looks for it in what a student gets (:mod:`autograder.student.leak_scan`).
"""

from __future__ import annotations

import ast
import dataclasses

from ppo_core import exercises

NAMES = frozenset(exercises.names())


@dataclasses.dataclass(frozen=True)
class Region:
    """Where in a module's source an exercise's function holds what the learner writes: lines
    ``first`` to ``last`` (1-based, inclusive), everything after its docstring and its input
    checks. ``checks`` are the lines of those input checks: the bare calls (``check_gamma(...)``)
    that open the body and only the library runs."""

    name: str
    first: int
    last: int
    checks: tuple[int, ...]


def regions(source: str, module: str, filename: str = "<source>") -> list[Region]:
    """The :class:`Region` of every exercise that ``source``, the library's module ``module``
    (``"gae"``), defines."""
    found = []
    for node in ast.parse(source, filename).body:
        if not (isinstance(node, ast.FunctionDef) and node.name in NAMES):
            continue
        if exercises.exercise(node.name).module != module:
            continue
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        checks = []
        for statement in body:
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
                break
            checks.append(statement)
        if len(checks) == len(body):
            raise ValueError(f"{filename}:{node.lineno}: {node.name} has nothing to write")
        if checks:
            after = checks[-1].end_lineno or checks[-1].lineno
        elif body is not node.body:  # right after the docstring
            after = node.body[0].end_lineno or node.body[0].lineno
        else:
            after = body[0].lineno - 1
        lines = source.splitlines()
        first = next(
            n for n in range(after + 1, body[len(checks)].lineno + 1) if lines[n - 1].strip()
        )
        check_lines = tuple(
            n for c in checks for n in range(c.lineno, (c.end_lineno or c.lineno) + 1)
        )
        found.append(Region(node.name, first, node.end_lineno or node.lineno, check_lines))
    return found
