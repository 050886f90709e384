"""Let the library call the learner's functions: ``ppo_core.plug_in(compute_gae=compute_gae)``.

The library's own parts call the exercise functions: ``ActorCritic`` calls
``categorical_log_prob`` (Lab 1), ``train`` calls ``compute_gae`` (Lab 2) and ``ppo_update``
(Lab 4), ``ppo_update`` calls the losses (Lab 3) and the diagnostics (Lab 5). In the student
build of a graded class those functions raise ``NotImplementedError`` until the learner's own
are plugged in.

A plug is recorded in the exercise registry (:mod:`ppo_core.exercises`), which every such call
asks at the moment it is made (``current.compute_gae(...)``): nothing in the library's modules
is rewritten, and ``ppo_core.compute_gae`` stays the library's own. Child processes (the opt-in
``ppo_core.fast`` workers) import the library afresh and do not see a plug: the speed layer asks
:func:`calls_its_own` and runs each part that would call a plugged function in this process.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Mapping, MutableMapping

from ppo_core import exercises

# {exercise function: its lab}, in the order of the labs.
EXERCISES: dict[str, str] = {name: exercises.lab_of(name).name for name in exercises.names()}

# The library's own function objects (the modules are loaded by ppo_core/__init__ first).
LIBRARY: dict[str, Callable] = {name: exercises.library_function(name) for name in EXERCISES}


def _check_name(name: str) -> None:
    exercises.exercise(name)  # a ValueError naming every exercise if there is none


def _check_functions(functions: Mapping[str, object]) -> None:
    """Every name an exercise, every value callable, before anything is changed."""
    if not functions:
        raise ValueError(
            "name at least one function, e.g. ppo_core.plug_in(compute_gae=compute_gae)"
        )
    for name, function in functions.items():
        _check_name(name)
        if not callable(function):
            raise TypeError(
                f"{name} must be a function, got {type(function).__name__} "
                f"{function!r}: pass the function itself, e.g. {name}={name} "
                f"(no parentheses)"
            )


reference_available = exercises.reference_available


def calls_its_own(*names: str) -> bool:
    """Whether the library calls its own function for every one of ``names``: nothing plugged
    in for them. The speed layer asks before it computes one in a form of its own."""
    return all(exercises.plugged(name) is None for name in names)


def _imported(path: str) -> object:
    """The object ``"module:qualname"`` names, imported."""
    module, qualname = path.split(":")
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def importable_name(function: Callable) -> str | None:
    """``"module:qualname"`` under which another process can import ``function`` itself, or
    None (a function defined in a notebook cell, a script's ``__main__``, or a closure)."""
    module, qualname = getattr(function, "__module__", None), getattr(function, "__qualname__", "")
    if not module or module == "__main__" or "<" in qualname:
        return None
    try:
        return f"{module}:{qualname}" if _imported(f"{module}:{qualname}") is function else None
    except (ImportError, AttributeError):
        return None


def plugged_names(*names: str) -> dict[str, str] | None:
    """``{exercise: importable name}`` of the functions plugged in for ``names`` (those not
    plugged are left out), for a process that imports the library afresh; None if one of them
    cannot be imported there."""
    found = {}
    for name in names:
        function = exercises.plugged(name)
        if function is not None:
            path = importable_name(function)
            if path is None:
                return None
            found[name] = path
    return found


def plug_in_by_name(functions: dict[str, str]) -> Plugged:
    """Plug in ``{exercise: "module:qualname"}`` (see :func:`plugged_names`), importing each."""
    imported: dict[str, Callable] = {}
    for name, path in functions.items():
        function = _imported(path)
        if not callable(function):
            raise TypeError(f"{path} is not a function")
        _check_name(name)
        imported[name] = function
    return Plugged(imported)


class Plugged(contextlib.AbstractContextManager):
    """A plug, made on creation; ``restore()`` (or leaving its ``with`` block) undoes it."""

    def __init__(self, plugged: dict[str, Callable], kept: tuple[str, ...] = ()):
        self.plugged = dict(plugged)  # {name: the learner's function}
        self.kept = tuple(kept)  # names whose library reference stays in use
        self._previous = {name: exercises.plugged(name) for name in plugged}
        for name, function in self.plugged.items():
            exercises.set_plugged(name, function)

    def restore(self) -> None:
        """Put back what the library called before (unless a later plug of the same name is
        still in effect: that one's own restore puts this one's back first)."""
        for name, function in self.plugged.items():
            if exercises.plugged(name) is function:
                exercises.set_plugged(name, self._previous[name])

    def __exit__(self, *exc_info) -> None:
        self.restore()

    def __str__(self) -> str:
        lines = []
        if self.plugged:
            lines.append("ppo_core calls your " + ", ".join(self.plugged) + ".")
        if self.kept:
            lines.append(
                "ppo_core has its own " + ", ".join(self.kept) + " (the reference is "
                "in this copy of the library) and keeps calling it."
            )
        return "\n".join(lines) or "nothing plugged in"

    __repr__ = __str__


def plug_in(**functions: Callable) -> Plugged:
    """Make the library call the learner's functions, e.g. ``plug_in(compute_gae=compute_gae)``.

    Stays in effect for the session; used as ``with ppo_core.plug_in(...):`` it is undone at the
    end of the block. Each name must be an exercise function (see :data:`EXERCISES`).
    """
    _check_functions(functions)
    return Plugged(functions)


def plug_in_withheld(**functions: Callable) -> Plugged:
    """Plug in only the functions whose reference this copy of the library withholds.

    In the open library (and when grading) nothing changes; in a student build the library
    calls the learner's versions of the exercises it leaves to them.
    """
    _check_functions(functions)
    kept = tuple(name for name in functions if reference_available(name))
    return Plugged({name: f for name, f in functions.items() if name not in kept}, kept)


def _missing_message(missing: list[str]) -> str:
    by_lab: dict[str, list[str]] = {}
    for name in missing:
        by_lab.setdefault(EXERCISES[name], []).append(name)
    wanted = "; ".join(f"{lab}: {', '.join(names)}" for lab, names in by_lab.items())
    return (
        f"this copy of ppo_core leaves {wanted} to you, and this lab's library code calls "
        f"them: finish {', '.join(by_lab)} (each saves your functions to my_ppo/ in its cell "
        f"'Save your functions'), then run the cell 'Your functions from earlier labs' again"
    )


def use_earlier_functions(namespace: MutableMapping[str, object], *names: str) -> Plugged:
    """Bring the learner's functions of earlier labs into this lab's library code.

    For each name the library withholds, the learner's function ``namespace[name]`` (imported
    from ``my_ppo`` by ``autograder.checks.carry.use_my_functions``) is plugged in. For each
    name whose reference is here, the notebook's ``namespace[name]`` is set to the library's,
    so that a run with the open library (and every grading run) does exactly what it did
    before.
    """
    kept = tuple(name for name in names if reference_available(name))  # checks every name
    withheld = [name for name in names if name not in kept]
    pasted = {name: namespace.get(name) for name in withheld}
    learners: dict[str, Callable] = {
        name: function
        for name, function in pasted.items()
        if callable(function) and function is not LIBRARY[name]
    }
    missing = [name for name in withheld if name not in learners]
    if missing:
        raise NameError(_missing_message(missing))
    namespace.update({name: LIBRARY[name] for name in kept})
    return Plugged(learners, kept)


__all__ = [
    "EXERCISES",
    "LIBRARY",
    "Plugged",
    "calls_its_own",
    "importable_name",
    "plug_in",
    "plug_in_by_name",
    "plug_in_withheld",
    "plugged_names",
    "reference_available",
    "use_earlier_functions",
]
