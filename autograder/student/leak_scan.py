"""Does a student build contain an answer? Compare normalised token streams, not markers.

A solution region (what the learner writes of an exercise) copied into another module, a known-
wrong implementation one line from the answer, a reference kept by mistake: each gives the
answer away whatever its layout. This module turns Python source into its *normalised token
stream* (the ``tokenize`` tokens without comments, line breaks, indentation and docstrings), so
that code is found whatever its layout, and looks for every answer's stream in every file of a
build:

* every solution region of ``ppo_core`` as a whole, and each of its lines of at least
  :data:`MIN_LINE_TOKENS` tokens (shorter lines, such as ``return advantages``, are everywhere);
* the body of every known-wrong implementation (``_wrong_*``) of ``autograder/checks``;
* Lab 5's answer key (which recorded run has which fault) in any text file (:func:`key_leaks`).

``python -m autograder build-student-package`` runs :func:`scan_build` before it writes the
wheel, and ``tests/test_student_build.py`` runs it on a build with a region left in.
"""

from __future__ import annotations

import ast
import io
import json
import re
import textwrap
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from autograder.student.regions import regions

MIN_LINE_TOKENS = 6
"""A region line shorter than this (``return advantages``, ``)``) says nothing about the answer."""
GENERIC_LINES = (
    "with torch.no_grad():",  # every evaluation without gradients
    "values = np.asarray(values, dtype=np.float64)",  # an input conversion
    # The forward pass and the ratio of update_diagnostics (library code, not an exercise): they
    # call the library's functions, which a student build withholds.
    "_, new_log_probs, entropy, new_values = policy.get_action_and_value(",
    "ratio = current.probability_ratio(new_log_probs, old_log_probs)",
)
"""Lines of solution regions that say nothing about the answer and occur in code a student
build keeps: the scan does not look for them on their own (their regions are still looked for)."""

