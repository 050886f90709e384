"""Lab 5: what to watch while PPO trains, and diagnosing broken runs from their curves.

Built into ``solutions/lab5_diagnostics/lab5_diagnostics.ipynb`` by ``scripts/sync_labs.py``.
Covers Parts 6 and 7 and the "Next steps" of the workshop this course grew out of, with its
mistakes fixed: entropy with four actions is at most ln 4 = 1.386 (the workshop expected "2.0+");
DDPG is not an ancestor of PPO; AlphaStar and Google's datacenter cooling did not use PPO.

The diagnosis exercise uses the real runs recorded by ``scripts/record_diagnosis_runs.py`` under
``ppo_core/assets/runs/``, shown anonymised by ``ppo_core.recorded_runs.load_diagnosis_runs()``;
the answer key is ``autograder.checks.lab5_diagnostics.diagnosis_key()``.
"""

import functools
import re

import nbformat
import numpy as np
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

from autograder.checks.lab5_diagnostics import diagnosis_key
from ppo_core.recorded_runs import (
    FAULTS,
    diagnosis_manifest,
    load_run,
    mean_advantage_positive_share,
)
from ppo_viz.plots import ENTROPY_FLOOR, HEALTHY

# --- Numbers in the prose, formatted from the shipped runs (ppo_core/assets/runs/) ------------
# Re-recording the runs changes the generated notebooks, and `sync_labs.py --check` fails until
# they are regenerated: the prose cannot go on quoting the old runs.


