"""Grade the learner's definitions, not their notebook: rebuild a submission from the release.

:func:`rebuild` takes a submitted notebook and the instructor's release notebook of the same lab
and returns the notebook the grader executes:

* every cell comes from the release (setup, prose, demos and the locked test cells -- nbgrader's
  ``OverwriteCells`` then puts the hidden tests back from the gradebook), so edited, deleted,
  duplicated, reordered or pasted test cells, a changed kernelspec or stripped metadata change
  nothing;
* each solution cell gets the learner's code for that function -- found by ``grade_id``, or by the
  name of the function it defines when the metadata was stripped -- reduced by :func:`reduce_source`
  to imports, function and class definitions and plain constant assignments: no statement of the
  learner's runs before the tests call their functions;
* written answers (markdown solution cells) are copied by ``grade_id``, or, when the metadata
  was stripped, found as the markdown cell right after the question's prompt; an answer that
  cannot be found is marked for hand grading (never scored 0 automatically). Their HTML is
  cleaned (:func:`safe_markdown`): no script, frame, event handler or ``javascript:`` link
  reaches the feedback page or the instructor's Formgrader;
* a "grader notes" cell at the top lists, for the feedback, everything that was removed.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from typing import Any

import nbformat

HARNESS_TAG = "ppo-grader-harness"
# Decorators a learner may reasonably use (matched on the last dotted name, called or not).
SAFE_DECORATORS = {
    "staticmethod",
    "classmethod",
    "property",
    "no_grad",
    "inference_mode",
    "enable_grad",
    "lru_cache",
    "cache",
    "wraps",
    "dataclass",
    "jit",
    "script",
    "njit",
    "vectorize",
    "setter",
    "getter",
    "deleter",
    "abstractmethod",
}
FORBIDDEN_MODULES = ("autograder", "nbgrader", "ctypes", "IPython", "ipykernel", "gc", "builtins")


def _nb_meta(cell) -> dict:
    """A cell's nbgrader metadata; some editors and scripts store it as a JSON string."""
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return {}
    return meta if isinstance(meta, dict) else {}


def is_solution_code(cell) -> bool:
    m = _nb_meta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("solution")) and not m.get("grade")


def is_written(cell) -> bool:
    m = _nb_meta(cell)
    return cell.get("cell_type") == "markdown" and bool(m.get("solution"))


def exercises_of(release) -> list[str]:
    """grade_ids of the release's code solution cells (= the contract functions of the lab)."""
    return [
        _nb_meta(c)["grade_id"]
        for c in release.cells
        if is_solution_code(c) and _nb_meta(c).get("grade_id")
    ]


# --- parsing -----------------------------------------------------------------------------------

_MAGIC = re.compile(r"^\s*[%!]")


def _strip_magics(source: str) -> tuple[str, list[str]]:
    kept, removed = [], []
    for i, line in enumerate(source.splitlines(), 1):
        if _MAGIC.match(line) or line.lstrip().startswith("?"):
            removed.append(f"line {i}: IPython magic or shell command `{line.strip()[:60]}`")
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept), removed


def parse(source: str):
    """(ast.Module or None, notes). Magics are blanked first; None if it is not Python."""
    cleaned, notes = _strip_magics(source)
    try:
        return ast.parse(cleaned), notes
    except (SyntaxError, ValueError) as exc:
        return None, notes + [
            (
                f"the cell is not valid Python ({exc.__class__.__name__}: "
                f"{getattr(exc, 'msg', exc)}, line {getattr(exc, 'lineno', '?')})"
            )
        ]


def defined_functions(source: str) -> set[str]:
    tree, _ = parse(source)
    if tree is None:
        return set(re.findall(r"^def\s+([A-Za-z_]\w*)\s*\(", source, flags=re.MULTILINE))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


# --- what is a harmless expression -------------------------------------------------------------


