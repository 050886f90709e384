"""Lab 2: td_residuals and compute_gae (PPO Eq. 11-12), episode boundaries and truncation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ppo_core import compute_gae, td_residuals

GAMMA, LAM = 0.9, 0.8  # gamma * lambda = 0.72 in the hand-worked cases


def gae(ro: dict, gamma: float = GAMMA, lam: float = LAM):
    return compute_gae(
        ro["rewards"],
        ro["values"],
        ro["next_values"],
        ro["terminated"],
        ro["truncated"],
        gamma,
        lam,
    )


def episode_ends(ro: dict) -> np.ndarray:
    return np.maximum(ro["terminated"], ro["truncated"])


# ---------------------------------------------------------------------------- hand-worked cases


def test_hand_worked_no_episode_end():
    # delta_0 = 1 + 0.9 * 1.0 - 0.5 = 1.4 ; delta_1 = 0 + 0.9 * 1.5 - 1.0 = 0.35
    # delta_2 = 2 + 0.9 * 2.0 - 1.5 = 2.3 (bootstraps from next_values[2] = V(s_3))
    # A_2 = 2.3 ; A_1 = 0.35 + 0.72 * 2.3 = 2.006 ; A_0 = 1.4 + 0.72 * 2.006 = 2.84432
    ro = {
        "rewards": [1.0, 0.0, 2.0],
        "values": [0.5, 1.0, 1.5],
        "next_values": [1.0, 1.5, 2.0],
        "terminated": [0.0, 0.0, 0.0],
        "truncated": [0.0, 0.0, 0.0],
    }
    np.testing.assert_allclose(
        td_residuals(ro["rewards"], ro["values"], ro["next_values"], ro["terminated"], GAMMA),
        [1.4, 0.35, 2.3],
        atol=1e-12,
    )
    adv, ret = gae(ro)
    np.testing.assert_allclose(adv, [2.84432, 2.006, 2.3], atol=1e-12)
    np.testing.assert_allclose(ret, [3.34432, 3.006, 3.8], atol=1e-12)


# Four steps, reward 1, V = 0.5 everywhere, an episode ends at step 1. next_values[1] = 9.0 is
# V(final observation) of that episode.
#   delta_0 = delta_2 = delta_3 = 1 + 0.9 * 0.5 - 0.5 = 0.95
#   terminated: delta_1 = 1 - 0.5 = 0.5           truncated: delta_1 = 1 + 0.9 * 9 - 0.5 = 8.6
#   A_3 = 0.95 ; A_2 = 0.95 + 0.72 * 0.95 = 1.634 (the next episode, identical in both cases)
#   A_1 = delta_1 (the recursion stops at the end) ; A_0 = 0.95 + 0.72 * A_1
END_CASES = {
    "terminated": ([0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.31, 0.5, 1.634, 0.95]),
    "truncated": ([0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [7.142, 8.6, 1.634, 0.95]),
    "both": ([0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [1.31, 0.5, 1.634, 0.95]),
}


@pytest.mark.parametrize("case", END_CASES)
def test_hand_worked_episode_end(case):
    terminated, truncated, expected = END_CASES[case]
    ro = {
        "rewards": [1.0] * 4,
        "values": [0.5] * 4,
        "next_values": [0.5, 9.0, 0.5, 0.5],
        "terminated": terminated,
        "truncated": truncated,
    }
    adv, ret = gae(ro)
    np.testing.assert_allclose(adv, expected, atol=1e-12)
    np.testing.assert_allclose(ret, np.array(expected) + 0.5, atol=1e-12)


# -------------------------------------------------------------------- the two limits of lambda


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_envs", [1, 3])
def test_lambda_zero_gives_td_residuals(random_rollout, seed, n_envs):
    ro = random_rollout(T=40, N=n_envs, seed=seed, p_end=0.2)
    adv, _ = gae(ro, lam=0.0)
    deltas = td_residuals(ro["rewards"], ro["values"], ro["next_values"], ro["terminated"], GAMMA)
    np.testing.assert_allclose(adv, deltas, rtol=1e-12, atol=1e-12)


def monte_carlo_advantages(ro: dict, gamma: float) -> np.ndarray:
    """(T,) Monte Carlo: the discounted rewards up to the episode end or the rollout end, plus the
    discounted bootstrap (V(final obs) at a truncation or after the rollout, 0 at a
    termination), minus V(s_t). Written forwards, independently of the library's loop."""
    T = len(ro["rewards"])
    ends = episode_ends(ro)
    out = np.zeros(T)
    for t in range(T):
        g, k = 0.0, t
        while True:
            g += gamma ** (k - t) * ro["rewards"][k]
            if ends[k] or k == T - 1:
                if not ro["terminated"][k]:
                    g += gamma ** (k - t + 1) * ro["next_values"][k]
                break
            k += 1
        out[t] = g - ro["values"][t]
    return out


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("p_end", [0.0, 0.2])
def test_lambda_one_gives_monte_carlo_returns_minus_values(random_rollout, seed, p_end):
    ro = random_rollout(T=30, N=1, seed=seed, p_end=p_end)
    adv, ret = gae(ro, gamma=0.95, lam=1.0)
    np.testing.assert_allclose(adv, monte_carlo_advantages(ro, 0.95), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ret, adv + ro["values"], rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------ episode boundaries


@pytest.mark.parametrize("flag", ["terminated", "truncated"])
def test_nothing_leaks_across_an_episode_end(random_rollout, flag):
    T, end = 20, 9
    ro = random_rollout(T=T, N=1, seed=7, p_end=0.0)
    ro[flag][end] = 1.0
    ro["next_values"][end] = 3.0  # V(final observation), unrelated to the next episode
    before, _ = gae(ro)
    changed = {k: v.copy() for k, v in ro.items()}
    rng = np.random.default_rng(1)
    changed["rewards"][end + 1 :] += rng.normal(size=T - end - 1) * 10
    changed["values"][end + 1 :] += rng.normal(size=T - end - 1) * 10
    changed["next_values"][end + 1 :] += rng.normal(size=T - end - 1) * 10
    after, _ = gae(changed)
    np.testing.assert_array_equal(after[: end + 1], before[: end + 1])
    assert not np.allclose(after[end + 1 :], before[end + 1 :])  # the later episode did change


def test_truncation_bootstraps_from_next_values_and_termination_does_not(random_rollout):
    T, end = 12, 5
    base = random_rollout(T=T, N=1, seed=3, p_end=0.0)
    for flag, sensitive in (("truncated", True), ("terminated", False)):
        ro = {k: v.copy() for k, v in base.items()}
        ro[flag][end] = 1.0
        adv_a, _ = gae(ro)
        ro["next_values"][end] += 1.0  # V(final observation) one unit higher
        adv_b, _ = gae(ro)
        if sensitive:
            # delta_end moves by gamma; every earlier step of the episode by gamma (gamma lam)^k
            expected = np.zeros(T)
            expected[: end + 1] = GAMMA * (GAMMA * LAM) ** np.arange(end, -1, -1)
            np.testing.assert_allclose(adv_b - adv_a, expected, atol=1e-12)
        else:
            np.testing.assert_array_equal(adv_b, adv_a)


def test_last_step_of_the_rollout_bootstraps(random_rollout):
    ro = random_rollout(T=6, N=1, seed=0, p_end=0.0)
    adv_a, _ = gae(ro)
    ro["next_values"][-1] += 1.0
    adv_b, _ = gae(ro)
    np.testing.assert_allclose(adv_b - adv_a, GAMMA * (GAMMA * LAM) ** np.arange(5, -1, -1))


def seed_workshop_gae(rewards, values, dones, gamma, lam):
    """The seed workshop's GAE loop, re-typed as a negative control. Do NOT copy: it resets the
    running advantage *after* an episode-end step, so the step before every end loses A_end,
    and it bootstraps the rollout's last step from 0."""
    advantages = np.zeros(len(rewards))
    last_advantage, last_value = 0.0, 0.0
    for t in reversed(range(len(rewards))):
        next_value = last_value if t == len(rewards) - 1 else values[t + 1]
        delta = rewards[t] + gamma * next_value * (1 - dones[t]) - values[t]
        advantages[t] = delta + gamma * lam * (1 - dones[t]) * last_advantage
        last_advantage = advantages[t]
        if dones[t]:
            last_advantage, last_value = 0.0, 0.0
    return advantages


def keeps_full_gae_before_each_end(advantages, deltas, dones, gamma, lam) -> bool:
    """A_{k-1} = delta_{k-1} + gamma lam A_k at every episode end k (with k - 1 not an end)."""
    ok = True
    for k in np.flatnonzero(dones):
        if k > 0 and not dones[k - 1]:
            ok &= np.isclose(advantages[k - 1], deltas[k - 1] + gamma * lam * advantages[k])
    return bool(ok)


def test_step_before_an_episode_end_keeps_its_full_gae():
    # Terminations only, the last step terminal and next_values[t] = values[t + 1]: the inputs
    # on which the seed's loop *looks* right, so the only difference is the step before each end.
    rng = np.random.default_rng(0)
    T = 16
    rewards, values = rng.normal(size=T), rng.normal(size=T)
    terminated = np.zeros(T)
    terminated[[4, 10, T - 1]] = 1.0
    next_values = np.append(values[1:], 0.0)
    deltas = td_residuals(rewards, values, next_values, terminated, GAMMA)
    ours, _ = compute_gae(rewards, values, next_values, terminated, np.zeros(T), GAMMA, LAM)
    seed = seed_workshop_gae(rewards, values, terminated, GAMMA, LAM)
    assert keeps_full_gae_before_each_end(ours, deltas, terminated, GAMMA, LAM)
    assert not keeps_full_gae_before_each_end(seed, deltas, terminated, GAMMA, LAM)
    # The seed's loop leaves the step before each end with its own TD residual only:
    np.testing.assert_allclose(seed[[3, 9, T - 2]], deltas[[3, 9, T - 2]])
    assert not np.allclose(ours[[3, 9, T - 2]], deltas[[3, 9, T - 2]])


# ---------------------------------------------------------------------------- shapes and types


@pytest.mark.parametrize("seed", range(3))
def test_vectorised_equals_each_env_alone(random_rollout, seed):
    ro = random_rollout(T=25, N=5, seed=seed, p_end=0.2, both_flags=True)
    adv, ret = gae(ro)
    assert adv.shape == ret.shape == (25, 5)
    for n in range(5):
        alone_adv, alone_ret = gae({k: v[:, n] for k, v in ro.items()})
        np.testing.assert_allclose(adv[:, n], alone_adv, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ret[:, n], alone_ret, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_envs", [1, 4])
def test_returns_are_advantages_plus_values(random_rollout, n_envs):
    ro = random_rollout(T=30, N=n_envs, seed=11, p_end=0.2)
    adv, ret = gae(ro)
    np.testing.assert_allclose(ret, adv + ro["values"], rtol=1e-12, atol=1e-12)


def test_no_normalisation_inside():
    ro = {
        "rewards": [1.0] * 3,
        "values": [0.0] * 3,
        "next_values": [0.0] * 3,
        "terminated": [0.0] * 3,
        "truncated": [0.0] * 3,
    }
    adv, _ = gae(ro, gamma=1.0, lam=1.0)
    np.testing.assert_allclose(adv, [3.0, 2.0, 1.0])


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda a: a.astype(np.float32), id="float32"),
        pytest.param(lambda a: torch.as_tensor(a, dtype=torch.float32), id="torch-float32"),
        pytest.param(lambda a: torch.as_tensor(a, dtype=torch.float64), id="torch-float64"),
        pytest.param(lambda a: a.tolist(), id="list"),
    ],
)
def test_float32_and_torch_inputs(random_rollout, convert):
    ro = random_rollout(T=20, N=3, seed=2, p_end=0.2)
    expected_adv, expected_ret = gae(ro)
    adv, ret = gae({k: convert(v) for k, v in ro.items()})
    assert isinstance(adv, np.ndarray) and isinstance(ret, np.ndarray)
    assert adv.shape == ret.shape == (20, 3)
    np.testing.assert_allclose(adv, expected_adv, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ret, expected_ret, rtol=1e-5, atol=1e-5)
    deltas = td_residuals(
        *(convert(ro[k]) for k in ("rewards", "values", "next_values", "terminated")), GAMMA
    )
    assert isinstance(deltas, np.ndarray) and deltas.shape == (20, 3)


def test_boolean_flags_are_accepted(random_rollout):
    ro = random_rollout(T=20, N=2, seed=4, p_end=0.3)
    expected, _ = gae(ro)
    as_bool = dict(
        ro, terminated=ro["terminated"].astype(bool), truncated=ro["truncated"].astype(bool)
    )
    np.testing.assert_allclose(gae(as_bool)[0], expected)


def test_inputs_are_not_modified(random_rollout):
    ro = random_rollout(T=10, N=2, seed=5, p_end=0.3)
    copies = {k: v.copy() for k, v in ro.items()}
    gae(ro)
    for k in ro:
        np.testing.assert_array_equal(ro[k], copies[k])
