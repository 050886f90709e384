"""Lab 2: TD residuals and Generalized Advantage Estimation."""

from labkit import (
    code,
    colab_install,
    earlier_functions,
    md,
    save_yours,
    setup,
    solution,
    test,
    written,
)

from ppo_core import PPOConfig

SETUP = """
# Setup. autograder.checks comes first: the test cells compare your functions with it.
import autograder.checks  # noqa: F401

import os

import matplotlib.pyplot as plt
import numpy as np
import torch

import ppo_core

# Under nbgrader (autograding) long cells shrink so the notebook grades in under a minute.
FAST = bool(os.environ.get("NBGRADER_EXECUTION"))
torch.set_num_threads(1)
np.set_printoptions(precision=3, suppress=True)
"""


def _horizons(text: str) -> str:
    """Put PPOConfig's gamma and the effective horizons 1 / (1 - gamma lambda) into ``text``, so
    the answer key holds for the gamma the course uses."""
    gamma = PPOConfig().gamma
    horizons = {lam: round(1 / (1 - gamma * lam)) for lam in (0.95, 0.98)}
    return (
        text.replace("{GAMMA}", str(gamma))
        .replace("{H95}", str(horizons[0.95]))
        .replace("{H98}", str(horizons[0.98]))
    )


def cells() -> list:
    """The lab's cells, section by section."""
    return [
        *_section_objectives(),
        *_section_td_residuals(),
        *_section_gae(),
        *save_yours("lab2_gae"),
        *_section_lambda_measurement(),
        *_section_lambda_slider(),
        *_section_tutorial_loop(),
        *_section_tutorial_loop_mistakes(),
        *_section_real_rollout(),
        *_section_reflection(),
        *_section_summary(),
    ]


def _section_objectives() -> list:
    """Title, objectives, Colab install and setup."""
    return [
        md("""
        # Lab 2 — Advantages: TD residuals and GAE

        PPO improves a policy by making actions with a positive **advantage** more likely. Lab 1
        showed that estimating advantages from whole-episode returns is very noisy. This lab
        builds the estimator PPO uses, Generalized Advantage Estimation (GAE; Schulman et al.
        2016, [arXiv:1506.02438](https://arxiv.org/abs/1506.02438); PPO paper Eq. 11-12).

        **Objectives.** By the end of this lab you can
        1. compute one-step temporal-difference residuals, treating a terminated episode and a
           time-limit truncation correctly (`td_residuals`, PPO Eq. 12);
        2. compute GAE advantages and value targets over a rollout of several environments,
           without letting an episode borrow reward from the next one (`compute_gae`, Eq. 11);
        3. explain how $\\lambda$ trades bias for variance, and measure it;
        4. find the bugs in a GAE loop that circulates in tutorials.

        **Expected time:** 60 to 75 minutes.

        Replace each `raise NotImplementedError(...)` with your code, run the cell, then its
        tests. Hidden tests add random cases when grading. Written questions are graded by hand.
        """),
        colab_install(),
        setup(SETUP),
        *earlier_functions("lab1_rl_basics"),
    ]


