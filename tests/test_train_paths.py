"""Which loop train() runs: by default the readable loop of Lab 4 (collect_rollout, the GAE hook,
ppo_update, torch.optim.Adam, one process, nothing of ppo_core.fast); the speed layer only with
fast=True, where it gives the readable loop's results. Also the loop's hooks (callback,
checkpoint, stop at the threshold)."""

from __future__ import annotations

import importlib
import math
import sys
from collections import Counter

import pytest
import torch

import ppo_core.gae
import ppo_core.update
from ppo_core import PPOConfig, load_checkpoint, train
from ppo_core.fast.parallel import available_cpus
from ppo_core.update import ppo_update

# The module (the package's attribute ``ppo_core.train`` is the function).
train_module = importlib.import_module("ppo_core.train")

TINY = dict(
    env_id="CartPole-v1",
    seed=3,
    total_timesteps=3 * 256,
    num_envs=4,
    num_steps=64,
    num_minibatches=4,
    update_epochs=2,
    hidden_size=16,
    gamma=0.99,
    reward_scale=1.0,
)
ITERATIONS, EPOCHS, MINIBATCHES = 3, 2, 4
TIMING_KEYS = {"time/wall_s", "charts/SPS"}


needs_two_cpus = pytest.mark.skipif(available_cpus() < 2, reason="needs 2 CPUs")


def _counting(calls: Counter, name: str, fn):
    def wrapper(*args, **kwargs):
        calls[name] += 1
        return fn(*args, **kwargs)

    return wrapper


def test_the_default_is_the_readable_loop(monkeypatch):
    calls: Counter = Counter()
    # Where train() and ppo_update look these names up, so the wrappers see every call.
    monkeypatch.setattr(
        train_module,
        "collect_rollout",
        _counting(calls, "collect_rollout", train_module.collect_rollout),
    )
    monkeypatch.setattr(
        ppo_core.update,
        "minibatch_indices",  # once per epoch of ppo_update
        _counting(calls, "epochs", ppo_core.update.minibatch_indices),
    )
    monkeypatch.setattr(
        ppo_core.update,
        "update_diagnostics",  # once per ppo_update call
        _counting(calls, "ppo_update", ppo_core.update.update_diagnostics),
    )
    optimizers = []
    make_optimizer = train_module.make_optimizer
    monkeypatch.setattr(
        train_module,
        "make_optimizer",
        lambda *args: optimizers.append(make_optimizer(*args)) or optimizers[-1],
    )
    monkeypatch.setitem(sys.modules, "ppo_core.fast", None)  # any use of the speed layer fails
    gae_calls: Counter = Counter()
    gae_fn = _counting(gae_calls, "gae_fn", ppo_core.gae.compute_gae)

    result = train(PPOConfig(**TINY), gae_fn=gae_fn, progress=False)

    assert calls == {
        "collect_rollout": ITERATIONS,
        "ppo_update": ITERATIONS,
        "epochs": ITERATIONS * EPOCHS,
    }
    assert gae_calls["gae_fn"] == ITERATIONS
    [optimizer] = optimizers
    assert type(optimizer) is torch.optim.Adam and optimizer.defaults["eps"] == 1e-5
    params = list(result.policy.parameters())
    assert optimizer.param_groups[0]["params"] == params  # the network's own tensors
    for p in params:  # one Adam step per minibatch, on every tensor
        assert int(optimizer.state[p]["step"]) == ITERATIONS * EPOCHS * MINIBATCHES
    assert result.rollout_processes == 1 and len(result.history) == ITERATIONS


def test_a_learners_update_fn_runs_every_iteration():
    calls: Counter = Counter()
    result = train(
        PPOConfig(**TINY), update_fn=_counting(calls, "update_fn", ppo_update), progress=False
    )
    assert calls["update_fn"] == ITERATIONS == len(result.history)