def _exp(x: float) -> str:
    """1e-3 rather than 0.001 or 1e-03, as the lab writes learning rates."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _values(fault: str, key: str, skip: int = 0, absolute: bool = False) -> np.ndarray:
    """``key`` over the recorded run ``fault`` without its first ``1/skip`` (10: after the first
    tenth, as the signatures; 2: the second half; 0: the whole run), NaNs dropped."""
    history = load_run(fault)
    rows = history[len(history) // skip :] if skip else history
    values = np.array([row.get(key, np.nan) for row in rows], dtype=np.float64)
    values = values[np.isfinite(values)]
    return np.abs(values) if absolute else values


def _setup_values() -> dict[str, str]:
    """The recorded runs' configuration, the seed study and the dashboard's bands."""
    manifest = diagnosis_manifest()
    base = manifest["baseline"]
    config = {run["name"]: run["config"] for run in manifest["runs"]}
    updates = {run["name"]: run["updates"] for run in manifest["runs"]}
    seeds = [entry["seed"] for entry in manifest["seed_study"]]
    study = [entry["final_mean_return_100"] for entry in manifest["seed_study"]]
    landed = sum(entry["lands"] for entry in manifest["seed_study"])
    consecutive = seeds == list(range(min(seeds), max(seeds) + 1))
    return {
        "RUN_STEPS": f"{base['total_timesteps']:,}",
        "RUN_UPDATES": str(updates["healthy"]),
        "STUDY_SEEDS": f"{min(seeds)} to {max(seeds)}"
        if consecutive
        else ", ".join(map(str, seeds)),
        "STUDY_LANDS": "every one of them lands"
        if landed == len(seeds)
        else f"{landed} of {len(seeds)} land",
        "STUDY_LOW": f"{min(study):.0f}",
        "STUDY_HIGH": f"{max(study):.0f}",
        "LR_FACTOR": f"{config['lr_too_high']['learning_rate'] / base['learning_rate']:.0f}",
        "LR_FAULT": _exp(config["lr_too_high"]["learning_rate"]),
        "LR_BASE": _exp(base["learning_rate"]),
        "ENT_FACTOR": f"{config['ent_coef_too_high']['ent_coef'] / base['ent_coef']:.0f}",
        "ENT_FAULT": f"{config['ent_coef_too_high']['ent_coef']:g}",
        "ENT_BASE": f"{base['ent_coef']:g}",
        "REWARD_SCALE": f"{base['reward_scale']:g}",
        "KL_LOW": f"{HEALTHY['losses/approx_kl'][0]:g}",
        "KL_HIGH": f"{HEALTHY['losses/approx_kl'][1]:g}",
        "CF_LOW": f"{HEALTHY['losses/clipfrac'][0]:g}",
        "CF_HIGH": f"{HEALTHY['losses/clipfrac'][1]:g}",
        "EV_LOW": f"{HEALTHY['losses/explained_variance'][0]:g}",
        "ENT_FLOOR": f"{ENTROPY_FLOOR:g}",
    }


def _answer_values() -> dict[str, str]:
    """What the model answers quote from the recorded histories."""
    final = {fault: _values(fault, "charts/mean_return_100")[-1] for fault in FAULTS}
    lr_entropy = _values("lr_too_high", "losses/entropy")
    lr_kl = _values("lr_too_high", "losses/approx_kl")
    share = {fault: mean_advantage_positive_share(load_run(fault)) for fault in FAULTS}
    policy_loss = _values("no_adv_norm", "losses/policy_loss", absolute=True)
    critic_ev = _values("critic_not_trained", "losses/explained_variance", 10)
    return {
        **{f"RETURN_{fault.upper()}": f"{final[fault]:.0f}" for fault in FAULTS},
        **{f"SHARE_{fault.upper()}": f"{share[fault]:.0%}" for fault in FAULTS},
        "LR_KL_MAX": f"{lr_kl.max():.1f}",
        "LR_KL_SPIKE_UPDATE": str(int(np.argmax(lr_kl > 0.3)) + 1),
        "LR_KL_MED": f"{np.median(_values('lr_too_high', 'losses/approx_kl', 10)):.3f}",
        "LR_CF_MED": f"{np.median(_values('lr_too_high', 'losses/clipfrac', 10)):.3f}",
        "LR_CF_MAX": f"{_values('lr_too_high', 'losses/clipfrac').max():.2f}",
        "HEALTHY_KL_MAX": f"{_values('healthy', 'losses/approx_kl').max():.3f}",
        "LR_COLLAPSE_UPDATE": str(int(np.argmax(lr_entropy < ENTROPY_FLOOR)) + 1),
        "LR_ENTROPY_2H": f"{np.median(_values('lr_too_high', 'losses/entropy', 2)):.2f}",
        "ENT_ENTROPY_2H": f"{np.median(_values('ent_coef_too_high', 'losses/entropy', 2)):.3f}",
        "HEALTHY_ENTROPY_2H": f"{np.median(_values('healthy', 'losses/entropy', 2)):.3f}",
        "ENT_KL_MED": f"{np.median(_values('ent_coef_too_high', 'losses/approx_kl', 10)):.4f}",
        "ENT_CF_MED": f"{np.median(_values('ent_coef_too_high', 'losses/clipfrac', 10)):.3f}",
        "NAN_PL_MED": f"{np.median(policy_loss):.3f}",
        "NAN_PL_LOW": f"{np.percentile(policy_loss, 10):.2f}",
        "NAN_PL_HIGH": f"{np.percentile(policy_loss, 90):.2f}",
        "HEALTHY_PL_MED": f"{np.median(_values('healthy', 'losses/policy_loss', absolute=True)):.3f}",
        "LEAK_EV_2H": f"{np.median(_values('gae_leak', 'losses/explained_variance', 2)):.2f}",
        "CRITIC_EV_MED": f"{np.median(np.abs(critic_ev)):.2f}",
        "CRITIC_EV_MAX": f"{critic_ev.max():.2f}",
        "ENT_EV_2H": f"{np.median(_values('ent_coef_too_high', 'losses/explained_variance', 2)):.2f}",
    }


@functools.cache
def _prose_values() -> dict[str, str]:
    """Every ``{NAME}`` the prose may use (read once per build)."""
    return {**_setup_values(), **_answer_values()}


def _fill(text: str) -> str:
    """Put the recorded runs' numbers into ``text`` at each ``{NAME}``; a name left unfilled is
    an error, so a typo cannot reach the notebook."""
    for key, value in _prose_values().items():
        text = text.replace("{" + key + "}", value)
    left = re.findall(r"\{[A-Z][A-Z0-9_]+\}", text)
    if left:
        raise ValueError(
            f"no value for {left} in the lab 5 prose: add it to _setup_values or _answer_values"
        )
    return text


def _graded_code(grade_id: str, source: str, points: int) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = {
        "nbgrader": {
            "grade": True,
            "solution": False,
            "locked": True,
            "task": False,
            "points": points,
            "grade_id": grade_id,
            "schema_version": 3,
        }
    }
    return cell


def _answer_cell() -> nbformat.NotebookNode:
    key = diagnosis_key()
    template = ",\n".join(f'    "{label}": None' for label in sorted(key))
    answer = ",\n".join(f'    "{label}": "{key[label]}"' for label in sorted(key))
    cell = nbformat.v4.new_code_cell(
        "# Name the fault of each run (one of the strings in FAULTS), then delete the\n"
        "# `raise NotImplementedError` line below.\n"
        f"diagnosis = {{\n{template},\n}}\n"
        "### BEGIN SOLUTION\n"
        f"diagnosis = {{\n{answer},\n}}\n"
        "### END SOLUTION"
    )
    cell.metadata = {
        "nbgrader": {
            "grade": False,
            "solution": True,
            "locked": False,
            "task": False,
            "grade_id": "diagnosis",
            "schema_version": 3,
        }
    }
    return cell


def _diagnosis_tests() -> list:
    cells = [
        _graded_code(
            "test_diagnosis_format",
            (
                "# Every run has an answer from FAULTS (1 point)\n"
                "from autograder.checks.lab5_diagnostics import check_diagnosis_format\n\n"
                "check_diagnosis_format(diagnosis)"
            ),
            1,
        )
    ]
    for label in sorted(diagnosis_key()):
        cells.append(
            _graded_code(
                f"test_diagnosis_{label}",
                (
                    f"# The fault of {label} (2 points; checked by the autograder)\n"
                    "from autograder.checks.lab5_diagnostics import check_diagnosis_format, "
                    "check_diagnosis_run\n\n"
                    "check_diagnosis_format(diagnosis)\n"
                    "### BEGIN HIDDEN TESTS\n"
                    f'check_diagnosis_run(diagnosis, "{label}")\n'
                    "### END HIDDEN TESTS"
                ),
                2,
            )
        )
    return cells


def cells() -> list:
    """The lab's cells, section by section."""
    return [
        *_section_objectives(),
        *_section_approx_kl(),
        *_section_clip_fraction(),
        *_section_explained_variance(),
        *save_yours("lab5_diagnostics"),
        *earlier_functions("lab1_rl_basics", "lab2_gae", "lab3_clipped_loss", "lab4_training"),
        *_section_watch_one_update(),
        *_section_healthy_ranges(),
        *_section_dashboard(),
        *_section_reference_run(),
        *_section_diagnose_runs(),
        *_section_diagnosis_question(),
        *_section_checklist(),
        *_section_takeaways(),
        *_section_next_steps(),
        *_section_summary(),
    ]