def _section_td_residuals() -> list:
    """1. From returns to one-step residuals: exercise td_residuals."""
    return [
        md("""
        ## 1. From returns to one-step residuals

        The advantage $A(s_t, a_t) = Q(s_t, a_t) - V(s_t)$ compares what happened after an action
        with what was expected. A **critic** $V(s)$ (a second network, trained next to the policy)
        supplies the expectation. The simplest estimate looks one step ahead, the **TD residual**:

        $$\\delta_t = r_t + \\gamma\\, V(s_{t+1}) \\, (1 - \\text{terminated}_t) - V(s_t)
        \\qquad \\text{(PPO Eq. 12, GAE Eq. 9)}$$

        | symbol | meaning | array |
        |---|---|---|
        | $r_t$ | reward of step $t$ | `rewards[t]` |
        | $V(s_t)$ | critic's value of the state where the action was taken | `values[t]` |
        | $V(s_{t+1})$ | critic's value of the *true* next state of this transition | `next_values[t]` |
        | $\\text{terminated}_t$ | 1 if the MDP ended at step $t$ (crash, landing), else 0 | `terminated[t]` |
        | $\\gamma$ | discount factor | `gamma` |

        Two ways an episode can end, and they are not the same:

        * **terminated**: the task is over. There is no future, so nothing is bootstrapped:
          $\\delta_t = r_t - V(s_t)$.
        * **truncated**: a time limit stopped the episode (LunarLander-v3: 1000 steps). The lander
          could have gone on, so the residual still bootstraps from $V$ of the final observation.
          The rollout stores exactly that value in `next_values[t]` (where an episode goes on,
          `next_values[t]` equals `values[t + 1]`; after the last step of the rollout it is
          $V(s_T)$, which lets the rollout's last step bootstrap too).

        Arrays are time-major: shape `(T,)` for one environment, `(T, N)` for $N$ environments
        stepped side by side. Your code should work for both without a loop over environments.

        **Exercise 1 (PPO Eq. 12).** Write `td_residuals(rewards, values, next_values, terminated,
        gamma)`; return a float64 array of the input shape.
        """),
        solution("td_residuals"),
        code("""
        # Try it: four steps; the episode crashes at t=2 (terminated), then a new one starts.
        rewards     = np.array([1.0, 0.5, -100.0, 2.0])
        values      = np.array([10.0, 9.0, 5.0, 0.0])
        # next_values[2] = V(final obs), ignored: the episode crashed there
        next_values = np.array([9.0, 5.0, 7.0, 1.0])
        terminated  = np.array([0.0, 0.0, 1.0, 0.0])
        print(td_residuals(rewards, values, next_values, terminated, gamma=0.99))
        """),
        test("td_residuals", "basic", 1, comment="td_residuals without an episode end"),
        test("td_residuals", "termination", 1, comment="no bootstrap where the episode terminated"),
        test("td_residuals", "batch", 1, comment="(T, N) rollouts of several environments"),
        test(
            "td_residuals",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=8080, n_cases=40",
            comment="random rollouts",
        ),
    ]


def _section_gae() -> list:
    """2. Generalized Advantage Estimation: exercise compute_gae."""
    return [
        md("""
        ## 2. Generalized Advantage Estimation

        One residual uses one real reward and trusts the critic for the rest: low variance, but
        biased when the critic is wrong (and early in training it is very wrong). Summing $k$
        residuals uses $k$ real rewards before trusting the critic. GAE averages all these
        choices with exponentially decaying weights:

        $$\\hat A_t = \\delta_t + (\\gamma\\lambda)\\,\\delta_{t+1} + \\dots
        + (\\gamma\\lambda)^{T-t-1}\\,\\delta_{T-1}
        \\qquad \\text{(PPO Eq. 11)}$$

        computed backwards in one pass with the recursion

        $$\\hat A_t = \\delta_t + \\gamma\\lambda\\,(1 - \\text{done}_t)\\,\\hat A_{t+1},
        \\qquad \\hat A_T = 0, \\qquad \\text{done}_t = \\text{terminated}_t \\lor \\text{truncated}_t .$$

        | symbol | meaning |
        |---|---|
        | $\\lambda$ | GAE parameter in $[0, 1]$ (`lam`): 0 gives $\\hat A_t = \\delta_t$ (TD(0)), 1 gives the return minus $V(s_t)$ (Monte Carlo) |
        | $\\text{done}_t$ | the episode ended at step $t$ for either reason: the next row belongs to a *new* episode |
        | $\\hat A_T = 0$ | past the rollout's last step nothing is added: `next_values` already bootstraps it |

        Note the two different flags: a truncation still bootstraps inside $\\delta_t$ (section 1)
        but, like a termination, it cuts the recursion, because step $t+1$ is another episode.

        The critic's regression target (the $\\lambda$-return) is $\\hat A_t + V(s_t)$.

        **Exercise 2 (PPO Eq. 11, GAE Eq. 16).** Write `compute_gae(rewards, values, next_values,
        terminated, truncated, gamma, lam)` returning `(advantages, returns)`, both float64 arrays
        of the input shape, `returns = advantages + values`. You may call your `td_residuals`.
        """),
        solution("compute_gae"),
        code("""
        # Try it: two short episodes in one rollout; the first terminates at t=2.
        rewards     = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
        values      = np.zeros(5)
        next_values = np.zeros(5)
        terminated  = np.array([0.0, 0.0, 1.0, 0.0, 0.0])
        truncated   = np.zeros(5)
        adv, ret = compute_gae(rewards, values, next_values, terminated, truncated,
                               gamma=1.0, lam=1.0)
        # with V = 0, gamma = lambda = 1: the rewards left in each episode
        print("advantages:", adv)
        """),
        *_gae_tests(),
    ]


