"""Lab 1: the agent-environment loop, returns, policies, log-probabilities and entropy."""

from labkit import code, colab_install, md, save_yours, setup, solution, test, written

SETUP = """
# Setup. autograder.checks comes first: the test cells compare your functions with it.
import autograder.checks  # noqa: F401

import math
import os

import gymnasium as gym
import matplotlib.pyplot as plt
import numpy as np
import torch

import ppo_core

# Under nbgrader (autograding) long cells shrink so the notebook grades in under a minute.
FAST = bool(os.environ.get("NBGRADER_EXECUTION"))
torch.set_num_threads(1)
np.set_printoptions(precision=3, suppress=True)
print("gymnasium", gym.__version__, "| torch", torch.__version__, "| fast mode" if FAST else "")
"""


def cells() -> list:
    """The lab's cells, section by section."""
    return [
        *_section_objectives(),
        *_section_agent_environment_loop(),
        *_section_discounted_return(),
        *_section_returns_to_go(),
        *_section_value_functions(),
        *_section_log_probabilities(),
        *_section_entropy(),
        *save_yours("lab1_rl_basics"),
        *_section_untrained_agent(),
        *_section_reflection(),
        *_section_summary(),
    ]


def _section_objectives() -> list:
    """Title, objectives, Colab install and setup."""
    return [
        md("""
        # Lab 1 — Reinforcement learning basics: the loop, returns, policies, entropy

        This is the first of six labs in which you build Proximal Policy Optimization (PPO,
        Schulman et al. 2017, [arXiv:1707.06347](https://arxiv.org/abs/1707.06347)) one piece at a
        time, until your own functions land a spacecraft on the Moon in Lab 4.

        **Objectives.** By the end of this lab you can
        1. run the agent-environment loop on `LunarLander-v3` and say what the state, the actions
           and the reward are;
        2. compute the discounted return of an episode and the return from every step onwards
           (`discounted_return`, `returns_to_go`);
        3. explain the policy, the value functions V and Q and the advantage A, and estimate
           them from real episodes;
        4. compute log-probabilities and the entropy of a stochastic policy over discrete actions
           in a numerically stable way (`categorical_log_prob`, `categorical_entropy`), and know
           the entropy's real ceiling, ln 4 = 1.386 for four actions.

        **Expected time:** 60 to 75 minutes.

        **How to work.** Run the cells from top to bottom. Each exercise is a function with its
        docstring already written: replace `raise NotImplementedError(...)` with your code, run
        the cell, then run the test cells below it. Each test cell checks one aspect and is worth
        the points in its first line; the messages tell you what is likely wrong. Some tests have
        hidden parts used only when grading, so test your function on your own inputs too.
        The written questions at the end are graded by hand.
        """),
        colab_install(),
        setup(SETUP),
    ]


def _section_agent_environment_loop() -> list:
    """1. The agent-environment loop: one random episode."""
    return [
        md("""
        ## 1. The agent-environment loop

        Reinforcement learning studies an **agent** that repeatedly observes the **state** of an
        **environment**, picks an **action**, and receives a **reward** and the next state. Its
        goal is to collect as much reward as possible over time. The rule that maps states to
        actions is the **policy**.

        Our environment is `LunarLander-v3` from Gymnasium (the `-v2` version of older tutorials
        was removed in Gymnasium 1.0). A lander starts near the top of the screen with a random
        push and must come to rest on the pad between the two flags.

        | | |
        |---|---|
        | **state** $s_t$ | 8 numbers: position $x, y$; velocity $v_x, v_y$; angle; angular velocity; one contact flag per leg |
        | **actions** $a_t$ | 4 discrete choices: 0 do nothing, 1 fire the left engine, 2 fire the main engine, 3 fire the right engine |
        | **reward** $r_t$ | shaped every step: more when closer to the pad, slower and more upright; +10 per leg touching the ground; -0.3 per frame of main engine and -0.03 per frame of side engine; the episode ends with -100 for a crash or +100 for coming to rest |
        | **episode end** | *terminated* when the lander crashes, flies off screen or comes to rest; *truncated* after 1000 steps (a time limit) |

        An episode return of 200 or more counts as solved.

        The cell below plays one episode with a policy that picks actions uniformly at random.
        Watch the two flags that end an episode: `terminated` means the task itself ended,
        `truncated` means a time limit stopped it. Lab 2 shows why the difference matters.
        """),
        code("""
        env = gym.make("LunarLander-v3")
        obs, info = env.reset(seed=0)
        print("observation space:", env.observation_space.shape,
              "| action space:", env.action_space)
        print("first state:", obs)

        rng = np.random.default_rng(0)
        episode_rewards = []
        while True:
            action = int(rng.integers(env.action_space.n))        # a uniformly random policy
            obs, reward, terminated, truncated, info = env.step(action)
            episode_rewards.append(reward)
            if terminated or truncated:
                break
        episode_rewards = np.array(episode_rewards)
        print(f"{len(episode_rewards)} steps, terminated={terminated}, truncated={truncated}")
        print(f"sum of rewards: {episode_rewards.sum():.1f}, "
              f"last reward: {episode_rewards[-1]:.1f}")
        """),
    ]


