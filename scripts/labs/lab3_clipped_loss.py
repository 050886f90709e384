"""Lab 3: why PPO, the probability ratio, the clipped objective and the full PPO loss."""

from labkit import code, colab_install, md, save_yours, setup, solution, test, written

SETUP = """
# Setup. autograder.checks comes first: the test cells compare your functions with it.
import autograder.checks  # noqa: F401

import dataclasses
import os

import matplotlib.pyplot as plt
import numpy as np
import torch

import ppo_core

# Under nbgrader (autograding) long cells shrink so the notebook grades in under a minute.
FAST = bool(os.environ.get("NBGRADER_EXECUTION"))
torch.set_num_threads(1)
"""


def cells() -> list:
    """The lab's cells, section by section."""
    return [
        *_section_objectives(),
        *_section_why_ppo(),
        *_section_probability_ratio(),
        *_section_clipped_objective(),
        *_section_clipped_objective_checks(),
        *_section_value_loss(),
        *_section_ppo_loss(),
        *save_yours("lab3_clipped_loss"),
        *_section_clipping_experiment(),
        *_section_clipping_experiment_run(),
        *_section_hyperparameters(),
        *_section_reflection(),
        *_section_summary(),
    ]


def _section_objectives() -> list:
    """Title, objectives, Colab install and setup."""
    return [
        md("""
        # Lab 3 — PPO's clipped objective

        Labs 1 and 2 produced log-probabilities and advantages. This lab turns them into the loss
        that PPO minimises (Schulman et al. 2017, [arXiv:1707.06347](https://arxiv.org/abs/1707.06347),
        Eq. 6, 7 and 9), and shows with a small experiment why the clip is there.

        **Objectives.** By the end of this lab you can
        1. explain why plain policy gradients become unstable when a batch is reused, and how
           TRPO and PPO limit the size of a policy update;
        2. compute the probability ratio (`probability_ratio`, Eq. 6) and the clipped surrogate
           loss (`clipped_surrogate_loss`, Eq. 7), and say for each sign of the advantage where its
           gradient is zero;
        3. assemble the full loss with the value term and the entropy bonus (`value_loss`,
           `ppo_loss`, Eq. 9);
        4. measure how unclipped large steps wreck a policy while clipped ones do not;
        5. name the paper's hyperparameters and what each controls.

        **Expected time:** 75 to 90 minutes.

        Replace each `raise NotImplementedError(...)` with your code, run the cell, then its
        tests. Hidden tests add random cases when grading. Written questions are graded by hand.
        """),
        colab_install(),
        setup(SETUP),
    ]