def _section_objectives() -> list:
    """Title, objectives, Colab install and setup."""
    return [
        md(r"""
        # Lab 5 — Diagnostics: reading a PPO run

        A PPO run that fails rarely crashes: it just does not learn, or learns and then forgets.
        The reward curve tells you *that* something is wrong; the other numbers of each update
        tell you *what*. In this lab you write three of those numbers yourself, learn what healthy
        values look like, and then diagnose six real LunarLander runs, five of them sabotaged.

        **Objectives.** By the end of this lab you can
        1. compute the approximate KL divergence between the old and new policy, the clip
           fraction and the critic's explained variance;
        2. name the healthy range of each diagnostic — ratio, clip fraction, approx KL, entropy
           (at most $\ln|A|$), advantages, explained variance, value loss;
        3. tell from its curves which fault broke a run, and what to change;
        4. know where to go next: continuous actions, wind, other environments.

        **Expected time:** 60–75 minutes.

        **Papers.** PPO: Schulman et al. 2017, [arXiv:1707.06347](https://arxiv.org/abs/1707.06347)
        (Eq. 6–9); GAE: [arXiv:1506.02438](https://arxiv.org/abs/1506.02438); the KL estimator:
        J. Schulman, ["Approximating KL Divergence"](http://joschu.net/blog/kl-approx.html) (2020).
        """),
        colab_install(),
        setup("""
        # Setup. The checks module is imported first, before any of your code runs.
        import autograder.checks  # noqa: F401  (the tests below use it)

        import copy
        import math
        import os

        import matplotlib.pyplot as plt
        import numpy as np
        import torch

        import ppo_core
        from ppo_core import (PPOConfig, collect_rollout, compute_gae, make_vec_env, ppo_update,
                              recorded_runs, train)
        from ppo_core.rollout import EpisodeTracker, RolloutBuffer

        FAST = bool(os.environ.get("NBGRADER_EXECUTION"))  # autograder: short runs only
        LN4 = math.log(4)  # the largest possible entropy with LunarLander's four actions
        torch.manual_seed(0)
        torch.set_num_threads(1)  # networks this small run fastest on one thread
        """),
    ]


def _section_approx_kl() -> list:
    """1. Step 1: exercise approx_kl."""
    return [
        md(r"""
        ## 1. Three numbers that say what an update did

        After each update we compare the new policy $\pi_\theta$ with the one that collected the
        data, $\pi_{\theta_\text{old}}$, on the rollout's own samples. Everything starts from the
        probability ratio of Lab 3 (Eq. 6):

        $$r_t(\theta) = \frac{\pi_\theta(a_t \mid s_t)}{\pi_{\theta_\text{old}}(a_t \mid s_t)}
        = \exp\big(\log\pi_\theta(a_t \mid s_t) - \log\pi_{\theta_\text{old}}(a_t \mid s_t)\big)$$

        ### Step 1 — Approximate KL divergence

        **Idea.** How far did the policy move? The KL divergence
        $\mathrm{KL}[\pi_{\theta_\text{old}} \,\|\, \pi_\theta]$ is what TRPO constrains and what
        PPO's adaptive-penalty variant (Eq. 8) penalises. We only have samples drawn from
        $\pi_{\theta_\text{old}}$, so we estimate it. The obvious estimator, the mean of
        $-\log r$, is unbiased but noisy and can come out *negative* on a finite batch, which a
        divergence never is. Adding $r - 1$ (whose expectation under $\pi_{\theta_\text{old}}$ is
        0) keeps it unbiased and makes every term non-negative, since $\log x \le x - 1$:

        $$\widehat{\mathrm{KL}} = \frac1B \sum_{i=1}^{B} \big[(r_i - 1) - \log r_i\big]$$

        | symbol | meaning |
        |---|---|
        | $B$ | number of samples (the batch or minibatch) |
        | $r_i$ | ratio of sample $i$; $\log r_i$ = `new_log_probs[i] - old_log_probs[i]` |

        **Exercise.** Write `approx_kl`; return a Python `float` (no gradient is needed:
        `torch.no_grad()` or `.detach()`).
        """),
        solution("approx_kl"),
        code("""
        # Try it: no change gives 0; a change of 0.1 nats in every log-probability gives ~0.005.
        old = torch.tensor([-1.2, -0.3, -2.0, -0.7])
        print(approx_kl(old, old), approx_kl(old + 0.1, old), approx_kl(old - 0.1, old))
        """),
        test("approx_kl", "value", 1, comment="mean((r - 1) - log r) in float64 and float32"),
        test(
            "approx_kl", "zero_and_nonnegative", 1, comment="0 when nothing moved, never negative"
        ),
        test(
            "approx_kl",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=5151, n_cases=30",
            comment="random batches",
        ),
    ]


def _section_clip_fraction() -> list:
    """1. Step 2: exercise clip_fraction."""
    return [
        md(r"""
        ### Step 2 — Clip fraction

        **Idea.** Eq. 7 clips the ratio to $[1-\epsilon, 1+\epsilon]$. The clip fraction is the
        share of samples whose ratio has left that range — the samples where the clip *may* be
        active (whether it is depends on the sign of the advantage, Lab 3). It tells you how hard
        the update leaned against the clip.

        $$\text{clipfrac} = \frac1B \sum_{i=1}^{B} \mathbb 1\big[\,|r_i - 1| > \epsilon\,\big]$$

        | symbol | meaning |
        |---|---|
        | $\epsilon$ | `clip_eps`, the clip range (`clip_coef` in the config, 0.2 by default) |
        | $\mathbb 1[\cdot]$ | 1 if the condition holds, else 0 |

        **Exercise.** Write `clip_fraction`; return a Python `float` in $[0, 1]$.
        """),
        solution("clip_fraction"),
        code("""
        # Try it: ratios 1.0, 1.1, 1.3 and 0.7 with eps = 0.2 -> two of four are outside.
        old = torch.zeros(4)
        print(clip_fraction(torch.log(torch.tensor([1.0, 1.1, 1.3, 0.7])), old, 0.2))
        """),
        test("clip_fraction", "value", 1, comment="ratios on both sides of the clip range"),
        test("clip_fraction", "eps", 1, comment="the range comes from clip_eps"),
        test(
            "clip_fraction",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=6262, n_cases=30",
            comment="random ratios",
        ),
    ]


