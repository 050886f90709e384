"""The student build's visible checks: the instructor's checks without the answers' code.

:func:`write_student_checks` writes the package ``autograder.checks`` of the student build
(``python -m autograder build-student-package``):

1. each lab's check module, transformed: every reference it imports from ``ppo_core``
   (``from ppo_core.gae import compute_gae as _ref_compute_gae``), every reference written in
   the module itself (a function named ``_ref_*``) and every known mistake (``_wrong_*``) is
   replaced by a stand-in of :mod:`autograder.checks.replay`
   (``_ref_compute_gae = replayed("ref:compute_gae")``); private helpers that only those used
   are dropped. The checks' own code, assertions and messages stay as they are.
2. ``visible_cases.npz``: what the references and the known mistakes returned on every call the
   visible test cells make (the ``check_*(...)`` lines of the release notebooks, plus the checks
   the root-cause search of a failing check runs), recorded here with the full library. Every
   known mistake is evaluated on every case
   (:attr:`~autograder.checks.compare.CheckState.all_mistakes`), and each check also runs with
   each known mistake as the learner.
3. ``replay.py``, the runtime the stand-ins use, ``compare.py`` as it is, and ``carry.py`` (the
   learner's functions carried between labs through ``my_ppo/``).

What cannot be replayed, and what the student build does instead, is listed in
:mod:`autograder.checks.replay`. Hidden tests (other seeds) are not recorded: in the student
build they say that they run when the notebook is graded.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
import re
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from autograder.student.checkout import REPO_ROOT, exercise_labs

CHECKS_DIR = REPO_ROOT / "autograder" / "checks"
LABS = tuple(sorted(set(exercise_labs().values())))  # one checks module per lab

STAND_INS = {("lab4_training", "_ref_ppo_loss"): "stand_in_loss"}
"""References replaced by a stand-in that is not replayed: Lab 4's spy loss gets inputs that
depend on the learner's update (see :mod:`autograder.checks.replay`)."""

OVERRIDES = {
    "lab5_diagnostics": {
        "_KEY": '_KEY = dict.fromkeys(recorded_constant("lab5_diagnostics.labels"))\n',
        "diagnosis_key": "",
        "check_diagnosis_run": '''\
def check_diagnosis_run(diagnosis, label: str) -> None:
    """The fault named for run ``label``: checked when the notebook is graded (the answer key
    stays with the instructor); here, only the format of ``diagnosis``."""
    check_diagnosis_format(diagnosis)
    print(f"not checked here: the fault of {label} -- the answer key stays with your "
          f"instructor; it is checked when your notebook is graded")
''',
    },
}
"""Top-level statements replaced (or, with ``""``, removed) in the student build, by the name
they bind: Lab 5's answer key and the check that reads it."""

CONSTANTS: dict[str, Callable[[], object]] = {
    "lab5_diagnostics.labels": lambda: sorted(
        importlib.import_module("ppo_core.recorded_runs").run_labels()
    ),
}
"""Values the transformed modules read with ``recorded_constant(name)``."""

_RUNTIME = ("mistaken", "recorded_constant", "replayed", "stand_in_loss")


def write_student_checks(dest: Path) -> None:
    """Write the student build's ``autograder.checks`` package into ``dest`` (a new folder)."""
    dest = Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists: write_student_checks makes a new folder")
    exercises = set(exercise_labs())
    dest.mkdir(parents=True)
    shutil.copy(CHECKS_DIR / "compare.py", dest / "compare.py")
    shutil.copy(CHECKS_DIR / "replay.py", dest / "replay.py")
    shutil.copy(CHECKS_DIR / "carry.py", dest / "carry.py")  # my_ppo: no answer in it
    (dest / "__init__.py").write_text(student_init(read(CHECKS_DIR / "__init__.py")))
    for lab in LABS:
        source = student_module(lab, read(CHECKS_DIR / f"{lab}.py"), exercises)
        assert_no_answers(source, exercises, f"{lab}.py")
        (dest / f"{lab}.py").write_text(source)
    save(record(visible_calls()), dest / "visible_cases.npz")