def _section_why_ppo() -> list:
    """1. Why PPO?"""
    return [
        md("""
        ## 1. Why PPO?

        **Vanilla policy gradient.** The gradient of the expected return can be estimated from
        sampled steps as $\\hat g = \\hat{\\mathbb{E}}_t[\\nabla_\\theta \\log \\pi_\\theta(a_t \\mid s_t)\\,\\hat A_t]$
        (PPO Eq. 1), the gradient of $L^{PG}(\\theta) = \\hat{\\mathbb{E}}_t[\\log \\pi_\\theta(a_t \\mid s_t)\\,\\hat A_t]$
        (Eq. 2). The estimate is only valid at the policy that collected the data. Take one small
        step and you must collect new data; take many steps on the same batch to save samples,
        and the paper reports "destructively large policy updates": the policy runs far from
        where its data says anything, exploits noise in $\\hat A_t$, and can collapse. Collecting
        experience is the expensive part of RL, so this matters.

        **TRPO** (Schulman et al. 2015) maximises a surrogate objective under a constraint on how
        far the policy may move, measured by the KL divergence (PPO Eq. 3-4):

        $$\\max_\\theta\\ \\hat{\\mathbb{E}}_t\\Big[\\frac{\\pi_\\theta(a_t \\mid s_t)}{\\pi_{\\theta_{old}}(a_t \\mid s_t)}\\hat A_t\\Big]
        \\quad\\text{subject to}\\quad \\hat{\\mathbb{E}}_t\\big[\\mathrm{KL}[\\pi_{\\theta_{old}}(\\cdot \\mid s_t),
        \\pi_\\theta(\\cdot \\mid s_t)]\\big] \\le \\delta .$$

        It works well but needs second-order machinery (conjugate gradient on the Fisher
        matrix, a line search), and it is awkward with architectures that share parameters
        between policy and value function.

        **PPO** keeps the idea, a trust region around the old policy, but enforces it with a
        first-order trick: it clips the ratio inside the objective so that moving the policy
        further than $\\epsilon$ earns nothing. Plain minibatch SGD (Adam) can then run several
        epochs over each batch. The lineage of the policy update is REINFORCE (Williams 1992) →
        natural policy gradient (Kakade 2001) → TRPO (Schulman et al. 2015) → PPO (2017). The
        critic comes from the actor-critic line, which is older than all of these (Barto,
        Sutton and Anderson 1983); its advantage estimator is GAE (Schulman et al. 2016, Lab 2),
        and A3C (Mnih
        et al. 2016, a year after TRPO) is a sibling of PPO that popularised parallel actors,
        not an ancestor. DDPG (2015) is *not* an ancestor either: it learns a deterministic policy
        off-policy from a Q-function,
        a different branch. PPO became a default in practice (OpenAI Five for Dota 2, robot
        locomotion, and the RL step of RLHF for language models), while some famous systems such
        as DeepMind's AlphaStar used other algorithms (an off-policy actor-critic with V-trace
        and imitation learning).
        """),
    ]


def _section_probability_ratio() -> list:
    """2. The probability ratio: exercise probability_ratio."""
    return [
        md("""
        ## 2. The probability ratio

        $$r_t(\\theta) = \\frac{\\pi_\\theta(a_t \\mid s_t)}{\\pi_{\\theta_{old}}(a_t \\mid s_t)}
        = \\exp\\big(\\log \\pi_\\theta(a_t \\mid s_t) - \\log \\pi_{\\theta_{old}}(a_t \\mid s_t)\\big)
        \\qquad \\text{(PPO Eq. 6)}$$

        | symbol | meaning | argument |
        |---|---|---|
        | $\\log \\pi_\\theta(a_t \\mid s_t)$ | log-prob of the stored action under the policy being optimised (has a gradient) | `new_log_probs` |
        | $\\log \\pi_{\\theta_{old}}(a_t \\mid s_t)$ | log-prob stored when the data was collected (a constant) | `old_log_probs` |
        | $r_t$ | 1 where the policy has not changed; > 1 if the action became more likely | returned |

        Compute it from log-probabilities: dividing two probabilities of $10^{-300}$ gives
        $0/0$. Gradients must flow through `new_log_probs`; `old_log_probs` never need one.

        **Exercise 1 (PPO Eq. 6).** Write `probability_ratio(new_log_probs, old_log_probs)`,
        shape `(B,)` in and out.
        """),
        solution("probability_ratio"),
        code("""
        # Try it: an unchanged policy, a more likely action and a less likely one.
        print(probability_ratio(torch.log(torch.tensor([0.25, 0.5, 0.1])),
                                torch.log(torch.tensor([0.25, 0.25, 0.2]))))
        """),
        test("probability_ratio", "value", 1, comment="ratios of simple batches"),
        test("probability_ratio", "stability", 1, comment="very unlikely actions"),
        test("probability_ratio", "gradient", 1, comment="the gradient reaches new_log_probs"),
        test(
            "probability_ratio",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=5150, n_cases=20",
            comment="random batches",
        ),
    ]