def _section_explained_variance() -> list:
    """1. Step 3: exercise explained_variance."""
    return [
        md(r"""
        ### Step 3 — Explained variance

        **Idea.** Is the critic any good? GAE (Lab 2) subtracts $V(s_t)$ from the returns; a
        critic that predicts nothing leaves all the return's variance in the advantages. The
        explained variance compares the variance of the critic's errors with the variance of the
        targets:

        $$\mathrm{EV} = 1 - \frac{\mathrm{Var}[R - V]}{\mathrm{Var}[R]}$$

        | symbol | meaning |
        |---|---|
        | $R$ | the return targets (`returns` of GAE) |
        | $V$ | the critic's predictions for the same states (`values` stored in the rollout) |
        | EV = 1 | perfect predictions; EV = 0: no better than predicting the mean; EV < 0: worse |

        **Exercise.** Write `explained_variance`. It must accept numpy arrays or torch tensors and
        return a Python `float`; if the returns have zero variance there is nothing to explain:
        return `float("nan")`.
        """),
        solution("explained_variance"),
        code("""
        # Try it: a perfect critic, one that predicts the mean, and a noisy one.
        returns = np.array([1.0, 3.0, -2.0, 5.0, 0.5])
        print(explained_variance(returns, returns),
              explained_variance(np.full(5, returns.mean()), returns),
              explained_variance(returns + np.random.default_rng(0).normal(0, 1, 5), returns))
        """),
        test(
            "explained_variance",
            "value",
            1,
            comment="perfect, mean-only, noisy and harmful critics",
        ),
        test("explained_variance", "inputs", 1, comment="torch inputs; nan for constant returns"),
        test(
            "explained_variance",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=7373, n_cases=30",
            comment="random critics",
        ),
        plug_yours("approx_kl", "clip_fraction", "explained_variance"),
    ]


def _section_watch_one_update() -> list:
    """2. Watch one update."""
    return [
        md(r"""
        ## 2. Watch one update

        Your three functions on a real update. We train a lander briefly, collect one more rollout
        and run one update on it with three learning rates, each ten times the previous. (The
        run multiplies every reward by `reward_scale` before GAE, Lab 4, so its critic predicts
        scaled returns: the targets below are scaled the same way.) Then we look at the
        distribution of the ratios $r_t$ after each update, and at your numbers. Notice how the
        clip shapes the distribution: once the ratios reach $1 \pm \epsilon$ the clipped samples
        stop pushing. The largest learning rate gives a heavier tail beyond the dashed lines and a
        larger KL and clip fraction than the smallest, but the KL grows far less than the
        learning rate: a hundred times the learning rate multiplies it by well under a hundred
        (the cell prints the factor of this run).
        """),
        _watch_one_update_code(),
    ]


def _watch_one_update_code():
    """The cell of section 2: one rollout of a briefly trained lander, updated with three
    learning rates."""
    return code("""
        warmup_config = PPOConfig(total_timesteps=(2 if FAST else 40) * 2048)
        warmup = train(warmup_config, progress=False)
        envs = make_vec_env("LunarLander-v3", 16)
        buffer = RolloutBuffer.allocate(128, 16, envs)
        first_obs, _ = envs.reset(seed=123)
        collect_rollout(envs, warmup.policy, buffer, np.asarray(first_obs, np.float32),
                        EpisodeTracker(16))
        envs.close()
        # The critic was trained on rewards times reward_scale (Lab 4): its targets must be too.
        advantages, returns = compute_gae(buffer.rewards * warmup_config.reward_scale,
                                          buffer.values, buffer.next_values, buffer.terminated,
                                          buffer.truncated, warmup_config.gamma,
                                          warmup_config.gae_lambda)
        batch = buffer.flatten(advantages, returns)

        fig, ax = plt.subplots(figsize=(8, 3.5))
        kls = []
        for lr in (1e-4, 1e-3, 1e-2):
            policy = copy.deepcopy(warmup.policy)
            ppo_update(policy, torch.optim.Adam(policy.parameters(), lr=lr, eps=1e-5), batch,
                       PPOConfig(target_kl=None))
            with torch.no_grad():
                _, new_log_probs, _, _ = policy.get_action_and_value(batch["obs"], batch["actions"])
            ratios = torch.exp(new_log_probs - batch["log_probs"]).numpy()
            ax.hist(ratios, bins=np.linspace(0.3, 1.7, 141), alpha=0.6,
                    label=f"learning rate {lr:g}")
            kls.append(float(approx_kl(new_log_probs, batch["log_probs"])))
            print(f"lr {lr:g}: approx_kl {kls[-1]:.4f}, "
                  f"clip_fraction {clip_fraction(new_log_probs, batch['log_probs'], 0.2):.3f}")
        for edge in (0.8, 1.2):
            ax.axvline(edge, color="k", ls="--", lw=1)
        ax.set_xlabel("ratio r after the update (dashed: 1 ± 0.2)")
        ax.set_yscale("log")
        ax.legend()
        plt.show()
        if kls[0] > 0:
            print(f"a hundred times the learning rate: a KL {kls[-1] / kls[0]:.1f} times larger")
        print(f"explained variance of the warm-up critic on this rollout: "
              f"{explained_variance(batch['values'], batch['returns']):.3f}")
        unscaled = compute_gae(buffer.rewards, buffer.values, buffer.next_values, buffer.terminated,
                               buffer.truncated, warmup_config.gamma, warmup_config.gae_lambda)[1]
        print(f"(against unscaled targets, a unit the critic never learned: "
              f"{explained_variance(buffer.values, unscaled):.3f})")
        """)


