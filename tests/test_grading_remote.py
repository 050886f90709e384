"""The pieces behind verdicts decided outside the kernel, without a kernel: the plain-data format
(autograder/kernel/wire.py), the grader's stand-ins for a learner's functions
(autograder/grading/remote.py) driven through the kernel side (autograder/kernel/remote.py) in
this process, and the per-lab library a grading kernel imports
(autograder/grading/kernel_build.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from autograder.checks import lab2_gae, lab3_clipped_loss, lab4_training, lab6_continuous
from autograder.grading import remote
from autograder.kernel import remote as kernel_remote
from autograder.kernel import wire
from ppo_core import exercises, gae, losses, update

# --- the format ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        float("nan"),
        [1, 2.0, True, None, "x"],
        (np.arange(6, dtype=np.float32).reshape(2, 3), np.int64(3)),
        {"losses/approx_kl": 0.01, "nested": [np.zeros(0)]},
    ],
)
def test_plain_data_goes_through_unchanged(value):
    _assert_same(wire.loads(wire.dumps(value)), value)


def _assert_same(a, b):
    assert type(a) is type(b), (a, b)
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_equal(a, b)


def test_tensors_keep_dtype_and_shape():
    t = torch.arange(6, dtype=torch.float32).reshape(3, 2)
    back = wire.loads(wire.dumps(t))
    assert isinstance(back, torch.Tensor) and back.dtype == torch.float32
    assert torch.equal(back, t)


class EqualsAnything:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "value,words",
    [
        (EqualsAnything(), "EqualsAnything"),
        (np.array(["a"]), "dtype"),
        (np.array([1.0]).view(np.matrix), "matrix"),
        ({1: 2}, "keys"),
    ],
)
def test_anything_else_is_refused_with_its_name(value, words):
    with pytest.raises(wire.WireError, match=words):
        wire.dumps(value)


@pytest.mark.parametrize(
    "text,words",
    [
        ('{"object": {"kind": "actor_critic"}}', "object"),
        ('{"pickle": "gASV"}', "pickle"),
        ("[" * 100 + "]" * 100, "nested"),
        ('{"array": {"dtype": "float64", "shape": [3], "data": "AAAA"}}', "shape"),
        ("not json", "JSON"),
        ('{"array": {"dtype": "object", "shape": [1], "data": ""}}', "malformed"),
    ],
)
def test_the_grader_reads_nothing_but_plain_data(text, words):
    with pytest.raises(wire.WireError, match=words):
        wire.loads(text)


def test_the_size_limits_hold(monkeypatch):
    monkeypatch.setattr(wire, "MAX_ELEMENTS", 10)
    with pytest.raises(wire.WireError, match="numbers"):
        wire.loads(wire.dumps(np.zeros(11)))
    monkeypatch.setattr(wire, "MAX_TEXT", 5)
    with pytest.raises(wire.WireError, match="characters"):
        wire.loads(wire.dumps([1, 2, 3]))


# --- stand-ins, with the kernel's side in this process -------------------------------------------


@pytest.fixture
def notebook(monkeypatch):
    """A notebook namespace for the kernel side, and a link that runs its code here."""
    space: dict = {}
    monkeypatch.setattr(kernel_remote, "_namespace", lambda: space)

    def link(code: str, expression: str, timeout=None) -> str:
        exec(code, {})  # noqa: S102 -- the grader's own call statement
        return repr(eval(expression, {}))  # noqa: S307 -- the grader's own expression

    return space, link


def _stand_in(notebook, name, fn):
    space, link = notebook
    space[name] = fn
    return remote.stand_ins(link, [name])[name]


def test_the_checks_pass_the_reference_through_a_stand_in(notebook):
    for check in lab2_gae.__dict__.values():
        if getattr(check, "__name__", "").startswith("check_compute_gae_"):
            check(_stand_in(notebook, "compute_gae", gae.compute_gae))


def test_gradients_come_back_through_a_stand_in(notebook):
    for name, fn in (
        ("clipped_surrogate_loss", losses.clipped_surrogate_loss),
        ("value_loss", losses.value_loss),
        ("ppo_loss", losses.ppo_loss),
    ):
        stand_in = _stand_in(notebook, name, fn)
        for check_name, check in vars(lab3_clipped_loss).items():
            if check_name.startswith(f"check_{name}_gradient"):
                check(stand_in)


def test_a_detached_result_fails_the_gradient_check_as_in_the_notebook(notebook):
    def detached(new_log_probs, old_log_probs, advantages, clip_eps):
        return losses.clipped_surrogate_loss(
            new_log_probs, old_log_probs, advantages, clip_eps
        ).detach()

    stand_in = _stand_in(notebook, "clipped_surrogate_loss", detached)
    with pytest.raises(AssertionError, match="without gradient"):
        lab3_clipped_loss.check_clipped_surrogate_loss_gradient_inside(stand_in)


def test_an_input_changed_in_place_is_seen(notebook):
    def clip_in_place(action, low, high):
        return np.clip(action, low, high, out=action)

    stand_in = _stand_in(notebook, "clip_action", clip_in_place)
    with pytest.raises(AssertionError, match="in place"):
        lab6_continuous.check_clip_action_keeps_sample(stand_in)


def test_ppo_update_runs_with_spies_built_in_the_kernel(notebook):
    stand_in = _stand_in(notebook, "ppo_update", update.ppo_update)
    lab4_training.check_ppo_update_steps(stand_in)
    lab4_training.check_ppo_update_grad_clipping(stand_in)


def test_spy_records_that_do_not_follow_from_the_update_fail(notebook, monkeypatch):
    """A ppo_update that takes no step but forges its spies' records (one per minibatch, with
    the reference's numbers) is caught by the replay of the records."""
    from autograder.kernel import spies

    def forged(policy, optimizer, batch, config, loss_fn):
        import copy

        twin = copy.deepcopy(policy)  # the real update, on a copy: the records look perfect
        twin_opt = spies.SpyOptimizer(twin.parameters(), optimizer.param_groups[0]["lr"])
        stats = update.ppo_update(twin, twin_opt, batch, config, loss_fn)
        optimizer.grad_norms = list(twin_opt.grad_norms)
        return stats

    stand_in = _stand_in(notebook, "ppo_update", forged)
    with pytest.raises(AssertionError, match="weights ppo_update left differ"):
        lab4_training.check_ppo_update_minibatches(stand_in)