def _section_clipped_objective() -> list:
    """3. The clipped surrogate objective: exercise clipped_surrogate_loss."""
    return [
        md("""
        ## 3. The clipped surrogate objective

        $$L^{CLIP}(\\theta) = \\hat{\\mathbb{E}}_t\\Big[\\min\\big(r_t(\\theta)\\hat A_t,\\
        \\mathrm{clip}(r_t(\\theta), 1 - \\epsilon, 1 + \\epsilon)\\,\\hat A_t\\big)\\Big]
        \\qquad \\text{(PPO Eq. 7)}$$

        | symbol | meaning |
        |---|---|
        | $\\hat A_t$ | advantage estimate (GAE, Lab 2), usually normalised per minibatch |
        | $\\epsilon$ | clip range (`clip_eps`): 0.2 in the paper, usually 0.1 to 0.3 |
        | $\\mathrm{clip}(r, 1-\\epsilon, 1+\\epsilon)$ | $r$ limited to the interval $[1-\\epsilon, 1+\\epsilon]$ |
        | $\\hat{\\mathbb{E}}_t$ | the mean over the samples of the batch |

        The first term is the plain surrogate of TRPO; the second removes any incentive to push
        $r_t$ outside $[1-\\epsilon, 1+\\epsilon]$. Taking the **min** makes the result a
        *pessimistic* bound: a change is ignored when it would make the objective look better,
        but never when it makes it look worse. Case by case (with $\\epsilon = 0.2$):

        | advantage | ratio | the min picks | gradient w.r.t. $r$ | meaning |
        |---|---|---|---|---|
        | $\\hat A > 0$ | $r \\le 1.2$ | $r\\hat A$ | $\\hat A$ | make the good action more likely |
        | $\\hat A > 0$ | $r > 1.2$ | $1.2\\,\\hat A$ | **0** | already much more likely: stop |
        | $\\hat A > 0$ | $r < 0.8$ | $r\\hat A$ (smaller) | $\\hat A$ | a step made it *less* likely: still corrected |
        | $\\hat A < 0$ | $r \\ge 0.8$ | $r\\hat A$ | $\\hat A$ | make the bad action less likely |
        | $\\hat A < 0$ | $r < 0.8$ | $0.8\\,\\hat A$ | **0** | already much less likely: stop |
        | $\\hat A < 0$ | $r > 1.2$ | $r\\hat A$ (smaller) | $\\hat A$ | a step made it *more* likely: still corrected |

        PPO maximises $L^{CLIP}$; an optimiser minimises, so the function returns
        $-L^{CLIP}$, a scalar.

        **Exercise 2 (PPO Eq. 7).** Write `clipped_surrogate_loss(new_log_probs, old_log_probs,
        advantages, clip_eps)`. You may call your `probability_ratio`.
        """),
        solution("clipped_surrogate_loss"),
        code("""
        # Try it: the objective per sample as a function of the ratio (the paper's Figure 1).
        ratios = torch.linspace(0.5, 1.5, 201)
        old = torch.zeros_like(ratios)
        fig, axes = plt.subplots(1, 2, figsize=(9, 3), sharex=True)
        for ax, a in zip(axes, (1.0, -1.0)):
            # the loss of a batch of one sample is -L^CLIP for that sample
            per_sample = [
                -clipped_surrogate_loss(torch.log(r)[None], old[:1], torch.tensor([a]), 0.2).item()
                for r in ratios]
            ax.plot(ratios, per_sample, label="$L^{CLIP}$")
            ax.plot(ratios, ratios * a, "--", color="0.6", label="$r \\\\hat A$ (unclipped)")
            ax.axvspan(0.8, 1.2, color="tab:green", alpha=0.1)
            ax.set_title(f"A = {a:+.0f}"); ax.set_xlabel("ratio r"); ax.legend()
        plt.tight_layout(); plt.show()
        """),
    ]


