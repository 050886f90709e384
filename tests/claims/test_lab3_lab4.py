"""Labs 3 and 4: the experiments behind the sentences the register quotes from them.

Each test reruns what a sentence describes -- the lab's own cell (``run_cell``, with the
reference functions in place of the learner's) or the same call -- and asserts the quantity the
sentence states, with the margin and the figures measured written beside it and in the
register (``tests/claims/register.py``, sections "Lab 3" and "Lab 4").
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import math

import gymnasium as gym
import numpy as np
import pytest
import torch

import ppo_core
from ppo_core import ActorCritic, PPOConfig, compute_gae, normalize_advantages, ppo_update
from ppo_core.rollout import EpisodeTracker
from tests.test_lab_claims import code_cell, run_cell

SEEDS = (0, 1, 2)

# --- Lab 3 -------------------------------------------------------------------------------------


def test_lab3_a_ratio_of_tiny_probabilities_needs_log_probabilities():
    """Lab 3, section 2: dividing two probabilities of 1e-300 gives 0/0 (torch's default float32
    has no such number); the same ratio from log-probabilities is 1."""
    tiny = torch.tensor([1e-300])
    assert tiny.item() == 0.0 and torch.isnan(tiny / tiny).all()
    log_tiny = torch.tensor([math.log(1e-300)])
    assert ppo_core.probability_ratio(log_tiny, log_tiny).item() == 1.0


def test_lab3_try_it_shows_an_unchanged_a_more_and_a_less_likely_action(capsys):
    """Lab 3, section 2, the "Try it" cell: ratios 1, above 1 and below 1, in that order."""
    run_cell("lab3_clipped_loss", "# Try it: an unchanged policy")
    ratios = [float(x) for x in capsys.readouterr().out.split("[")[1].split("]")[0].split(",")]
    assert ratios[0] == pytest.approx(1.0) and ratios[1] > 1.0 > ratios[2], ratios


def test_lab3_the_min_is_a_pessimistic_bound():
    """Lab 3, section 3: L^CLIP never exceeds the unclipped surrogate r A (the min ignores a
    change that looks better) and equals it wherever the change looks worse."""
    g = torch.Generator().manual_seed(0)
    ratios = torch.exp(0.5 * torch.randn(40, generator=g))
    advantages = torch.randn(40, generator=g)
    per_sample = torch.stack(
        [
            -ppo_core.clipped_surrogate_loss(torch.log(r)[None], torch.zeros(1), a[None], 0.2)
            for r, a in zip(ratios, advantages)
        ]
    )
    unclipped = ratios * advantages
    assert torch.all(per_sample <= unclipped + 1e-6)
    worse = ((advantages > 0) & (ratios < 1)) | ((advantages < 0) & (ratios > 1))
    assert torch.allclose(per_sample[worse], unclipped[worse], atol=1e-6)
    assert (per_sample < unclipped - 1e-3).any()  # and it does ignore some improvements


def _reuse_one_batch(replace: dict[str, str] | None = None) -> dict:
    """The definitions of Lab 3's experiment cell (without its 30-problem run)."""
    source = code_cell("lab3_clipped_loss", "def reuse_one_batch").split("seeds = range")[0]
    for old, new in (replace or {}).items():
        assert old in source, f"{old!r} is not in the experiment cell any more"
        source = source.replace(old, new)
    namespace = {"torch": torch, "np": np, "NOISE": []}
    namespace.update(
        probability_ratio=ppo_core.probability_ratio,
        clipped_surrogate_loss=ppo_core.clipped_surrogate_loss,
    )
    exec(source, namespace)
    return namespace


