"""ppo_core.plug_in: the library's own parts call a learner's function.

A spy wraps the library's function, so every call the library makes is counted and the results
stay right; each test checks that the spy is called from the library code that uses it, and that
leaving the ``with`` block (or ``restore()``) puts the library's function back everywhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch

import ppo_core
import ppo_core.networks
import ppo_core.train
import ppo_core.update
from ppo_core import exercises, plug

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import labkit


def spy(name: str) -> tuple[list, object]:
    """A learner's function that counts its calls and returns the library's result."""
    calls: list = []
    library = plug.LIBRARY[name]

    def learners(*args, **kwargs):
        calls.append(args)
        return library(*args, **kwargs)

    return calls, learners


def small_config(**overrides) -> ppo_core.PPOConfig:
    fields = dict(
        env_id="CartPole-v1",
        num_envs=2,
        num_steps=32,
        total_timesteps=64,
        num_minibatches=2,
        update_epochs=1,
    )
    return ppo_core.PPOConfig(**{**fields, **overrides})


def test_exercises_are_the_labs_contract():
    assert list(plug.EXERCISES) == list(labkit.CONTRACT_FUNCTIONS)
    for lab, names in labkit.CONTRACT.items():
        for name in names:
            assert plug.EXERCISES[name] == f"Lab {lab[3]}"
    assert set(plug.LIBRARY) == set(plug.EXERCISES)


def test_actor_critic_calls_the_plugged_log_prob_and_entropy():
    log_prob_calls, log_prob = spy("categorical_log_prob")
    entropy_calls, entropy = spy("categorical_entropy")
    policy = ppo_core.ActorCritic(8, gym.spaces.Discrete(4))
    with ppo_core.plug_in(categorical_log_prob=log_prob, categorical_entropy=entropy):
        policy.get_action_and_value(torch.zeros(3, 8))
        assert exercises.resolve("categorical_log_prob") is log_prob
    assert len(log_prob_calls) == 1 and len(entropy_calls) == 1
    policy.get_action_and_value(torch.zeros(3, 8))
    assert len(log_prob_calls) == 1, "restored: the library's function is called again"
    assert exercises.resolve("categorical_log_prob") is plug.LIBRARY["categorical_log_prob"]


def test_ppo_update_calls_the_plugged_loss_and_diagnostics():
    loss_calls, loss = spy("ppo_loss")
    kl_calls, kl = spy("approx_kl")
    torch.manual_seed(0)
    policy = ppo_core.ActorCritic(4, gym.spaces.Discrete(2))
    obs = torch.randn(16, 4)
    with torch.no_grad():
        actions, log_probs, _, values = policy.get_action_and_value(obs)
    batch = {
        "obs": obs,
        "actions": actions,
        "log_probs": log_probs,
        "advantages": torch.randn(16),
        "returns": values + 1,
        "values": values,
    }
    optimizer = torch.optim.Adam(policy.parameters())
    with ppo_core.plug_in(ppo_loss=loss, approx_kl=kl):
        ppo_core.ppo_update(policy, optimizer, batch, small_config(target_kl=10.0))
    # two minibatches through the default loss_fn; approx_kl: the target_kl test + diagnostics
    assert len(loss_calls) == 2
    assert len(kl_calls) == 2


def test_train_calls_the_plugged_gae_and_update():
    gae_calls, gae = spy("compute_gae")
    update_calls, update = spy("ppo_update")
    with ppo_core.plug_in(compute_gae=gae, ppo_update=update):
        ppo_core.train(small_config(), progress=False)
    assert len(gae_calls) == len(update_calls) == 1
    ppo_core.train(small_config(), progress=False)  # unplugged: the library's own again
    assert len(gae_calls) == len(update_calls) == 1


def test_a_loss_goes_to_the_plugged_update_and_an_explicit_update_refuses_it():
    update_calls, update = spy("ppo_update")
    loss_calls, loss = spy("ppo_loss")
    with ppo_core.plug_in(ppo_update=update):
        ppo_core.train(small_config(), loss_fn=loss, progress=False)
        assert len(update_calls) == 1 and loss_calls
        with pytest.raises(ValueError, match="either update_fn or loss_fn"):
            ppo_core.train(
                small_config(), update_fn=plug.LIBRARY["ppo_update"], loss_fn=loss, progress=False
            )


def test_calls_its_own_follows_the_plug():
    _, gae = spy("compute_gae")
    assert plug.calls_its_own("compute_gae", "ppo_loss")
    with ppo_core.plug_in(compute_gae=gae):
        assert not plug.calls_its_own("compute_gae", "ppo_loss")
        assert plug.calls_its_own("ppo_loss")
    assert plug.calls_its_own("compute_gae")
    with pytest.raises(ValueError, match="not an exercise function"):
        plug.calls_its_own("train")


def test_a_plain_call_stays_until_restored_and_nests():
    first_calls, first = spy("compute_gae")
    second_calls, second = spy("compute_gae")
    plugged = ppo_core.plug_in(compute_gae=first)
    try:
        assert exercises.resolve("compute_gae") is first
        with ppo_core.plug_in(compute_gae=second):
            assert exercises.resolve("compute_gae") is second
        assert exercises.resolve("compute_gae") is first, "the inner block restores the outer"
    finally:
        plugged.restore()
    assert exercises.resolve("compute_gae") is plug.LIBRARY["compute_gae"]
    assert "compute_gae" in str(plugged)


def test_nothing_rewrites_the_library_modules():
    """A plug is asked for at each call: every module keeps the library's own functions, in its
    globals and its functions' defaults alike."""

    def bindings() -> dict:
        found = {}
        for key, module in list(sys.modules.items()):
            if module is None or key.split(".", 1)[0] not in ("ppo_core", "ppo_viz"):
                continue
            for attribute, value in vars(module).items():
                found[key, attribute] = value
                for default in getattr(value, "__defaults__", None) or ():
                    found[key, attribute, "default"] = default
        return found

    import ppo_viz.widgets  # noqa: F401  (its module globals are compared too)

    before = bindings()
    fakes = {name: spy(name)[1] for name in plug.EXERCISES}
    with ppo_core.plug_in(**fakes):
        during = bindings()
    assert {k: v for k, v in during.items() if before.get(k) is not v} == {}


