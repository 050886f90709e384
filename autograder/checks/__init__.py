"""Checks behind the labs' autograded test cells: one module per lab, as nbgrader keeps one
preprocessor per module.

Every test cell of a lab is one line that hands the learner's function to one check::

    from autograder.checks.lab2_gae import check_compute_gae_truncation
    check_compute_gae_truncation(compute_gae)

A check calls the learner's function on fixed (or seeded random) inputs, converts what comes
back to float64 numpy arrays or plain Python floats, compares it with the reference
implementation in ``ppo_core`` and raises ``AssertionError`` with a message that names the likely
mistake ("the advantage at t=3 includes reward from the next episode: ..."). The same checks run
in JupyterLab, in Colab (no nbgrader needed), under ``nbgrader autograde`` and in ``tests/``.

Layout: :mod:`~autograder.checks.compare` holds what every lab shares (the registries, the
conversion and comparison helpers, :func:`~autograder.checks.compare.check_case`); each lab
module (``lab1_rl_basics``, ``lab2_gae``, ``lab3_clipped_loss``, ``lab4_training``,
``lab5_diagnostics``, ``lab6_continuous``) holds its checks and, right next to them, the
catalogue of known-wrong implementations (``_wrong_*``) that serves them. Importing this package
imports every lab module, so :data:`CHECKS` and :data:`MISTAKES` are complete; it imports neither
nbgrader nor Jupyter.

Naming: the check ``check_<function>_<aspect>`` backs the test cell whose nbgrader ``grade_id``
is ``test_<function>_<aspect>``. Checks register themselves in :data:`CHECKS`
(``CHECKS[function][aspect] -> check``); checks named ``..._random`` take ``seed`` and
``n_cases`` so a lab's hidden tests can call them with seeds the learner never sees.

Known mistakes live in :data:`MISTAKES` (``MISTAKES[function][key] -> (wrong_impl, message)``):
when the learner's output is wrong and matches what a known-wrong implementation returns on the
same inputs, the check says that mistake's message. ``tests/test_grading_checks.py`` verifies
that every check passes the reference, and that every registered mistake fails at least one
check of its function with its own message.

Where they run: in a learner's own notebook, in its kernel; when a class is graded
(``python -m autograder grade``), in the grader's own process, where each learner function is a
stand-in that calls the learner's function in the grading kernel on the check's inputs and gets
plain data back (:mod:`autograder.grading.remote`), so nothing the learner's code does in its
kernel reaches a check or a verdict. The modules still keep their own references to what they
compare with (numpy and torch functions, builtins, the reference implementations), taken when
they are first imported, and convert learner results to plain arrays element by element, so in
a learner's own notebook a cell that monkeypatches ``numpy.allclose`` does not change a verdict
either.

Student build (graded classes): learners get these checks without the answers' code.
:mod:`autograder.student.checks` (instructor side) writes a copy of this package in which every
reference (``_ref_*``) and every known mistake (``_wrong_*``) is a stand-in of
:mod:`autograder.checks.replay` that returns what the real one returned on the visible test
cells' inputs, recorded when the build is made; on other inputs (hidden tests) the check says it
runs when the notebook is graded and does not fail.

Adding a check (for a new function of lab N, in ``autograder/checks/labN_<topic>.py``):

1. import the reference under a private name at the top of the lab module, e.g.
   ``from ppo_core.update import normalize_advantages as _ref_normalize_advantages`` (always
   ``from ppo_core.<module> import <function> as _ref_<function>``, never ``import ppo_core``:
   the student build replaces exactly these imports);
2. optionally add known mistakes next to the checks, each a module-level ``def _wrong_...``:
   ``mistake("normalize_advantages", "no_mean", _wrong_norm_no_mean, message)``; any other code
   of the check module from which an answer follows (an expected value written out, a formula
   the exercise asks for) goes into a module-level function named ``_ref_...`` (as
   ``lab4_training._ref_normalized``), which the student build replaces like the references;
   helpers that only these functions use are dropped from the student build;
3. write ``@register("normalize_advantages")`` checks named
   ``check_normalize_advantages_<aspect>(fn)``; most are a few calls of
   :func:`~autograder.checks.compare.check_case` (call, convert, compare with the reference,
   name the matching mistake), others use :func:`~autograder.checks.compare.call_learner`,
   ``to_array``, ``to_float``, ``assert_close``, ``assert_scalar_close``, ``gradient_of`` and
   ``make_rng``; random-input checks take ``(fn, seed=0, n_cases=...)``;
4. add the test cell ``test("normalize_advantages", "<aspect>", points)`` to the lab's definition
   in ``scripts/labs/``, and declare the function in ``ppo_core/exercises.py`` if it is new;
5. keep it replayable (``tests/test_student_checks.py`` checks that every visible check call
   gives the same verdict and message in the student build): call references and mistakes only
   on inputs the check makes itself, not on the learner's results (those calls cannot be
   recorded, and the student build then says "not checked here"); let them return numpy arrays,
   torch tensors, numbers, or tuples, lists and dicts of them; where a check evaluates the
   mistakes only when the learner is wrong, also evaluate them all while
   ``compare.STATE.all_mistakes`` is set (the recording), as ``lab3_clipped_loss`` does.
"""

from autograder.checks import (  # noqa: F401  (importing registers every lab's checks)
    lab1_rl_basics,
    lab2_gae,
    lab3_clipped_loss,
    lab4_training,
    lab5_diagnostics,
    lab6_continuous,
)
from autograder.checks.compare import CHECKS, MISTAKES

__all__ = ["CHECKS", "MISTAKES"]