def test_lab3_the_experiment_is_the_problem_the_prose_describes():
    """Lab 3, section 5: 16 states, 4 actions, a batch of 128, 100 Adam steps at 0.1; the noise
    on each reward has standard deviation 3; the old policy is already decent. Measured on
    problems 0-29: noise std 3.00 (the 3,840 draws), the old policy better than uniform in all
    30, closing 0.57 of the gap from uniform to the best policy on average
    (0.47 to 0.67)."""
    rewards_line = "rewards = true_reward[states, actions] + 3.0 * torch.randn(n, generator=g)"
    ns = _reuse_one_batch(
        {rewards_line: rewards_line + "\n    NOISE.append(rewards - true_reward[states, actions])"}
    )
    defaults = {
        name: p.default for name, p in inspect.signature(ns["reuse_one_batch"]).parameters.items()
    }
    assert defaults == {
        "seed": inspect.Parameter.empty,
        "loss_fn": inspect.Parameter.empty,
        "steps": 100,
        "lr": 0.1,
        "n_states": 16,
        "n_actions": 4,
        "n": 128,
    }
    shares = []
    for seed in range(30):
        curve, _ = ns["reuse_one_batch"](seed, ns["clipped"], steps=0)
        true_reward = torch.randn(16, 4, generator=torch.Generator().manual_seed(seed))
        uniform, best = float(true_reward.mean()), float(true_reward.max(-1).values.mean())
        shares.append((curve[0] - uniform) / (best - uniform))
    noise = torch.cat(ns["NOISE"])
    assert noise.numel() == 30 * 128 and abs(float(noise.std()) - 3.0) < 0.15
    assert min(shares) > 0 and 0.3 < np.mean(shares) < 0.8, shares


@pytest.mark.parametrize("seed", SEEDS)
def test_lab3_the_unclipped_surrogate_keeps_climbing_on_the_batch(seed):
    """Lab 3, section 5: over the 100 steps the unclipped objective on the batch keeps rising
    (problems 0-2: from 0.26, 0.42, 0.15 to 1.86, 2.61, 2.14, still 0.18 to 0.75 higher at step
    100 than at step 20), to far above what the clipped one reaches (0.48, 0.73, 0.42)."""
    ns = _reuse_one_batch()
    climbs = {}
    for name in ("unclipped", "clipped"):
        values: list[float] = []

        def recording(new, old, adv, loss_fn=ns[name], values=values):
            loss = loss_fn(new, old, adv)
            values.append(-float(loss.detach()))
            return loss

        ns["reuse_one_batch"](seed, recording)
        climbs[name] = values
    unclipped, clipped = np.array(climbs["unclipped"]), np.array(climbs["clipped"])
    assert unclipped[-1] > unclipped[20] + 0.1 and unclipped[-1] > 3 * unclipped[0]
    assert np.all(np.diff(unclipped[20:]) > -1e-3)  # no step of the last 80 goes back down
    assert unclipped[-1] > 2 * clipped[-1]


# --- Lab 4 -------------------------------------------------------------------------------------


def test_lab4_normalising_fixes_the_scale_and_keeps_the_ranking():
    """Lab 4, step 1: any scale in, the same normalised advantages out, in the same order."""
    g = torch.Generator().manual_seed(0)
    raw = 40 * torch.randn(128, generator=g) - 30
    for scale in (0.01, 1.0, 100.0):
        out = normalize_advantages(scale * raw)
        assert torch.allclose(out, normalize_advantages(raw), rtol=1e-4, atol=1e-5)
        assert abs(float(out.mean())) < 1e-5 and abs(float(out.std()) - 1) < 1e-5
        assert torch.equal(out.argsort(), raw.argsort())


def test_lab4_try_it_gives_mean_0_std_1_in_the_same_order(capsys):
    """Lab 4, step 1, the "Try it" cell: mean about 0, std 1, the order of the values kept."""
    ns = run_cell("lab4_training", "# Try it: any scale in")
    out = ns["normalised"]
    assert abs(float(out.mean())) < 1e-6 and abs(float(out.std()) - 1) < 1e-4
    assert torch.equal(out.argsort(), ns["raw"].argsort())
    assert "std 1.0000" in capsys.readouterr().out


@pytest.fixture(scope="module")
def untrained_rollouts() -> dict:
    """One rollout of PPOConfig()'s shape by an untrained agent, per seed, as Lab 4 collects it."""
    c = PPOConfig()
    rollouts = {}
    for seed in SEEDS:
        envs = ppo_core.make_vec_env(c.env_id, c.num_envs)
        torch.manual_seed(seed)
        agent = ActorCritic.for_env(envs, c.hidden_size)
        buffer = ppo_core.RolloutBuffer.allocate(c.num_steps, c.num_envs, envs)
        tracker = EpisodeTracker(c.num_envs)
        first_obs, _ = envs.reset(seed=seed)
        ppo_core.collect_rollout(
            envs, agent, buffer, np.asarray(first_obs, np.float32), tracker=tracker
        )
        envs.close()
        rollouts[seed] = (agent, buffer, tracker)
    return rollouts


