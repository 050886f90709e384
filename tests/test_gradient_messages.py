"""A failing gradient check names what cut the graph, where the learner's code shows it.

Each case is a learner's function, written as learners write it, that breaks the graph PPO
backpropagates through in one way: a Python number or a numpy array comes back, a tensor is
detached or rebuilt, an input or a saved tensor is changed in place, the values become integers.
The message must name that cut and no other; when the code shows several names that can explain
what came back, it lists those; when it shows none, it names none. Every case runs twice: with
the function itself (a check called in the notebook) and through the grader's stand-in, which
reads the names from the kernel (:mod:`autograder.grading.remote`).
"""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import pytest
import torch

from autograder.checks import compare
from autograder.grading import remote
from autograder.kernel import remote as kernel_remote

pytestmark = pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")

IN_PLACE, INTEGER = "in place", "integer"
PHRASES = {name: label for name, (label, _) in compare._GRAPH_CUTS.items()}
PHRASES.update(in_place=IN_PLACE, integer=INTEGER)
"""What a message writes for each cause (a name of the learner's code, or a pseudo-name)."""

CASES = [
    # (id, function, the learner's cell, the causes the message names)
    (
        "item",
        "value_loss",
        "def value_loss(values, returns):\n    return ((values - returns) ** 2).mean().item()\n",
        {"item"},
    ),
    (
        "item_in_a_comprehension",
        "value_loss",
        "def value_loss(values, returns):\n"
        "    errors = [(v - r).item() ** 2 for v, r in zip(values, returns)]\n"
        "    return sum(errors) / len(errors)\n",
        {"item"},
    ),
    (
        "float",
        "value_loss",
        "def value_loss(values, returns):\n    return float(((values - returns) ** 2).mean())\n",
        {"float"},
    ),
    (
        "numpy_of_a_detached_tensor",
        "categorical_log_prob",
        "def categorical_log_prob(logits, actions):\n"
        "    log_p = torch.log_softmax(logits, dim=-1).detach().numpy()\n"
        "    return log_p[np.arange(len(actions)), actions.numpy()]\n",
        {"numpy", "np"},
    ),
    (
        "numpy_function_on_a_tensor",
        "probability_ratio",
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    return np.exp(new_log_probs - old_log_probs)\n",
        {"np"},
    ),
    (
        "numpy_functions_on_tensors",
        "gaussian_log_prob",
        "def gaussian_log_prob(mean, log_std, actions):\n"
        "    std = np.exp(log_std)\n"
        "    z = (actions - mean) / std\n"
        "    return (-0.5 * z**2 - log_std - 0.5 * np.log(2 * np.pi)).sum(-1)\n",
        {"np"},
    ),
    (
        "detach",
        "probability_ratio",
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    return torch.exp(new_log_probs - old_log_probs).detach()\n",
        {"detach"},
    ),
    (
        "no_grad",
        "value_loss",
        "def value_loss(values, returns):\n"
        "    with torch.no_grad():\n"
        "        diff = values - returns\n"
        "    return (diff**2).mean()\n",
        {"no_grad"},
    ),
    (
        "data",
        "categorical_log_prob",
        "def categorical_log_prob(logits, actions):\n"
        "    log_p = torch.log_softmax(logits.data, dim=-1)\n"
        "    return log_p.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)\n",
        {"data"},
    ),
    (
        "new_tensor_from_tensors",
        "probability_ratio",
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    pairs = zip(new_log_probs, old_log_probs)\n"
        "    return torch.tensor([math.exp(n - o) for n, o in pairs])\n",
        {"tensor"},
    ),
    (  # a fresh leaf: it requires grad, but no input reaches it
        "new_tensor_that_requires_grad",
        "probability_ratio",
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    pairs = zip(new_log_probs.tolist(), old_log_probs.tolist())\n"
        "    return torch.tensor([math.exp(n - o) for n, o in pairs], requires_grad=True)\n",
        {"tensor"},
    ),
    (
        "as_tensor_of_a_numpy_round_trip",
        "value_loss",
        "def value_loss(values, returns):\n"
        "    v, r = values.detach().numpy(), returns.detach().numpy()\n"
        "    return torch.as_tensor(np.mean((v - r) ** 2))\n",
        {"detach", "as_tensor"},
    ),
    (
        "in_place_edit_of_a_saved_tensor",
        "probability_ratio",
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    ratio = torch.exp(new_log_probs - old_log_probs)\n"
        "    ratio.clamp_(max=1e6)  # guard against overflow\n"
        "    return ratio\n",
        {"in_place"},
    ),
    (
        "in_place_edit_of_an_input",
        "categorical_log_prob",
        "def categorical_log_prob(logits, actions):\n"
        "    logits -= logits.max(dim=-1, keepdim=True).values  # for stability\n"
        "    log_p = logits - torch.logsumexp(logits, dim=-1, keepdim=True)\n"
        "    return log_p.gather(-1, actions.long().unsqueeze(-1)).squeeze(-1)\n",
        {"in_place"},
    ),
    (
        "in_place_edit_of_a_saved_gaussian_term",
        "gaussian_log_prob",
        "def gaussian_log_prob(mean, log_std, actions):\n"
        "    std = torch.exp(log_std)\n"
        "    std += 1e-8  # never divide by zero\n"
        "    z = (actions - mean) / std\n"
        "    return (-0.5 * z**2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)\n",
        {"in_place"},
    ),
    (
        "integer_dtype",
        "categorical_log_prob",
        "def categorical_log_prob(logits, actions):\n"
        "    out = torch.zeros_like(actions)\n"
        "    log_p = torch.log_softmax(logits, dim=-1)\n"
        "    for i, a in enumerate(actions):\n"
        "        out[i] = log_p[i, a]\n"
        "    return out\n",
        {"integer"},
    ),
    (  # the cut is in a helper: the code of value_loss shows none, so none is named
        "cut_in_a_helper",
        "value_loss",
        "def _squared(x):\n"
        "    return (x**2).detach()\n"
        "def value_loss(values, returns):\n"
        "    return _squared(values - returns).mean()\n",
        set(),
    ),
    (  # each term keeps its gradient: what is wrong is the list, no cut is named
        "list_of_tensors",
        "value_loss",
        "def value_loss(values, returns):\n"
        "    return [((v - r) ** 2).float() / len(values) for v, r in zip(values, returns)]\n",
        set(),
    ),
    (  # a result that does not use the inputs at all: nothing to name
        "result_without_the_inputs",
        "probability_ratio",
        "def probability_ratio(new_log_probs, old_log_probs):\n"
        "    return torch.ones(len(old_log_probs), dtype=torch.float64)\n",
        set(),
    ),
]


