"""The claims of Labs 1 and 2, measured.

Each test runs the lab's own cell (``run_cell``: its source from ``scripts/labs/``, with the
reference functions of ``ppo_core`` in place of the learner's) or the experiment the sentence
describes, and asserts the quantity it states. ``tests/claims/register.py`` quotes the sentences,
with the seeds, the margins and the figures measured.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest
import torch

import ppo_core
from ppo_core import recorded_runs
from tests.test_lab_claims import lab_text, run_cell

LANDER = "LunarLander-v3"


def _shaping(obs: np.ndarray) -> float:
    """Gymnasium's shaping potential of a LunarLander observation: lower far from the pad, fast
    and tilted; +10 per leg on the ground."""
    x, y, vx, vy, angle, _, leg1, leg2 = (float(v) for v in obs)
    return (
        -100 * math.hypot(x, y) - 100 * math.hypot(vx, vy) - 100 * abs(angle) + 10 * (leg1 + leg2)
    )


# The fuel cost of one frame of each discrete action: nothing, left, main, right engine.
FUEL = (0.0, 0.03, 0.3, 0.03)


def _episode(seed: int, act) -> tuple[list, list, list, bool]:
    """(observations, actions, rewards, terminated) of one LunarLander episode; ``act(obs)``."""
    env = gym.make(LANDER)
    obs, _ = env.reset(seed=seed)
    observations, actions, rewards = [obs], [], []
    while True:
        action = act(obs)
        obs, reward, terminated, truncated, _ = env.step(action)
        observations.append(obs)
        actions.append(action)
        rewards.append(float(reward))
        if terminated or truncated:
            env.close()
            return observations, actions, rewards, terminated


def _weight(gamma: float, steps: int) -> float:
    """The weight ``discounted_return`` gives a reward ``steps`` steps away."""
    return ppo_core.discounted_return([0.0] * steps + [1.0], gamma)


def _random(rng: np.random.Generator):
    """The uniformly random policy of Lab 1's cells, drawing from ``rng``."""
    return lambda obs: int(rng.integers(4))


# --- Lab 1 -------------------------------------------------------------------------------------


def test_lab1_lunar_lander_is_as_the_table_says():
    """Section 1: 8 numbers of state, 4 discrete actions, truncated after 1000 steps, solved at
    200; the -v2 version is gone from Gymnasium 1.x."""
    env = gym.make(LANDER)
    assert env.observation_space.shape == (8,) and env.action_space.n == 4
    assert env.spec.max_episode_steps == 1000 and env.spec.reward_threshold == 200
    assert int(gym.__version__.split(".")[0]) >= 1
    with pytest.raises(gym.error.DeprecatedEnv):
        gym.make("LunarLander-v2")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lab1_reward_is_shaping_minus_fuel_and_ends_at_100(seed):
    """Section 1's reward row: every step earns the change of the shaping potential (closer,
    slower, more upright, +10 per leg) minus 0.3 per main-engine frame and 0.03 per side-engine
    frame; a crash ends with -100 (random policy), coming to rest with +100 (the trained lander)."""
    rng = np.random.default_rng(seed)
    observations, actions, rewards, terminated = _episode(seed, _random(rng))
    for t, (action, reward) in enumerate(zip(actions[:-1], rewards[:-1])):
        expected = _shaping(observations[t + 1]) - _shaping(observations[t]) - FUEL[action]
        assert reward == pytest.approx(expected, abs=1e-3), t  # measured: within 5e-5
    assert terminated and rewards[-1] == -100.0
    policy = ppo_core.load_pretrained()

    def greedy(obs):
        with torch.no_grad():
            return int(policy.actor(torch.as_tensor(obs)[None]).argmax())

    _, _, rewards, terminated = _episode(seed, greedy)
    assert terminated and rewards[-1] == 100.0


def test_lab1_discounting_numbers():
    """Section 2 and Q1's answer, with ``discounted_return``: the horizon 1/(1-gamma) is 100 steps
    for 0.99 (10 for 0.9), and a reward much further away barely counts; the +100 at step 300
    is worth about 4.9 with gamma = 0.99, and its weight with 0.9 is about 2e-14."""
    assert round(1 / (1 - 0.99)) == 100 and round(1 / (1 - 0.9)) == 10
    assert _weight(0.99, 300) < 0.05  # three horizons away: under 5 %
    bonus = [0.0] * 300 + [100.0]
    assert round(ppo_core.discounted_return(bonus, 0.99), 1) == 4.9
    assert f"{_weight(0.9, 300):.0e}" == "2e-14"