@pytest.mark.parametrize(
    "result,words",
    [(EqualsAnything(), "EqualsAnything"), (np.array(["x"]), "dtype"), ({1: 2}, "keys")],
)
def test_a_result_that_is_not_plain_data_fails_its_check_with_a_message(notebook, result, words):
    stand_in = _stand_in(notebook, "td_residuals", lambda *args: result)
    with pytest.raises(AssertionError, match=words):
        lab2_gae.check_td_residuals_basic(stand_in)


def test_garbage_from_the_kernel_fails_the_check_not_the_grader():
    namespace: dict = {}
    for reply in ("", "'not json'", repr(json.dumps({"status": "ok", "result": {"pickle": 1}}))):
        stand_in = remote.RemoteFunction(
            lambda code, expr, r=reply: r, "td_residuals", [], namespace
        )
        with pytest.raises(AssertionError, match="td_residuals"):
            lab2_gae.check_td_residuals_basic(stand_in)


def test_a_missing_function_is_named(notebook):
    _, link = notebook
    printed, error = remote.run_test_cell(
        "from autograder.checks.lab2_gae import check_td_residuals_basic\n"
        "check_td_residuals_basic(td_residuals)\n",
        link,
        ["td_residuals", "compute_gae"],
    )
    assert error is not None and "is not a function" in str(error)


LEARNER_GAE = """
import numpy as np
from ppo_core import gae

def td_residuals(rewards, values, next_values, terminated, gamma):
    return gae.td_residuals(rewards, values, next_values, terminated, 1.0)  # no discount

def compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam):
    delta = td_residuals(rewards, values, next_values, terminated, gamma)
    done = np.maximum(np.asarray(terminated), np.asarray(truncated))
    adv, last = np.zeros_like(delta), 0.0
    for t in reversed(range(len(delta))):
        last = delta[t] + gamma * lam * (1.0 - done[t]) * last
        adv[t] = last
    return adv, adv + np.asarray(values)
"""


def test_the_root_cause_search_reaches_the_learners_helper(notebook):
    space, link = notebook
    exec(LEARNER_GAE, space)  # noqa: S102 -- a learner's cell, at the notebook's top level
    _, error = remote.run_test_cell(
        "from autograder.checks.lab2_gae import check_compute_gae_one_episode\n"
        "check_compute_gae_one_episode(compute_gae)\n",
        link,
        ["td_residuals", "compute_gae"],
    )
    assert error is not None and "your td_residuals" in str(error)