def _cell(source: str) -> dict:
    namespace = {"torch": torch, "np": np, "math": math}
    exec(source, namespace)  # noqa: S102 -- a learner's cell
    return namespace


def _gradient_message(function: str, fn) -> str:
    with contextlib.redirect_stdout(io.StringIO()):
        error = compare.run_check(function, "gradient", fn, (), {})
    assert error is not None, f"the gradient check of {function} passed"
    return str(error)


def _assert_names_only(message: str, causes: set[str]) -> None:
    for cause, phrase in PHRASES.items():
        if cause in causes:
            assert phrase in message, f"{phrase!r} is not named: {message}"
        else:
            assert phrase not in message, f"{phrase!r} is named but not the cause: {message}"


@pytest.mark.parametrize(
    ("function", "source", "causes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_message_names_the_cut_in_the_notebook(function, source, causes):
    message = _gradient_message(function, _cell(source)[function])
    _assert_names_only(message, causes)
    assert "backpropagate" in message or "gradient" in message


@pytest.fixture
def kernel(monkeypatch):
    """The kernel's side in this process: its namespace, and the grader's link to it."""
    space: dict = {}
    monkeypatch.setattr(kernel_remote, "_namespace", lambda: space)

    def link(code: str, expression: str, timeout=None) -> str:
        exec(code, {})  # noqa: S102 -- the grader's own call statement
        return repr(eval(expression, {}))  # noqa: S307 -- the grader's own expression

    return space, link


@pytest.mark.parametrize(
    ("function", "source", "causes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_grader_gives_the_notebooks_message(kernel, function, source, causes):
    """Through the stand-in the names come from the kernel (the grader never sees the code),
    and an in-place edit the kernel's backward trips over fails the grader's backward alike."""
    space, link = kernel
    space.update(_cell(source))
    stand_in = remote.stand_ins(link, [function])[function]
    assert isinstance(stand_in, remote.RemoteFunction)
    message = _gradient_message(function, stand_in)
    assert message == _gradient_message(function, _cell(source)[function])


def test_the_kernel_sends_the_names_of_comprehensions_and_inner_functions(kernel):
    space, link = kernel
    space.update(_cell(CASES[1][2]))  # .item() only inside the list comprehension
    stand_in = remote.stand_ins(link, ["value_loss"])["value_loss"]
    assert "item" not in stand_in.__code__.co_names  # what the root-cause search reads
    assert "item" in compare._names_in(stand_in)


def test_the_reference_passes_every_gradient_check_through_the_stand_in(kernel):
    from ppo_core import distributions, gaussian, losses

    space, link = kernel
    for module, function in (
        (losses, "probability_ratio"),
        (losses, "value_loss"),
        (distributions, "categorical_log_prob"),
        (gaussian, "gaussian_log_prob"),
    ):
        space[function] = getattr(module, function)
        stand_in = remote.stand_ins(link, [function])[function]
        with contextlib.redirect_stdout(io.StringIO()):
            assert compare.run_check(function, "gradient", stand_in, (), {}) is None