def _section_clipped_objective_checks() -> list:
    """3. The clipped objective's cases plotted, and its tests."""
    return [
        code("""
        # Optional: an interactive version with a real LunarLander batch (needs ipywidgets),
        # drawn with your clipped_surrogate_loss: the shading shows where your loss gives no
        # gradient, the dotted lines 1 - eps and 1 + eps. Skipped while grading: nothing to
        # look at, and widget cells can stall headless runs.
        if not FAST:
            try:
                from ppo_viz.widgets import clip_objective_demo
                display(clip_objective_demo(loss_fn=clipped_surrogate_loss))
            except Exception as err:  # the lab does not depend on the widget
                print("widget demo unavailable here:", err)
        """),
        test(
            "clipped_surrogate_loss",
            "value",
            2,
            comment="loss values on a batch that covers every case of Eq. 7",
        ),
        test(
            "clipped_surrogate_loss",
            "gradient_inside",
            1,
            comment="gradient inside the clip range, both signs of A",
        ),
        test(
            "clipped_surrogate_loss",
            "gradient_positive_advantage",
            2,
            comment="gradient outside the clip range, A > 0",
        ),
        test(
            "clipped_surrogate_loss",
            "gradient_negative_advantage",
            2,
            comment="gradient outside the clip range, A < 0",
        ),
        test(
            "clipped_surrogate_loss",
            "random",
            2,
            args="seed=0, n_cases=3",
            hidden="seed=1707, n_cases=40",
            comment="random batches: values and gradients",
        ),
    ]


def _section_value_loss() -> list:
    """4. The value loss: exercise value_loss."""
    return [
        md("""
        ## 4. The value loss and the full objective

        The critic $V_\\phi(s)$ is trained by regression towards the targets $V_t^{targ}$ from
        GAE (advantages + values, Lab 2):

        $$L^{VF} = \\hat{\\mathbb{E}}_t\\big[(V_\\phi(s_t) - V_t^{targ})^2\\big] .$$

        The paper combines the three terms into one objective (Eq. 9):

        $$L^{CLIP+VF+S}(\\theta) = \\hat{\\mathbb{E}}_t\\big[L^{CLIP}_t(\\theta) - c_1 L^{VF}_t(\\theta)
        + c_2\\, S[\\pi_\\theta](s_t)\\big]
        \\qquad \\text{(PPO Eq. 9)}$$

        | symbol | meaning | argument |
        |---|---|---|
        | $V_\\phi(s_t)$ | critic prediction (has a gradient) | `values` |
        | $V_t^{targ}$ | the target, a constant | `returns` |
        | $c_1$ | weight of the value loss, 0.5 to 1 | `vf_coef` |
        | $c_2$ | weight of the entropy bonus, 0 to 0.01 | `ent_coef` |
        | $S[\\pi_\\theta](s_t)$ | entropy per sample (Lab 1) | `entropy` |

        As a loss to minimise, signs flip: `policy_loss + vf_coef * value_loss - ent_coef *
        entropy.mean()`. Subtracting the entropy *rewards* randomness; adding the value loss
        pulls the critic to its targets.

        **Exercise 3 ($L^{VF}$ in Eq. 9).** Write `value_loss(values, returns)`: the mean squared
        error, a scalar tensor.
        """),
        solution("value_loss"),
        test("value_loss", "value", 1, comment="mean squared error values"),
        test("value_loss", "gradient", 1, comment="the gradient pulls V towards its targets"),
        test(
            "value_loss",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=99, n_cases=20",
            comment="random batches",
        ),
    ]


def _section_ppo_loss() -> list:
    """4. The full objective: exercise ppo_loss."""
    return [
        md("""
        **Exercise 4 (PPO Eq. 9).** Write `ppo_loss(...)`, the full loss to minimise, using your
        `clipped_surrogate_loss` and `value_loss`.
        """),
        solution("ppo_loss"),
        test("ppo_loss", "value", 1, comment="the full loss with the paper's coefficients"),
        test("ppo_loss", "terms", 2, comment="each term with the right sign and weight"),
        test("ppo_loss", "gradient", 1, comment="gradients reach policy, critic and entropy"),
        test(
            "ppo_loss",
            "random",
            1,
            args="seed=0, n_cases=3",
            hidden="seed=2017, n_cases=20",
            comment="random batches and coefficients",
        ),
    ]