def _gae_tests() -> list:
    """The tests of ``compute_gae``."""
    return [
        test(
            "compute_gae",
            "one_episode",
            2,
            comment="one episode, including lambda = 0 and lambda = 1",
        ),
        test(
            "compute_gae",
            "episode_boundaries",
            2,
            comment="no advantage looks past the end of its episode",
        ),
        test(
            "compute_gae",
            "truncation",
            2,
            comment="truncation bootstraps but still cuts the recursion",
        ),
        test("compute_gae", "batch", 1, comment="(T, N) rollouts of several environments"),
        test(
            "compute_gae",
            "random",
            2,
            args="seed=0, n_cases=5",
            hidden="seed=31337, n_cases=60",
            comment="random rollouts, flags, gamma and lambda",
        ),
    ]


def _section_lambda_measurement() -> list:
    """3. Bias versus variance in lambda: a measurement."""
    return [
        md("""
        ## 3. Bias versus variance in $\\lambda$: a measurement

        Take a corridor of $L = 50$ steps: every step gives a noisy reward (mean 1, standard
        deviation 1) and the episode terminates at the end, so the true value of the state $k$
        steps from the start is known exactly, $V(s_k) = \\sum_{j=0}^{L-k-1} \\gamma^j$. Give the
        estimator a critic that has learned only part of the values, $0.8\\,V(s)$ everywhere, as
        an undertrained critic would, and collect many episodes side by side (one column each, a
        `(T, N)` rollout).

        Your `compute_gae` returns the $\\lambda$-returns $\\hat A_t + V(s_t)$, estimates of the true
        values. Over many episodes we measure, at every step of the corridor, their **bias**
        (average error), their **variance** (spread) and the **mean squared error**
        (bias$^2$ + variance), averaged over the steps, for several $\\lambda$.
        """),
        code("""
        L, gamma, n_episodes = 50, 0.99, (500 if FAST else 4000)
        rng = np.random.default_rng(0)
        true_v = np.array([sum(gamma ** j for j in range(L - k)) for k in range(L)])  # (L,)
        critic = 0.8 * true_v                                   # an undertrained critic
        rewards = rng.normal(1.0, 1.0, size=(L, n_episodes))    # (T, N): one column per episode
        values = np.repeat(critic[:, None], n_episodes, axis=1)
        next_values = np.vstack([values[1:], np.zeros((1, n_episodes))])
        terminated = np.zeros((L, n_episodes)); terminated[-1] = 1.0
        truncated = np.zeros((L, n_episodes))

        lambdas = [0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 1.0]
        bias_sq, variance, mse = [], [], []
        for lam in lambdas:
            _, lam_returns = compute_gae(rewards, values, next_values, terminated, truncated,
                                         gamma, lam)
            error = np.asarray(lam_returns) - true_v[:, None]   # (T, N) error at every step
            bias_sq.append(np.mean(error.mean(axis=1) ** 2))    # squared mean error, per step
            variance.append(np.mean(error.var(axis=1)))
            mse.append(np.mean(error ** 2))                     # = bias^2 + variance
            print(f"lambda={lam:4}: bias^2 {bias_sq[-1]:6.2f}   variance {variance[-1]:6.2f}   "
                  f"mean squared error {mse[-1]:6.2f}")
        best = lambdas[int(np.argmin(mse))]
        print(f"Lowest mean squared error at lambda = {best}: {min(mse):.1f}, against {mse[0]:.1f} "
              f"at lambda = 0 (TD(0)) and {mse[-1]:.1f} at lambda = 1 (Monte Carlo).")

        plt.figure(figsize=(6, 3))
        plt.plot(lambdas, bias_sq, "o-", label="bias$^2$")
        plt.plot(lambdas, variance, "s-", label="variance")
        plt.plot(lambdas, mse, "k^-", label="mean squared error")
        plt.xlabel("$\\\\lambda$"); plt.legend()
        plt.title("Estimating V with a critic at 80 % of the truth")
        plt.show()
        """),
    ]