def read(path: Path) -> str:
    """A source file's text."""
    return Path(path).read_text()


# --- 1. The transformed modules --------------------------------------------------------------

_BANNER = (
    "# Written by autograder.student.checks (student build): the instructor's checks with "
    "recorded\n# numbers in place of the reference and known-mistake code. Do not edit.\n"
)


def student_init(source: str) -> str:
    """The student build's ``__init__.py``: the same imports, a docstring for the learner."""
    doc = (
        '"""The visible checks behind the labs\' test cells (student build).\n\n'
        "The checks compare your functions with recorded results of the reference "
        "implementation\nand of known mistakes (:mod:`autograder.checks.replay`); the "
        'reference code itself stays\nwith your instructor, who grades with it.\n"""\n'
    )
    tree = ast.parse(source)
    body_start = tree.body[1].lineno - 1  # the statement after the docstring
    return _BANNER + doc + "\n" + "".join(source.splitlines(keepends=True)[body_start:])


def student_module(lab: str, source: str, exercises: set[str]) -> str:
    """``source`` of the check module ``lab`` with its references and mistakes replaced."""
    from autograder.checks.compare import MISTAKES

    wrong = {
        impl.__name__: (function, key)
        for function, known in MISTAKES.items()
        for key, (impl, _) in known.items()
        if impl.__module__.endswith(f".{lab}")
    }
    edits, stand_ins = _statement_edits(lab, ast.parse(source), exercises, wrong)
    text = _student_docstring(_apply(source, edits), lab)
    text = _insert_after_imports(text, "\n" + "".join(stand_ins)) if stand_ins else text
    text = _prune(text)
    used = [name for name in _RUNTIME if re.search(rf"\b{name}\(|= {name}\b", text)]
    if used:
        text = _insert_after_compare_import(
            text, f"from autograder.checks.replay import {', '.join(used)}\n"
        )
    # The stand-ins of one function's mistakes read as one block.
    text = re.sub(r"(= mistaken\([^\n]*\)\n)\n+(?=_wrong_)", r"\1", text)
    return _BANNER + re.sub(r"\n{4,}", "\n\n\n", text)


def _statement_edits(
    lab: str, tree: ast.Module, exercises: set[str], wrong: dict[str, tuple[str, str]]
) -> tuple[list, list[str]]:
    """``(first line, last line, replacement)`` for each top-level statement that changes, and
    the stand-ins of the imported references (placed after the imports)."""
    overrides = OVERRIDES.get(lab, {})
    edits, stand_ins = [], []
    for node in tree.body:
        names = _bound_names(node)
        if names & overrides.keys():
            text = "".join(overrides[name] for name in sorted(names & overrides.keys()))
            edits.append((*_span(node), text))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ppo_core"):
            replaced = _reference_imports(lab, node, exercises)
            if replaced is not None:
                edits.append((*_span(node), replaced[0]))
                stand_ins.extend(replaced[1])
        elif isinstance(node, ast.Import) and any(
            a.name.startswith("ppo_core") for a in node.names
        ):
            raise ValueError(
                f"{lab}.py:{node.lineno}: `import ppo_core...` -- import each "
                f"reference under a private name, `from ppo_core.<module> import "
                f"<function> as _ref_<function>`, so the student build can "
                f"replace it"
            )
        elif isinstance(node, ast.FunctionDef):
            stand_in = _function_stand_in(lab, node, wrong)
            if stand_in is not None:
                edits.append((*_span(node), stand_in))
    return edits, stand_ins


def _span(node: ast.stmt) -> tuple[int, int]:
    """The first and last line (1-based) of a parsed statement."""
    return node.lineno, node.end_lineno or node.lineno