def _section_clipping_experiment() -> list:
    """5. Experiment: many large steps on one batch, with and without clipping."""
    return [
        md("""
        ## 5. Experiment: many large steps on one batch, with and without the clip

        A small problem where the truth is known exactly: 16 situations (states), 4 actions,
        and an expected reward for every pair. An old policy that is already decent collects
        one batch of 128 decisions; each reward it sees carries heavy noise (standard deviation
        3), and its advantage is the reward minus the old policy's exact value of the state.
        Then we reuse that batch for 100 Adam steps with a large learning rate (0.1), once with
        the unclipped surrogate $-\\hat{\\mathbb{E}}[r_t \\hat A_t]$ and once with your clipped loss
        ($\\epsilon = 0.2$), and after each step we compute the new policy's **true** expected
        reward. Averaged over independent problems (different seeds).
        """),
    ]


# The experiment cell's source, in two parts so that each reads on one screen: the toy problem
# (one batch of a 16-state bandit, reused for many gradient steps) and the comparison.
_REUSE_ONE_BATCH = """
def reuse_one_batch(seed, loss_fn, steps=100, lr=0.1, n_states=16, n_actions=4, n=128):
    \"\"\"True expected reward of the policy after each of `steps` updates on one batch.\"\"\"
    g = torch.Generator().manual_seed(seed)
    true_reward = torch.randn(n_states, n_actions, generator=g)          # E[r | s, a]
    old_logits = true_reward + 0.5 * torch.randn(n_states, n_actions, generator=g)
    old_pi = torch.softmax(old_logits, -1)
    states = torch.randint(0, n_states, (n,), generator=g)
    actions = torch.multinomial(old_pi[states], 1, generator=g).squeeze(-1)
    rewards = true_reward[states, actions] + 3.0 * torch.randn(n, generator=g)
    advantages = rewards - (old_pi * true_reward).sum(-1)[states]         # r - V_old(s)
    old_log_probs = (torch.log_softmax(old_logits[states], -1)
                     .gather(1, actions[:, None]).squeeze(1))
    logits = old_logits.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([logits], lr=lr)
    curve = []
    for _ in range(steps + 1):
        with torch.no_grad():
            pi = torch.softmax(logits, -1)
            curve.append(float((pi * true_reward).sum(-1).mean()))       # exact J(pi)
        new_log_probs = (torch.log_softmax(logits[states], -1)
                         .gather(1, actions[:, None]).squeeze(1))
        loss = loss_fn(new_log_probs, old_log_probs, advantages)
        optimizer.zero_grad(); loss.backward(); optimizer.step()
    with torch.no_grad():
        kl = float((old_pi * (old_pi.log() - torch.log_softmax(logits, -1))).sum(-1).mean())
    return np.array(curve), kl
"""