def _section_lambda_slider() -> list:
    """3. What the measurement shows, and lambda on a real episode (a slider)."""
    return [
        md("""
        $\\lambda = 0$ trusts the critic after a single reward, so it inherits the critic's error
        almost whole (large bias$^2$) with the noise of one reward (small variance);
        $\\lambda = 1$ ignores the critic: no bias, but it adds up the noise of every remaining
        reward, up to 50. In between, the critic's error enters with weight
        $(\\gamma\\lambda)^k$ while the noise grows, and the mean squared error is lowest at an
        intermediate $\\lambda$ (the cell above prints where). The PPO paper uses
        $\\lambda = 0.95$; our LunarLander configuration uses 0.98. Where the minimum lies
        depends on how wrong the critic is: try `critic = 0.9 * true_v`, a better critic, and
        the best $\\lambda$ moves down.

        **Try it: $\\lambda$ on a real episode.** The cell below draws the advantages of one
        LunarLander-v3 episode, played by the course's trained lander and valued by its critic,
        computed by your `compute_gae`: drag the $\\lambda$ slider from TD(0) to Monte Carlo and
        watch how much the curve leans on the critic (the $\\gamma$ slider shows what a critic
        trained for another discount does). One episode shows the two ends, not the bias and
        the variance, which the measurement above needed many episodes for.
        """),
        code("""
        # Optional: lambda and gamma sliders on a real LunarLander episode (needs ipywidgets),
        # drawn with your compute_gae. Skipped while grading: nothing to look at, and widget
        # cells can stall headless runs.
        if not FAST:
            try:
                from ppo_viz.widgets import gae_demo
                display(gae_demo(gae_fn=compute_gae))
            except Exception as err:  # the lab does not depend on the widget
                print("widget demo unavailable here:", err)
        """),
    ]


def _section_tutorial_loop() -> list:
    """4. What is wrong with a GAE loop that circulates in tutorials: the comparison."""
    return [
        md("""
        ## 4. What is wrong with a GAE loop that circulates in tutorials

        A GAE loop that is still copied widely in tutorials (this course's first version used
        it too) gets three things wrong. Below is that loop rewritten with our names; it receives
        a single merged `dones` flag and no `next_values`. Read it and compare with your
        `compute_gae`.
        """),
        code("""
        def tutorial_gae(rewards, values, dones, gamma, lam):
            \"\"\"The tutorial loop (faithful in logic): do not use it.\"\"\"
            advantages = np.zeros(len(rewards))
            running, bootstrap = 0.0, 0.0
            for t in reversed(range(len(rewards))):
                next_value = bootstrap if t == len(rewards) - 1 else values[t + 1]
                delta = rewards[t] + gamma * next_value * (1 - dones[t]) - values[t]
                advantages[t] = delta + gamma * lam * (1 - dones[t]) * running
                running = advantages[t]
                if dones[t]:          # reset *after* using the end step ...
                    running = 0.0     # ... so the step before it sees no future at all
                    bootstrap = 0.0
            return advantages, advantages + values

        # A concrete case: V = 0 everywhere, gamma = lambda = 1, so a correct advantage is simply
        # the sum of the rewards left in the episode (plus the bootstrap where it was cut short).
        rewards     = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
        values      = np.zeros(7)
        terminated  = np.array([0, 0, 1, 0, 0, 0, 0], dtype=float)   # episode 1 crashes at t=2
        truncated   = np.array([0, 0, 0, 0, 1, 0, 0], dtype=float)   # episode 2: time limit, t=4
        next_values = np.array([0, 0, 0, 0, 50.0, 0, 20.0])  # V(final obs) at t=4; V(s_T) at t=6
        ours, _ = compute_gae(rewards, values, next_values, terminated, truncated, 1.0, 1.0)
        tutorial, _ = tutorial_gae(rewards, values, np.maximum(terminated, truncated), 1.0, 1.0)
        print(" t  done   yours   tutorial loop")
        for t in range(7):
            flag = "term" if terminated[t] else "trunc" if truncated[t] else ""
            print(f"{t:2}  {flag:5} {ours[t]:7.1f}  {tutorial[t]:13.1f}")
        """),
    ]