@needs_two_cpus
def test_fast_runs_the_speed_layer(monkeypatch):
    import ppo_core.fast
    from ppo_core.fast.parallel import ParallelRollout

    calls: Counter = Counter()
    monkeypatch.setattr(
        ppo_core.fast, "train_fast", _counting(calls, "train_fast", ppo_core.fast.train_fast)
    )
    monkeypatch.setattr(
        ParallelRollout, "update", _counting(calls, "shared_update", ParallelRollout.update)
    )
    monkeypatch.setattr(train_module, "collect_rollout", None)  # not the readable loop
    result = train(PPOConfig(**TINY, fast=True), progress=False)
    assert calls == {"train_fast": 1, "shared_update": ITERATIONS}
    assert result.rollout_processes == 2 and len(result.history) == ITERATIONS


@needs_two_cpus
def test_fast_with_a_learners_update_fn_shares_only_the_rollout(monkeypatch):
    from ppo_core.fast.parallel import ParallelRollout

    calls: Counter = Counter()
    monkeypatch.setattr(ParallelRollout, "update", None)  # the shared update must not run
    result = train(
        PPOConfig(**TINY, fast=True),
        update_fn=_counting(calls, "update_fn", ppo_update),
        progress=False,
    )
    assert calls["update_fn"] == ITERATIONS and result.rollout_processes == 2


def test_fast_in_one_process_gives_the_readable_loops_results():
    """With one process the speed layer collects exactly what collect_rollout collects, and its
    FlatAdam steps equal torch.optim.Adam's up to float rounding: the same run."""
    readable = train(PPOConfig(**TINY), progress=False)
    fast = train(PPOConfig(**TINY, fast=True, env_workers=1), progress=False)
    assert fast.rollout_processes == 1
    for (name, p), q in zip(readable.policy.named_parameters(), fast.policy.parameters()):
        torch.testing.assert_close(q, p, rtol=1e-4, atol=1e-6, msg=name)
    assert fast.episode_returns == readable.episode_returns
    assert fast.episode_steps == readable.episode_steps
    for row_r, row_f in zip(readable.history, fast.history, strict=True):
        assert row_r.keys() == row_f.keys()
        for key in row_r.keys() - TIMING_KEYS:
            x, y = row_r[key], row_f[key]
            if isinstance(x, float) and math.isnan(x):
                assert math.isnan(y), key
            else:
                assert y == pytest.approx(x, rel=1e-3, abs=1e-5), key


@pytest.mark.parametrize("fast", [False, True], ids=["readable", "fast"])
def test_callback_and_checkpoint_after_every_update(tmp_path, fast):
    rows = []
    path = tmp_path / "run.pt"

    def callback(row, policy):
        rows.append(row)
        _, _, extra = load_checkpoint(path)  # saved before the callback runs
        assert extra["global_step"] == row["global_step"]

    result = train(
        PPOConfig(**TINY, fast=fast), callback=callback, checkpoint_path=path, progress=False
    )
    assert rows == result.history and len(rows) == ITERATIONS
    assert [row["global_step"] for row in rows] == [256, 512, 768]
    assert load_checkpoint(path)[2]["global_step"] == 768


@pytest.mark.parametrize("fast", [False, True], ids=["readable", "fast"])
def test_stop_at_threshold(monkeypatch, fast):
    # A threshold any policy reaches: the run stops once 100 episodes have finished.
    monkeypatch.setattr(train_module, "reward_threshold", lambda env_id: 1.0)
    config = PPOConfig(**{**TINY, "total_timesteps": 20 * 256}, fast=fast)
    result = train(config, stop_at_threshold=True, progress=False)
    assert result.steps_to_threshold is not None and result.time_to_threshold_s is not None
    assert len(result.episode_returns) >= 100
    # Every CartPole return is >= 1: the mean of the last 100 first reaches it at episode 100.
    assert result.steps_to_threshold == result.episode_steps[99]
    assert len(result.history) < 20
    assert result.history[-1]["global_step"] >= result.steps_to_threshold
    assert result.history[-2]["charts/episodes"] < 100 <= result.history[-1]["charts/episodes"]
