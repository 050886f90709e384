"""Find the sentences a learner or instructor reads that state a number, a comparison or a cause.

The texts are the solution notebooks (prose, model answers and the comments of code cells), the
presenter notebook, the README, ``docs/``, the docstrings of the student-facing functions, of
``PPOConfig`` and its fields, and of ``ppo_viz`` (widgets and figures), and the strings
``ppo_viz`` shows. Code is not prose:
fenced blocks and inline code spans are dropped before a sentence is judged, so ``lab2_gae`` or
``gamma=0.99`` in backticks is not a number the text asserts.

A sentence is a *candidate* when, outside code, it holds a digit, a comparative or a causal
word (``CUE``). ``tests/claims/register.py`` must account for every candidate: registered with
the experiment that measures it, or marked as not a claim with a reason.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ppo_core
from ppo_core import exercises

ROOT = Path(__file__).resolve().parents[2]

# A digit not glued to a name (``v3``, ``lab2``, ``Q1`` are names), or one of the words that
# compare or give a cause.
CUE = re.compile(
    r"(?<![A-Za-z_\d.])\d|\b("
    r"because|so|therefore|hence|causes?|caused|leads? to|makes?|prevents?|"
    r"more|less|fewer|faster|slower|larger|smaller|bigger|higher|lower|better|"
    r"worse|never|always|shrinks?|grows?|drifts?|increases?|decreases?|"
    r"improves?|hurts?|than|slows?|slowed|speeds? up|dominates?|dominated|explodes?|"
    r"exploded|collapses?|collapsed|helps?|reduces?|reduced|stabili[sz]es?|due to|"
    r"results? in|overshoots?|spikes?"
    r")\b",
    re.IGNORECASE,
)


# Numbers that name rather than assert: a lab, section, step, question, table or equation, a
# version, a year of a citation, a list item's number, and the points of a graded cell (labkit
# writes those from the cell's own ``points``). They are blanked before ``CUE`` looks.
NAMES = re.compile(
    r"\b(Labs?|Sections?|Steps?|Exercises?|Questions?|Q|Tables?|Eqs?\.?|Equations?|Figures?|"
    r"Fig\.|Parts?|Python|ipywidgets|arXiv:?|Chapter|Sec\.|Appendix|schema|stop)"
    r"\s*\d+(\.\d+)*([-\u2013,/]\s*\d+|\s+(and|to|or)\s+\d+)*"
    r"|§\s*\d+(\.\d+)*|\b(19|20)\d\d[a-z]?\b|\(\d+ points?[^)]*\)|^\s*#*\s*\d+\.(\s|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    source: str  # a path relative to the repository, with ``::name`` for a docstring
    text: str  # whitespace collapsed


def normalise(text: str) -> str:
    """Collapse whitespace; a quote in the register is compared in this form."""
    return " ".join(text.split())


_FENCE = re.compile(r"```.*?```", re.DOTALL)
_CODE_SPAN = re.compile(r"``.+?``|`[^`\n]+`")
_HTML_TAG = re.compile(r"<[^>]+>")
# A sentence ends at . ! ? followed by a space and a capital, a quote or a bracket, or at a
# blank line, a list item or a table row.
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'*_\[|$])")


def prose_sentences(text: str) -> Iterator[str]:
    """The sentences of markdown or a docstring, with their code spans kept verbatim."""
    text = _FENCE.sub("\n\n", text)
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        item: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith(("|", "#")) or re.match(r"([-*+]|\d+\.)\s", stripped):
                if item:
                    blocks.append(" ".join(item))
                item = [stripped]
                if stripped.startswith(("|", "#")):
                    blocks.append(" ".join(item))
                    item = []
            else:
                item.append(stripped)
        if item:
            blocks.append(" ".join(item))
    for block in blocks:
        for sentence in _SPLIT.split(normalise(block)):
            if sentence:
                yield sentence


def is_candidate(sentence: str) -> bool:
    """Whether the sentence, outside its code spans, states a number, comparison or cause."""
    plain = NAMES.sub(" ", _HTML_TAG.sub(" ", _CODE_SPAN.sub(" ", sentence)))
    if re.fullmatch(r"[\s|:\-]*", plain):  # a table's rule
        return False
    return bool(CUE.search(plain))


def _comments(source: str) -> Iterator[str]:
    """The comment lines of a code cell, a run of them joined into one text."""
    run: list[str] = []
    for line in source.splitlines():
        match = re.match(r"\s*#\s?(.*)", line)
        if match:
            run.append(match.group(1))
        elif run:
            yield " ".join(run)
            run = []
    if run:
        yield " ".join(run)


def notebook_texts(path: Path) -> Iterator[str]:
    """The prose of a notebook: markdown cells and the comments of code cells."""
    for cell in json.loads(path.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            yield source
        elif cell["cell_type"] == "code":
            yield from _comments(source)


def _docstrings(path: Path, names: set[str] | None) -> Iterator[tuple[str, str]]:
    """(name, docstring) of a module's functions and classes (all of them, or ``names``)."""
    tree = ast.parse(path.read_text())
    module_doc = ast.get_docstring(tree)
    if names is None and module_doc:
        yield "", module_doc
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            if names is not None and node.name not in names:
                continue
            if names is None and node.name.startswith("_"):
                continue
            doc = ast.get_docstring(node)
            if doc:
                yield node.name, doc