def _section_tutorial_loop_mistakes() -> list:
    """4. The tutorial loop's three mistakes, explained."""
    return [
        md("""
        Three mistakes show up in the table:

        1. **The step before every episode end loses its future.** The loop resets `running`
           to 0 *after* computing the end step, so step $t-1$ computes
           $\\hat A_{t-1} = \\delta_{t-1}$: at $t = 1$ the tutorial loop gives 1 instead of 2, and through
           the recursion every earlier step of the episode loses the end step's residual too
           ($t = 0$ gets 2 instead of 3; $t = 3$ loses everything after it). The cut belongs only in the factor
           $(1 - \\text{done}_t)$ of the recursion, which already stops the sum at the episode end.
        2. **It never bootstraps.** After the last step of the rollout it uses 0 instead of
           $V(s_T)$ (here 20), so an episode that is still going when the rollout stops looks
           as if it ended there.
        3. **It treats the time limit as a crash.** With one merged `dones` flag the truncated step
           at $t = 4$ drops $\\gamma V(\\text{final obs})$ (here 50): a lander hovering safely when
           the clock ran out is judged like one that crashed.

        In addition, because its `next_value` is `values[t + 1]`, even a correct merged loop
        could never bootstrap from the final observation of a truncated episode, which with
        same-step autoreset is not in `values` at all. That is why our rollout stores
        `next_values`.
        """),
    ]


def _section_real_rollout() -> list:
    """5. GAE on a real LunarLander rollout."""
    return [
        md("""
        ## 5. GAE on a real LunarLander rollout

        Finally, your function on real data: 4 environments, 256 steps each, played by an
        untrained agent (its rollout calls your Lab 1 functions where the library leaves them to
        you), compared with the course library where this copy of it has its own. (In Lab 4 this
        call sits inside the training loop.)
        """),
        code("""
        num_envs, num_steps = 4, (64 if FAST else 256)
        envs = ppo_core.make_vec_env("LunarLander-v3", num_envs)
        torch.manual_seed(0)
        policy = ppo_core.ActorCritic.for_env(envs)
        buffer = ppo_core.RolloutBuffer.allocate(num_steps, num_envs, envs)
        next_obs, _ = envs.reset(seed=0)
        ppo_core.collect_rollout(envs, policy, buffer, next_obs.astype(np.float32))
        envs.close()

        args = (buffer.rewards, buffer.values, buffer.next_values, buffer.terminated,
                buffer.truncated, 0.99, 0.95)
        adv, ret = compute_gae(*args)
        print("episode ends in the rollout:", int(buffer.terminated.sum()), "terminated,",
              int(buffer.truncated.sum()), "truncated")
        print("advantages shape:", np.shape(adv))
        if ppo_core.reference_available("compute_gae"):
            ref_adv, ref_ret = ppo_core.compute_gae(*args)
            print("max difference from the library:",
                  float(np.max(np.abs(np.asarray(adv) - ref_adv))))
        else:
            print("max difference from the library: not available in a graded build "
                  "(this copy of ppo_core leaves compute_gae to you)")
        print("advantage mean / std:", round(float(np.mean(adv)), 2), "/",
              round(float(np.std(adv)), 2))
        """),
    ]