def _safe_expr(node, reserved_roots=()) -> bool:
    """Literals, names, attribute chains (no dunders), subscripts and arithmetic of those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return not (node.id.startswith("__") and node.id.endswith("__"))
    if isinstance(node, ast.Attribute):
        return _safe_attribute(node, reserved_roots)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_safe_expr(e, reserved_roots) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(
            k is not None and _safe_expr(k, reserved_roots) and _safe_expr(v, reserved_roots)
            for k, v in zip(node.keys, node.values)
        )
    if isinstance(node, ast.UnaryOp):
        return _safe_expr(node.operand, reserved_roots)
    if isinstance(node, ast.BinOp):
        return _safe_expr(node.left, reserved_roots) and _safe_expr(node.right, reserved_roots)
    if isinstance(node, ast.Subscript):
        return _safe_expr(node.value, reserved_roots) and _safe_expr(node.slice, reserved_roots)
    if isinstance(node, ast.Slice):
        return all(
            p is None or _safe_expr(p, reserved_roots) for p in (node.lower, node.upper, node.step)
        )
    return False


def _safe_attribute(node: ast.Attribute, reserved_roots) -> bool:
    """``a.b.c`` with no private part, not rooted at a reserved name, on a harmless value."""
    if node.attr.startswith("_"):
        return False
    root: ast.expr = node
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Name) and root.id in reserved_roots:
        return False
    return _safe_expr(node.value, reserved_roots)


def _decorator_ok(node) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if (
        isinstance(node, ast.Call)
        and not all(_safe_expr(a) for a in node.args)
        or (isinstance(node, ast.Call) and not all(_safe_expr(k.value) for k in node.keywords))
    ):
        return False
    if isinstance(target, ast.Name):
        return target.id in SAFE_DECORATORS
    if isinstance(target, ast.Attribute):
        return target.attr in SAFE_DECORATORS and _safe_expr(target)
    return False


def _describe(node) -> str:
    try:
        text = ast.unparse(node).splitlines()[0]
    except Exception:  # noqa: BLE001 -- only for a message
        text = type(node).__name__
    return f"line {getattr(node, 'lineno', '?')}: `{text[:70]}`"


class _Reducer:
    """Keeps the harmless top-level statements of one learner cell, notes what it dropped."""

    def __init__(self, exercises, reserved: dict, ppo_aliases=("ppo_core",)):
        self.exercises = set(exercises)
        self.reserved = reserved  # name -> import description it must keep, or None
        self.ppo_aliases = set(ppo_aliases)
        self.notes: list[str] = []
        self.bound: set[str] = set()

    def _binds_reserved(self, name: str, origin=None) -> bool:
        if name in self.reserved and self.reserved[name] != origin:
            return True
        return name.startswith("_ppo_grader") or (name.startswith("__") and name.endswith("__"))

    def _import(self, node):
        """An ``import`` or ``from ... import`` kept with its allowed names only (None if none)."""
        if isinstance(node, ast.Import):
            return self._plain_import(node)
        return self._from_import(node)

    def _plain_import(self, node: ast.Import):
        keep = []
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            origin = ("import", alias.name, alias.asname)
            if alias.name.startswith(FORBIDDEN_MODULES):
                self.notes.append(f"{_describe(node)}: importing {alias.name} is not allowed")
            elif self._binds_reserved(bound, origin):
                self.notes.append(
                    f"{_describe(node)}: it would replace `{bound}`, which the tests use"
                )
            else:
                keep.append(alias)
                self.bound.add(bound)
        if not keep:
            return None
        node.names = keep
        return node

    def _from_import(self, node: ast.ImportFrom):
        module = node.module or ""
        if node.level or module.startswith(FORBIDDEN_MODULES):
            self.notes.append(
                f"{_describe(node)}: importing from {module or 'a relative module'} is not allowed"
            )
            return None
        keep = []
        for alias in node.names:
            bound = alias.asname or alias.name
            if alias.name == "*":
                self.notes.append(f"{_describe(node)}: `import *` is not allowed")
            elif module.startswith("ppo_core") and alias.name in self.exercises:
                self.notes.append(
                    f"{_describe(node)}: importing {alias.name} from ppo_core (the "
                    f"reference implementation) is not allowed -- write it yourself"
                )
            elif self._binds_reserved(bound, ("from", module, alias.name)):
                self.notes.append(
                    f"{_describe(node)}: it would replace `{bound}`, which the tests use"
                )
            else:
                keep.append(alias)
                self.bound.add(bound)
        if not keep:
            return None
        node.names = keep
        return node

    def _function(self, node, in_class=False):
        if self._binds_reserved(node.name) and not in_class:
            self.notes.append(
                f"{_describe(node)}: defining `{node.name}` would replace a name the tests use"
            )
            return None
        if in_class and node.name in ("__init_subclass__", "__set_name__", "__class_getitem__"):
            self.notes.append(f"{_describe(node)}: {node.name} runs code at class creation")
            return None
        kept = []
        for dec in node.decorator_list:
            if _decorator_ok(dec):
                kept.append(dec)
            else:
                self.notes.append(
                    f"{_describe(dec)}: decorator removed (only standard "
                    f"decorators such as @torch.no_grad() are kept)"
                )
        node.decorator_list = kept
        args = node.args
        defaults = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
        if not all(_safe_expr(d, self.ppo_aliases) for d in defaults):
            self.notes.append(
                f"{_describe(node)}: default values must be constants or names "
                f"(no calls), so `{node.name}` was removed"
            )
            return None
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None and not _safe_expr(a.annotation):
                a.annotation = None
        if node.returns is not None and not _safe_expr(node.returns):
            node.returns = None
        if not in_class:
            self.bound.add(node.name)
        return node

    def _class(self, node):
        if self._binds_reserved(node.name):
            self.notes.append(
                f"{_describe(node)}: defining `{node.name}` would replace a name the tests use"
            )
            return None
        if node.keywords or not all(_safe_expr(b, self.ppo_aliases) for b in node.bases):
            self.notes.append(
                f"{_describe(node)}: class `{node.name}` uses a metaclass or "
                f"computed base classes, so it was removed"
            )
            return None
        body = []
        for stmt in node.body:
            out = self._statement(stmt, in_class=True)
            if out is not None:
                body.append(out)
        node.body = body or [ast.Pass()]
        node.decorator_list = [d for d in node.decorator_list if _decorator_ok(d)]
        self.bound.add(node.name)
        return node

    def _assign(self, node):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = []
        for t in targets:
            elts = t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]
            for e in elts:
                if not isinstance(e, ast.Name):
                    return None
                names.append(e.id)
        if node.value is None or not _safe_expr(node.value, self.ppo_aliases):
            return None
        if any(self._binds_reserved(n) for n in names):
            return None
        if isinstance(node, ast.AnnAssign):
            node.annotation = ast.Name("object", ast.Load())
        self.bound.update(names)
        return node

    def _statement(self, stmt, in_class=False):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) and not in_class:
            return self._import(stmt)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._function(stmt, in_class)
        if isinstance(stmt, ast.ClassDef):
            return self._class(stmt)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            out = self._assign(stmt)
            if out is None:
                self.notes.append(
                    f"{_describe(stmt)}: only assignments of constants to plain names are kept"
                )
            return out
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            return stmt  # a docstring or a bare literal
        if isinstance(stmt, ast.Pass):
            return stmt
        self.notes.append(
            f"{_describe(stmt)}: statements outside functions are not run by the grader"
        )
        return None

    def reduce(self, tree):
        body = []
        for stmt in tree.body:
            out = self._statement(stmt)
            if out is not None:
                body.append(out)
        tree.body = body
        return tree


def reduce_source(source: str, exercises=(), reserved=None) -> tuple[str, list[str], set[str]]:
    """(reduced source, notes on what was removed, top-level names it binds)."""
    tree, notes = parse(source)
    if tree is None:
        return "", notes, set()
    ppo_aliases = {"ppo_core"}
    reducer = _Reducer(exercises, reserved or {}, ppo_aliases)
    tree = reducer.reduce(tree)
    return ast.unparse(tree), notes + reducer.notes, reducer.bound


# --- names the instructor's cells bind ---------------------------------------------------------


def instructor_bindings(release) -> dict:
    """Top-level names bound by the release's non-solution code cells.

    Maps name -> import origin (``("import", module, asname)`` / ``("from", module, name)``) for
    imports, or None for anything else. A learner's cell may repeat exactly the same import.
    """
    out: dict = {}
    for cell in release.cells:
        if cell.get("cell_type") != "code" or is_solution_code(cell):
            continue
        tree, _ = parse(cell.source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            out.update(_node_bindings(node))
    out.pop("_", None)
    return out


def _node_bindings(node) -> dict:
    """The names one AST node binds: name -> import origin, or None for a non-import binding."""
    if isinstance(node, ast.Import):
        return {a.asname or a.name.split(".")[0]: ("import", a.name, a.asname) for a in node.names}
    if isinstance(node, ast.ImportFrom):
        return {a.asname or a.name: ("from", node.module or "", a.name) for a in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name: None}
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return {node.id: None}
    return {}


# --- rebuilding --------------------------------------------------------------------------------


def _find_learner_cell(submitted_cells, grade_id: str, function: str | None):
    """The learner's cell for ``grade_id``: by metadata, else the last cell defining
    ``function``.

    A cell copied in Jupyter or Colab keeps its metadata, so a scratch copy of an exercise cell
    carries the same grade_id: of several, the last one that defines ``function`` is the
    learner's exercise ("grade_id, copies"), else the last one."""
    by_id = [c for c in submitted_cells if _nb_meta(c).get("grade_id") == grade_id]
    if len(by_id) > 1 and function:
        defining = [c for c in by_id if function in defined_functions(_source(c))]
        if defining:
            return defining[-1], "grade_id, copies"
    if by_id:
        return by_id[-1], "grade_id"
    if function:
        by_name = [
            c
            for c in submitted_cells
            if c.get("cell_type") == "code" and function in defined_functions(c.get("source", ""))
        ]
        if by_name:
            return by_name[-1], "function name"
    return None, None


