"""A learner's functions carried from one lab to the next, through the folder ``my_ppo/``.

In a graded class the student build of ``ppo_core`` leaves every exercise to the learner, and a
later lab's library code (the rollout, the update, the training loop) calls the functions of
earlier labs. Each lab therefore ends with a locked cell, :func:`save_my_functions`: once the
lab's functions pass its checks it writes them, with the helpers and imports they use, into
``my_ppo/<lab>.py`` beside the lab folders; a function that fails a check (a stub that raises,
a ``return 0``) is refused there, with the check's message. The cell of a later lab that needs
them, :func:`use_my_functions`, imports that file, checks the functions again and has the
library call them (:func:`ppo_core.plug.use_earlier_functions`); if the file is missing it says
which lab to finish first. In Google Colab, where every notebook runs on its own machine, the
saving cell also downloads the file and the using cell asks for it. The presenter's notebook,
which may run after any number of labs, brings in whatever was saved
(:func:`use_saved_functions`).

Nothing here runs for the open library (self-study: the library has every reference) or under
the grader (each lab is graded on its own work; ``my_ppo`` is never read there). A grading
kernel's ``autograder.checks`` holds this module and no check, so it imports the checks only
where it uses them.
"""

from __future__ import annotations

import ast
import contextlib
import dis
import importlib.util
import inspect
import io
import os
import sys
import textwrap
import types
from collections.abc import Callable, Iterable, MutableMapping
from pathlib import Path

import ppo_core
from ppo_core import exercises
from ppo_core.plug import Plugged, use_earlier_functions

FOLDER = "my_ppo"
SAVE_CELL = "Save your functions"
PREFIX = "my_ppo_"  # the name of a loaded file's module: my_ppo_lab2_gae
LITERALS = (bool, int, float, complex, str, bytes, type(None))


class NotSaved(RuntimeError):
    """A lab's functions were not saved: one is missing or fails a check of its lab."""


class FinishEarlierLab(RuntimeError):
    """A lab needs the functions of an earlier one that are not in ``my_ppo`` (or fail)."""


def folder() -> Path:
    """``my_ppo`` beside the lab folders: the parent of the working folder when that is a lab's
    own (``lab2_gae/``), else inside it (Colab's ``/content``); ``PPO_MY_PPO`` overrides."""
    chosen = os.environ.get("PPO_MY_PPO")
    if chosen:
        return Path(chosen)
    here = Path.cwd()
    labs = {lab.id for lab in exercises.LABS}
    return (here.parent if here.name in labs else here) / FOLDER


def _in_colab() -> bool:
    return "google.colab" in sys.modules


def _grading() -> bool:
    """Under the course's grader, whose kernels carry the run's token."""
    return bool(os.environ.get("PPO_GRADER_TOKEN"))


# --- what a function needs, written as a module ------------------------------------------------


def _header_names(source: str) -> set[str]:
    """The names the ``def`` statement itself evaluates: its decorators and defaults."""
    tree = ast.parse(textwrap.dedent(source))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            header = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]
            for part in header:
                if part is not None:
                    found |= {n.id for n in ast.walk(part) if isinstance(n, ast.Name)}
    return found