def _section_reflection() -> list:
    """6. Reflection: the written questions."""
    return [
        md("""
        An untrained critic gives advantages whose scale is set by the rewards: their standard
        deviation, printed above, is far from 1, and it would change with any other reward
        scale. That is why PPO normalises advantages before using them (Lab 4).

        ## 6. Reflection
        """),
        *written(
            "lambda",
            2,
            """
        **Question 1 (2 points).** At the start of training the critic outputs values close to
        0 for every state, and LunarLander episodes last hundreds of steps. What happens to the
        advantages with $\\lambda = 0$ and with $\\lambda = 1$ in that situation? Why is a value
        such as 0.95 to 0.98 a sensible compromise?
        """,
            _horizons("""
        With lambda = 0 the advantage is one residual r_t + gamma V(s_{t+1}) - V(s_t); with a critic
        that knows nothing this is roughly the single reward r_t, so the estimate ignores almost
        everything that follows (e.g. the crash 50 steps later): very biased, low variance.
        With lambda = 1 it is the full discounted return minus V(s_t): unbiased, but it adds the
        randomness of hundreds of future steps, so the estimates are very noisy. With the course's gamma = {GAMMA}, lambda = 0.95 to 0.98 keeps an
        effective horizon of roughly {H95} to {H98} steps of real rewards (1 / (1 - gamma*lambda)),
        enough to connect engine use with the landing or crash that follows, while cutting most
        of the far-future noise (section 3 measured the compromise: with a partly trained critic
        the error is lowest between the two extremes); as the critic gets better, relying on it
        (smaller lambda) costs less bias.
        """),
        ),
        *written(
            "truncation",
            2,
            """
        **Question 2 (2 points).** LunarLander-v3 truncates an episode after 1000 steps. Suppose
        the lander is hovering safely at step 1000 and the critic rightly values that state at
        +80. What advantage signal does the last action get if the truncation is treated as a
        termination, and what behaviour could the agent learn from it over many episodes?
        """,
            """
        Treated as a termination, the last residual becomes r_t - V(s_t) instead of
        r_t + gamma * 80 - V(s_t): about 80 lower, so the final actions look terrible although
        nothing bad happened, and through the recursion the steps before it are also pushed
        down. The critic is also trained towards a target of about 0 for states near the time
        limit. The agent sees "hovering for a long time" followed by an apparent disaster, i.e.
        the time limit looks like a crash. It can learn an unjustified pressure against long
        hovering that has nothing to do with the task (and inconsistent value targets, since the
        same state is worth 80 or 0 depending on the clock it cannot see). Bootstrapping from
        V(final observation) gives the correct signal.
        """,
        ),
    ]


def _section_summary() -> list:
    """Summary."""
    return [
        md("""
        ## Summary

        * The TD residual $\\delta_t = r_t + \\gamma V(s_{t+1})(1 - \\text{terminated}_t) - V(s_t)$
          bootstraps everywhere except after a termination; a truncated step bootstraps from
          $V$ of its final observation (PPO Eq. 12).
        * GAE sums residuals with weights $(\\gamma\\lambda)^k$, backwards:
          $\\hat A_t = \\delta_t + \\gamma\\lambda(1 - \\text{done}_t)\\hat A_{t+1}$ (PPO Eq. 11); any episode
          end cuts the recursion; the value target is $\\hat A_t + V(s_t)$.
        * $\\lambda$ moves the estimator from biased and quiet (0) to unbiased and noisy (1); with
          a partly trained critic the error is lowest in between.
        * The GAE loop that circulates in tutorials drops the future of the step before each
          episode end, never bootstraps and treats time limits as crashes.

        **Next:** Lab 3 turns advantages into PPO's clipped objective.
        """),
    ]