def test_lab1_random_episodes_and_gamma():
    """Q1's answer, on three batches of 12 random episodes: the +100 worth 4.9 at step 300
    (gamma = 0.99) is still visible next to the shaping rewards (larger than three quarters of
    them), and a gamma close to 1 sees the whole episode at the price of noisier returns (the
    spread of G_0 grows with gamma)."""
    bonus = ppo_core.discounted_return([0.0] * 300 + [100.0], 0.99)
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        episodes = [_episode(100 * seed + k, _random(rng))[2] for k in range(12)]
        # Measured on seeds 0-2: the upper quartile of |r_t| is 2.4 to 2.9, its 90th percentile
        # 3.7 to 4.7.
        assert bonus > np.percentile(np.abs(np.concatenate(episodes)), 75)
        spread = [
            np.std([ppo_core.discounted_return(r, g) for r in episodes]) for g in (0.9, 0.99, 1.0)
        ]
        # Measured on seeds 0-2: 5.2-6.0, 51-62 and 99-119, 0.99 spreading 8.5 to 12 times more.
        assert spread[0] < 0.5 * spread[1] < 0.5 * spread[2], spread


@pytest.mark.slow
def test_lab1_advantages_are_small_next_to_the_noise():
    """Section 3: one action at step 0 changes a long episode only a little, so the true
    advantages are small next to the spread of the returns, and no larger than the noise of a
    handful of random episodes (the cell's 30); the standard errors shrink like 1/sqrt(n). The
    cell's ``rollout_return`` from its start state, 400 episodes per estimate on each of three
    seeds of the random policy; the true advantages are estimated from all 1200."""
    episodes = 400
    ns = run_cell("lab1_rl_basics", "def rollout_return")
    rollout_return, handful = ns["rollout_return"], ns["n_episodes"]
    assert handful == 30  # the number the prose quotes
    v, q, handful_se = [], [], []
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        v.append([rollout_return(rng=rng) for _ in range(episodes)])
        q.append([[rollout_return(a, rng=rng) for _ in range(episodes)] for a in range(4)])
        samples = [np.array(v[-1]), *map(np.array, q[-1])]
        few = [np.std(x[:handful], ddof=1) / math.sqrt(handful) for x in samples]
        many = [np.std(x, ddof=1) / math.sqrt(episodes) for x in samples]
        handful_se.extend(np.hypot(few[0], few[1:]))  # the cell's +- of each advantage
        ratio = np.array(few) / np.array(many)  # 1/sqrt(n): sqrt(400 / 30) = 3.65
        # Measured on seeds 1-3: 2.97 to 4.26.
        assert np.all((ratio > 3.65 / 1.5) & (ratio < 3.65 * 1.5)), ratio
    v, q = np.concatenate(v), np.concatenate(q, axis=1)  # (1200,), (4, 1200)
    advantages = np.abs(q.mean(axis=1) - v.mean())
    spread = np.median([np.std(x) for x in (v, *q)])
    # Measured: advantages 0.3, 11.6, -2.1, -8.9 (+- 1.9), the largest 0.25 of the spread of
    # the returns (47) and 0.92 of the median standard error of 30 episodes (12.6; 10.6 to 14.0).
    assert advantages.max() < 0.5 * spread, (advantages, spread)
    assert advantages.max() < 1.25 * np.median(handful_se), (advantages, handful_se)


def test_lab1_log_softmax_try_it():
    """Section 4: with z = (1000, 0, 0, 0), e^1000 overflows, the small probabilities underflow
    to 0 and their log is -inf; ``log_softmax`` stays finite."""
    ns = run_cell("lab1_rl_basics", "the naive formula breaks on large logits")
    assert math.isinf(torch.exp(torch.tensor(1000.0)).item())
    assert ns["naive"][0].item() == -math.inf
    ours = ns["categorical_log_prob"](ns["logits"], ns["actions"])
    assert torch.isfinite(ours).all() and ours[0].item() == pytest.approx(-1000.0)