UNMATCHED_ANSWER = (
    "*(The grader could not find this written answer in your notebook -- its "
    "cell metadata was removed. Your instructor reads your notebook to grade "
    "it.)*"
)
# Markup a written answer or an output may keep (everything else is shown as text).
SAFE_TAGS = [
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "div",
]
SAFE_ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title"], "*": ["class"]}
_BAD_SCHEME = re.compile(r"(?i)(java|vb)\s*script\s*:|data\s*:\s*text/html")


def clean_html(text: str) -> str:
    """HTML with only :data:`SAFE_TAGS` (others escaped), no event handler, http(s)/mailto
    links and data: images only."""
    import bleach

    cleaned = bleach.clean(
        text,
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        protocols=["http", "https", "mailto", "data"],
        strip=False,
    )
    return _BAD_SCHEME.sub("blocked:", cleaned)


def safe_markdown(text: str) -> str:
    """A learner's markdown with its HTML cleaned and script URLs of markdown links blocked."""
    return _BAD_SCHEME.sub("blocked:", clean_html(text))


SAFE_OUTPUT_TYPES = ("text/plain", "image/png", "image/jpeg", "image/gif", "application/json")


def clean_output_data(data: dict) -> dict:
    """An output's mime bundle without anything that can run script in a browser."""
    out = {}
    for mime, value in data.items():
        text = "".join(value) if isinstance(value, list) else value
        if mime in SAFE_OUTPUT_TYPES:
            out[mime] = value
        elif mime == "text/html" and isinstance(text, str):
            out[mime] = clean_html(text)
        elif mime == "text/markdown" and isinstance(text, str):
            out[mime] = safe_markdown(text)
    if not out:
        out["text/plain"] = "[output removed by the grader: " + ", ".join(sorted(data)) + "]"
    return out