def _section_discounted_return() -> list:
    """2. Returns and discounting: exercise discounted_return."""
    return [
        md("""
        ## 2. Returns and discounting

        The agent does not maximise the next reward but the **discounted return**, the sum of all
        future rewards where a reward $t$ steps away counts $\\gamma^t$ times. The objective of
        reinforcement learning is its expectation over the episodes the policy produces:

        $$J(\\pi) = \\mathbb{E}_{\\tau \\sim \\pi}\\Big[\\sum_{t=0}^{T-1} \\gamma^t r_t\\Big],
        \\qquad G_0 = \\sum_{t=0}^{T-1} \\gamma^t r_t .$$

        | symbol | meaning |
        |---|---|
        | $\\tau$ | an episode (trajectory) $s_0, a_0, r_0, s_1, \\dots$ generated by the policy $\\pi$ |
        | $r_t$ | reward received after the action at step $t$ |
        | $\\gamma$ | discount factor in $[0, 1]$: 0 only cares about the next reward, 1 sums them all |
        | $T$ | number of steps of the episode |
        | $G_0$ | the discounted return of one episode, a single sample of what $J$ averages |

        Why discount? It keeps sums finite for long tasks, and it sets a horizon: rewards much more
        than about $1/(1-\\gamma)$ steps away barely count (100 steps for $\\gamma = 0.99$).

        **Exercise 1 (the discounted return; Sutton & Barto 2018, Sec. 3.3).** Write
        `discounted_return(rewards, gamma)`. The first reward is weighted by $\\gamma^0 = 1$.
        Return a plain Python float; an empty episode has return 0.
        """),
        solution("discounted_return"),
        code("""
        # Try it: the same random episode under three discount factors.
        for gamma in (0.9, 0.99, 1.0):
            print(f"gamma={gamma}: G_0 = {discounted_return(episode_rewards, gamma):8.2f}")
        """),
        test(
            "discounted_return", "basic", 1, comment="discounted_return on small episodes by hand"
        ),
        test(
            "discounted_return", "edge_cases", 1, comment="one-step and empty episodes, gamma = 0"
        ),
        test(
            "discounted_return",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=1317, n_cases=40",
            comment="random episodes",
        ),
    ]


