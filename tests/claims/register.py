"""The claims register: every sentence the course asserts, and the experiment behind it.

``tests/claims/detect.py`` finds the sentences of the course's texts that state a number, a
comparison or a cause. Each one in a source listed in ``SOURCES`` is accounted for here, once:

* a ``Claim`` -- the sentence (a quote of it), the test that runs the experiment the sentence
  describes and asserts what it asserts, the seeds, the margin the test allows, and the figure
  measured. ``how`` says how the sentence stays true:

  - ``"measured"``: the test reruns the experiment (the lab's own cell or the same call) and
    asserts the quantity with ``margin``, on ``seeds``;
  - ``"live"``: the sentence's figures are formatted from the values in the cell that shows
    them; ``test`` executes that cell (and fails if it raises) and checks the qualitative part;
  - ``"behaviour"``: it states what a function does (a shape, a formula, a bound), and ``test``
    is the unit test that asserts that behaviour;
  - ``"benchmark"``: a speed or cost figure, registered with the command that prints it, the
    machine and the date (``figure``), not asserted by a test (``test`` is empty).

  ``slow=True`` marks a test that runs in ``make claims`` only; its outcome is kept in
  ``tests/claims/results.json`` under a hash of the entry and of the test's code
  (``tests/claims/results.py``), and ``make test`` fails when that result is missing or stale.

* a ``NotClaim`` -- the sentence holds a cue (a digit, "more", "so", ...) but asserts nothing
  that an experiment could contradict; ``reason`` says why (one of ``REASONS`` or a sentence).

A quote is a part of one sentence, whitespace collapsed, as ``detect.normalise`` writes it; it
must still be found in its source, so a sentence that changes without its entry fails
``tests/test_claims_register.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Claim:
    id: str
    source: str
    quote: str
    how: str  # "measured" | "live" | "behaviour" | "benchmark"
    test: str = ""  # a pytest node id, "tests/...py::test_name"
    seeds: tuple[int, ...] = ()
    margin: str = ""
    figure: str = ""
    slow: bool = False


@dataclass(frozen=True)
class NotClaim:
    source: str
    quote: str
    reason: str


HOW = ("measured", "live", "behaviour", "benchmark")

# The usual reasons a sentence with a cue is not a claim.
INSTRUCTION = "an instruction: says what to do, not what is true"
DEFINITION = "a definition or a notation: true by the words it defines"
QUESTION = "a question's premise, given as data for the learner to reason about"
CITATION = "a citation: where an idea comes from, checked by reading the cited source"
NAMES = "its numbers name things (files, commands, options, cells), they measure nothing"
INTERFACE = "an interface: argument names, shapes and types, which every call in the tests uses"
DESIGN = "a design decision of the course: what it does, not an outcome to measure"
REASONS = (INSTRUCTION, DEFINITION, QUESTION, CITATION, NAMES, INTERFACE, DESIGN)

# The sources whose every candidate sentence is accounted for. A source not listed is not yet
# registered; the register test prints how many candidates such sources still hold.
SOURCES: tuple[str, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

CLAIMS: tuple[Claim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

NOT_CLAIMS: tuple[NotClaim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)