def _advantages(buffer, scale: float, value_scale: float = 1.0) -> np.ndarray:
    c = PPOConfig()
    advantages, _ = compute_gae(
        buffer.rewards * scale,
        buffer.values * value_scale,
        buffer.next_values * value_scale,
        buffer.terminated,
        buffer.truncated,
        c.gamma,
        c.gae_lambda,
    )
    return np.asarray(advantages, dtype=np.float64).reshape(-1)


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_raw_advantages_range_over_tens_to_hundreds(untrained_rollouts, seed):
    """Lab 4, step 1: on LunarLander the raw GAE advantages spread over tens (std 40.0, 40.6,
    52.4 on seeds 0-2) and reach hundreds (largest |A| 231, 274, 182)."""
    advantages = _advantages(untrained_rollouts[seed][1], 1.0)
    assert 10 < advantages.std() < 100 and 100 < np.abs(advantages).max() < 1000


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_consecutive_steps_of_one_environment_are_nearly_identical(untrained_rollouts, seed):
    """Lab 4, step 2: within an episode, one step moves the observation about 4 % as far as
    the distance between two random transitions of the batch (measured 0.038 to 0.041); 128
    consecutive steps of one environment hold pieces of a few episodes (at most 2 ends)."""
    buffer = untrained_rollouts[seed][1]
    obs = np.asarray(buffer.obs)  # (T, N, obs_dim)
    ended = np.asarray(buffer.terminated, bool) | np.asarray(buffer.truncated, bool)
    step = np.linalg.norm(obs[1:] - obs[:-1], axis=-1)[~ended[:-1]]
    flat = obs.reshape(-1, obs.shape[-1])
    i, j = np.random.default_rng(seed).integers(0, len(flat), (2, 4000))
    assert np.median(step) < 0.1 * np.median(np.linalg.norm(flat[i] - flat[j], axis=-1))
    assert ended.sum(0).max() <= 2


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_the_first_policy_is_almost_uniform(untrained_rollouts, seed):
    """Lab 4, section 3: the first rollout's actions are about 25 % each (measured 22.1 % to
    26.7 % on seeds 0-2) and the entropy is close to ln 4 (measured 100.00 % of it; asserted
    above 99 %)."""
    agent, buffer, _ = untrained_rollouts[seed]
    actions = np.asarray(buffer.actions).reshape(-1).astype(int)
    shares = np.bincount(actions, minlength=4) / actions.size
    assert np.all(np.abs(shares - 0.25) < 0.05), shares
    with torch.no_grad():
        obs = torch.as_tensor(np.asarray(buffer.obs).reshape(-1, 8))
        entropy = agent.get_action_and_value(obs)[2]
    assert float(entropy.mean()) > 0.99 * math.log(4)


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_reward_scaling_hardly_changes_the_normalised_advantages(untrained_rollouts, seed):
    """Lab 4, section 2: with an untrained critic the normalised advantages of rewards x 0.1 and
    of raw rewards correlate at 0.9987 to 0.9998 (seeds 0-2; asserted above 0.99); with a critic
    that predicts in the scaled units they are the same."""
    buffer, scale = untrained_rollouts[seed][1], PPOConfig().reward_scale
    raw, scaled = (
        normalize_advantages(torch.as_tensor(_advantages(buffer, s))) for s in (1.0, scale)
    )
    assert np.corrcoef(raw, scaled)[0, 1] > 0.99
    same_units = normalize_advantages(torch.as_tensor(_advantages(buffer, scale, scale)))
    assert torch.allclose(same_units, raw, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_a_rollouts_reward_sum_is_no_episode_return(untrained_rollouts, seed):
    """Lab 4, question 2: every environment's 128 steps cut an episode (one runs past the end),
    and no environment's reward sum equals the return of an episode (closest: 0.06, 0.13, 0.50
    apart on seeds 0-2)."""
    _, buffer, tracker = untrained_rollouts[seed]
    ended = np.asarray(buffer.terminated, bool) | np.asarray(buffer.truncated, bool)
    assert not ended[-1].any()  # every window ends in the middle of an episode
    sums = np.asarray(buffer.rewards).sum(0)
    assert all(abs(s - r) > 1e-3 for s in sums for r in tracker.returns)


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_shuffled_minibatch_gradients_average_to_the_full_batch_gradient(
    untrained_rollouts, seed
):
    """Lab 4, question 1 (b): the minibatches of one shuffled epoch average to the full-batch
    gradient of the surrogate, so one drawn at random is an unbiased estimate of it; an epoch's
    minibatches differ from the next epoch's."""
    agent, buffer, _ = untrained_rollouts[seed]
    agent = copy.deepcopy(agent)
    c = PPOConfig()
    obs = torch.as_tensor(np.asarray(buffer.obs).reshape(-1, 8))
    actions = torch.as_tensor(np.asarray(buffer.actions).reshape(-1))
    advantages = torch.as_tensor(_advantages(buffer, c.reward_scale), dtype=torch.float32)

    def gradient(index: torch.Tensor) -> torch.Tensor:
        agent.zero_grad()
        _, log_probs, _, _ = agent.get_action_and_value(obs[index], actions[index])
        ppo_core.clipped_surrogate_loss(
            log_probs, log_probs.detach(), advantages[index], c.clip_coef
        ).backward()
        return torch.cat([p.grad.flatten() for p in agent.actor.parameters()])

    full = gradient(torch.arange(len(obs)))
    generator = torch.Generator().manual_seed(seed)
    epochs = [ppo_core.minibatch_indices(len(obs), c.minibatch_size, generator) for _ in range(2)]
    mean = torch.stack([gradient(mb) for mb in epochs[0]]).mean(0)
    assert torch.allclose(mean, full, rtol=1e-3, atol=1e-6)
    assert not torch.equal(epochs[0][0].sort().values, epochs[1][0].sort().values)


@pytest.mark.parametrize("seed", SEEDS)
def test_lab4_untrained_crashes_score_minus_100_to_minus_300(untrained_rollouts, seed):
    """Lab 4, the training curve: the episodes of an untrained agent (15 or 16 per seed) have a
    median return of -154, -185, -141 on seeds 0-2, all of them between -430 and -5."""
    returns = np.array(untrained_rollouts[seed][2].returns)
    assert len(returns) >= 10
    assert -300 < np.median(returns) < -100 and returns.max() < 0 and returns.min() > -500


def test_lab4_a_policy_that_lands_between_the_flags_scores_200_and_more():
    """Lab 4, the training curve: the shipped final policy, three episodes: both legs down
    between the flags (|x| < 0.2) and returns 221, 234, 245."""
    policy = ppo_core.load_pretrained()
    env = gym.make("LunarLander-v3")
    for seed in (500, 501, 502):
        obs, _ = env.reset(seed=seed)
        total, terminated, truncated = 0.0, False, False
        while not (terminated or truncated):
            with torch.no_grad():
                logits = policy.actor(torch.as_tensor(obs, dtype=torch.float32))
            obs, reward, terminated, truncated, _ = env.step(int(logits.argmax()))
            total += float(reward)
        assert terminated and obs[6] == obs[7] == 1.0 and abs(obs[0]) < 0.2
        assert total >= 200
    env.close()


def _toy_update(seed: int, loss_fn=None, advantage_scale: float = 1.0, lr=None, **changes):
    """One ppo_update of a fresh network on Lab 4's "Try it" batch (256 LunarLander-shaped
    samples), with PPOConfig() changed by ``changes``; returns the diagnostics."""
    torch.manual_seed(seed)
    policy = ActorCritic(8, gym.spaces.Discrete(4))
    obs = torch.randn(256, 8)
    with torch.no_grad():
        actions, log_probs, _, values = policy.get_action_and_value(obs)
    batch = {
        "obs": obs,
        "actions": actions,
        "log_probs": log_probs,
        "advantages": advantage_scale * 20 * torch.randn(256),
        "returns": values + 10 * torch.randn(256),
        "values": values,
    }
    config = dataclasses.replace(PPOConfig(), **changes)
    optimizer = torch.optim.Adam(policy.parameters(), lr=lr or config.learning_rate, eps=1e-5)
    torch.manual_seed(100 + seed)  # the same minibatches for every variant
    kwargs = {"loss_fn": loss_fn} if loss_fn else {}
    return ppo_update(policy, optimizer, batch, config, **kwargs)


def test_lab4_advantages_are_normalised_per_minibatch_unless_norm_adv_is_off():
    """Lab 4, step 1: ppo_update hands the loss each minibatch's advantages normalised over
    that minibatch (mean 0, std 1), and the raw ones with ``norm_adv=False``."""
    for norm_adv in (True, False):
        seen = []

        def loss_fn(new, old, advantages, *rest, seen=seen):
            seen.append(advantages)
            return ppo_core.ppo_loss(new, old, advantages, *rest)

        _toy_update(0, loss_fn=loss_fn, update_epochs=1, num_minibatches=4, norm_adv=norm_adv)
        assert len(seen) == 4
        for advantages in seen:
            if norm_adv:
                assert abs(float(advantages.mean())) < 1e-5
                assert abs(float(advantages.std()) - 1) < 1e-4
            else:
                assert float(advantages.std()) > 10  # the raw scale (std 20)


@pytest.mark.slow
def test_lab4_rewards_are_scaled_before_gae_and_returns_are_reported_unscaled():
    """Lab 4, section 2: train passes GAE the rewards times reward_scale; the episode returns it
    reports are the same whatever the scale (one rollout, before any update)."""
    seen: dict[float, list] = {}
    results = {}
    for scale in (1.0, 0.1):
        seen[scale] = []

        def gae(rewards, *rest, scale=scale):
            seen[scale].append(np.array(rewards, copy=True))
            return ppo_core.compute_gae(rewards, *rest)

        config = dataclasses.replace(
            PPOConfig(), num_envs=4, num_steps=128, total_timesteps=512, reward_scale=scale
        )
        results[scale] = ppo_core.train(config, gae_fn=gae, progress=False)
    assert np.allclose(seen[0.1][0], 0.1 * seen[1.0][0], rtol=1e-5, atol=1e-6)
    assert results[1.0].episode_returns and (
        results[0.1].episode_returns == results[1.0].episode_returns
    )


@pytest.mark.slow
def test_lab3_a_lower_learning_rate_fewer_epochs_or_a_smaller_clip_move_the_policy_less():
    """Lab 3, question 2 (and Lab 4, step 3): lowering the learning rate (/3), the epochs (6 to
    2) or eps (0.2 to 0.1), or a target_kl, each lowers the KL of one update; more epochs push
    the KL and the clip fraction up. Measured on seeds 0-2: KL 0.0121-0.0181 at PPOConfig();
    lr / 3 0.22-0.30 of it, 2 epochs 0.29-0.34, eps 0.1 0.28-0.33, target_kl 0.005 0.29-0.68
    (after 2 or 3 epochs); after 1, 2, 6 epochs KL 0.0015, 0.004-0.005, 0.012-0.018 and clip
    fraction 0, 0.02-0.08, 0.20-0.35."""
    for seed in SEEDS:
        kl = {
            name: _toy_update(seed, **change)["losses/approx_kl"]
            for name, change in {
                "base": {},
                "lr / 3": {"lr": PPOConfig().learning_rate / 3},
                "2 epochs": {"update_epochs": 2},
                "eps 0.1": {"clip_coef": 0.1},
            }.items()
        }
        assert all(kl[name] < 0.5 * kl["base"] for name in kl if name != "base"), kl
        early = _toy_update(seed, target_kl=0.005)
        assert early["losses/epochs"] < PPOConfig().update_epochs
        assert early["losses/approx_kl"] < 0.8 * kl["base"], (early["losses/approx_kl"], kl)
        by_epochs = [_toy_update(seed, update_epochs=k) for k in (1, 2, 6)]
        for key in ("losses/approx_kl", "losses/clipfrac"):
            grows = [stats[key] for stats in by_epochs]
            assert grows[0] < grows[1] < grows[2], (key, grows)


class _RatioRecorder:
    """A loss_fn for ppo_update that keeps each minibatch's ratios, with or without the clip."""

    def __init__(self, clip: bool) -> None:
        self.clip, self.ratios = clip, []

    def __call__(self, new, old, advantages, values, returns, entropy, eps, vf_coef, ent_coef):
        self.ratios.append(ppo_core.probability_ratio(new.detach(), old))
        if self.clip:
            return ppo_core.ppo_loss(
                new, old, advantages, values, returns, entropy, eps, vf_coef, ent_coef
            )
        surrogate = -(ppo_core.probability_ratio(new, old) * advantages).mean()
        critic = ppo_core.value_loss(values, returns)
        return surrogate + vf_coef * critic - ent_coef * entropy.mean()


@pytest.mark.slow
def test_lab4_the_ratios_drift_from_1_and_the_clip_contains_them():
    """Lab 4, section 1 and question 1: the ratio is exactly 1 on the first minibatch and drifts
    away from it over the 96 steps of one update (mean |r - 1| of the last epoch several times
    that of the first: 4.3 to 6.5 times on seeds 0-2); without the clip the same update moves
    the policy much further (KL 0.012-0.018 clipped, 0.045-0.20 unclipped: 3.7 to 11 times)."""
    for seed in SEEDS:
        clipped, unclipped = _RatioRecorder(clip=True), _RatioRecorder(clip=False)
        kl = {
            "clipped": _toy_update(seed, loss_fn=clipped)["losses/approx_kl"],
            "unclipped": _toy_update(seed, loss_fn=unclipped)["losses/approx_kl"],
        }
        steps = len(clipped.ratios)
        assert steps == PPOConfig().update_epochs * PPOConfig().num_minibatches
        assert torch.equal(clipped.ratios[0], torch.ones_like(clipped.ratios[0]))
        drift = [float((r - 1).abs().mean()) for r in clipped.ratios]
        per_epoch = steps // PPOConfig().update_epochs
        assert np.mean(drift[-per_epoch:]) > 3 * np.mean(drift[1:per_epoch]), drift
        assert kl["unclipped"] > 2.5 * kl["clipped"], kl


@pytest.mark.slow
def test_lab4_adam_undoes_most_of_the_advantage_scale():
    """Lab 4, step 1: a plain SGD step on the surrogate is proportional to the advantages;
    normalised per minibatch, advantages 100 times larger give the same update (the same KL);
    not normalised, Adam still undoes most of the factor: advantages 100 times
    larger or smaller move the policy about as far in one update. Measured on seeds 0-2 (KL of
    x 100 and x 0.01 over x 1, not normalised): 0.99-1.06 and 0.80-0.87."""
    for seed in SEEDS:
        new = torch.zeros(64, requires_grad=True)
        steps = []
        for scale in (1.0, 100.0):  # one plain SGD step on the surrogate, at ratio 1
            new.grad = None
            ppo_core.clipped_surrogate_loss(
                new, torch.zeros(64), scale * torch.arange(64.0) - 30 * scale, 0.2
            ).backward()
            steps.append(new.grad.clone())
        assert torch.allclose(steps[1], 100 * steps[0])
        normalised = [_toy_update(seed, advantage_scale=s)["losses/approx_kl"] for s in (1, 100)]
        assert normalised[1] == pytest.approx(normalised[0], rel=1e-4)
        raw = {
            s: _toy_update(seed, advantage_scale=s, norm_adv=False)["losses/approx_kl"]
            for s in (1, 100, 0.01)
        }
        assert 0.5 < raw[100] / raw[1] < 2 and 0.5 < raw[0.01] / raw[1] < 2, raw


@pytest.mark.slow
def test_lab4_the_training_cell_prints_its_time_and_return_and_shrinks_when_grading(capsys):
    """Lab 4, section 3: the training cell prints the run's own time and mean return (the figures
    are the run's); under the autograder it runs a short training (two updates) and no video."""
    ns = run_cell("lab4_training", "result = train(config, update_fn=ppo_update", fast=True)
    result = ns["result"]
    assert len(result.history) == 2 and result.wall_time_s > 0
    assert {"charts/mean_return_100", "losses/approx_kl"} <= set(result.history[-1])
    printed = capsys.readouterr().out
    assert f"{result.wall_time_s:.0f} s" in printed
    assert f"last 100 training episodes: {result.mean_return(100):.1f}" in printed
    run_cell("lab4_training", "from ppo_viz.video import record_episode", fast=True, namespace=ns)
    assert capsys.readouterr().out.strip() == "(no videos under the autograder)"