def _section_healthy_ranges() -> list:
    """3. What to monitor, and what healthy looks like."""
    return [
        md(
            _fill(r"""
        ## 3. What to monitor, and what healthy looks like

        `ppo_core.train` records all of these in every history row (CleanRL's names). The ranges
        are for LunarLander with this course's settings; other tasks shift them, but the
        *direction* of each warning sign carries over.

        | what | history key | healthy | warning signs |
        |---|---|---|---|
        | return | `charts/mean_return_100` | rises, then settles (200 = solved) | flat, *or rises then collapses* |
        | ratio $r_t$ | `ratio/mean`, `ratio/std`, `ratio/min`, `ratio/max` | mean ≈ 1, most within 1 ± ε | a wide spread, extremes far outside 1 ± ε: steps too large; *all exactly 1: nothing learns* |
        | clip fraction | `losses/clipfrac` | a few percent (about {CF_LOW} to {CF_HIGH}), falling towards 0 as the learning rate anneals | > 0.15–0.3 for long stretches: steps too large; *≈ 0 all run: the policy barely moves* |
        | approx KL | `losses/approx_kl` | about {KL_LOW} to {KL_HIGH} per update, falling as the learning rate anneals | well above {KL_HIGH} for long stretches, or spikes above 0.05–0.1: the clip no longer contains the update (lower the learning rate) |
        | entropy | `losses/entropy` | starts near ln 4 = 1.386, falls slowly, stays above about {ENT_FLOOR} | stuck near ln 4: the policy stays random; falls to ~0 in a few updates: premature collapse |
        | advantages | `advantages/mean`, `advantages/std`, `advantages/max_abs` | raw GAE values on the reward scale; normalised per minibatch before the loss. The batch's mean (return minus value) changes sign: a critic that keeps up errs both ways | \|policy loss\| on the scale of the rewards: the normalisation is missing; mean above 0 on nearly every update: the critic keeps underestimating the returns (wrong targets?) |
        | explained variance | `losses/explained_variance` | near 0 at first (the critic starts untrained), rises above {EV_LOW} as the policy and critic improve | stays ≈ 0 or negative: the critic does not learn |
        | value loss | `losses/value_loss` | large at first, then falls | *grows steadily or oscillates wildly* |

        The healthy column is what the healthy run of section 4 shows, and each warning sign is
        what one of its faulty runs shows (the course's tests check the same signatures on six
        other seeds); a warning sign in *italics* is a rule of thumb from practice that no run of this
        course reproduces.

        **Entropy has a ceiling.** A distribution over $|A|$ actions has entropy at most
        $\ln|A|$, reached by the uniform distribution. LunarLander has four actions, so the entropy
        starts just below $\ln 4 = 1.386$ (our network is initialised almost uniform) and can only
        go down. A PPO tutorial that circulates widely tells its readers to expect "2.0+" early in
        training: impossible with four actions (it would need at least $e^2 \approx 7.4$ equally
        likely ones).

        Below, a healthy run trained right now: the configuration of the six recorded runs of the
        next section (their *baseline*, before any fault) with another seed, 4. Its dashboard is
        your reference for the exercise. (Under the autograder it is a few updates long.)

        **Luck, and what a return alone tells.** The recording script also trained this healthy
        configuration on seeds {STUDY_SEEDS} (its "seed study"; printed below): after {RUN_STEPS}
        steps ({RUN_UPDATES} updates) {STUDY_LANDS}, with final mean returns from {STUDY_LOW}
        to {STUDY_HIGH} from luck alone. The return is still weak evidence on its own: a run with
        a fault can land too (section 4). The diagnostics of every update say much more.
        """)
        ),
    ]


# The dashboard cell's source, in two parts so that each reads on one screen.
_DASHBOARD_PANELS = """
# The dashboard: one row per run, one column per diagnostic, shared y-axis per column.
# The healthy bands are the library's (ppo_core.diagnostics.HEALTHY and ENTROPY_FLOOR).
from ppo_viz.plots import ENTROPY_FLOOR, HEALTHY

PANELS = [  # (history key, title, y scale, healthy band or None)
    ("charts/mean_return_100", "mean return (100 ep.)", "linear", (200, 320)),
    ("losses/approx_kl", "approx KL", "log", HEALTHY["losses/approx_kl"]),
    ("losses/clipfrac", "clip fraction", "linear", HEALTHY["losses/clipfrac"]),
    ("losses/entropy", "entropy (max ln 4)", "linear", (ENTROPY_FLOOR, LN4)),
    ("losses/explained_variance", "explained variance", "linear",
     HEALTHY["losses/explained_variance"]),
    ("losses/value_loss", "value loss", "log", None),
    ("abs_policy_loss", "|policy loss|", "log", None),
    ("advantages/mean", "mean advantage", "linear", None),  # should change sign
]
"""