def _section_returns_to_go() -> list:
    """2. The return from every step: exercise returns_to_go."""
    return [
        md("""
        ### The return from every step: $G_t$

        Step $t$ cannot take credit for rewards that came before it. What matters for judging
        the action at step $t$ is the **return to go**

        $$G_t = \\sum_{k=t}^{T-1} \\gamma^{k-t} r_k = r_t + \\gamma\\, G_{t+1}, \\qquad G_T = 0 .$$

        The recursion on the right computes all $T$ values in one backwards pass, $O(T)$ instead
        of the $O(T^2)$ of summing each one separately. $G_t$ is a one-sample (Monte Carlo)
        estimate of how good it is to be in $s_t$; the critic of PPO is trained towards targets
        like it.

        **Exercise 2 ($G_t$, the Monte Carlo target).** Write `returns_to_go(rewards, gamma)`,
        returning a float64 array of shape `(T,)` whose first entry equals `discounted_return`.
        """),
        solution("returns_to_go"),
        code("""
        # Try it: how the return to go evolves over the random episode.
        g = returns_to_go(episode_rewards, 0.99)
        plt.figure(figsize=(7, 2.5))
        plt.plot(g, label="$G_t$ (gamma = 0.99)")
        plt.plot(episode_rewards, alpha=0.6, label="$r_t$")
        plt.xlabel("step t"); plt.legend(); plt.title("A random episode of LunarLander-v3")
        plt.show()
        print("G_0 =", round(float(g[0]), 3), "| discounted_return =",
              round(discounted_return(episode_rewards, 0.99), 3))
        """),
        test("returns_to_go", "basic", 1, comment="returns_to_go on small episodes by hand"),
        test(
            "returns_to_go",
            "consistency",
            1,
            comment="G_0 equals the return, G_t = r_t + gamma G_{t+1}",
        ),
        test(
            "returns_to_go",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=2718, n_cases=40",
            comment="random episodes",
        ),
    ]


def _section_value_functions() -> list:
    """3. Policies, V, Q and the advantage, estimated by brute force."""
    return [
        md("""
        ## 3. Policies, value functions and the advantage

        A **policy** $\\pi(a \\mid s)$ gives a probability to every action in every state. A
        deterministic policy puts all of it on one action; a **stochastic** policy spreads it,
        which lets the agent explore, and makes the policy a smooth function of its parameters
        that gradient descent can improve. PPO learns a stochastic policy.

        | quantity | definition | in words |
        |---|---|---|
        | $V^\\pi(s)$ | $\\mathbb{E}_\\pi[G_t \\mid s_t = s]$ | how good it is to be in $s$ and then follow $\\pi$ |
        | $Q^\\pi(s, a)$ | $\\mathbb{E}_\\pi[G_t \\mid s_t = s, a_t = a]$ | how good it is to take $a$ in $s$, then follow $\\pi$ |
        | $A^\\pi(s, a)$ | $Q^\\pi(s, a) - V^\\pi(s)$ | how much better $a$ is than the policy's average action in $s$ |

        The advantage is what a policy-gradient method needs: raise the probability of actions
        with $A > 0$, lower it for $A < 0$. It is never known exactly; Lab 2 estimates it.

        The cell below estimates all three by brute force for the random policy, from one fixed
        start state (the same seed gives the same terrain and the same initial push): $V$ is the
        average return of episodes that start there, and $Q(s_0, a)$ the average return of episodes
        that take action $a$ first and then act randomly. It uses your `discounted_return`.
        """),
        code("""
        def rollout_return(first_action=None, seed=0, gamma=0.99, rng=None):
            \"\"\"Return of one random-policy episode from the start state of `seed`.\"\"\"
            env = gym.make("LunarLander-v3")
            env.reset(seed=seed)
            rewards, done, t = [], False, 0
            while not done:
                if t == 0 and first_action is not None:
                    action = first_action
                else:
                    action = int(rng.integers(4))
                _, reward, terminated, truncated, _ = env.step(action)
                rewards.append(reward)
                done, t = terminated or truncated, t + 1
            env.close()
            return discounted_return(np.array(rewards), gamma)

        n_episodes = 4 if FAST else 30
        rng = np.random.default_rng(1)
        v_samples = [rollout_return(rng=rng) for _ in range(n_episodes)]
        v_hat, v_se = np.mean(v_samples), np.std(v_samples, ddof=1) / np.sqrt(n_episodes)
        names = ["nothing", "left engine", "main engine", "right engine"]
        print(f"V(s0) ~ {v_hat:7.2f} +- {v_se:5.2f}   ({n_episodes} episodes; +- 1 standard error)")
        for a in range(4):
            q_samples = [rollout_return(a, rng=rng) for _ in range(n_episodes)]
            q_hat, q_se = np.mean(q_samples), np.std(q_samples, ddof=1) / np.sqrt(n_episodes)
            a_se = np.hypot(v_se, q_se)   # the two estimates are independent
            print(f"Q(s0, {names[a]:>12}) ~ {q_hat:7.2f} +- {q_se:5.2f}   "
                  f"A ~ {q_hat - v_hat:+6.2f} +- {a_se:5.2f}")
        """),
    ]


