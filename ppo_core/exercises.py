"""The course's labs and exercises, each declared once.

An exercise is a function of ``ppo_core`` whose body a learner writes in one lab. Everything
else that needs the list reads it from here: the plug (:mod:`ppo_core.plug`), the notebook kit
(``scripts/labkit.py``), the student build and the checks (``autograder``), and the tests, which
also hold the README's and the instructors' guide's tables to it.
``python -m ppo_core.exercises`` prints the table of exercises, modules, labs and equations.

It is also what the library asks, at each call, which version of an exercise to run:
``current.compute_gae(...)`` runs the learner's ``compute_gae`` where one is plugged in for this
session (``ppo_core.plug_in``), else the library's own, which in a student build raises
``NotImplementedError`` naming the lab. A function that takes an exercise as an argument
(``train(gae_fn=...)``) runs the one it is given. Nothing rewrites the library's modules:
``ppo_core.gae.compute_gae`` is always the library's own.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any

from ppo_core import _withheld


@dataclasses.dataclass(frozen=True)
class Lab:
    """One lab: its folder and notebook name (``lab2_gae``), number and title."""

    id: str
    number: int
    title: str

    @property
    def name(self) -> str:
        """How the labs' text names it: ``"Lab 2"``."""
        return f"Lab {self.number}"


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One exercise function.

    ``module`` is the ``ppo_core`` module that defines it, ``equation`` where the paper (or the
    textbook) writes it, ``uses`` the earlier exercises a solution may call (checked first when
    it fails), and ``called_by`` the library code that calls it (``module.function`` or
    ``module.Class.method``, in ``ppo_core``).
    """

    name: str
    lab: str
    module: str
    equation: str
    uses: tuple[str, ...] = ()
    called_by: tuple[str, ...] = ()


LABS: tuple[Lab, ...] = (
    Lab("lab1_rl_basics", 1, "RL basics"),
    Lab("lab2_gae", 2, "GAE"),
    Lab("lab3_clipped_loss", 3, "The clipped loss"),
    Lab("lab4_training", 4, "Training"),
    Lab("lab5_diagnostics", 5, "Diagnostics"),
    Lab("lab6_continuous", 6, "Continuous actions"),
)

_L1, _L2, _L3, _L4, _L5, _L6 = (lab.id for lab in LABS)
# The library code that calls exercises, as ``Exercise.called_by`` names it.
_ACTOR, _UPDATE = "networks.ActorCritic.get_action", "update.ppo_update"
_DIAG, _LOSS_AND_DIAG = (
    "update.update_diagnostics",
    ("losses.ppo_loss", "update.update_diagnostics"),
)

EXERCISES: tuple[Exercise, ...] = (
    Exercise("discounted_return", _L1, "returns", "J(pi)"),
    Exercise("returns_to_go", _L1, "returns", "G_t", ("discounted_return",)),
    Exercise("categorical_log_prob", _L1, "distributions", "log pi (Eq. 6)", (), (_ACTOR,)),
    Exercise("categorical_entropy", _L1, "distributions", "S[pi] (Eq. 9)", (), (_ACTOR,)),
    Exercise("td_residuals", _L2, "gae", "Eq. 12", (), ("gae.compute_gae",)),
    Exercise("compute_gae", _L2, "gae", "Eq. 11", ("td_residuals",), ("train.train",)),
    Exercise(
        "probability_ratio", _L3, "losses", "Eq. 6", (), ("losses.clipped_surrogate_loss", _DIAG)
    ),
    Exercise(
        "clipped_surrogate_loss", _L3, "losses", "Eq. 7", ("probability_ratio",), _LOSS_AND_DIAG
    ),
    Exercise("value_loss", _L3, "losses", "L^VF (Eq. 9)", (), _LOSS_AND_DIAG),
    Exercise(
        "ppo_loss", _L3, "losses", "Eq. 9", ("clipped_surrogate_loss", "value_loss"), (_UPDATE,)
    ),
    Exercise("normalize_advantages", _L4, "update", "", (), (_UPDATE, _DIAG)),
    Exercise("minibatch_indices", _L4, "update", "Algorithm 1", (), (_UPDATE,)),
    Exercise(
        "ppo_update",
        _L4,
        "update",
        "Algorithm 1",
        ("minibatch_indices", "normalize_advantages"),
        ("train.train",),
    ),
    Exercise("approx_kl", _L5, "diagnostics", "KL (Eq. 8)", (), (_UPDATE, _DIAG)),
    Exercise("clip_fraction", _L5, "diagnostics", "", (), (_DIAG,)),
    Exercise("explained_variance", _L5, "diagnostics", "", (), (_DIAG,)),
    Exercise("gaussian_log_prob", _L6, "gaussian", "log pi (Eq. 6)", (), (_ACTOR,)),
    Exercise("gaussian_entropy", _L6, "gaussian", "S[pi] (Eq. 9)", (), (_ACTOR,)),
    Exercise(
        "clip_action", _L6, "gaussian", "", (), ("evaluate.evaluate", "rollout.collect_rollout")
    ),
)

_BY_NAME = {exercise.name: exercise for exercise in EXERCISES}
_LABS = {lab.id: lab for lab in LABS}


def exercise(name: str) -> Exercise:
    """The exercise ``name``; a ValueError lists them all if there is none."""
    if name not in _BY_NAME:
        raise ValueError(
            f"{name!r} is not an exercise function of ppo_core; the exercise "
            f"functions are: {', '.join(_BY_NAME)}"
        )
    return _BY_NAME[name]


def lab(lab_id: str) -> Lab:
    """The lab ``lab_id`` (``"lab2_gae"``); a ValueError lists them all if there is none."""
    if lab_id not in _LABS:
        raise ValueError(f"{lab_id!r} is not a lab of the course; the labs are: {', '.join(_LABS)}")
    return _LABS[lab_id]


def names(lab_id: str | None = None) -> tuple[str, ...]:
    """The exercise functions of one lab, or of every lab, in the order the labs teach them."""
    if lab_id is not None:
        lab(lab_id)
    return tuple(e.name for e in EXERCISES if lab_id is None or e.lab == lab_id)


def lab_of(name: str) -> Lab:
    """The lab in which the learner writes exercise ``name``."""
    return _LABS[exercise(name).lab]


def called_from(*callers: str) -> tuple[str, ...]:
    """The exercises that run when the library code ``callers`` runs (each as in
    :attr:`Exercise.called_by`): those it calls, and those they call in turn."""
    found: list[str] = []
    reached = set(callers)
    while True:
        new = [e for e in EXERCISES if e.name not in found and reached & set(e.called_by)]
        if not new:
            return tuple(e.name for e in EXERCISES if e.name in found)
        found += [e.name for e in new]
        reached |= {f"{e.module}.{e.name}" for e in new}


_plugged: dict[str, Callable] = {}  # this session's plug_in, per exercise


def library_function(name: str) -> Callable:
    """The library's own function for exercise ``name`` (in a student build that withholds it,
    the stand-in that raises ``NotImplementedError`` naming the lab)."""
    module = importlib.import_module(f"ppo_core.{exercise(name).module}")
    return getattr(module, name)


def plugged(name: str) -> Callable | None:
    """The learner's function plugged in for exercise ``name`` this session, or None."""
    exercise(name)
    return _plugged.get(name)