def _bound_names(node: ast.stmt) -> set[str]:
    """The names a top-level statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    return set()


def _reference_imports(
    lab: str, node: ast.ImportFrom, exercises: set[str]
) -> tuple[str, list[str]] | None:
    """``(the import line without the references, their stand-ins)`` for a ``from ppo_core...
    import`` line that imports references; ``None`` where it imports none."""
    kept, stand_ins = [], []
    for alias in node.names:
        if alias.name not in exercises:
            kept.append(alias)
            continue
        bound = alias.asname or alias.name
        if not bound.startswith("_ref_"):
            raise ValueError(
                f"{lab}.py:{node.lineno}: the reference {alias.name} is imported "
                f"as {bound}: import it as _ref_{alias.name}"
            )
        special = STAND_INS.get((lab, bound))
        value = special or f'replayed("ref:{alias.name}")'
        stand_ins.append(f"{bound} = {value}\n")
    if not stand_ins:
        return None
    imports = ast.unparse(ast.ImportFrom(node.module, kept, node.level)) + "\n" if kept else ""
    return imports, stand_ins


def _function_stand_in(
    lab: str, node: ast.FunctionDef, wrong: dict[str, tuple[str, str]]
) -> str | None:
    """The replacement of a ``_wrong_*`` or ``_ref_*`` function (``""``: dropped), or ``None``."""
    if node.name.startswith("_wrong_"):
        if node.name not in wrong:
            return ""  # not a registered mistake: it must be unused once the rest is replaced
        function, key = wrong[node.name]
        return f'{node.name} = mistaken("{function}", "{key}")\n'
    if node.name.startswith("_ref_"):
        return f'{node.name} = replayed("ref:{lab}.{node.name}")\n'
    return None


def _apply(source: str, edits: list[tuple[int, int, str]]) -> str:
    """``source`` with lines ``first..last`` (1-based) of each edit replaced; a dropped
    statement takes the comment lines right above it along."""
    lines = source.splitlines(keepends=True)
    for first, last, text in sorted(edits, reverse=True):
        start = first - 1
        if not text:
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
        lines[start:last] = [text] if text else []
    return "".join(lines)


def _student_docstring(source: str, lab: str) -> str:
    """The module docstring's first paragraph, and what the student build changed."""
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree, clean=True)
    if docstring is None:
        raise ValueError(f"autograder/checks/{lab}.py has no module docstring")
    first = docstring.split("\n\n")[0]
    doc = (
        f'"""{first}\n\nStudent build: the references and the known mistakes are stand-ins '
        f"that replay results\nrecorded on the visible test cells' inputs "
        f'(:mod:`autograder.checks.replay`).\n"""\n'
    )
    node = tree.body[0]
    lines = source.splitlines(keepends=True)
    return "".join(lines[: node.lineno - 1]) + doc + "".join(lines[node.end_lineno :])


def _prune(source: str) -> str:
    """``source`` without the private top-level functions, classes and assignments that nothing
    else uses any more, and without unused names in ``from ppo_core... import`` lines."""
    while True:
        tree = ast.parse(source)
        edits = _dead_statements(tree) or _unused_library_imports(tree)
        if not edits:
            return source
        source = _apply(source, edits)


def _names_used(nodes: list[ast.stmt]) -> set[str]:
    """Every name read in ``nodes``."""
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _dead_statements(tree: ast.Module) -> list[tuple[int, int, str]]:
    """Top-level private definitions that no other statement uses."""
    edits = []
    for node in tree.body:
        names = _bound_names(node)
        if (
            not names
            or isinstance(node, (ast.Import, ast.ImportFrom))
            or not all(n.startswith("_") for n in names)
        ):
            continue
        others = _names_used([other for other in tree.body if other is not node])
        if not names & others:
            edits.append((*_span(node), ""))
    return edits[:1]  # one at a time: removing one can make another dead