def test_lab1_entropy_ceiling_in_nats_and_bits():
    """Section 5 and Q2's answer: the entropy over 4 actions is at most ln 4 = 1.386 nats,
    2 bits, whatever the logits; a log showing 2 or more is not one policy's entropy."""
    logits = torch.randn(5000, 4, generator=torch.Generator().manual_seed(0)) * 3.0
    entropy = ppo_core.categorical_entropy(torch.cat([logits, torch.zeros(1, 4)]))
    assert entropy.max().item() == pytest.approx(math.log(4), abs=1e-6)
    assert f"{math.log(4):.3f}" == "1.386" and (entropy / math.log(2)).max().item() <= 2 + 1e-6


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lab1_orthogonal_init_keeps_the_signal_and_starts_uniform(seed):
    """Section 5: orthogonal initialisation keeps the size of the signal roughly constant from
    layer to layer, so no layer starts saturated or silent; the 0.01 gain puts every logit close
    to 0, every action equally likely. On the states of random episodes."""
    torch.manual_seed(seed)
    policy = ppo_core.ActorCritic(8, gym.spaces.Discrete(4))
    rng = np.random.default_rng(seed)
    states = torch.as_tensor(np.concatenate([_episode(seed, _random(rng))[0]]))
    signal = states
    for layer in policy.actor:
        out = layer(signal).detach()
        if isinstance(layer, torch.nn.Tanh):
            # Measured on seeds 0-2: no unit beyond |0.99|.
            assert (out.abs() > 0.99).float().mean() < 0.05
        elif layer is not policy.actor[-1]:
            ratio = out.norm(dim=1) / signal.norm(dim=1)
            # Measured on seeds 0-2: the norm grows by sqrt 2 per layer, the gain (orthogonal
            # rows keep it; tanh, near 0 here, hardly shrinks it).
            assert 0.5 < ratio.median() < 2.0, ratio.median()
        signal = out
    assert signal.abs().max() < 0.1  # the logits; measured at most 0.012


# --- Lab 2 -------------------------------------------------------------------------------------


def test_lab1_entropy_falls_gradually_in_the_recorded_healthy_run():
    """Q2's answer: as the agent learns the entropy falls gradually (the course's recorded
    healthy run: from 1.38 to about 0.7 over 150 updates); a collapse to nearly 0 is what the
    recorded run with a too-high learning rate shows. One recorded run each (seed 1)."""
    healthy = np.array([row["losses/entropy"] for row in recorded_runs.load_run("healthy")])
    assert len(healthy) == 150 and healthy[0] > 1.37
    # Measured: 0.685 (median of the last 10 updates), minimum 0.52, largest drop in one
    # update 0.165.
    assert 0.6 < np.median(healthy[-10:]) < 0.8 and healthy.min() > 0.5
    assert np.max(-np.diff(healthy)) < 0.2
    too_fast = np.array([row["losses/entropy"] for row in recorded_runs.load_run("lr_too_high")])
    assert np.median(too_fast[75:]) < 0.05  # measured 0.001


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_gradient_step_makes_positive_advantage_actions_more_likely(seed):
    """Lab 1 section 3 and Lab 2's opening: a policy-gradient step (here on PPO's clipped
    objective) raises the probability of actions with A > 0 and lowers it for A < 0."""
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(6, 4, generator=generator, requires_grad=True)
    actions = torch.randint(4, (6,), generator=generator)
    advantages = torch.tensor([1.0, -1.0, 2.0, -0.5, 0.3, -3.0])
    old = ppo_core.categorical_log_prob(logits, actions).detach()
    loss = ppo_core.clipped_surrogate_loss(
        ppo_core.categorical_log_prob(logits, actions), old, advantages, 0.2
    )
    loss.backward()
    with torch.no_grad():
        new = ppo_core.categorical_log_prob(logits - 0.1 * logits.grad, actions)
    assert torch.equal(torch.sign(new - old), torch.sign(advantages))


# --- Lab 2 -------------------------------------------------------------------------------------


