"""The (T, N) rollout: next_values is V of the true next state, episodes are recorded.

The environments are wrapped in a recorder that keeps what every ``step`` returned (including
``info["final_obs"]``), so the expected values are computed independently of ``collect_rollout``.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.vector import AutoresetMode, SyncVectorEnv

from ppo_core import ActorCritic, EpisodeTracker, RolloutBuffer, collect_rollout, make_vec_env

T = 24
COUNTER_ID = "PPOCoreTest/Counter-v0"
TIME_LIMIT = 5


class CounterEnv(gym.Env):
    """Observation (t / 10, a per-episode random offset, last action); reward 1 + action + t / 10.
    Terminates after ``terminate_at`` steps (never if None); registered with a 5-step time limit,
    so episodes end by termination, by truncation, or by both at once (terminate_at=5)."""

    observation_space = gym.spaces.Box(-np.inf, np.inf, (3,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def __init__(self, terminate_at: int | None = None):
        self.terminate_at = terminate_at

    def _obs(self, action: float = 0.0) -> np.ndarray:
        return np.array([self.t / 10, self.offset, action], dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        self.offset = float(self.np_random.uniform(-1, 1))
        return self._obs(), {}

    def step(self, action):
        self.t += 1
        reward = 1.0 + float(action) + self.t / 10
        terminated = self.terminate_at is not None and self.t >= self.terminate_at
        return self._obs(float(action)), reward, terminated, False, {}


if COUNTER_ID not in gym.registry:
    gym.register(COUNTER_ID, entry_point=CounterEnv, max_episode_steps=TIME_LIMIT)


class StepRecorder(gym.vector.VectorWrapper):
    """Keeps every step's (obs, reward, terminated, truncated, final_obs)."""

    def __init__(self, env):
        super().__init__(env)
        self.steps = []

    def step(self, actions):
        obs, reward, terminated, truncated, info = self.env.step(actions)
        final_obs = {
            int(i): np.array(info["final_obs"][i], dtype=np.float32)
            for i in np.flatnonzero(np.logical_or(terminated, truncated))
        }
        self.steps.append(
            (
                np.array(obs, np.float32),
                np.array(reward, np.float64),
                np.array(terminated),
                np.array(truncated),
                final_obs,
            )
        )
        return obs, reward, terminated, truncated, info


def counter_envs():
    fns = [lambda k=k: gym.make(COUNTER_ID, terminate_at=k) for k in (3, None, TIME_LIMIT, 2)]
    return SyncVectorEnv(fns, autoreset_mode=AutoresetMode.SAME_STEP)


ENV_MAKERS = {
    "counter": counter_envs,
    # The library's own vector env with a short time limit: mostly truncations, some falls.
    "cartpole": lambda: make_vec_env("CartPole-v1", 3, max_episode_steps=7),
}


@pytest.fixture(params=list(ENV_MAKERS), scope="module")
def rollout(request):
    envs = StepRecorder(ENV_MAKERS[request.param]())
    torch.manual_seed(0)
    policy = ActorCritic.for_env(envs, hidden=16)
    N = envs.num_envs
    buffer = RolloutBuffer.allocate(T, N, envs)
    tracker = EpisodeTracker(N)
    first_obs, _ = envs.reset(seed=5)
    next_obs, global_step = collect_rollout(
        envs, policy, buffer, np.asarray(first_obs, np.float32), tracker, global_step=100
    )
    envs.close()
    return {
        "name": request.param,
        "envs": envs,
        "policy": policy,
        "buffer": buffer,
        "tracker": tracker,
        "first_obs": np.asarray(first_obs, np.float32),
        "next_obs": next_obs,
        "global_step": global_step,
        "N": N,
    }


def value(policy, obs) -> np.ndarray:
    with torch.no_grad():
        return policy.get_value(torch.as_tensor(np.asarray(obs), dtype=torch.float32)).numpy()


def test_shapes_are_time_major(rollout):
    b, N = rollout["buffer"], rollout["N"]
    for name in (
        "actions",
        "log_probs",
        "rewards",
        "values",
        "next_values",
        "terminated",
        "truncated",
    ):
        assert getattr(b, name).shape == (T, N), name
    assert b.obs.shape == (T, N, rollout["envs"].single_observation_space.shape[0])
    assert rollout["global_step"] == 100 + T * N