def _field_docstrings(path: Path, class_name: str) -> Iterator[tuple[str, str]]:
    """(``Class``, its docstring) and (``Class.field``, the string under each field) of a
    dataclass whose fields a learner sets (``PPOConfig``)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            yield class_name, ast.get_docstring(node) or ""
            for field, doc in zip(node.body, node.body[1:]):
                if (
                    isinstance(field, ast.AnnAssign)
                    and isinstance(field.target, ast.Name)
                    and isinstance(doc, ast.Expr)
                    and isinstance(doc.value, ast.Constant)
                    and isinstance(doc.value.value, str)
                ):
                    yield f"{class_name}.{field.target.id}", doc.value.value


def _shown_strings(path: Path) -> Iterator[str]:
    """The string literals of a module that read as prose (labels, titles, widget text)."""
    tree = ast.parse(path.read_text())
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if len(node.value.split()) >= 4:
                yield node.value


def _library_texts() -> Iterator[tuple[str, str]]:
    """The docstrings of the student-facing functions and of ``PPOConfig``'s fields."""
    student_facing = set(exercises.names())
    package = Path(ppo_core.__file__).parent
    for path in sorted(package.glob("*.py")):
        for name, doc in _docstrings(path, student_facing):
            yield f"{path.relative_to(ROOT)}::{name}", doc
    config = package / "config.py"
    for name, doc in _field_docstrings(config, "PPOConfig"):
        yield f"{config.relative_to(ROOT)}::{name}", doc


def texts() -> Iterator[tuple[str, str]]:
    """(source, text) of everything a learner, instructor or presenter reads."""
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for text in notebook_texts(path):
            yield str(path.relative_to(ROOT)), text
    presenter = ROOT / "demos" / "presenter.ipynb"
    for text in notebook_texts(presenter):
        yield str(presenter.relative_to(ROOT)), text
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        yield str(path.relative_to(ROOT)), path.read_text()
    yield from _library_texts()
    for path in sorted((ROOT / "ppo_viz").glob("*.py")):
        for name, doc in _docstrings(path, None):
            yield f"{path.relative_to(ROOT)}::{name}", doc
        for text in _shown_strings(path):
            yield str(path.relative_to(ROOT)), text


def candidates() -> list[Sentence]:
    """Every candidate sentence, in reading order, duplicates within a source kept once."""
    found: list[Sentence] = []
    seen: set[tuple[str, str]] = set()
    for source, text in texts():
        for sentence in prose_sentences(text):
            key = (source, sentence)
            if key not in seen and is_candidate(sentence):
                seen.add(key)
                found.append(Sentence(source, sentence))
    return found