def _unused_library_imports(tree: ast.Module) -> list[tuple[int, int, str]]:
    """``from ppo_core... import`` lines rewritten without the names nothing uses."""
    used = _names_used(tree.body)
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ppo_core")):
            continue
        kept = [a for a in node.names if (a.asname or a.name) in used]
        if len(kept) < len(node.names):
            text = ast.unparse(ast.ImportFrom(node.module, kept, node.level)) + "\n" if kept else ""
            return [(*_span(node), text)]
    return []


def _insert_after_imports(source: str, text: str) -> str:
    """``source`` with ``text`` after its last top-level import."""
    tree = ast.parse(source)
    last = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))][-1]
    lines = source.splitlines(keepends=True)
    return "".join(lines[: last.end_lineno]) + text + "".join(lines[last.end_lineno :])


def _insert_after_compare_import(source: str, line: str) -> str:
    """``source`` with ``line`` right after the ``from autograder.checks.compare import``."""
    tree = ast.parse(source)
    node = next(
        n
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module == "autograder.checks.compare"
    )
    lines = source.splitlines(keepends=True)
    return "".join(lines[: node.end_lineno]) + line + "".join(lines[node.end_lineno :])


def assert_no_answers(source: str, exercises: set[str], filename: str) -> None:
    """Raise if a transformed module still holds reference or known-mistake code."""
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith(("_wrong_", "_ref_")):
            raise ValueError(f"{filename}:{node.lineno}: {node.name} is still defined")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ppo_core"):
            leaked = {a.name for a in node.names} & exercises
            if leaked:
                raise ValueError(f"{filename}:{node.lineno}: imports the references {leaked}")
        if isinstance(node, ast.Import) and any(a.name.startswith("ppo_core") for a in node.names):
            raise ValueError(f"{filename}:{node.lineno}: imports ppo_core as a module")


# --- 2. The visible calls and their recording ------------------------------------------------


def visible_calls() -> list[tuple[str, str, dict]]:
    """``(function, aspect, kwargs)`` of every check a visible test cell calls, then every check
    the root-cause search runs with its defaults (when a function that calls another fails)."""
    from autograder.checks.compare import DEPENDS_ON, UNREPORTED

    by_name = {
        f"check_{function}_{aspect}": (function, aspect)
        for function, aspects in UNREPORTED.items()
        for aspect in aspects
    }
    calls: list[tuple[str, str, dict]] = []
    for lab in LABS:
        for source in _test_cells(REPO_ROOT / "notebooks" / lab / f"{lab}.ipynb"):
            for node in ast.walk(ast.parse(source)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in by_name
                ):
                    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
                    calls.append((*by_name[node.func.id], kwargs))
    for helper in sorted({h for helpers in DEPENDS_ON.values() for h in helpers}):
        calls.extend((helper, aspect, {}) for aspect in UNREPORTED[helper])
    unique = {json.dumps(call, sort_keys=True): call for call in calls}
    return list(unique.values())


def _test_cells(path: Path) -> Iterator[str]:
    """The sources of a notebook's autograded test cells."""
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("grade"):
            yield "".join(cell["source"])


class Recording:
    """Calls of references and known mistakes: ``calls[key][identity] = entry``."""

    def __init__(self) -> None:
        """An empty recording."""
        self.calls: dict[str, dict[tuple, dict]] = {}
        self.depth = 0

    def wrap(self, key: str, fn: Callable) -> Callable:
        """``fn``, recording its calls under ``key`` (calls made inside another recorded call
        or inside the learner's function are not recorded: they are not the checks')."""

        def recorded(*args, **kwargs):
            """``fn(*args, **kwargs)``, with the call recorded."""
            if self.depth:
                return fn(*args, **kwargs)
            signature, leaves, arrays = _snapshot(args, kwargs)
            self.depth += 1
            try:
                output = fn(*args, **kwargs)
            except Exception:
                self._add(key, signature, arrays, {"kind": "raises"}, {})
                raise
            finally:
                self.depth -= 1
            self._add(key, signature, arrays, encode(output), _jacobians(output, leaves))
            return output

        return recorded

    def learner(self, fn: Callable) -> Callable:
        """``fn`` as the learner's function: nothing it calls is recorded."""

        def learner_fn(*args, **kwargs):
            """``fn(*args, **kwargs)``, with recording paused."""
            self.depth += 1
            try:
                return fn(*args, **kwargs)
            finally:
                self.depth -= 1

        learner_fn.__name__ = getattr(fn, "__name__", "learner")
        return learner_fn

    def _add(
        self,
        key: str,
        signature: str,
        arrays: list[np.ndarray],
        output: dict,
        jacobians: dict[int, np.ndarray],
    ) -> None:
        """Keep one entry per distinct input (the same case recurs across learners)."""
        identity = (signature, *((a.dtype.str, a.tobytes()) for a in arrays))
        self.calls.setdefault(key, {}).setdefault(
            identity,
            {"signature": signature, "inputs": arrays, "output": output, "jacobians": jacobians},
        )