_CLIPPING_COMPARISON = """
def unclipped(new, old, adv):
    return -(probability_ratio(new, old) * adv).mean()

def clipped(new, old, adv):
    return clipped_surrogate_loss(new, old, adv, 0.2)

seeds = range(6 if FAST else 30)
steps = 40 if FAST else 100
results = {}
for name, fn in (("unclipped", unclipped), ("clipped (eps=0.2)", clipped)):
    runs = [reuse_one_batch(s, fn, steps=steps) for s in seeds]
    curves = np.stack([c for c, _ in runs])
    results[name] = curves
    worse = int((curves[:, -1] < curves[:, 0]).sum())
    print(f"{name:18}: J before {curves[:, 0].mean():.3f} "
          f"| best {curves.mean(0).max():.3f} "
          f"| after {steps} steps {curves[:, -1].mean():.3f} "
          f"| worse than before in {worse}/{len(curves)} "
          f"| KL(old||new) {np.mean([k for _, k in runs]):.2f}")

start = results["unclipped"][:, 0].mean()
clipped_curve = results["clipped (eps=0.2)"].mean(0)
unclipped_curve = results["unclipped"].mean(0)
print(f"Average change of J from the old policy: best "
      f"{clipped_curve.max() - start:+.3f} (clipped, step {clipped_curve.argmax()}) and "
      f"{unclipped_curve.max() - start:+.3f} (unclipped, step {unclipped_curve.argmax()}); "
      f"after {steps} steps {clipped_curve[-1] - start:+.3f} (clipped) "
      f"and {unclipped_curve[-1] - start:+.3f} (unclipped).")

plt.figure(figsize=(6, 3))
for name, curves in results.items():
    plt.plot(curves.mean(0), label=name)
plt.axhline(results["unclipped"][:, 0].mean(), color="0.6", ls=":", label="old policy")
plt.xlabel("gradient steps on the same batch"); plt.ylabel("true expected reward")
plt.legend(); plt.show()
"""


def _section_clipping_experiment_run() -> list:
    """5. The experiment itself: reuse one batch with and without the clip, plot J."""
    return [code(_REUSE_ONE_BATCH + _CLIPPING_COMPARISON)]


def _section_hyperparameters() -> list:
    """6. The paper's hyperparameters."""
    return [
        md("""
        Both objectives improve the policy during the first steps, when the ratios are still
        close to 1 and the surrogate is a good local model. The unclipped surrogate keeps
        climbing on the batch (its maximum makes the actions with the luckiest noisy
        rewards certain), the policy drifts far from the data (large KL), overfits the
        noise and ends *worse than the policy it started from*. With the clip, every sample stops
        contributing once its ratio leaves $[0.8, 1.2]$ in the helpful direction, so the policy
        stays close to where the data is informative: it moves far less (KL), and after all the
        steps it is back near the policy it started from (the last line above), far above the
        unclipped run. The clip limits the damage of reusing a batch; it does not make endless
        reuse pay: on this noisy batch the gain came in the first steps. That is why PPO runs a
        few epochs of minibatch updates per batch (3 to 10; Lab 4) and can stop early on the
        KL. The clip is not a
        hard guarantee (it caps the incentive, not the step), which is why Lab 5 monitors the
        KL and the clip fraction.

        ## 6. The paper's hyperparameters

        | hyperparameter | PPO paper (MuJoCo, Table 3) | PPO paper (Atari, Table 5) | what it controls |
        |---|---|---|---|
        | horizon $T$ (steps per env per rollout) | 2048 | 128 | how much fresh data each update sees |
        | number of actors $N$ | 1 | 8 | parallel environments; batch = $N T$ |
        | Adam step size | $3 \\times 10^{-4}$ | $2.5 \\times 10^{-4} \\times \\alpha$ | size of each gradient step |
        | epochs $K$ | 10 | 3 | how often each batch is reused |
        | minibatch size $M$ | 64 | $32 \\times 8$ | samples per gradient step |
        | discount $\\gamma$ | 0.99 | 0.99 | horizon of the return |
        | GAE $\\lambda$ | 0.95 | 0.95 | bias / variance of the advantages (Lab 2) |
        | clip $\\epsilon$ | 0.2 | $0.1 \\times \\alpha$ | size of the trust region |
        | $c_1$ (value loss) | — (separate networks) | 1 | weight of the critic's loss |
        | $c_2$ (entropy) | 0 | 0.01 | push towards exploration |

        ($\\alpha$ is annealed linearly from 1 to 0 over training in the Atari runs.) Table 1 of the
        paper compares clip ranges on MuJoCo: $\\epsilon = 0.2$ scored best, better than no clipping
        or clipping with 0.1 or 0.3, and than the KL-penalty variants. These are good starting
        points, not universal constants. The cell below prints the configuration this course
        uses for LunarLander (tuned to land within a few minutes on a laptop CPU); Lab 4 trains
        with it.
        """),
        code("""
        config = ppo_core.PPOConfig()
        for field in dataclasses.fields(config):
            print(f"{field.name:18} = {getattr(config, field.name)}")
        """),
    ]


