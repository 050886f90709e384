"""Lab 6: continuous actions. A diagonal Gaussian policy lands LunarLanderContinuous-v3.

Built into ``solutions/lab6_continuous/lab6_continuous.ipynb`` by ``scripts/sync_labs.py``.
The learner writes the Gaussian's log-density and entropy and the clip at the action bounds;
the ratio, the loss and the update of Labs 3-4 are reused unchanged.
"""

from labkit import (
    code,
    colab_install,
    earlier_functions,
    locked_code,
    md,
    plug_yours,
    save_yours,
    setup,
    solution,
    test,
    written,
)

from ppo_core import PPOConfig
from ppo_core.config import PRESETS

ENV = "LunarLanderContinuous-v3"

SETUP = """
# Setup. autograder.checks comes first: the test cells compare your functions with it.
import autograder.checks  # noqa: F401

import math
import os
import tempfile

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Image, display

import ppo_core
from ppo_core import ActorCritic, PPOConfig, evaluate, train

# Under nbgrader (autograding) long cells shrink so the notebook grades in under a minute.
FAST = bool(os.environ.get("NBGRADER_EXECUTION"))
ENV = "LunarLanderContinuous-v3"
torch.set_num_threads(1)
np.set_printoptions(precision=3, suppress=True)
print("gymnasium", gym.__version__, "| torch", torch.__version__, "| fast mode" if FAST else "")
"""