_LAYOUT = {
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}
_STATEMENT_START = {tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
SEP = "\x00"  # joins tokens: no token contains it, so a match always starts on a token boundary


@dataclass(frozen=True)
class Answer:
    """One piece of code that must not be in a student build."""

    origin: str  # e.g. "ppo_core/gae.py:99 (solution region)"
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Leak:
    """An answer found in a file of a build."""

    path: str
    origin: str
    excerpt: str


def _is_bare_string(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """Token ``i`` is a string that forms a statement on its own (a docstring)."""
    before = tokens[i - 1].type if i else tokenize.ENCODING
    after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.ENDMARKER
    return (
        tokens[i].type == tokenize.STRING
        and before in _STATEMENT_START
        and after in (tokenize.NEWLINE, tokenize.ENDMARKER)
    )


def token_lines(source: str) -> list[tuple[int, str]]:
    """``[(line, token), ...]``: the normalised token stream of ``source`` with each token's
    line: no comments, line breaks, indentation or docstrings (bare string statements)."""
    tokens = [
        tok
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type not in (tokenize.COMMENT, tokenize.NL)
    ]
    return [
        (tok.start[0], tok.string)
        for i, tok in enumerate(tokens)
        if tok.type not in _LAYOUT and not _is_bare_string(tokens, i)
    ]


def token_stream(source: str) -> tuple[str, ...]:
    """The normalised token stream of ``source`` (see :func:`token_lines`)."""
    return tuple(token for _, token in token_lines(source))


def _line_tokens(line: str) -> str:
    """The tokens of one (possibly unfinished) line, joined by spaces."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line).readline):
            if tok.type not in _LAYOUT | {tokenize.COMMENT, tokenize.NL}:
                out.append(tok.string)
    except tokenize.TokenError:  # an open bracket at the end of the line: tokens so far count
        pass
    return " ".join(out)


_GENERIC = {_line_tokens(line) for line in GENERIC_LINES}


def joined(tokens: tuple[str, ...]) -> str:
    """``tokens`` as one string, each token framed by :data:`SEP`, for substring search."""
    return SEP + SEP.join(tokens) + SEP


def _regions(source: str, module: str) -> list[tuple[int, str, str]]:
    """``[(first line, function, dedented code), ...]``: what the learner writes of each
    exercise that ``source``, the library's module ``module``, defines."""
    lines = source.splitlines(keepends=True)
    return [
        (r.first, r.name, textwrap.dedent("".join(lines[r.first - 1 : r.last])))
        for r in regions(source, module)
    ]


def region_answers(path: Path, label: str, skip: Iterable[str] = ()) -> list[Answer]:
    """Each solution region of the file ``path`` as a whole, and each of its lines of at least
    :data:`MIN_LINE_TOKENS` tokens but those in :data:`GENERIC_LINES`; regions of the functions
    ``skip`` (those of revealed labs) are left out."""
    answers = []
    for first, function, code in _regions(path.read_text(), path.stem):
        if function in set(skip):
            continue
        stream = token_lines(code)
        answers.append(
            Answer(
                f"{label}:{first} {function} (solution region)", tuple(token for _, token in stream)
            )
        )
        by_line: dict[int, list[str]] = {}
        for line, token in stream:
            by_line.setdefault(line, []).append(token)
        for line, tokens in by_line.items():
            if len(tokens) >= MIN_LINE_TOKENS and " ".join(tokens) not in _GENERIC:
                answers.append(
                    Answer(
                        f"{label}:{first + line - 1} {function} (line of a solution region)",
                        tuple(tokens),
                    )
                )
    return answers


def wrong_answers(path: Path, label: str) -> list[Answer]:
    """The body of every ``_wrong_*`` function (a known mistake) defined in the file ``path``."""
    source = path.read_text()
    answers = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_wrong_"):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            code = textwrap.dedent(
                "\n".join(ast.get_source_segment(source, stmt, padded=True) or "" for stmt in body)
            )
            answers.append(
                Answer(f"{label}:{node.lineno} {node.name} (known mistake)", token_stream(code))
            )
    return answers


def answers_of(repo: Path, labs: dict[str, str], reveal: Iterable[str] = ()) -> list[Answer]:
    """Every answer of the open course in ``repo``: the regions of ``ppo_core`` (but those of
    the labs in ``reveal``; ``labs`` is ``{function: lab}``) and the ``_wrong_*`` bodies of
    ``autograder/checks``."""
    revealed = {function for function, lab in labs.items() if lab in set(reveal)}
    answers = []
    for path in sorted((repo / "ppo_core").glob("*.py")):
        answers += region_answers(path, str(path.relative_to(repo)), revealed)
    for path in sorted((repo / "autograder" / "checks").rglob("*.py")):
        answers += wrong_answers(path, str(path.relative_to(repo)))
    return [answer for answer in answers if answer.tokens]


def scan_file(path: Path, answers: list[Answer], label: str) -> list[Leak]:
    """The answers whose token stream occurs in the Python file ``path``."""
    text = joined(token_stream(path.read_text()))
    leaks = []
    for answer in answers:
        needle = joined(answer.tokens)
        if needle in text:
            leaks.append(Leak(label, answer.origin, " ".join(answer.tokens)[:120]))
    return leaks


def scan_build(src: Path, answers: list[Answer]) -> list[Leak]:
    """Every answer found in a ``.py`` file under the student build's ``src``."""
    leaks = []
    for path in sorted(src.rglob("*.py")):
        leaks += scan_file(path, answers, str(path.relative_to(src)))
    return leaks


TEXT_SUFFIXES = (".py", ".json", ".md", ".txt", ".toml", ".cfg", ".csv", ".html")


def _json_pairs(node, key: dict[str, str]) -> bool:
    """Whether a JSON object or array in ``node`` holds a run label together with its fault."""
    if isinstance(node, dict):
        strings = {s for s in [*node.keys(), *node.values()] if isinstance(s, str)}
        if any(label in strings and fault in strings for label, fault in key.items()):
            return True
        return any(_json_pairs(value, key) for value in node.values())
    if isinstance(node, list):
        strings = {s for s in node if isinstance(s, str)}
        if any(label in strings and fault in strings for label, fault in key.items()):
            return True
        return any(_json_pairs(value, key) for value in node)
    return False


def _key_leak_in(path: Path, text: str, key: dict[str, str]) -> str | None:
    """What of Lab 5's answer key the text file ``path`` gives away, if anything."""
    for label, fault in key.items():
        if re.search(rf"\b{label}\W{{1,8}}{fault}\b|\b{fault}\W{{1,8}}{label}\b", text):
            return f"{label} next to its fault {fault}"
    if path.suffix == ".json" and _json_pairs(json.loads(text), key):
        return "a JSON object pairs a run label with its fault"
    if path.suffix == ".py" and "LABEL_SEED" in text:
        return "the seed of the labels' permutation (LABEL_SEED)"
    return None


def key_leaks(src: Path, key: dict[str, str]) -> list[Leak]:
    """Where the build under ``src`` gives away Lab 5's answer key ``{label: fault}``: a file
    named after a fault, a text file that pairs a label with its fault, or the seed from which
    ``ppo_core.recorded_runs`` derives the labels."""
    leaks = []
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        relative = str(path.relative_to(src))
        if path.stem in set(key.values()):
            leaks.append(Leak(relative, "Lab 5's answer key", "a file named after a fault"))
        if path.suffix in TEXT_SUFFIXES:
            found = _key_leak_in(path, path.read_text(errors="replace"), key)
            if found:
                leaks.append(Leak(relative, "Lab 5's answer key", found))
    return leaks