def _section_reflection() -> list:
    """7. Reflection: the written questions."""
    return [
        md("""
        ## 7. Reflection
        """),
        *written(
            "clip_cases",
            3,
            """
        **Question 1 (3 points).** With $\\epsilon = 0.2$, a sample has advantage $\\hat A = -1$ and,
        after a few gradient steps, ratio $r = 1.5$. Compute both terms inside the min of Eq. 7.
        Which one does the min pick, and is the gradient with respect to $r$ zero? Why is that
        the right behaviour? Contrast with $\\hat A = +1$, $r = 1.5$.
        """,
            """
        For A = -1, r = 1.5: r*A = -1.5 and clip(r, 0.8, 1.2)*A = 1.2 * -1 = -1.2. The min is -1.5,
        the unclipped term, so the gradient is A = -1 (non-zero): the loss keeps pushing r down.
        That is right: the update made a bad action *more* likely, which the objective must
        undo; the pessimistic min never ignores a change that made things worse. For A = +1,
        r = 1.5: r*A = 1.5 and the clipped term is 1.2; the min picks 1.2, a constant, so the
        gradient is zero: the good action is already 50% more likely than under the data's
        policy, and pushing further would trust the batch beyond the trust region.
        """,
        ),
        *written(
            "epochs",
            2,
            """
        **Question 2 (2 points).** Using the experiment of section 5, explain why PPO can reuse
        each batch for several epochs while vanilla policy gradient should take one step per
        batch. Which hyperparameters would you lower first if updates still move the policy too
        far, and why?
        """,
            """
        The surrogate (and the policy gradient) is only accurate near the policy that collected
        the data. Unclipped, every extra step on the same batch keeps increasing the batch
        objective by moving further away, fitting the noise of that batch: in the experiment the
        true reward first rises, then falls below the starting policy. The clip removes the
        incentive to move a sample's ratio beyond [1 - eps, 1 + eps] in the helpful direction, so
        extra epochs do little harm (in the experiment the clipped policy ends near where it
        started, far above the unclipped one); that is what makes several epochs (3 to 10) safe,
        while the gain itself comes from the first steps. If updates still move too far (large KL,
        high clip fraction): lower the learning rate, the number of epochs K or eps, or set an
        early stop on the KL (`target_kl`): each shortens how far one batch pushes the policy.
        """,
        ),
    ]


def _section_summary() -> list:
    """Summary."""
    return [
        md("""
        ## Summary

        * Reusing a batch for many plain policy-gradient steps moves the policy far from its data
          and can wreck it; TRPO bounds the move with a KL constraint, PPO with a clip.
        * $r_t = \\exp(\\log\\pi_\\theta - \\log\\pi_{old})$ (Eq. 6);
          $L^{CLIP} = \\hat{\\mathbb{E}}[\\min(r\\hat A, \\mathrm{clip}(r, 1-\\epsilon, 1+\\epsilon)\\hat A)]$ (Eq. 7):
          zero gradient past $1+\\epsilon$ for good actions and below $1-\\epsilon$ for bad ones; full
          gradient whenever a step went the wrong way.
        * The loss to minimise is $-L^{CLIP} + c_1 L^{VF} - c_2 S$ (Eq. 9, signs flipped).
        * The paper's settings ($\\epsilon = 0.2$, $\\gamma = 0.99$, $\\lambda = 0.95$, 3 to 10 epochs,
          Adam around $3 \\times 10^{-4}$) are starting points.

        **Next:** Lab 4 puts your functions into the update loop and trains a lander.
        """),
    ]