# --- the kernel's library ------------------------------------------------------------------------


def test_each_labs_kernel_tree_leaves_out_exactly_its_own_exercises(tmp_path, monkeypatch):
    from autograder.grading import kernel_build

    monkeypatch.setenv("PPO_GRADER_CACHE", str(tmp_path))
    tree = kernel_build.tree_for("lab2_gae")
    assert kernel_build.tree_for("lab2_gae") == tree  # cached by content hash
    probe = (
        "import sys, ppo_core, autograder.checks\n"
        "from ppo_core import exercises\n"
        "out = {}\n"
        "for e in exercises.EXERCISES:\n"
        "    out[e.name] = e.name in ppo_core._withheld.WITHHELD\n"
        "import json; print(json.dumps([out, ppo_core.__file__, autograder.checks.__file__,\n"
        "    [m for m in ('autograder.checks.lab2_gae', 'autograder.grading') if\n"
        "     __import__('importlib').util.find_spec(m.split('.')[0]) and _has(m)]]))\n"
    )
    code = (
        "import importlib.util\n"
        "def _has(m):\n"
        "    try:\n        return importlib.util.find_spec(m) is not None\n"
        "    except ImportError:\n        return False\n" + probe
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": tree, "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    withheld, ppo_core_file, checks_file, reachable = json.loads(done.stdout)
    labs = {e.name: e.lab for e in exercises.EXERCISES}
    assert {n for n, w in withheld.items() if w} == {
        n for n, lab in labs.items() if lab == "lab2_gae"
    }
    assert ppo_core_file.startswith(tree) and checks_file.startswith(tree)
    assert (
        reachable == []
    )  # no check module, no grader: the editable install's checkout is not searched


def test_a_notebook_value_is_read_as_plain_data(notebook):
    """Lab 5's diagnosis is a dict, not a function: the cell reads its value."""
    from autograder.checks import lab5_diagnostics

    space, link = notebook
    space["diagnosis"] = {label: "healthy" for label in lab5_diagnostics.diagnosis_key()}
    printed, error = remote.run_test_cell(
        "from autograder.checks.lab5_diagnostics import check_diagnosis_format\n"
        "check_diagnosis_format(diagnosis)\n",
        link,
        [],
    )
    assert error is None, error
    space["diagnosis"] = EqualsAnything()
    _, error = remote.run_test_cell(
        "from autograder.checks.lab5_diagnostics import check_diagnosis_format\n"
        "check_diagnosis_format(diagnosis)\n",
        link,
        [],
    )
    assert error is not None and "NotPlainData" in str(error)


def test_the_labs_my_ppo_cells_run_in_a_grading_kernel_and_read_nothing(tmp_path, monkeypatch):
    """The locked cells "Save your functions" and "Your functions from earlier labs" run in the
    grading kernel's tree (its ``autograder.checks`` holds ``carry`` and no check): saving does
    nothing, and the earlier labs' names are the library's (``my_ppo`` is never read)."""
    from autograder.grading import kernel_build

    labs = [lab.id for lab in exercises.LABS]
    graded, earlier = labs[3], labs[:3]  # Lab 4 and the labs before it
    monkeypatch.setenv("PPO_GRADER_CACHE", str(tmp_path / "cache"))
    tree = kernel_build.tree_for(graded)
    (tmp_path / graded).mkdir()
    code = (
        "import json, ppo_core\n"
        "from autograder.checks.carry import save_my_functions, use_my_functions\n"
        f"said = save_my_functions(globals(), {graded!r})\n"
        "ns = {}\n"
        f"use_my_functions(ns, *{earlier!r})\n"
        "print(json.dumps([said, sorted(ns), ns['compute_gae'].__module__]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": tree, "PATH": "/usr/bin:/bin", "PPO_GRADER_TOKEN": "run-token"},
        cwd=tmp_path / graded,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    said, names, module = json.loads(done.stdout.splitlines()[-1])
    assert said.startswith("Graded") and module == "ppo_core.gae"
    assert set(names) == {n for lab in earlier for n in exercises.names(lab)}
    assert not (tmp_path / "my_ppo").exists()