def _fill(text: str) -> str:
    """Put the preset's current values into the prose, so retuning it cannot leave the lab
    quoting stale numbers."""
    preset = PPOConfig.for_env(ENV)
    values = {
        "STEPS": f"{preset.total_timesteps:_}",
        "ENT": str(preset.ent_coef),
        "OVERRIDES": ", ".join(
            f"`{k}={v:_}`" if isinstance(v, int) else f"`{k}={v!r}`"
            for k, v in PRESETS[ENV].items()
        ),
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def cells() -> list:
    """The lab's cells, section by section."""
    return [
        *_section_objectives(),
        *_section_action_space(),
        *_section_log_prob(),
        *_section_entropy(),
        *_section_bounds(),
        *save_yours("lab6_continuous"),
        *_section_bias_measured(),
        *_section_what_stays(),
        *earlier_functions("lab2_gae", "lab3_clipped_loss", "lab4_training", "lab5_diagnostics"),
        *_section_train(),
        *_section_pretrained(),
        *_section_reflection(),
        *_section_summary(),
    ]


def _section_objectives() -> list:
    """Title, objectives, Colab install and setup."""
    return [
        md("""
        # Lab 6 — Continuous actions: a Gaussian policy lands LunarLanderContinuous-v3

        Labs 1-5 built PPO for four discrete actions. Most control problems (robot joints, car
        steering, engine throttles) have **continuous** actions. This lab makes the step that
        every PPO reference makes next (Spinning Up, CleanRL's `ppo_continuous_action.py`,
        Stable-Baselines3): the policy becomes a Gaussian, and only three functions change.

        **Objectives.** By the end of this lab you can
        1. write the log-density of an action under a diagonal Gaussian policy, summed over the
           action dimensions (`gaussian_log_prob`), and avoid its classic mistakes;
        2. write its entropy (`gaussian_entropy`) and say why it has no ceiling and can be
           negative;
        3. send the environment a clipped action while storing the sampled one
           (`clip_action`), and measure the bias that storing the clipped one would cause;
        4. say which parts of PPO do not change at all (the ratio, the clipped loss, the update)
           and train a continuous lander with your functions.

        **Expected time:** 60 minutes.

        **How to work.** As in the earlier labs: replace `raise NotImplementedError(...)` with
        your code, run the cell, then the test cells below it. Hidden parts of some tests are
        used only when grading. The written questions at the end are graded by hand.
        """),
        colab_install(),
        setup(SETUP),
    ]


def _section_action_space() -> list:
    """1. From four buttons to two throttles."""
    return [
        md("""
        ## 1. From four buttons to two throttles

        `LunarLanderContinuous-v3` is the same lander with the same reward, but the action is a
        vector of two real numbers in $[-1, 1]$: the **main engine** throttle (off below 0,
        from 50% to 100% power between 0 and 1) and the **side engines** (left below -0.5,
        right above 0.5, off in between). A softmax over four logits cannot express that.

        A **diagonal Gaussian policy** can. The actor outputs a mean $\\mu_\\theta(s)$, one
        number per action dimension; the network also learns one log standard deviation
        $\\log \\sigma_i$ per dimension (the same in every state, as in the PPO paper's MuJoCo
        experiments and CleanRL). An action is sampled as
        $a = \\mu_\\theta(s) + \\sigma \\odot \\varepsilon$ with $\\varepsilon \\sim
        \\mathcal{N}(0, I)$.
        """),
        code("""
        env = gym.make(ENV)
        print("action space:", env.action_space, "| observation:", env.observation_space.shape)
        torch.manual_seed(0)
        policy = ActorCritic.for_env(env)
        obs, _ = env.reset(seed=0)
        with torch.no_grad():
            mean = policy.actor(torch.as_tensor(obs)[None])
        print("untrained mu(s0):", mean.numpy(), "| log sigma:", policy.actor_logstd.data.numpy())
        """),
    ]


def _section_log_prob() -> list:
    """2. The log-density: exercise gaussian_log_prob."""
    return [
        md("""
        ## 2. The log-probability of an action

        The dimensions are independent, so the density is a product over dimensions and its
        logarithm a **sum**:

        $$\\log \\pi_\\theta(a \\mid s) = \\sum_{i=1}^{A} \\Big[ -\\frac{(a_i - \\mu_i)^2}{2
        \\sigma_i^2} - \\log \\sigma_i - \\tfrac12 \\log (2\\pi) \\Big], \\qquad
        \\sigma_i = e^{\\log \\sigma_i} .$$

        | symbol | meaning |
        |---|---|
        | $A$ | number of action dimensions (2 here) |
        | $\\mu_i$ | mean of dimension $i$, the actor's output `mean[:, i]` |
        | $\\log \\sigma_i$ | the learned log standard deviation `log_std[:, i]`: any real number, so $\\sigma_i > 0$ without a constraint |
        | $a_i$ | the action taken, as *sampled* (not clipped) |

        It plays exactly the role `categorical_log_prob` played in Lab 1: the ratio of Lab 3 is
        $\\exp(\\log \\pi_\\text{new} - \\log \\pi_\\text{old})$ (PPO Eq. 6), one number per
        state. The classic mistakes: returning one value per dimension (forgetting the sum),
        dropping the $\\frac12 \\log 2\\pi$ term, using the variance where $\\sigma$ belongs, or
        using `log_std` as if it were $\\sigma$.

        **Exercise 1 ($\\log \\pi$ for Box actions, PPO Eq. 6).** Write
        `gaussian_log_prob(mean, log_std, actions)`: `mean` and `actions` of shape `(B, A)`,
        `log_std` of shape `(B, A)` or `(1, A)` (broadcast over the batch). Return shape `(B,)`,
        differentiable with respect to `mean` and `log_std`.
        """),
        solution("gaussian_log_prob"),
        code("""
        # Try it: compare with torch.distributions on a small batch.
        mean = torch.tensor([[0.0, 0.5], [1.0, -1.0]])
        log_std = torch.tensor([[-0.5, 0.3]])
        actions = torch.tensor([[0.4, -0.1], [1.6, -2.5]])
        normal = torch.distributions.Normal(mean, log_std.exp())
        print("yours:              ", gaussian_log_prob(mean, log_std, actions))
        print("torch.distributions:", normal.log_prob(actions).sum(-1))
        """),
        test("gaussian_log_prob", "basic", 2, comment="the standard normal and a small 2-D batch"),
        test(
            "gaussian_log_prob", "broadcast", 1, comment="log_std of shape (1, A), float32 inputs"
        ),
        test(
            "gaussian_log_prob",
            "gradient",
            1,
            comment="differentiable w.r.t. the mean and the log-std",
        ),
        test(
            "gaussian_log_prob",
            "random",
            2,
            args="seed=0, n_cases=3",
            hidden="seed=6061, n_cases=30",
            comment="random batches, 1 to 6 dimensions",
        ),
    ]


def _section_entropy() -> list:
    """3. The entropy: exercise gaussian_entropy."""
    return [
        md("""
        ## 3. The entropy of a Gaussian policy

        $$S[\\pi](s) = \\sum_{i=1}^{A} \\Big[ \\tfrac12 + \\tfrac12 \\log(2\\pi) + \\log
        \\sigma_i \\Big] .$$

        It does not depend on the mean, only on how wide the Gaussian is. Unlike Lab 1's
        categorical entropy (between 0 and $\\ln |A|$) it has **no ceiling** and becomes
        **negative** once $\\sigma_i < e^{-1/2}/\\sqrt{2\\pi} \\approx 0.242$: a continuous
        entropy measures spread relative to a unit interval, not a count of choices. A log that
        reports 2.84 at the start of a continuous run is right (two dimensions with
        $\\sigma = 1$), and a negative value late in training is not a bug.

        **Exercise 2 ($S[\\pi]$, the entropy bonus of PPO Eq. 9).** Write
        `gaussian_entropy(log_std)` for `log_std` of shape `(B, A)`: one entropy per row, shape
        `(B,)`.
        """),
        solution("gaussian_entropy"),
        code("""
        # Try it: the untrained network (sigma = 1 in both dimensions) and narrower Gaussians.
        for s in (0.0, -1.0, -2.0):
            entropy = gaussian_entropy(torch.full((1, 2), s)).item()
            print(f"log sigma = {s:4.1f} in 2 dimensions: S = {entropy:6.3f}")
        """),
        test("gaussian_entropy", "basic", 1, comment="sigma = 1, one and two dimensions"),
        test("gaussian_entropy", "narrow", 1, comment="narrow Gaussians have negative entropy"),
        test("gaussian_entropy", "gradient", 1, comment="dS/d log sigma = 1 per dimension"),
        test(
            "gaussian_entropy",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=5150, n_cases=30",
            comment="random batches",
        ),
    ]


def _section_bounds() -> list:
    """4. The action bounds: exercise clip_action."""
    return [
        md("""
        ## 4. What happens at the action bounds

        A Gaussian puts probability on every real number; the environment accepts only
        $[-1, 1]$ per dimension. The rollout therefore keeps **two** versions of each action:

        | version | used for | why |
        |---|---|---|
        | the sampled $a$ (any real number) | stored in the buffer; $\\log \\pi_\\text{old}(a \\mid s)$, later $\\log \\pi_\\text{new}(a \\mid s)$ | the ratio of Eq. 6 must compare the two policies on the action that was *sampled* |
        | $\\text{clip}(a, \\text{low}, \\text{high})$ | sent to `env.step` | the environment's bounds |

        Storing the clipped action instead scores an action the policy never sampled: every
        sample beyond a bound is recorded *at* the bound, where the Gaussian's density is
        different. The next section measures what that does to the gradient.

        **Exercise 3 (the action sent to the environment).** Write
        `clip_action(actions, low, high)`: clip every dimension of the `(N, A)` array `actions`
        to its own bounds `low[i], high[i]` and return a **new** array; the input must stay as it
        was sampled, because the rollout stores it. `ppo_core.collect_rollout` calls
        `ppo_core.clip_action` in exactly this place.
        """),
        solution("clip_action"),
        code("""
        # Try it: samples from a wide Gaussian, clipped to LunarLanderContinuous's bounds.
        sampled = np.random.default_rng(0).normal(0.0, 1.5, size=(4, 2)).astype(np.float32)
        sent = clip_action(sampled, env.action_space.low, env.action_space.high)
        print("sampled (stored):\\n", sampled, "\\nsent to the environment:\\n", sent)
        """),
        test("clip_action", "basic", 1, comment="bounds [-1, 1]"),
        test("clip_action", "bounds", 1, comment="bounds that differ per dimension"),
        test(
            "clip_action",
            "keeps_sample",
            2,
            comment="the sampled array is not changed (the rollout stores it)",
        ),
        test(
            "clip_action",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=3141, n_cases=30",
            comment="random actions and bounds",
        ),
    ]


def _section_bias_measured() -> list:
    """4. Measured: what storing the clipped action does to the gradient and the ratio."""
    return [
        md("""
        ### Measured: what storing the clipped action does to the gradient and the ratio

        A policy-gradient step moves $\\theta$ along $\\mathbb{E}[\\nabla_\\theta \\log
        \\pi_\\theta(a \\mid s)\\, \\hat A]$. Give every sample the *same* advantage
        ($\\hat A = 1$): then no action is better than another, and the expected gradient is
        zero, because the expected score $\\mathbb{E}_{a \\sim \\pi}[\\nabla \\log \\pi(a)]$ of
        any distribution is zero. The cell below draws many actions from a one-dimensional
        Gaussian whose mean sits near the bound ($\\mu = 0.8$, $\\sigma = 0.5$) and computes the
        gradient of the mean log-density with your functions, once with the sampled actions and
        once with the clipped ones, as a buggy rollout would store them. It also computes the
        ratio that such a rollout would see *before any update*, when it must be exactly 1.
        """),
        code("""
        n = 20_000 if FAST else 200_000
        generator = torch.Generator().manual_seed(0)
        mu0, log_std0 = 0.8, math.log(0.5)
        sampled = mu0 + 0.5 * torch.randn(n, 1, generator=generator)
        clipped = torch.as_tensor(clip_action(sampled.numpy(), np.array([-1.0]), np.array([1.0])))
        print(f"{(sampled > 1).float().mean():.1%} of the samples lie beyond the bound 1")
        gradients = {}
        for name, stored in (("sampled (correct)", sampled), ("clipped (biased)", clipped)):
            mean = torch.full((n, 1), mu0, requires_grad=True)
            log_std = torch.full((n, 1), log_std0, requires_grad=True)
            objective = gaussian_log_prob(mean, log_std, stored).mean()  # advantage 1 everywhere
            d_mean, d_log_std = torch.autograd.grad(objective, (mean, log_std))
            gradients[name] = (d_mean.sum().item(), d_log_std.sum().item())
            print(f"stored {name:18s}: d/d mu = {gradients[name][0]:+.3f}, "
                  f"d/d log sigma = {gradients[name][1]:+.3f}")
        # Old log-probs of the sampled actions, new ones of the stored clipped actions: the ratio
        # before any update, which must be exactly 1.
        mean, log_std = torch.full((n, 1), mu0), torch.full((n, 1), log_std0)
        ratio = torch.exp(gaussian_log_prob(mean, log_std, clipped)
                          - gaussian_log_prob(mean, log_std, sampled))
        print(f"ratio before any update: {((ratio - 1).abs() > 0.2).float().mean():.1%} of the "
              f"samples already lie outside [0.8, 1.2], the largest is {ratio.max():.2f}")
        """),
        md("""
        With the sampled actions both gradients are close to zero (sampling noise only), as
        they must be. With the clipped ones they are not, although the advantages carry no
        information at all: the printed pull on $\\mu$ and $\\log \\sigma$ comes from where the
        samples were stored, not from the data. This measurement uses one constant advantage;
        PPO normalises each minibatch's advantages to mean zero, so that constant part never
        reaches its loss, and which way a real run's policy would move depends on which clipped
        samples receive which advantages: this cell does not tell, and the course claims no
        direction. What holds whatever the advantages is the ratio: before any update it is not 1
        for the samples beyond a bound, so PPO's clipping counts them as "already moved" from
        the first epoch on. Storing the sampled action costs nothing and removes both effects.
        """),
    ]


def _section_what_stays() -> list:
    """5. What does not change."""
    return [
        md("""
        ## 5. What does not change: the ratio, the loss, the update

        Everything from Lab 3 on works with log-probabilities and never looks at the
        distribution that produced them:

        | piece | discrete (Labs 1-5) | continuous (this lab) |
        |---|---|---|
        | $\\log \\pi(a \\mid s)$ | `categorical_log_prob` | `gaussian_log_prob` |
        | entropy $S[\\pi]$ | `categorical_entropy` | `gaussian_entropy` |
        | action sent to the environment | the sampled integer | `clip_action(sampled)` |
        | ratio $r_t(\\theta)$, Eq. 6 | `probability_ratio` | **unchanged** |
        | clipped surrogate, Eq. 7, and the loss of Eq. 9 | `clipped_surrogate_loss`, `ppo_loss` | **unchanged** |
        | GAE, the update, the training loop | Labs 2 and 4 | **unchanged** |

        `ActorCritic.get_action` calls `ppo_core.gaussian_log_prob` and
        `ppo_core.gaussian_entropy` for a Box action space, and `collect_rollout` calls
        `ppo_core.clip_action`: the library uses the same three functions you wrote, each
        defined in one place. Where a student build of `ppo_core` leaves them to you, the first
        cell below plugs yours into the library (the rollout then clips with your `clip_action`).
        The cell after it makes a policy that calls **your** two functions in any case, so that
        the next section trains with them.
        """),
        plug_yours("gaussian_log_prob", "gaussian_entropy", "clip_action"),
        code("""
        class YourGaussianPolicy(ActorCritic):
            \"\"\"ActorCritic whose Gaussian head calls your two functions.\"\"\"

            def get_action(self, obs, action=None):
                mean = self.actor(obs)                          # (B, A)
                log_std = self.actor_logstd.expand_as(mean)     # (B, A), the same in every state
                if action is None:
                    action = mean + log_std.exp() * torch.randn_like(mean)
                return action, gaussian_log_prob(mean, log_std, action), gaussian_entropy(log_std)

        torch.manual_seed(0)
        yours = YourGaussianPolicy.for_env(env)
        reference = ActorCritic.for_env(env)
        reference.load_state_dict(yours.state_dict())
        obs = torch.as_tensor(np.stack([env.reset(seed=s)[0] for s in range(4)]))
        actions = torch.randn(4, 2, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            print("yours:  ", yours.get_action(obs, actions)[1])
            if ppo_core.reference_available("gaussian_log_prob"):
                print("library:", reference.get_action(obs, actions)[1])
            else:
                print("library: not available in a graded build (this copy of ppo_core leaves "
                      "gaussian_log_prob to you)")
        """),
    ]


def _section_train() -> list:
    """6. Train with your functions."""
    return [
        md(
            _fill("""
        ## 6. Train a continuous lander with your functions

        `PPOConfig.for_env("LunarLanderContinuous-v3")` is the configuration measured to land
        this environment (its overrides of `PPOConfig()`: {OVERRIDES}). The entropy bonus is
        {ENT}: a Gaussian's entropy has no ceiling, so a bonus only widens $\\sigma$. A full run
        of {STEPS} steps took one to four minutes on the course's 2-core machine. With the open
        library the same run is, from a terminal, `python -m ppo_core train --env
        LunarLanderContinuous-v3 --preset`; a student build's command line names the exercises
        it leaves to you instead, and the cell below runs yours.

        The cell below trains **your** policy for a shorter run, enough to see the return climb
        from the crashes of the untrained policy. (Under the autograder: a few updates only.)
        """)
        ),
        locked_code(
            "train_continuous",
            """
        total = 2 * 2048 if FAST else 150_000
        config = PPOConfig.for_env(ENV, total_timesteps=total)
        torch.manual_seed(config.seed)
        result = train(config, policy=YourGaussianPolicy.for_env(env), progress=not FAST)
        print(f"{len(result.history)} updates, {len(result.episode_returns)} episodes, "
              f"{result.wall_time_s:.0f} s ({result.sps:,.0f} steps/s)")
        print(f"mean return of the last 100 training episodes: {result.mean_return(100):.1f}")
        sigma = result.policy.actor_logstd.exp().detach().numpy()
        print("learned sigma per dimension:", sigma)
        """,
        ),
        code("""
        from matplotlib.ticker import EngFormatter

        steps = np.array(result.episode_steps)
        returns = np.array(result.episode_returns)
        entropy = [row["losses/entropy"] for row in result.history]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.5))
        ax1.scatter(steps, returns, s=3, alpha=0.3, label="episode return")
        ax1.axhline(200, color="green", ls="--", label="solved (200)")
        ax1.set_ylabel("return"); ax1.legend(loc="lower right")
        ax2.plot([row["global_step"] for row in result.history], entropy)
        ax2.set_ylabel("policy entropy (nats)")
        ax2.set_title(f"no ceiling at ln|A|: {entropy[0]:.2f} after the first update")
        for ax in (ax1, ax2):
            ax.set_xlabel("environment steps")
            ax.xaxis.set_major_formatter(EngFormatter())  # 150 k: six-digit labels would overlap
        plt.show()
        """),
    ]


def _section_pretrained() -> list:
    """7. The fully trained continuous lander."""
    return [
        md("""
        ## 7. A fully trained continuous lander

        `ppo_core.load_pretrained(env_id="LunarLanderContinuous-v3")` loads the policy of one
        full run with the preset (its manifest records the script, the configuration, the date
        and a 100-episode evaluation). Below: 20 fresh evaluation episodes taking the Gaussian's
        mean as the action, and one landing.
        """),
        code("""
        from ppo_core.pretrained import manifest
        from ppo_viz.video import record_episode

        landed = ppo_core.load_pretrained(env_id=ENV)
        info = manifest(ENV)
        print(f"shipped run: {info['config']['total_timesteps']:_} steps, evaluated at "
              f"{info['evaluation']['return_mean']:.1f} over {info['evaluation']['episodes']} "
              f"episodes")
        scores = evaluate(landed, ENV, episodes=4 if FAST else 20, seed=2000)
        print(f"{len(scores)} evaluation episodes: mean {scores.mean():.1f}, "
              f"min {scores.min():.1f}")
        if not FAST:
            path = os.path.join(tempfile.mkdtemp(), "continuous.gif")
            print(f"one landing: return {record_episode(landed, ENV, path, seed=42):.1f}")
            display(Image(filename=path))
        """),
    ]


def _section_reflection() -> list:
    """8. Reflection: the written questions."""
    return [
        md("""
        ## 8. Reflection

        Answer in a few sentences each, in your own words. These are graded by hand.
        """),
        *written(
            "clipped_storage",
            3,
            """
        **Question 1 (3 points).** A classmate's rollout clips the action and then stores the
        clipped one (with the log-probability of the sampled one). Using the measurement of
        section 4, explain what goes wrong in the first epoch of the update, and what the
        gradient measured with one constant advantage shows. Why does storing the sampled action
        fix it?
        """,
            """
        The stored action is not the one whose log-probability was recorded, so even before any
        update the ratio pi_new(clip(a)) / pi_old(a) differs from 1 for every sample beyond a
        bound: PPO treats them as already moved and clips or amplifies them from the first
        epoch. The gradient is wrong as well: with the same advantage for every sample the
        expected gradient must be zero, but the clipped samples all sit at the bound, closer to
        the mean than the samples they replace, so the measured d/d mu points away from the
        bound and d/d log sigma is negative: a pull that comes from where the samples were
        stored, not from the data. In PPO the advantages are normalised to mean zero, which
        removes that constant part; which way a real run would then drift depends on which
        clipped samples get which advantages, and the measurement does not say. Storing the
        sampled action keeps the ratio exactly 1 at the start and the score function unbiased;
        only the environment sees the clipped copy.
        """,
        ),
        *written(
            "gaussian_entropy",
            2,
            """
        **Question 2 (2 points).** A continuous run logs a policy entropy of 2.84 in the first
        update and -0.6 after a million steps. In Lab 1 an entropy of 2.3 for four actions was a
        bug. Is either number a bug here? Why does the preset set `ent_coef` to 0?
        """,
            """
        Neither is a bug. The untrained network has log sigma = 0 in both dimensions, so the
        entropy is 2 * (0.5 + 0.5 ln 2 pi) = 2.84; a differential entropy has no ln|A| ceiling.
        As sigma shrinks below about 0.24 per dimension the entropy becomes negative, which a
        continuous entropy can be. The entropy's derivative with respect to each log sigma is 1
        whatever sigma is, and 0 with respect to the mean: the bonus adds the same push, c2, on
        every log sigma at every update and never fades, unlike a discrete entropy's gradient,
        which vanishes as the policy nears its ln|A| ceiling. With the bonus at 0, as in the
        preset that was measured to land (section 6), the advantages alone decide sigma.
        """,
        ),
    ]


def _section_summary() -> list:
    """Summary."""
    return [
        md("""
        ## Summary

        * For continuous actions the policy is a diagonal Gaussian: the actor outputs the mean,
          the network learns one log standard deviation per dimension.
        * $\\log \\pi(a \\mid s)$ sums over the action dimensions:
          $\\sum_i [-(a_i - \\mu_i)^2 / (2\\sigma_i^2) - \\log \\sigma_i - \\frac12 \\log 2\\pi]$.
        * The entropy $\\sum_i [\\frac12 + \\frac12 \\log 2\\pi + \\log \\sigma_i]$ has no ceiling
          and can be negative.
        * Clip the action sent to the environment; store the sampled one. Storing the clipped
          one puts the ratio off 1 before any update and makes the gradient score actions that
          were never sampled.
        * The ratio, the clipped loss, GAE and the update are unchanged:
          `PPOConfig.for_env("LunarLanderContinuous-v3")` trains it with the loop of Lab 4.
        """),
    ]