def _written_answer(submitted_cells, release_cells, index: int, grade_id: str):
    """The learner's answer to the written question at ``release_cells[index]``, or None.

    By grade_id; else (metadata stripped) the markdown cell right after the prompt cell, when
    it is not a copy of a release cell (an untouched stub is no answer).
    """
    learner, _ = _find_learner_cell(submitted_cells, grade_id, None)
    if learner is not None:  # a code cell too: its text is the answer (the cell type was changed)
        return learner
    if index == 0:
        return None
    prompt = _source(release_cells[index - 1]).strip()
    release_texts = {_source(c).strip() for c in release_cells}
    for i, cell in enumerate(submitted_cells[:-1]):
        if cell.get("cell_type") == "markdown" and _source(cell).strip() == prompt:
            nxt = submitted_cells[i + 1]
            if nxt.get("cell_type") == "markdown" and _source(nxt).strip() not in release_texts:
                return nxt
    return None


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _solution_cells(cell, ctx: dict) -> list:
    """The cells replacing one release solution cell: the learner's reduced code (or a stub
    when the exercise is missing)."""
    grade_id, exercises, notes = _nb_meta(cell)["grade_id"], ctx["exercises"], ctx["notes"]
    learner, how = _find_learner_cell(
        ctx["submitted"], grade_id, grade_id if grade_id in exercises else None
    )
    if learner is None or learner.get("cell_type") != "code":
        notes.append(
            f"`{grade_id}`: no cell with this exercise was found in the "
            f"submission, so its tests fail"
        )
        cell.source = "# (missing from the submission)\n"
        return [cell]
    others = [e for e in exercises if e != grade_id]
    reduced, removed, _bound = reduce_source(
        _source(learner), exercises, {**ctx["reserved"], **{e: None for e in others}}
    )
    if how == "function name":
        notes.append(
            f"`{grade_id}`: the cell's nbgrader metadata was missing; it was "
            f"found by the function it defines"
        )
    elif how == "grade_id, copies":
        notes.append(
            f"`{grade_id}`: several cells carry this exercise's id (a copied cell); the last "
            f"one that defines `{grade_id}` was graded"
        )
    notes.extend(f"`{grade_id}`, {r}" for r in removed)
    cell.source = reduced + "\n"
    cell.outputs, cell.execution_count = [], None
    return [cell]