def _global_names(code: types.CodeType) -> set[str]:
    """The global names ``code`` (and the functions nested in it) reads."""
    names = {
        i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _import_line(name: str, value: object) -> str | None:
    """The import that binds ``name`` to ``value`` (a module, or a class or function of one)."""
    if isinstance(value, types.ModuleType):
        module = value.__name__
        if module == name:
            return f"import {module}"
        parent, _, leaf = module.rpartition(".")
        return (
            f"from {parent} import {leaf}"
            if parent and leaf == name
            else (f"import {module} as {name}")
        )
    owner = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", "")
    if owner and owner != "__main__" and qualname and "." not in qualname:
        return f"from {owner} import {qualname}" + (f" as {name}" if name != qualname else "")
    return None


def _learners_own(function: Callable) -> bool:
    """Written by the learner: in a notebook cell, or in a file of ``my_ppo`` (loaded here)."""
    module = getattr(function, "__module__", None) or ""
    return module == "__main__" or module.startswith(PREFIX)


def module_source(namespace: MutableMapping[str, object], names: Iterable[str], lab: str) -> str:
    """The source of a module holding the functions ``names`` of ``namespace`` as the learner
    wrote them, the notebook functions they call, the imports and the plain constants they use.
    Raises :class:`NotSaved` for a name it cannot write (a function not defined, or a global
    that is neither a module, an importable object nor a plain constant)."""
    imports: set[str] = set()
    constants: dict[str, str] = {}
    functions: dict[str, str] = {}
    todo = list(names)
    while todo:
        name = todo.pop(0)
        if name in functions:
            continue
        value = namespace.get(name)
        if not inspect.isfunction(value):
            raise NotSaved(
                f"{name} is not defined in this notebook: run the cell where you wrote it, "
                f"then this cell again"
            )
        try:
            functions[name] = inspect.getsource(value)
        except (OSError, TypeError) as exc:
            raise NotSaved(
                f"the source of {name} cannot be read ({exc}): run its cell again"
            ) from exc
        for used in sorted(_global_names(value.__code__) | _header_names(functions[name])):
            if used in functions or used in constants or used not in namespace:
                continue  # written already, or a builtin (or a name the module will lack)
            other = namespace[used]
            if inspect.isfunction(other) and _learners_own(other):
                todo.append(used)
            elif (line := _import_line(used, other)) is not None:
                imports.add(line)
            elif isinstance(other, LITERALS):
                constants[used] = repr(other)
            else:
                raise NotSaved(
                    f"{name} uses {used}, a {type(other).__name__} of this notebook that "
                    f"cannot be written to a file: compute it inside {name}, or make it a plain "
                    f"number or string"
                )
    title = exercises.lab(lab).name
    parts = [
        f'"""Your functions of {title}, saved by its cell "{SAVE_CELL}" (later labs import '
        f'them).\n\nEdit them in {title} and run that cell again, not here."""',
        "from __future__ import annotations  # annotations are kept as text, never evaluated",
        "\n".join(sorted(imports)),
        "\n".join(f"{k} = {v}" for k, v in sorted(constants.items())),
        # Helpers first: a default argument naming one is evaluated when its def runs.
        *(source.rstrip() for source in reversed(functions.values())),
    ]
    return "\n\n\n".join(part for part in parts if part) + "\n"


def load(path: Path, lab: str) -> types.ModuleType:
    """Import the file ``path`` as a fresh module (never cached: a saved file may change)."""
    spec = importlib.util.spec_from_file_location(PREFIX + lab, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # inspect and pickling find the functions by module
    spec.loader.exec_module(module)
    return module


# --- the checks a function must pass to be carried ---------------------------------------------


def failure(name: str, function: Callable) -> str | None:
    """The first message of a check of ``name`` that ``function`` fails, or None.

    A check that cannot run here is skipped: one whose recorded answer is missing, or one whose
    own set-up (a network, a rollout) calls a function this build withholds and no lab has
    plugged in yet (its ``NotImplementedError`` comes from the library, not from ``function``,
    whose own are turned into a failed check)."""
    # Imported here: a grading kernel has this module but not the checks (it never gets here).
    from autograder.checks import compare

    # Only the checks that take just the function: the random ones take seeds, which the
    # lab's test cells choose.
    fixed = [
        aspect
        for aspect, check in compare.UNREPORTED.get(name, {}).items()
        if len(inspect.signature(check).parameters) == 1
    ]
    for aspect in fixed:
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                error = compare.run_check(name, aspect, function, (), {})
            except (compare.ReferenceUnavailable, NotImplementedError):
                continue
        if error is not None:
            return f"{aspect}: {error}"
    return None


# --- the two cells --------------------------------------------------------------------------


def save_my_functions(namespace: MutableMapping[str, object], lab: str) -> str:
    """Check ``lab``'s functions of ``namespace`` and write them to ``my_ppo/<lab>.py``."""
    names = exercises.names(lab)
    title = exercises.lab(lab).name
    if _grading():
        return "Graded: each lab is graded on its own, nothing is saved for later labs."
    if all(exercises.reference_available(name) for name in names):
        return (
            f"This copy of ppo_core has its own {', '.join(names)}: later labs use those, "
            f"nothing to save."
        )
    source = module_source(namespace, names, lab)
    target = folder() / f"{lab}.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    draft = target.with_name(f".{lab}.draft.py")
    draft.write_text(source)
    try:
        saved = load(draft, lab)
        for name in names:
            found = failure(name, getattr(saved, name))
            if found is not None:
                raise NotSaved(
                    f"{name} was not saved: it fails a check of {title} ({found}). Fix it "
                    f"above (its test cells say more), then run this cell again; later labs "
                    f"need it."
                )
    except BaseException:
        draft.unlink(missing_ok=True)  # what was saved before stays as it was
        raise
    draft.replace(target)
    if _in_colab():
        importlib.import_module("google.colab.files").download(str(target))
    return (
        f"Saved {', '.join(names)} to {target}: the labs that need them import them from there."
        + (" Keep the downloaded file: the next lab asks for it." if _in_colab() else "")
    )


def _ask_colab_for(path: Path, lab: str) -> None:
    """In Colab, let the learner upload the file that ``lab``'s saving cell downloaded."""
    files = importlib.import_module("google.colab.files")
    print(
        f"This lab needs your functions of {exercises.lab(lab).name}: choose the file {path.name} "
        f"that its cell '{SAVE_CELL}' downloaded."
    )
    for name, content in files.upload().items():
        if Path(name).name.startswith(lab):  # a browser may have added " (1)"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def _learners(lab: str, names: list[str]) -> dict[str, Callable]:
    """The functions ``names`` of ``lab`` from ``my_ppo``, each passing its lab's checks."""
    title = exercises.lab(lab).name
    path = folder() / f"{lab}.py"
    if not path.is_file() and _in_colab():
        _ask_colab_for(path, lab)
    if not path.is_file():
        raise FinishEarlierLab(
            f"Finish {title} first: this lab's library code calls your {', '.join(names)}, "
            f"which {title}'s last cell ('{SAVE_CELL}') saves to {path} once they pass its "
            f"checks. Run {title} to its end, then this cell again."
        )
    try:
        module = load(path, lab)
    except Exception as exc:  # a file edited by hand, or saved by another version
        raise FinishEarlierLab(
            f"{path} does not import ({type(exc).__name__}: {exc}): run {title}'s cell "
            f"'{SAVE_CELL}' again to rewrite it."
        ) from exc
    found: dict[str, Callable] = {}
    for name in names:
        function = getattr(module, name, None)
        failed = failure(name, function) if callable(function) else None
        if not callable(function) or failed is not None:
            problem = "is not in it" if failed is None else f"fails a check: {failed}"
            raise FinishEarlierLab(
                f"Your {name} of {title} ({path}) {problem}. Fix it in {title} and run its "
                f"cell '{SAVE_CELL}' again, then this cell."
            )
        found[name] = function
    return found


def use_my_functions(namespace: MutableMapping[str, object], *labs: str) -> Plugged:
    """Have the library call the learner's functions of ``labs`` (from ``my_ppo``) where this
    copy of ``ppo_core`` withholds them; where it has its own (the open library, grading), it
    keeps those and ``my_ppo`` is not read."""
    for lab in labs:
        exercises.lab(lab)  # a ValueError naming the labs if there is none
    names = [name for lab in labs for name in exercises.names(lab)]
    if not _grading():
        for lab in labs:
            withheld = [n for n in exercises.names(lab) if not exercises.reference_available(n)]
            if withheld:
                namespace.update(_learners(lab, withheld))
    return use_earlier_functions(namespace, *names)


def use_saved_functions() -> str:
    """Plug in every function the labs saved to ``my_ppo`` that passes its lab's checks again,
    for the presenter's notebook, which runs after any number of labs; say what was brought in
    and which labs have saved nothing yet. All are plugged in before any is checked (a check
    may call another lab's functions: ``ppo_update``'s calls Lab 5's ``approx_kl``), and one
    that fails is taken out again. Where this copy of ``ppo_core`` has its own, nothing is
    read."""
    said, unsaved, loaded = [], [], {}
    for lab in exercises.LABS:
        withheld = [n for n in exercises.names(lab.id) if not exercises.reference_available(n)]
        path = folder() / f"{lab.id}.py"
        if withheld and not path.is_file():
            unsaved.append(lab.name)
            continue
        try:
            module = load(path, lab.id) if withheld else None
        except Exception as exc:  # edited by hand, or saved by another version
            said.append(f"Not used: {path} does not import ({type(exc).__name__}: {exc}).")
            continue
        for name in withheld:
            function = getattr(module, name, None)
            if callable(function):
                loaded[name] = (lab, path, function)
            else:
                said.append(f"Not used: your {name} of {lab.name}: {path} does not define it.")
    plugs = {name: ppo_core.plug_in(**{name: f}) for name, (_, _, f) in loaded.items()}
    used: dict[str, list[str]] = {}
    for name, (lab, path, function) in loaded.items():
        why = failure(name, function)
        if why is None:
            used.setdefault(lab.name, []).append(name)
        else:
            plugs[name].restore()
            said.append(f"Not used: your {name} of {lab.name} ({path}): {why}.")
    said += [f"{lab}: the library now calls your {', '.join(n)}." for lab, n in used.items()]
    if unsaved:
        said.append(
            f"Not saved yet: {', '.join(unsaved)} (each lab's cell '{SAVE_CELL}' writes "
            f"{folder()}/<lab>.py once its checks pass)."
        )
    return "\n".join(said) or "This copy of ppo_core has its own code of every exercise."