def _section_log_probabilities() -> list:
    """4. Log-probabilities: exercise categorical_log_prob."""
    return [
        md("""
        Compare each advantage with its $\\pm$ (one standard error of the estimate): one action at
        step 0 changes a long episode only a little, so the true advantages are small next to the
        spread of the returns, and no larger than the noise of a handful of random episodes: 30
        episodes cannot even be sure of their signs. Raise `n_episodes` and run the cell again:
        the standard errors shrink only like $1/\\sqrt{n}$. This noise is the central difficulty of
        policy gradients; GAE in
        Lab 2 is the standard remedy.

        ## 4. Stochastic policies over discrete actions: log-probabilities

        A policy network outputs one real number per action, the **logits** $z_a$. The softmax turns
        them into probabilities, and PPO works with their logarithm:

        $$\\pi(a \\mid s) = \\frac{e^{z_a}}{\\sum_{b} e^{z_b}}, \\qquad
        \\log \\pi(a \\mid s) = z_a - \\log \\sum_b e^{z_b} .$$

        | symbol | meaning |
        |---|---|
        | $z_a$ | logit of action $a$ (network output, any real number) |
        | $\\log \\pi(a \\mid s)$ | log-probability of the action actually taken |

        Why the logarithm? The gradient of the policy objective is
        $\\mathbb{E}[\\nabla_\\theta \\log \\pi_\\theta(a_t \\mid s_t) \\hat A_t]$ (PPO paper, Eq. 1-2), and the
        probability ratio of Lab 3 (Eq. 6) is $\\exp(\\log \\pi_{new} - \\log \\pi_{old})$. Why not
        `log(softmax(z))`? With $z = (1000, 0, 0, 0)$, $e^{1000}$ overflows and the small
        probabilities underflow to 0, whose log is $-\\infty$. `torch.log_softmax` subtracts the
        largest logit first (the log-sum-exp trick) and stays finite.

        **Exercise 3 ($\\log \\pi(a \\mid s)$, the ingredient of PPO Eq. 6).** Write
        `categorical_log_prob(logits, actions)` for `logits` of shape `(B, A)` and integer
        `actions` of shape `(B,)`. Return shape `(B,)`, differentiable with respect to the logits.
        """),
        solution("categorical_log_prob"),
        code("""
        # Try it: the naive formula breaks on large logits; yours should not.
        logits = torch.tensor([[1000.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0]])
        actions = torch.tensor([1, 3])
        naive = torch.log(torch.softmax(logits, -1)).gather(1, actions[:, None]).squeeze(1)
        print("naive log(softmax):", naive)
        print("yours:             ", categorical_log_prob(logits, actions))
        """),
        test("categorical_log_prob", "basic", 1, comment="categorical_log_prob on small batches"),
        test("categorical_log_prob", "stability", 1, comment="finite results for huge logits"),
        test("categorical_log_prob", "gradient", 1, comment="the result stays differentiable"),
        test(
            "categorical_log_prob",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=4242, n_cases=20",
            comment="random batches",
        ),
    ]