def test_buffer_holds_what_the_environment_returned(rollout):
    b, steps = rollout["buffer"], rollout["envs"].steps
    assert len(steps) == T
    np.testing.assert_array_equal(b.obs[0], rollout["first_obs"])
    for t, (obs, reward, terminated, truncated, _) in enumerate(steps):
        np.testing.assert_allclose(b.rewards[t], reward, rtol=1e-6)
        np.testing.assert_array_equal(b.terminated[t], terminated.astype(np.float32))
        np.testing.assert_array_equal(b.truncated[t], truncated.astype(np.float32))
        # Same-step autoreset: the observation after an end is already the next episode's.
        following = b.obs[t + 1] if t + 1 < T else rollout["next_obs"]
        np.testing.assert_array_equal(following, obs)
    np.testing.assert_allclose(b.values, value(rollout["policy"], b.obs), atol=1e-6)
    with torch.no_grad():
        _, lp, _, _ = rollout["policy"].get_action_and_value(
            torch.from_numpy(b.obs.reshape(T * rollout["N"], -1)),
            torch.from_numpy(b.actions.reshape(-1)),
        )
    np.testing.assert_allclose(b.log_probs.reshape(-1), lp.numpy(), atol=1e-6)


def test_next_values_are_v_of_the_true_next_state(rollout):
    b, policy, steps = rollout["buffer"], rollout["policy"], rollout["envs"].steps
    ended = 0
    for t, (obs, _, _, _, final_obs) in enumerate(steps):
        expected = value(policy, obs)  # V(next observation) ...
        for i, fo in final_obs.items():  # ... or V(final observation) at an end
            expected[i] = value(policy, fo[None])[0]
            ended += 1
        np.testing.assert_allclose(b.next_values[t], expected, atol=1e-6, err_msg=f"t={t}")
    assert ended > 0


def test_truncation_is_present_and_its_bootstrap_differs_from_the_reset_state(rollout):
    b, steps = rollout["buffer"], rollout["envs"].steps
    trunc = [(t, i) for t, s in enumerate(steps[:-1]) for i in np.flatnonzero(s[3])]
    assert trunc, "the rollout should contain time-limit truncations"
    # V(final obs) is not V(first obs of the next episode), which the buffer also holds:
    # a rollout that bootstrapped from the reset observation would fail the test above.
    assert any(abs(b.next_values[t, i] - b.values[t + 1, i]) > 1e-4 for t, i in trunc)
    if rollout["name"] == "counter":
        assert b.terminated.any() and b.truncated.any()
        assert (b.terminated * b.truncated).any()  # env 2 ends by both flags at once
        np.testing.assert_array_equal(
            b.truncated[:, 1], [(t + 1) % TIME_LIMIT == 0 for t in range(T)]
        )
        np.testing.assert_array_equal(b.terminated[:, 0], [(t + 1) % 3 == 0 for t in range(T)])


def test_episode_tracker_records_every_episode(rollout):
    steps, tracker, N = rollout["envs"].steps, rollout["tracker"], rollout["N"]
    running, length = np.zeros(N), np.zeros(N, dtype=int)
    returns, lengths, end_steps = [], [], []
    for t, (_, reward, terminated, truncated, _) in enumerate(steps):
        running += reward
        length += 1
        for i in np.flatnonzero(np.logical_or(terminated, truncated)):
            returns.append(running[i])
            lengths.append(length[i])
            end_steps.append(100 + (t + 1) * N)
            running[i], length[i] = 0.0, 0
    assert len(returns) > 0
    np.testing.assert_allclose(tracker.returns, returns, rtol=1e-6)
    assert tracker.lengths == lengths
    assert tracker.end_steps == end_steps
    if rollout["name"] == "counter":
        assert set(lengths) == {3, TIME_LIMIT, 2}


def test_episode_tracker_by_hand():
    tracker = EpisodeTracker(2)
    tracker.update(np.array([1.0, 10.0]), np.array([False, False]), global_step=2)
    tracker.update(np.array([2.0, 20.0]), np.array([True, False]), global_step=4)
    tracker.update(np.array([3.0, 30.0]), np.array([False, True]), global_step=6)
    tracker.update(np.array([4.0, 40.0]), np.array([True, True]), global_step=8)
    assert tracker.returns == [3.0, 60.0, 7.0, 40.0]
    assert tracker.lengths == [2, 3, 2, 1]
    assert tracker.end_steps == [4, 6, 8, 8]
    assert tracker.mean_return(2) == pytest.approx(23.5)
    assert np.isnan(EpisodeTracker(1).mean_return())


def test_flatten_is_time_major(rollout):
    b, N = rollout["buffer"], rollout["N"]
    adv = np.arange(T * N, dtype=np.float64).reshape(T, N)
    batch = b.flatten(adv, adv + 1)
    assert batch["obs"].shape == (T * N, b.obs.shape[2])
    torch.testing.assert_close(batch["advantages"], torch.arange(T * N, dtype=torch.float32))
    # Sample k is step k // N of env k % N.
    torch.testing.assert_close(batch["obs"][N + 1], torch.from_numpy(b.obs[1, 1]))
    torch.testing.assert_close(batch["log_probs"], torch.from_numpy(b.log_probs.reshape(-1)))
