"""A plugged-in exercise function runs, as given, on every training path that calls it.

Each exercise in turn is replaced (``ppo_core.plug_in``) by a spy that delegates to the library's
function and records every call: whether it came from a rollout (under ``torch.inference_mode``,
as ``collect_rollout`` runs the policy) or from learning, and how many rows its first argument
had. The readable loop (``fast=False``) is the control; ``fast=True`` and the command line
(``ppo_core.cli.main``, in this process) must make exactly the same calls. A speed layer that
computes a part in its own form (in a worker process, or by hand) would call the learner's
function less, or on half of the environments only.

A ``python -m ppo_core`` started afresh imports the library unplugged: a plug reaches only the
process it was made in, so only the in-process command line is tested here.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch

import ppo_core
import ppo_core.cli
from ppo_core import exercises, plug
from ppo_core.fast.parallel import ParallelRollout, available_cpus

DISCRETE = dict(
    env_id="CartPole-v1",
    num_envs=4,
    num_steps=16,
    total_timesteps=2 * 64,
    num_minibatches=2,
    update_epochs=2,
    hidden_size=16,
    target_kl=10.0,
    env_workers=2,
)  # a worker process, where there are two CPUs
CONTINUOUS = {**DISCRETE, "env_id": "Pendulum-v1"}
CONTINUOUS_ONLY = ("gaussian_log_prob", "gaussian_entropy", "clip_action")

needs_two_cpus = pytest.mark.skipif(available_cpus() < 2, reason="needs 2 CPUs")


def spy(name: str) -> tuple[Counter, object]:
    """The library's function ``name``, recording each call as (phase, rows of its first
    argument); the counter counts the calls per record."""
    calls: Counter = Counter()
    library = plug.LIBRARY[name]

    def learners(*args, **kwargs):
        first = args[0] if args else next(iter(kwargs.values()))
        rows = len(first) if hasattr(first, "__len__") else None
        phase = "rollout" if torch.is_inference_mode_enabled() else "learning"
        calls[phase, rows] += 1
        return library(*args, **kwargs)

    return calls, learners


def _cli_argv(config: dict, tmp_path, *flags: str) -> list[str]:
    argv = ["train", "--out", str(tmp_path), "--quiet", "--eval-episodes", "0", *flags]
    for key, value in config.items():
        argv += ["--" + key.replace("_", "-"), str(value)]
    return argv


PATHS = {
    "readable": lambda config, tmp_path: ppo_core.train(
        ppo_core.PPOConfig(**config), progress=False
    ),
    "fast": lambda config, tmp_path: ppo_core.train(
        ppo_core.PPOConfig(**config, fast=True), progress=False
    ),
    "fast, one process": lambda config, tmp_path: ppo_core.train(
        ppo_core.PPOConfig(**{**config, "env_workers": 1}, fast=True), progress=False
    ),
    "cli": lambda config, tmp_path: ppo_core.cli.main(_cli_argv(config, tmp_path)),
    "cli --fast": lambda config, tmp_path: ppo_core.cli.main(_cli_argv(config, tmp_path, "--fast")),
}


def calls_on(path: str, name: str, tmp_path) -> Counter:
    config = CONTINUOUS if name in CONTINUOUS_ONLY else DISCRETE
    calls, learners = spy(name)
    with ppo_core.plug_in(**{name: learners}):
        PATHS[path](config, tmp_path)
    return calls


# What training runs, by the registry: train, the policy's actions, the rollout and the update's
# diagnostics, and every exercise they call in turn (Lab 1's returns are not among them).
TRAINING = exercises.called_from(
    "train.train",
    "networks.ActorCritic.get_action",
    "rollout.collect_rollout",
    "update.update_diagnostics",
)


def test_training_runs_every_exercise_but_lab_1s_returns():
    assert set(plug.EXERCISES) - set(TRAINING) == {"discounted_return", "returns_to_go"}


@pytest.mark.parametrize("name", list(plug.EXERCISES))
def test_train_calls_a_plugged_function_on_every_path_as_the_readable_loop_does(name, tmp_path):
    control = calls_on("readable", name, tmp_path)
    assert (sum(control.values()) > 0) == (name in TRAINING), (name, control)
    for path in ("fast", "fast, one process"):
        assert calls_on(path, name, tmp_path) == control, (
            f"{path}: the learner's {name} is not called as the readable loop calls it"
        )


@pytest.mark.parametrize("name", ["categorical_log_prob", "compute_gae", "ppo_update"])
def test_the_command_line_in_this_process_calls_a_plugged_function(name, tmp_path, capsys):
    """The command line trains with train()'s defaults, which a plug sets: the same calls.
    (Each path of train() is tested above for every exercise.)"""
    control = calls_on("readable", name, tmp_path)
    assert sum(control.values()) > 0
    for path in ("cli", "cli --fast"):
        assert calls_on(path, name, tmp_path) == control, f"{path}: {name}"


@needs_two_cpus
def test_a_plug_outside_the_update_keeps_the_speed_layer(monkeypatch):
    """compute_gae runs in this process on every path: with it plugged in, fast=True still
    shares the rollout and the update with its worker."""
    shared: Counter = Counter()
    update = ParallelRollout.update

    def counted(*args, **kwargs):
        shared["update"] += 1
        return update(*args, **kwargs)

    monkeypatch.setattr(ParallelRollout, "update", counted)
    calls, learners = spy("compute_gae")
    with ppo_core.plug_in(compute_gae=learners):
        result = ppo_core.train(ppo_core.PPOConfig(**DISCRETE, fast=True), progress=False)
    iterations = len(result.history)
    assert sum(calls.values()) == shared["update"] == iterations == 2
    assert result.rollout_processes == 2


# --- A plugged function the worker process can import by name -----------------------------

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "plugged"))
from learner_module import shifted_log_prob  # noqa: E402


def test_importable_names():
    assert plug.importable_name(shifted_log_prob) == "learner_module:shifted_log_prob"
    _, closure = spy("categorical_log_prob")
    assert plug.importable_name(closure) is None  # defined inside a function
    assert plug.importable_name(lambda x: x) is None
    with ppo_core.plug_in(categorical_log_prob=shifted_log_prob):
        assert plug.plugged_names("categorical_log_prob", "clip_action") == {
            "categorical_log_prob": "learner_module:shifted_log_prob"
        }
        with ppo_core.plug_in(clip_action=closure):
            assert plug.plugged_names("categorical_log_prob", "clip_action") is None


def _stored_log_prob_shift(plugged: dict | None) -> np.ndarray:
    """Per environment: the log-probabilities a two-process rollout stored, minus the library's
    own for the same actions (computed here, unplugged)."""
    torch.manual_seed(0)
    policy = ppo_core.ActorCritic(4, gym.spaces.Discrete(2), 16)
    rollout = ParallelRollout("CartPole-v1", 4, 2, policy, seed=0, plugged=plugged)
    try:
        buffer = ppo_core.RolloutBuffer.allocate(8, 4, rollout)
        with ppo_core.plug_in(categorical_log_prob=shifted_log_prob):
            rollout.collect(policy, buffer, rollout.reset(seed=0))
    finally:
        rollout.close()
    with torch.no_grad():
        _, own, _, _ = policy.get_action_and_value(
            torch.as_tensor(buffer.obs.reshape(-1, 4)), torch.as_tensor(buffer.actions.reshape(-1))
        )
    return (buffer.log_probs - own.numpy().reshape(8, 4)).mean(axis=0)


@needs_two_cpus
def test_the_worker_runs_a_plugged_function_it_can_import():
    """Every environment, the worker's included, steps with the learner's function. The control:
    without the names handed over, the rollout runs the library's own (the speed layer's
    shortcut here, the fresh library in the worker), which fast=True therefore never builds."""
    np.testing.assert_allclose(
        _stored_log_prob_shift({"categorical_log_prob": "learner_module:shifted_log_prob"}),
        -1.0,
        atol=1e-5,
    )
    np.testing.assert_allclose(_stored_log_prob_shift(None), 0.0, atol=1e-5)


@needs_two_cpus
def test_fast_training_keeps_its_worker_for_an_importable_plug():
    with ppo_core.plug_in(categorical_log_prob=shifted_log_prob):
        result = ppo_core.train(ppo_core.PPOConfig(**DISCRETE, fast=True), progress=False)
    assert result.rollout_processes == 2 and len(result.history) == 2