def test_modules_imported_later_see_the_plug():
    calls, learners = spy("clip_fraction")
    sys.modules.pop("ppo_viz.widgets", None)
    with ppo_core.plug_in(clip_fraction=learners):
        import ppo_viz.widgets

        assert ppo_viz.widgets._function("clip_fraction", None) is learners
    assert ppo_viz.widgets._function("clip_fraction", None) is plug.LIBRARY["clip_fraction"]


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"compute_gea": np.mean}, ValueError, ["'compute_gea'", "compute_gae", "clip_action"]),
        ({"train": np.mean}, ValueError, ["not an exercise function"]),
        ({"compute_gae": 3.0}, TypeError, ["compute_gae must be a function", "no parentheses"]),
        ({}, ValueError, ["at least one"]),
    ],
)
def test_bad_names_and_values_are_refused_before_anything_changes(kwargs, error, words):
    with pytest.raises(error) as info:
        ppo_core.plug_in(**kwargs, approx_kl=np.mean) if kwargs else ppo_core.plug_in()
    for word in words:
        assert word in str(info.value)
    assert exercises.plugged("approx_kl") is None


def test_reference_available_reads_withheld(monkeypatch):
    assert all(ppo_core.reference_available(name) for name in plug.EXERCISES)
    monkeypatch.setattr(ppo_core._withheld, "WITHHELD", frozenset({"compute_gae"}))
    assert not ppo_core.reference_available("compute_gae")
    assert ppo_core.reference_available("td_residuals")
    with pytest.raises(ValueError, match="not an exercise function"):
        ppo_core.reference_available("train")


def test_plug_in_withheld_plugs_only_what_is_withheld(monkeypatch):
    _, gae = spy("compute_gae")
    _, td = spy("td_residuals")
    monkeypatch.setattr(ppo_core._withheld, "WITHHELD", frozenset({"compute_gae"}))
    with ppo_core.plug_in_withheld(compute_gae=gae, td_residuals=td) as plugged:
        assert exercises.resolve("compute_gae") is gae
        assert exercises.resolve("td_residuals") is plug.LIBRARY["td_residuals"]
        assert plugged.kept == ("td_residuals",)
    assert exercises.resolve("compute_gae") is plug.LIBRARY["compute_gae"]


def test_use_earlier_functions(monkeypatch):
    _, gae = spy("compute_gae")
    _, loss = spy("ppo_loss")
    namespace = {"compute_gae": gae, "ppo_loss": loss}
    monkeypatch.setattr(ppo_core._withheld, "WITHHELD", frozenset({"compute_gae"}))
    with ppo_core.use_earlier_functions(namespace, "compute_gae", "ppo_loss"):
        assert exercises.resolve("compute_gae") is gae
        # the reference is here: the notebook gets the library's back (grading stays the same)
        assert namespace["ppo_loss"] is plug.LIBRARY["ppo_loss"]
    stub_only = {"compute_gae": plug.LIBRARY["compute_gae"]}  # the setup cell's import
    with pytest.raises(NameError, match="Lab 2: compute_gae.*finish Lab 2 .*'Save your functions'"):
        ppo_core.use_earlier_functions(stub_only, "compute_gae")
    with pytest.raises(NameError, match="Lab 2: compute_gae"):
        ppo_core.use_earlier_functions({}, "compute_gae")