_DASHBOARD_FUNCTIONS = """
def series(history, key):
    steps = np.array([row["global_step"] for row in history], dtype=float)
    if key == "abs_policy_loss":
        values = [abs(row["losses/policy_loss"]) for row in history]
    else:
        values = [row.get(key, np.nan) for row in history]
    return steps, np.array([np.nan if v is None else v for v in values], dtype=float)


def plot_dashboard(runs):
    fig, axes = plt.subplots(len(runs), len(PANELS), figsize=(2.6 * len(PANELS), 1.9 * len(runs)),
                             sharex=True, sharey="col", squeeze=False)
    for r, (name, history) in enumerate(runs.items()):
        for c, (key, title, scale, band) in enumerate(PANELS):
            ax = axes[r, c]
            steps, values = series(history, key)
            ax.plot(steps / 1e3, values, lw=1)
            if band is not None:
                ax.axhspan(*band, color="green", alpha=0.12, lw=0)
            if key == "losses/entropy":
                ax.axhline(LN4, color="red", ls=":", lw=1)
            if key == "losses/explained_variance":
                ax.set_ylim(-0.5, 1.05)
            if key == "advantages/mean":
                ax.axhline(0, color="red", ls="--", lw=1)
            ax.set_yscale(scale)
            if r == 0:
                ax.set_title(title, fontsize=9)
            if c == 0:
                ax.set_ylabel(name, fontsize=10)
            if r == len(runs) - 1:
                ax.set_xlabel("steps (k)", fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    plt.show()


def summary_table(runs):
    keys = [p[0] for p in PANELS]
    print("median over the second half of each run; last column: the share of updates "
          "with mean advantage > 0 after the first quarter")
    titles = [title[:11] for _, title, _, _ in PANELS] + ["adv. > 0"]
    print(f"{'run':8s}" + "".join(f"{title:>12s}" for title in titles))
    for name, history in runs.items():
        half = history[len(history) // 2:]
        cells = [np.nanmedian(series(half, key)[1]) for key in keys]
        share = recorded_runs.mean_advantage_positive_share(history)
        print(f"{name:8s}" + "".join(f"{v:12.4g}" for v in cells) + f"{share:12.0%}")
"""


def _section_dashboard() -> list:
    """3. The dashboard helpers (one locked cell)."""
    return [locked_code("dashboard_helpers", _DASHBOARD_PANELS + "\n" + _DASHBOARD_FUNCTIONS)]


def _section_reference_run() -> list:
    """3. A healthy reference run and the seed study."""
    return [
        code("""
        baseline = recorded_runs.diagnosis_manifest()["baseline"]
        baseline = {k: v for k, v in baseline.items() if k in PPOConfig.__dataclass_fields__}
        reference_config = PPOConfig(**{**baseline, "seed": 4})
        if FAST:
            reference_config.total_timesteps = 2 * 2048
        print(reference_config)
        reference = train(reference_config, progress=not FAST)
        print("healthy reference: mean return of the last 100 episodes "
              f"{reference.mean_return():.1f}")
        study = recorded_runs.diagnosis_manifest()["seed_study"]
        for entry in study:
            print(f"seed study: healthy baseline, seed {entry['seed']}: final mean return "
                  f"{entry['final_mean_return_100']:.1f}")
        finals = [entry["final_mean_return_100"] for entry in study]
        print(f"lands (200 or more) on {sum(entry['lands'] for entry in study)} of {len(study)} "
              f"seeds; final mean returns {min(finals):.0f} to {max(finals):.0f}")
        plot_dashboard({"reference": reference.history})
        """),
    ]


def _section_diagnose_runs() -> list:
    """4. Diagnose the broken runs: the exercise and its tests."""
    faults = ", ".join(f'"{f}"' for f in FAULTS)
    return [
        md(
            _fill(r"""
        ## 4. Diagnose the broken runs

        Six LunarLander-v3 runs of {RUN_STEPS} steps ({RUN_UPDATES} updates), recorded with
        `ppo_core`. They share one baseline configuration and seed; **one is healthy, and each
        of the others has exactly one fault injected**. Their labels were shuffled.

        | fault | what was changed |
        |---|---|
        | `"healthy"` | nothing |
        | `"lr_too_high"` | learning rate {LR_FACTOR} times the baseline's ({LR_FAULT} instead of {LR_BASE}) |
        | `"ent_coef_too_high"` | entropy coefficient {ENT_FACTOR} times the baseline's ({ENT_FAULT} instead of {ENT_BASE}) |
        | `"no_adv_norm"` | advantages not normalised before the loss |
        | `"gae_leak"` | GAE ignores episode ends: the last step of an episode bootstraps from the *next* episode's first state, and the recursion runs across the boundary |
        | `"critic_not_trained"` | value-loss coefficient 0: the critic keeps its random initial weights |

        Study the dashboard and the table below, with the healthy ranges of section 3 and the
        checklist of section 5. Then fill in `diagnosis` with one of FAULT_NAMES for each run
        (each fault appears exactly once). Each run is worth 2 points; the visible test only
        checks the format, the autograder checks the answers.
        """).replace("FAULT_NAMES", faults)
        ),
        code("""
        # {"run_A": history, ...}: lists of per-update rows
        runs = recorded_runs.load_diagnosis_runs()
        print(list(runs), "-", len(runs["run_A"]), "updates each")
        plot_dashboard(runs)
        summary_table(runs)
        """),
        locked_code("fault_names", f"FAULTS = {tuple(FAULTS)!r}"),
        _answer_cell(),
        *_diagnosis_tests(),
    ]