def encode(value) -> dict:
    """A value as a spec (:func:`autograder.checks.replay.decode` reads it back), with numpy
    copies of its numbers under ``"array"``."""
    from autograder.checks.replay import leaf_array

    if isinstance(value, (tuple, list)):
        return {"kind": type(value).__name__, "items": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"kind": "dict", "items": {str(k): encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, str):
        return {"kind": "none"} if value is None else {"kind": "str", "value": value}
    for kind, types in (
        ("tensor", torch.Tensor),
        ("ndarray", np.ndarray),
        ("npscalar", np.generic),
        ("bool", bool),
        ("int", int),
        ("float", float),
    ):
        if isinstance(value, types):
            return {"kind": kind, "array": leaf_array(value)}
    raise TypeError(f"cannot record a result of type {type(value).__name__}")


def _snapshot(args: tuple, kwargs: dict) -> tuple[str, list, list[np.ndarray]]:
    """``(signature, leaves, copies of the leaves' numbers)`` of a call's inputs."""
    from autograder.checks.replay import flatten, leaf_array

    signature, leaves = flatten((args, kwargs))
    return signature, leaves, [leaf_array(leaf) for leaf in leaves]


def _jacobians(output, leaves: list) -> dict[int, np.ndarray]:
    """``{input position: d output / d input}`` (float64, (output size, input size)) for the
    inputs that require grad, where ``output`` is a tensor that depends on them."""
    if not (isinstance(output, torch.Tensor) and output.requires_grad):
        return {}
    positions = [
        i for i, leaf in enumerate(leaves) if isinstance(leaf, torch.Tensor) and leaf.requires_grad
    ]
    flat = output.reshape(-1)
    rows = [
        torch.autograd.grad(
            flat[i], [leaves[p] for p in positions], retain_graph=True, allow_unused=True
        )
        for i in range(flat.numel())
    ]
    jacobians = {}
    for j, position in enumerate(positions):
        if all(row[j] is None for row in rows):
            continue
        jacobians[position] = np.stack(
            [
                np.zeros(leaves[position].numel())
                if row[j] is None
                else row[j].detach().double().reshape(-1).numpy()
                for row in rows
            ]
        )
    return jacobians


def record(calls: list[tuple[str, str, dict]]) -> Recording:
    """Run each call with the reference, then with each known mistake, as the learner's
    function, recording what the references and the known mistakes return."""
    import ppo_core
    from autograder.checks.compare import MISTAKES, UNREPORTED

    recording = Recording()
    learners = {
        function: [getattr(ppo_core, function)]
        + [impl for impl, _ in MISTAKES.get(function, {}).values()]
        for function, _, _ in calls
    }
    rng_state, threads = torch.random.get_rng_state(), torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: one thread is several times faster on a busy machine
    try:
        with (
            _recording_patches(recording),
            _all_mistakes(),
            warnings.catch_warnings(),
            np.errstate(all="ignore"),
        ):
            warnings.simplefilter("ignore")  # the known mistakes' own warnings
            for function, aspect, kwargs in calls:
                for learner in learners[function]:
                    try:
                        UNREPORTED[function][aspect](recording.learner(learner), **kwargs)
                    except AssertionError:
                        pass  # a known mistake fails: the point is what it was compared with
    finally:
        torch.random.set_rng_state(rng_state)
        torch.set_num_threads(threads)
    return recording


@contextlib.contextmanager
def _all_mistakes() -> Iterator[None]:
    """Evaluate every known mistake on every case while recording."""
    from autograder.checks.compare import STATE

    STATE.all_mistakes = True
    try:
        yield
    finally:
        STATE.all_mistakes = False


@contextlib.contextmanager
def _recording_patches(recording: Recording) -> Iterator[None]:
    """Every lab module's references and every registered mistake, wrapped to record."""
    from autograder.checks.compare import MISTAKES

    saved_globals: list[tuple[dict, str, object]] = []
    saved_mistakes = {f: dict(known) for f, known in MISTAKES.items()}
    try:
        for lab in LABS:
            module = importlib.import_module(f"autograder.checks.{lab}")
            for name, key in _reference_keys(lab, module).items():
                saved_globals.append((vars(module), name, vars(module)[name]))
                vars(module)[name] = recording.wrap(key, vars(module)[name])
        for function, known in saved_mistakes.items():
            for key, (impl, message) in known.items():
                MISTAKES[function][key] = (
                    recording.wrap(f"mistake:{function}:{key}", impl),
                    message,
                )
        yield
    finally:
        for namespace, name, value in saved_globals:
            namespace[name] = value
        for function, known in saved_mistakes.items():
            MISTAKES[function].update(known)


def _reference_keys(lab: str, module) -> dict[str, str]:
    """``{global name: recording key}`` for the references of a lab module: imported ones
    (``"ref:compute_gae"``) and those written in the module (``"ref:lab4_training._ref_..."``)."""
    keys = {}
    for name, value in vars(module).items():
        if not name.startswith("_ref_") or not callable(value) or (lab, name) in STAND_INS:
            continue
        if getattr(value, "__module__", "") == module.__name__:
            keys[name] = f"ref:{lab}.{name}"
        else:
            keys[name] = f"ref:{value.__name__}"
    return keys


def save(recording: Recording, path: Path) -> None:
    """Write the recorded calls (and :data:`CONSTANTS`) to ``path``, numbers only (npz)."""
    arrays: dict[str, np.ndarray] = {}
    names: dict[tuple, str] = {}  # the same inputs recur for the reference and each mistake

    def name_of(array: np.ndarray) -> str:
        """The name ``array`` is stored under (equal arrays are stored once)."""
        identity = (array.dtype.str, array.shape, array.tobytes())
        if identity not in names:
            names[identity] = f"a{len(arrays)}"
            arrays[names[identity]] = np.array(array)  # (ascontiguousarray makes 0-d 1-d)
        return names[identity]

    def spec(encoded: dict) -> dict:
        """``encoded`` with array names in place of its arrays."""
        out = {k: v for k, v in encoded.items() if k not in ("array", "items")}
        if "array" in encoded:
            out["array"] = name_of(encoded["array"])
        if isinstance(encoded.get("items"), list):
            out["items"] = [spec(item) for item in encoded["items"]]
        elif isinstance(encoded.get("items"), dict):
            out["items"] = {k: spec(v) for k, v in encoded["items"].items()}
        return out

    calls = {
        key: [
            {
                "signature": entry["signature"],
                "inputs": [name_of(a) for a in entry["inputs"]],
                "output": spec(entry["output"]),
                "jacobians": {str(p): name_of(j) for p, j in entry["jacobians"].items()},
            }
            for entry in entries.values()
        ]
        for key, entries in sorted(recording.calls.items())
    }
    constants = {name: spec(encode(make())) for name, make in CONSTANTS.items()}
    index = json.dumps({"version": 1, "calls": calls, "constants": constants})
    contents: dict[str, Any] = {"index": np.array(index), **arrays}
    np.savez_compressed(path, **contents)