def _written_cell(cell, ctx: dict, index: int):
    """The release's written-answer cell with the learner's (cleaned) answer in it."""
    grade_id = _nb_meta(cell)["grade_id"]
    learner = _written_answer(ctx["submitted"], ctx["release_cells"], index, grade_id)
    if learner is not None:
        cell.source = safe_markdown(_source(learner))
        if learner.get("cell_type") != "markdown":
            ctx["notes"].append(
                f"`{grade_id}`: the written answer was in a {learner.get('cell_type')} cell; "
                f"it is shown as text for your instructor to grade"
            )
    elif not _find_learner_cell(ctx["submitted"], grade_id, None)[0]:
        cell.source = UNMATCHED_ANSWER  # not the stub: nbgrader leaves it for a person
        ctx["notes"].append(
            f"`{grade_id}`: the written answer was not found (cell metadata "
            f"removed); it is left for your instructor to grade by hand"
        )
    return cell


def _notes_cell(notes: list[str]):
    if notes:
        text = (
            "**Grader notes.** The grader runs only your imports, function and class "
            "definitions and constant assignments, under the instructor's own test cells. "
            "It changed the following:\n\n" + "\n".join(f"- {n}" for n in notes)
        )
    else:
        text = (
            "**Grader notes.** Your functions were graded by the instructor's test cells; "
            "nothing in your solution cells was removed."
        )
    note_cell = nbformat.v4.new_markdown_cell(text)
    note_cell.metadata["tags"] = [HARNESS_TAG]
    return note_cell


def rebuild(submitted, release, lab: str):
    """(notebook to execute, list of notes for the learner)."""
    exercises = exercises_of(release)
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        cell.pop("outputs", None) if cell.get("cell_type") != "code" else None
    ctx: dict[str, Any] = {
        "exercises": exercises,
        "reserved": instructor_bindings(release),
        "notes": [],
        "submitted": list(getattr(submitted, "cells", []) or []),
        "release_cells": list(release.cells),
    }  # unchanged originals, same order as nb
    new_cells: list = []
    for index, cell in enumerate(nb.cells):
        grade_id = _nb_meta(cell).get("grade_id")
        if is_solution_code(cell) and grade_id:
            new_cells.extend(_solution_cells(cell, ctx))
        elif is_written(cell) and grade_id:
            new_cells.append(_written_cell(cell, ctx, index))
        else:
            new_cells.append(cell)
    nb.cells = [_notes_cell(ctx["notes"])] + new_cells
    nb.metadata["kernelspec"] = copy.deepcopy(
        release.metadata.get(
            "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
        )
    )
    return nb, ctx["notes"]