def test_lab2_try_it_cells():
    """Sections 1 and 2: a terminated step does not bootstrap (``next_values[2]`` is ignored,
    delta = r - V); with V = 0 and gamma = lambda = 1 the advantages are the rewards left in
    each episode, and the episode end cuts the sum."""
    ns = run_cell("lab2_gae", "the episode crashes at t=2")
    deltas = ns["td_residuals"](
        ns["rewards"], ns["values"], ns["next_values"], ns["terminated"], gamma=0.99
    )
    np.testing.assert_allclose(
        deltas, [1 + 0.99 * 9 - 10, 0.5 + 0.99 * 5 - 9, -105.0, 2 - 0 + 0.99]
    )
    ns = run_cell("lab2_gae", "two short episodes in one rollout")
    np.testing.assert_array_equal(ns["adv"], [3.0, 2.0, 1.0, 2.0, 1.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lab2_lambda_ends_bias_and_variance(seed):
    """Section 3: the mean squared error is bias^2 + variance; lambda = 0 inherits the critic's
    error almost whole with the noise of one reward, lambda = 1 has no bias but the noise of
    every remaining reward (up to 50). (That the error is lowest in between is
    ``tests/test_lab_claims.py::test_lab2_lambda_error_is_lowest_in_between``.)"""
    ns = run_cell("lab2_gae", "lambdas = [", {"default_rng(0)": f"default_rng({seed})"})
    bias_sq, variance, mse = (np.array(ns[k]) for k in ("bias_sq", "variance", "mse"))
    np.testing.assert_allclose(mse, bias_sq + variance, rtol=1e-9)
    gamma, true_v, L = ns["gamma"], ns["true_v"], ns["L"]
    next_v = np.append(true_v[1:], 0.0)
    critic_error = np.mean((gamma * 0.2 * next_v) ** 2)  # what delta inherits at lambda = 0
    # Measured on seeds 0-2: bias^2 at lambda 0 is 100.0 % of the critic's error, at lambda 1
    # under 0.005 (sampling noise); variance 1.00 at lambda 0 (one reward's), 18.4 to 19.1 at
    # lambda 1 (the discounted noise of the remaining rewards: 18.9).
    assert 0.9 * critic_error < bias_sq[0] < 1.1 * critic_error
    assert bias_sq[-1] < 0.01 * bias_sq[0]
    assert variance[0] == pytest.approx(1.0, abs=0.1)
    discounted_noise = np.mean([sum(gamma ** (2 * j) for j in range(L - k)) for k in range(L)])
    assert variance[-1] == pytest.approx(discounted_noise, rel=0.1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lab2_better_critic_moves_the_best_lambda_down(seed):
    """Section 3: "try critic = 0.9 * true_v, a better critic, and the best lambda moves down"."""
    rng = {"default_rng(0)": f"default_rng({seed})"}
    base = run_cell("lab2_gae", "lambdas = [", rng)
    better = run_cell(
        "lab2_gae", "lambdas = [", {**rng, "critic = 0.8 * true_v": "critic = 0.9 * true_v"}
    )
    assert better["lambdas"].index(better["best"]) < base["lambdas"].index(base["best"])


def test_lab2_truncation_treated_as_termination():
    """Q2's answer: a lander hovering at the time limit, valued +80 by a right critic. Treated as
    a termination the last residual is about 80 lower, the steps before it are pushed down too,
    and the critic's target there becomes about 0 instead of 80: the same state is worth 80 or 0
    depending on the clock."""
    config, T = ppo_core.PPOConfig(), 1000
    rewards, values = np.zeros(T), np.full(T, 80.0)
    next_values, ends = np.full(T, 80.0), np.zeros(T)
    ends[-1] = 1.0
    args = (rewards, values, next_values)
    kept = ppo_core.compute_gae(*args, np.zeros(T), ends, config.gamma, config.gae_lambda)
    cut = ppo_core.compute_gae(*args, ends, np.zeros(T), config.gamma, config.gae_lambda)
    drop = kept[0] - cut[0]  # advantages: truncation bootstraps, termination does not
    assert drop[-1] == pytest.approx(config.gamma * 80, abs=0.1)  # 79.92
    assert np.all(drop[:-1] > 0) and drop[-2] > 70  # through the recursion
    assert kept[1][-1] == pytest.approx(80.0, abs=0.1) and cut[1][-1] == pytest.approx(0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lab2_untrained_advantages_are_on_the_reward_scale(seed):
    """Section 5: the advantages of an untrained critic have a standard deviation far from 1,
    which would change with another reward scale (the full-size cell, 4 x 256 steps)."""
    ns = run_cell("lab2_gae", "num_envs, num_steps", {"reset(seed=0)": f"reset(seed={seed})"})
    std = float(np.std(ns["adv"]))
    # Measured on seeds 0-5: 24 to 34; with the rewards scaled by 0.1, 0.100 to 0.101 of it.
    assert std > 5.0, std
    buffer, args = ns["buffer"], ns["args"]
    scaled, _ = ppo_core.compute_gae(0.1 * buffer.rewards, *args[1:])
    assert float(np.std(scaled)) < 0.5 * std


def test_lab2_effective_horizon_of_the_answer():
    """Q1's answer: with the course's gamma, lambda = 0.95 to 0.98 weighs the residuals over
    roughly 1 / (1 - gamma lambda) steps, the figures the answer quotes: GAE of unit residuals
    over a long episode sums to that horizon."""
    gamma, T = ppo_core.PPOConfig().gamma, 5000
    horizons = []
    for lam in (0.95, 0.98):
        ones, zeros = np.ones(T), np.zeros(T)
        advantages, _ = ppo_core.compute_gae(ones, zeros, zeros, zeros, zeros, gamma, lam)
        assert advantages[0] == pytest.approx(1 / (1 - gamma * lam), rel=1e-6)
        horizons.append(round(advantages[0]))
    assert f"gamma = {gamma}, lambda = 0.95 to 0.98" in lab_text("lab2_gae")
    assert f"roughly {horizons[0]} to {horizons[1]} steps" in lab_text("lab2_gae")


def test_lab2_quotes_the_course_lambda():
    """Section 3: "our LunarLander configuration uses 0.98" is ``PPOConfig``'s ``gae_lambda``."""
    lam = ppo_core.PPOConfig().gae_lambda
    assert f"our LunarLander configuration uses {lam}." in lab_text("lab2_gae")