def _section_diagnosis_question() -> list:
    """4. The written question on the diagnosis."""
    return [
        *written(
            "diagnosis",
            3,
            r"""
            **Question (3 points).** Pick two of the faulty runs. For each: which curves gave the
            fault away (and how do they differ from the healthy run), and what would you change in
            the configuration or the code to fix it?
            """,
            _fill(r"""
            Any two, for example (the numbers are the recorded runs'):

            * **lr_too_high**: in its first updates approx KL climbs far above its band (over
              0.3 from update {LR_KL_SPIKE_UPDATE}; the healthy run's largest is
              {HEALTHY_KL_MAX}) with a clip fraction of up to {LR_CF_MAX}, and the entropy
              collapses below {ENT_FLOOR} from update {LR_COLLAPSE_UPDATE} on (median
              {LR_ENTROPY_2H} over the second half): the policy has settled on one action in
              almost every state. From then on it hardly moves — KL and clip fraction small on
              most updates (medians {LR_KL_MED} and {LR_CF_MED}), with occasional KL spikes of up
              to {LR_KL_MAX} — and the return ends at {RETURN_LR_TOO_HIGH}. Fix: the learning
              rate back to the baseline's {LR_BASE}. `target_kl` is no substitute: `ppo_update`
              checks it after each epoch only, so every update still takes a whole epoch of
              steps at the too-high rate; it caps the epochs, not the size of the steps.
            * **ent_coef_too_high**: the entropy stays near its ceiling ln 4 = 1.386 (median
              {ENT_ENTROPY_2H} over the second half, against {HEALTHY_ENTROPY_2H} in the healthy
              run), while approx KL and clip fraction stay inside their healthy ranges (medians
              {ENT_KL_MED} and {ENT_CF_MED}): the policy moves every update, but the bonus keeps
              pulling it back towards random actions. The return levels off far below 200 (this
              run ends at {RETURN_ENT_COEF_TOO_HIGH}). Fix: ent_coef back to the baseline's {ENT_BASE}.
            * **no_adv_norm**: |policy loss| is on the scale of the raw advantages (median
              {NAN_PL_MED}, from about {NAN_PL_LOW} to {NAN_PL_HIGH}; the rewards are scaled by
              {REWARD_SCALE}) instead of ~{HEALTHY_PL_MED} in the healthy run — the loss is multiplied by
              raw advantages. The other curves look ordinary and the run may even land (this one
              ends at {RETURN_NO_ADV_NORM}). Fix: normalise the advantages per
              minibatch (`norm_adv=True`).
            * **gae_leak**: the optimisation looks healthy — KL, clip fraction and entropy in
              their ranges, explained variance {LEAK_EV_2H} over the second half, |policy loss|
              small — and the return may land too (this run ends at {RETURN_GAE_LEAK}). What
              gives it away is the mean advantage: positive on {SHARE_GAE_LEAK} of the updates
              after the first quarter, against {SHARE_HEALTHY} in the healthy run. The critic
              keeps underestimating its targets because each return runs on into the following
              episodes: every episode's last step is credited with the value of the *next*
              episode's start, so ending an episode, even by crashing, looks far less bad than it
              is. (The untrained critic's mean advantage is mostly positive too,
              {SHARE_CRITIC_NOT_TRAINED}, but its explained variance rules it out.) When the
              optimisation looks healthy but the targets are biased, suspect the data. Fix: cut
              the GAE recursion at every episode end and bootstrap from the final observation
              after a truncation, from nothing after a termination.
            * **critic_not_trained**: explained variance stays near 0 — median size
              {CRITIC_EV_MED} after the first tenth, never reaching the healthy range (at most
              {CRITIC_EV_MAX}) — while the entropy, KL and clip fraction look normal; the agent
              still learns (the advantages are returns minus a fixed random baseline, a
              REINFORCE-like estimate) but slowly: the return ends at
              {RETURN_CRITIC_NOT_TRAINED}. A near-random policy does not explain it away: the
              high-entropy run's critic explains {ENT_EV_2H} of the variance over the second
              half. Fix: vf_coef 0.5, and check that the value loss reaches the optimiser.
            """),
        ),
    ]


def _section_checklist() -> list:
    """5. Debugging checklist."""
    return [
        md(r"""
        ## 5. Debugging checklist

        When a run does not learn, read its dashboard from top to bottom. Each row of this first
        table is one of the faults of section 4, and its symptom is what that fault's recorded run
        shows.

        | symptom | likely cause | what to try |
        |---|---|---|
        | approx KL ≫ 0.03 and clip fraction > 0.3 for many updates, or a KL spike above 0.3 followed by an entropy collapse | steps too large: the learning rate too high | lower the learning rate (`target_kl` caps the number of epochs, not the size of each step) |
        | entropy stuck near ln\|A\| (1.386 here) | the entropy bonus outweighs the advantage term | lower `ent_coef` (the baseline's 0.01) |
        | entropy near 0 within a few updates, return stalls | premature collapse onto one action | lower the learning rate |
        | explained variance ≈ 0 or negative throughout | the critic does not learn (value loss weight 0, or the value loss detached) | check `vf_coef` and the value loss's gradient |
        | \|policy loss\| on the scale of the rewards | advantages not normalised | normalise per minibatch |
        | KL, clip fraction, entropy all look healthy, yet the mean advantage stays positive (the return may still land) | the *data* is wrong, not the optimisation: the critic keeps underestimating biased targets (e.g. GAE crossing episode ends, a wrong `terminated`/`truncated` flag) | test GAE on hand-made episodes (Lab 2); check the flags the rollout stores |

        The rows of this second table are rules of thumb from practice; no run of this course
        reproduces them, so read them as places to look first, not as measured results.

        | symptom | likely cause | what to try |
        |---|---|---|
        | clip fraction ≈ 0 and KL ≈ 0 the whole run, entropy barely moves | the policy is not moving: learning rate too low, or a loss that does not reach the actor | raise the learning rate; check the gradients reach the actor (no `.detach()` on the new log-probs) |
        | value loss grows or oscillates wildly | targets out of scale or learning rate too high | lower the learning rate; check reward scale (normalise rewards if they are huge) |
        | learns, then the return collapses and does not recover | destructive updates late in training | anneal the learning rate, `target_kl`, smaller clip range |
        | the loss becomes NaN | exploding values or a log of 0 | keep `max_grad_norm`; work with log-probabilities (logits), never `log(softmax)` by hand |
        | reward curve reads exactly 0 | episode returns are not being recorded | log finished episodes' returns (Lab 4) |
        | good training return, poor evaluation | evaluation differs (deterministic actions, other seeds) or overfitting to a few seeds | evaluate many seeded episodes; compare stochastic and deterministic |
        """),
    ]


