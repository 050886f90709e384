"""Small fixtures shared by the ppo_core tests: random rollouts, a tiny policy, a tiny config;
and the student build with its fresh virtual environment (session fixtures: student_env.py)."""

from __future__ import annotations

import os

import gymnasium as gym
import numpy as np
import pytest
import torch
from student_env import student_env, student_package  # noqa: F401  (session fixtures)

from ppo_core import ActorCritic, PPOConfig


def _random_rollout(
    T: int = 32,
    N: int = 1,
    seed: int = 0,
    p_end: float = 0.15,
    end_at_last: bool | None = None,
    both_flags: bool = False,
) -> dict:
    """A random but self-consistent (T, N) rollout, float32-representable.

    ``next_values[t] = values[t + 1]`` wherever the episode goes on (what the rollout stores);
    where an episode ends, ``next_values[t]`` is an independent V(final observation). Each
    episode end is a termination or a truncation at random (both at once if ``both_flags``
    allows it). ``end_at_last`` forces (True) or forbids (False) an episode end at step T - 1.
    """
    rng = np.random.default_rng(seed)

    def f32(a: np.ndarray) -> np.ndarray:  # float32-representable float64
        return a.astype(np.float32).astype(np.float64)

    rewards = f32(rng.normal(size=(T, N)))
    values = f32(rng.normal(size=(T, N)))
    done = rng.random((T, N)) < p_end
    if end_at_last is not None:
        done[-1] = end_at_last
    kind = rng.random((T, N))
    terminated = (done & (kind < 0.5)).astype(np.float64)
    truncated = (done & (kind >= 0.5)).astype(np.float64)
    if both_flags:  # gymnasium allows terminated and truncated on the same step
        both = done & (rng.random((T, N)) < 0.2)
        terminated[both] = 1.0
        truncated[both] = 1.0
    next_values = np.empty((T, N))
    next_values[:-1] = values[1:]
    next_values[-1] = f32(rng.normal(size=N))  # V(s_T), the bootstrap after the rollout
    final_values = f32(rng.normal(size=(T, N)))  # V(final observation) of ended episodes
    next_values[done] = final_values[done]
    out = {
        "rewards": rewards,
        "values": values,
        "next_values": next_values,
        "terminated": terminated,
        "truncated": truncated,
    }
    if N == 1:
        out = {k: v[:, 0] for k, v in out.items()}
    return out


@pytest.fixture
def random_rollout():
    """Factory: ``random_rollout(T, N, seed, p_end, end_at_last, both_flags)`` -> dict of arrays."""
    return _random_rollout


@pytest.fixture
def tiny_policy() -> ActorCritic:
    """A small CartPole-shaped actor-critic (4 observations, 2 actions), seeded."""
    torch.manual_seed(0)
    return ActorCritic(4, gym.spaces.Discrete(2), hidden=16)


@pytest.fixture
def tiny_config() -> PPOConfig:
    """A CartPole run of 4 updates of 4 x 32 steps: under a second."""
    return PPOConfig(
        env_id="CartPole-v1",
        seed=3,
        total_timesteps=512,
        num_envs=4,
        num_steps=32,
        num_minibatches=2,
        update_epochs=2,
        learning_rate=2.5e-3,
        gamma=0.99,
        gae_lambda=0.95,
        hidden_size=16,
    )


@pytest.fixture(autouse=True, scope="session")
def single_torch_thread():
    """Tiny networks run fastest on one thread; two threads on a busy 2-core CI box are ~40x
    slower (thread contention). ``train`` sets this from ``PPOConfig.torch_threads`` anyway."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


# The register's slow claims run in `make claims` (scripts/run_claims.py sets this variable),
# which records their results; `make test` checks those results instead of rerunning them.
RUN_SLOW_CLAIMS = "PPO_RUN_SLOW_CLAIMS"


def _slow_claim_tests() -> set[str]:
    from tests.claims.register import CLAIMS

    return {claim.test for claim in CLAIMS if claim.slow}


def pytest_collection_modifyitems(config, items):
    """Skip the slow claims, unless `make claims` runs them."""
    if os.environ.get(RUN_SLOW_CLAIMS):
        return
    slow_claims = _slow_claim_tests()
    skip = pytest.mark.skip(
        reason="a slow claim: `make claims` runs it, make test checks its result"
    )
    for item in items:
        if item.nodeid in slow_claims or item.nodeid.split("[")[0] in slow_claims:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    """Print the figures tests report (``record_property("figures", text)``) at the end of
    the session, where captured output does not hide them."""
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "figures":
                    terminalreporter.write_line(f"{report.nodeid}: {value}")