def _section_entropy() -> list:
    """5. Entropy: exercise categorical_entropy."""
    return [
        md("""
        ## 5. Entropy: how random is the policy?

        The **entropy** of the action distribution measures its randomness:

        $$S[\\pi](s) = -\\sum_a \\pi(a \\mid s) \\log \\pi(a \\mid s) .$$

        | symbol | meaning |
        |---|---|
        | $S[\\pi](s)$ | entropy of the policy in state $s$, in nats (natural log) |
        | $\\lvert A \\rvert$ | number of actions (4 here) |

        It is 0 for a deterministic policy and largest for the uniform one, where it equals
        $\\ln |A|$: **at most $\\ln 4 = 1.386$ for LunarLander's four actions**. A log that reports
        an entropy of 2 or more for this environment is measuring something else (a sum over the
        batch, a continuous policy, a bug). PPO adds $c_2\\, S[\\pi_\\theta](s_t)$ to its objective
        (Eq. 9) to keep the policy from becoming deterministic too early; Lab 5 watches it fall
        during training.

        **Exercise 4 ($S[\\pi]$, the entropy bonus of PPO Eq. 9).** Write
        `categorical_entropy(logits)`: one entropy per row, shape `(B,)`, finite even when one
        logit is 1000 (there $0 \\cdot \\log 0$ must count as 0).
        """),
        solution("categorical_entropy"),
        code("""
        # Try it: the ceiling ln 4, a peaked policy, and the freshly initialised PPO network.
        print("uniform over 4 actions:", categorical_entropy(torch.zeros(1, 4)).item(),
              "ln 4 =", math.log(4))
        peaked = torch.tensor([[5.0, 0.0, 0.0, 0.0]])
        print("peaked policy:         ", categorical_entropy(peaked).item())
        env = gym.make("LunarLander-v3")
        torch.manual_seed(0)
        policy = ppo_core.ActorCritic.for_env(env)
        states = torch.as_tensor(np.stack([env.reset(seed=s)[0] for s in range(8)]))
        with torch.no_grad():
            logits = policy.actor(states)
        print("untrained actor on 8 start states:", categorical_entropy(logits))
        """),
        md("""
        The untrained network's entropy is almost exactly $\\ln 4$ (printed above). That is a
        choice of initialisation. The course's networks start from **orthogonal** random weight
        matrices (the rows are orthonormal, scaled by a gain; Saxe et al. 2014), the
        initialisation of the authors' code and of CleanRL: it keeps the size of the signal
        roughly constant from layer to layer, so no layer starts saturated or silent. The hidden
        layers use the gain $\\sqrt 2$; the actor's last layer uses the gain 0.01, so all logits
        start close to 0: every action starts equally likely and the agent explores. (The
        critic's last layer uses 1.0.)
        """),
        *_entropy_tests(),
    ]


def _entropy_tests() -> list:
    """The tests of ``categorical_entropy``."""
    return [
        test(
            "categorical_entropy", "bounds", 1, comment="uniform gives ln 4, deterministic gives 0"
        ),
        test("categorical_entropy", "stability", 1, comment="no nan for huge logits"),
        test("categorical_entropy", "gradient", 1, comment="the entropy stays differentiable"),
        test(
            "categorical_entropy",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=777, n_cases=20",
            comment="random batches, 0 <= S <= ln |A|",
        ),
    ]


def _section_untrained_agent() -> list:
    """6. An untrained PPO agent plays one episode."""
    return [
        md("""
        ## 6. Putting it together: an untrained PPO agent plays one episode

        The course's `ActorCritic` holds two **separate** networks: an actor (logits for the 4
        actions) and a critic (an estimate of $V(s)$), each a small MLP with two hidden layers of
        64 units, sharing no weights. Sharing a trunk saves computation, but then the value
        loss and the policy loss pull on the same weights and their balance ($c_1$, Lab 3) must
        be tuned; the PPO paper's MuJoCo experiments and CleanRL keep them separate, as we do.
        Below, the untrained agent samples its actions from the softmax
        of its logits; your functions give the log-probability of each action taken, the entropy
        of each decision and the episode's return. The critic's first guess of $V(s_0)$ is
        meaningless for now: training it is part of Lab 4.
        """),
        code("""
        env = gym.make("LunarLander-v3")
        obs, _ = env.reset(seed=3)
        torch.manual_seed(3)
        rewards, log_probs, entropies = [], [], []
        with torch.no_grad():
            v0 = policy.get_value(torch.as_tensor(obs)[None]).item()
            done = False
            while not done:
                logits = policy.actor(torch.as_tensor(obs)[None])                # (1, 4)
                action = torch.distributions.Categorical(logits=logits).sample()  # (1,)
                log_probs.append(categorical_log_prob(logits, action).item())
                entropies.append(categorical_entropy(logits).item())
                obs, reward, terminated, truncated, _ = env.step(int(action))
                rewards.append(reward)
                done = terminated or truncated
        g0 = discounted_return(np.array(rewards), 0.99)
        print(f"{len(rewards)} steps | return G_0 = {g0:.1f} | critic's V(s0) = {v0:.3f}")
        print(f"mean log-prob of the actions taken: {np.mean(log_probs):.3f} "
              f"(ln 1/4 = {math.log(0.25):.3f})")
        print(f"mean entropy: {np.mean(entropies):.3f} (ceiling ln 4 = {math.log(4):.3f})")
        """),
    ]