def _section_takeaways() -> list:
    """6. Key takeaways."""
    return [
        md(r"""
        ## 6. Key takeaways

        1. **RL basics (Lab 1).** An agent improves its policy from the rewards of its own
           experience; the value function says how good a state is; the advantage says how much
           better an action was than the policy's average.
        2. **GAE (Lab 2).** Advantages are a λ-weighted sum of TD residuals, cut at episode ends,
           bootstrapped at time limits (truncation) but not at real endings (termination).
        3. **Why PPO (Lab 3).** Policy-gradient steps can wreck a policy; TRPO bounds each step
           with a KL constraint and second-order optimisation; PPO gets most of that safety from a
           clipped ratio and plain first-order SGD. The lineage of the policy update is
           REINFORCE (1992) → natural policy gradient (2001) → TRPO (2015) → PPO (2017), with a
           critic from the older actor-critic line (A3C, 2016, is a sibling, not an ancestor).
           DDPG, TD3 and SAC are a separate, *off-policy* branch
           built on learned Q-functions and replay buffers — not ancestors of PPO.
        4. **Training (Lab 4).** Epochs × shuffled minibatches, per-minibatch advantage
           normalisation, gradient clipping and an annealed learning rate turn each rollout into
           many safe steps; the loop must log finished episodes' returns.
        5. **Diagnostics (Lab 5).** Watch approx KL, clip fraction, entropy (≤ ln|A|), explained
           variance, the value loss, |policy loss| and the mean advantage next to the return:
           most faults leave a signature there, some of them in runs whose return looks fine.

        **Where PPO is used.** RLHF: InstructGPT (Ouyang et al. 2022) fine-tuned a language model
        with PPO against a learned reward model, the recipe behind ChatGPT. OpenAI Five played
        Dota 2 with PPO at a very large scale (Berner et al. 2019). Robot locomotion trained in
        simulation (e.g. legged robots in Isaac Gym, Rudin et al. 2021) and OpenAI's Rubik's-cube
        hand used PPO. Two examples often credited to PPO were not: **AlphaStar** (StarCraft II)
        used an off-policy actor-critic with V-trace and UPGO and a league of self-play agents, and
        **Google's datacenter cooling** used model-based control on learned predictive models.
        PPO is on-policy: it fits problems where fresh interaction is cheap (simulators, games); it
        is a poor fit for learning from a fixed dataset (offline RL).
        """),
    ]


def _section_next_steps() -> list:
    """7. Where to go next."""
    return [
        md(r"""
        ## 7. Where to go next

        * **Continuous actions.** `LunarLanderContinuous-v3` controls the main and side engines
          with two real numbers. `ppo_core` switches to a diagonal Gaussian policy for Box action
          spaces (the log-probability sums over action dimensions, the entropy has no ln|A|
          ceiling any more and can be negative). Lab 6 (`lab6_continuous`) trains it.
        * **Wind and turbulence.** `gymnasium.make("LunarLander-v3", enable_wind=True,
          wind_power=15.0, turbulence_power=1.5)` pushes the lander around; register it under its
          own id (cell below) and train on it. Does the policy trained without wind survive it?
        * **Other environments.** `CartPole-v1` (solved in seconds — good for quick experiments),
          `Acrobot-v1`, `BipedalWalker-v3` (continuous), Atari games (image observations: a
          convolutional network).
        * **Go further with the algorithm.** Other families: DQN and its variants (value-based,
          discrete actions, replay buffers), SAC and TD3 (off-policy, continuous actions);
          recurrent policies for partial observability; PPO for language models (RLHF).
        * **Read.** The [PPO paper](https://arxiv.org/abs/1707.06347);
          [Spinning Up's PPO page](https://spinningup.openai.com/en/latest/algorithms/ppo.html);
          [CleanRL's `ppo.py`](https://github.com/vwxyzjn/cleanrl) and "The 37 Implementation
          Details of PPO" (Huang et al., ICLR blog track 2022);
          [Stable-Baselines3](https://stable-baselines3.readthedocs.io/).
        """),
        code("""
        import gymnasium as gym

        # A windy lander under its own id, so that ppo_core.train can build it by name.
        if "WindyLunarLander-v3" not in gym.registry:
            gym.register("WindyLunarLander-v3", entry_point="gymnasium.envs.box2d:LunarLander",
                         max_episode_steps=1000, reward_threshold=200,
                         kwargs={"enable_wind": True, "wind_power": 15.0, "turbulence_power": 1.5})
        windy = gym.make("WindyLunarLander-v3")
        print(windy.spec.id, windy.spec.kwargs)
        print("continuous action space:", gym.make("LunarLanderContinuous-v3").action_space)
        # To train on it (a few minutes):
        # windy_result = train(PPOConfig(env_id="WindyLunarLander-v3", total_timesteps=1_000_000))
        """),
    ]


def _section_summary() -> list:
    """Summary."""
    return [
        md(
            _fill(r"""
        ## Summary

        * `approx_kl` = mean((r − 1) − log r) measures how far an update moved the policy;
          `clip_fraction` measures how often it pushed against the clip; `explained_variance`
          measures how much of the returns the critic predicts.
        * Healthy LunarLander PPO: KL of about {KL_LOW}–{KL_HIGH} and a clip fraction of a few
          percent, both falling as the learning rate anneals; entropy falling slowly from
          ln 4 = 1.386; explained variance rising above {EV_LOW}; a mean advantage that changes
          sign.
        * Faults leave signatures: a learning rate too high shows in a KL spike and an entropy
          collapse, an entropy bonus too large in an entropy stuck at its ceiling, a critic that
          does not learn in explained variance, a missing normalisation in the policy loss's
          scale, targets that leak across episode ends in a mean advantage that stays positive.

        Congratulations — you have built PPO from its equations, trained it, and learned to read
        it. The course's `ppo_core` library is yours to extend.
        """)
        ),
    ]