def set_plugged(name: str, function: Callable | None) -> None:
    """Plug ``function`` in for exercise ``name`` (None: the library's own again); used by
    :mod:`ppo_core.plug`, which checks what it is given."""
    exercise(name)
    if function is None:
        _plugged.pop(name, None)
    else:
        _plugged[name] = function


def reference_available(name: str) -> bool:
    """Whether this copy of the library holds its own reference code of exercise ``name``: True
    in the open library, False for those a student build withholds (``_withheld.WITHHELD``)."""
    exercise(name)
    return name not in _withheld.WITHHELD


class Withheld(NotImplementedError):
    """Exercise ``name`` was called in a student build that leaves it to the learner (the
    :class:`Lab` ``lab`` teaches it), before the learner's own was plugged in."""

    def __init__(self, name: str, advice: str = ""):
        self.name, self.lab = name, lab_of(name)
        advice = advice or (
            f"Write it in the lab's notebook; to let the library call your version (networks, "
            f"rollout, update, train), run ppo_core.plug_in({name}={name})."
        )
        super().__init__(
            f"{name} is an exercise of {self.lab.name} ({self.lab.id}): this student build of "
            f"ppo_core leaves it to you. {advice}"
        )


def resolve(name: str) -> Callable:
    """The version of exercise ``name`` the library runs now: the learner's, if plugged in,
    else the library's own."""
    return _plugged.get(name) or library_function(name)


class _Resolving:
    """``current.<exercise>``: a callable that runs :func:`resolve` of its exercise at each
    call, so that it can also stand as a default argument (``loss_fn=current.ppo_loss``)."""

    def __init__(self, name: str):
        exercise(name)
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return resolve(self.name)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"current.{self.name}"


class _Current:
    """``current.compute_gae(...)``: the version of the exercise the library runs now."""

    def __getattr__(self, name: str) -> _Resolving:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Resolving(name)

    def __dir__(self) -> list[str]:
        return list(names())


current = _Current()


def table() -> str:
    """The exercises as a reStructuredText table: function, module, lab and equation."""
    rule = "=" * 27 + "  " + "=" * 25 + "  " + "=" * 26
    rows = [
        f"{e.name:<27}  {e.module:<25}  "
        + ", ".join(filter(None, (lab_of(e.name).name, e.equation)))
        for e in EXERCISES
    ]
    header = f"{'function':<27}  {'module':<25}  lab, equation"
    return "\n".join([rule, header, rule, *rows, rule])


if __name__ == "__main__":
    print(table())