def _section_reflection() -> list:
    """7. Reflection: the written questions."""
    return [
        md("""
        ## 7. Reflection

        Answer in a few sentences each, in your own words. These are graded by hand.
        """),
        *written(
            "discounting",
            2,
            """
        **Question 1 (2 points).** A LunarLander episode lasts a few hundred steps. With
        $\\gamma = 0.99$, how much is the +100 bonus for coming to rest at step 300 worth in the
        return $G_0$? What happens to it with $\\gamma = 0.9$, and why could that make landing
        hard to learn?
        """,
            """
        With gamma = 0.99 it counts 0.99^300 * 100, about 4.9, still visible next to the shaping
        rewards. With gamma = 0.9 the weight is 0.9^300, about 2e-14: the landing bonus
        disappears from G_0. The horizon 1/(1 - gamma) drops from about 100 steps to 10, so the
        agent only sees the next few shaping rewards and the fuel costs: nothing in its return
        tells it that finishing the landing pays.
        Too small a gamma makes the agent short-sighted; close to 1 it sees the whole episode,
        at the price of noisier returns.
        """,
        ),
        *written(
            "entropy",
            2,
            """
        **Question 2 (2 points).** A training log for LunarLander-v3 (four discrete actions)
        reports a policy entropy of 2.3 in the first update. What can you conclude? What would
        you expect instead at the start of training, and how should the entropy evolve?
        """,
            """
        The value is impossible for a policy over 4 actions: the entropy is at most ln 4 = 1.386
        (the uniform policy), even in bits it would be at most 2. So the logging is wrong: e.g. it
        sums entropies over a batch or over something else, uses another distribution, or mixes
        up units. At the start the policy is close to uniform (the last layer is initialised
        small), so the entropy should be just below 1.386. As the agent learns it becomes more
        confident and the entropy falls gradually (in the course's recorded healthy run, from
        1.38 to about 0.7 over 150 updates); a collapse to nearly 0 very early means it stopped
        exploring too soon.
        """,
        ),
    ]


def _section_summary() -> list:
    """Summary."""
    return [
        md("""
        ## Summary

        * The agent-environment loop: observe $s_t$, act $a_t \\sim \\pi(\\cdot \\mid s_t)$, receive
          $r_t$ and $s_{t+1}$, until the episode is *terminated* (the task ended) or *truncated*
          (a time limit).
        * The objective is the expected discounted return; `discounted_return` computes one
          sample of it and `returns_to_go` computes $G_t = r_t + \\gamma G_{t+1}$ for every step.
        * $V$, $Q$ and the advantage $A = Q - V$ say how good states and actions are; estimating
          $A$ from single episodes is very noisy.
        * A stochastic policy over discrete actions is a softmax of logits. Compute its
          log-probabilities and entropy with `log_softmax`, never `log(softmax(...))`.
        * The entropy of a policy over 4 actions lies between 0 and $\\ln 4 = 1.386$.

        **Next:** Lab 2 turns returns and a critic into low-variance advantage estimates with GAE.
        """),
    ]
