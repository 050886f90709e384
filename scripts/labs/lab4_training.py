"""Lab 4: the PPO update and the training loop; landing LunarLander-v3 with the learner's code.

Built into ``solutions/lab4_training/lab4_training.ipynb`` by ``scripts/sync_labs.py``.
Covers Part 3 steps 4-5 and Part 5 (demos) of the workshop this course grew out of, with its
mistakes fixed: the update runs epochs x shuffled minibatches (the workshop took full-batch
steps), and the loop records episode returns (the workshop's never did, so its "Avg Reward"
stayed 0). Learner-facing text calls that workshop "a tutorial that circulates widely".
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

LAB5_NOTE = """
Your update also measures how far each update moved the policy, with three functions that
Lab 5 has you write: `approx_kl`, `clip_fraction` and `explained_variance` (`target_kl` and
`update_diagnostics` use them). If the student build leaves them to you, write them first: they
are Lab 5's exercises 1-3, a few lines each, and need nothing from this lab; Lab 5's cell "Save
your functions", right after them, saves them for this lab. (Your instructor may instead publish
Lab 5's solutions early with `--reveal lab5_diagnostics`; then the library has its own.)
"""


def _fill(text: str) -> str:
    """Put PPOConfig()'s current values into the prose, so retuning the defaults cannot leave
    the lab quoting stale numbers."""
    c = PPOConfig()
    values = {
        "N": c.num_envs,
        "T": c.num_steps,
        "NT": c.batch_size,
        "K": c.update_epochs,
        "NMB": c.num_minibatches,
        "M": c.minibatch_size,
        "STEPS": c.update_epochs * c.num_minibatches,
        "RS": f"{c.reward_scale:g}",
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def cells() -> list:
    """The lab's cells, section by section."""
    return [
        *_section_objectives(),
        *_section_update_overview(),
        *_section_normalize_advantages(),
        *_section_minibatch_indices(),
        *_section_ppo_update(),
        *_section_ppo_update_tests(),
        *save_yours("lab4_training"),
        *_section_training_loop(),
        *_section_reward_scaling(),
        *_section_land_the_lander(),
        *_section_training_curve(),
        *_section_untrained_vs_trained(),
        *_section_actions_while_learning(),
        *_section_reflection(),
        *_section_summary(),
    ]


def _section_objectives() -> list:
    """Title, objectives, Colab install and setup."""
    return [
        md(r"""
        # Lab 4 — Training PPO: the update and the loop

        In Labs 1–3 you wrote every piece PPO needs: returns, log-probabilities and entropy, GAE,
        and the clipped loss. Here you assemble them into the **update** — the part that turns one
        rollout into many careful gradient steps — and then train a lunar lander with your own
        update, in a few minutes on a laptop CPU.

        **Objectives.** By the end of this lab you can
        1. normalise advantages per minibatch and say why PPO does it;
        2. split a rollout into shuffled minibatches and loop over them for several epochs
           (PPO paper, Algorithm 1);
        3. write `ppo_update`: re-evaluate the stored actions, compute the loss, clip the gradient,
           step the optimiser, and stop early when the policy has moved far enough (`target_kl`);
        4. read the training loop in the order of the algorithm and train LunarLander-v3 with your
           update, then judge the result from its training curve, a video and the actions it takes.

        **Expected time:** 60–75 minutes, plus the training run of section 3 (the cell prints
        how long it took on your machine).

        **Papers.** PPO: Schulman et al. 2017, [arXiv:1707.06347](https://arxiv.org/abs/1707.06347)
        (Algorithm 1, Eq. 7 and 9). GAE: Schulman et al. 2016,
        [arXiv:1506.02438](https://arxiv.org/abs/1506.02438).
        """),
        colab_install(),
        setup("""
        # Setup. The checks module is imported first, before any of your code runs.
        import autograder.checks  # noqa: F401  (the tests below use it)

        import math
        import os
        import tempfile
        from collections.abc import Callable

        import matplotlib.pyplot as plt
        import numpy as np
        import torch
        from IPython.display import Image, display
        from torch import nn

        import ppo_core
        from ppo_core import (ActorCritic, PPOConfig, approx_kl, clip_fraction,
                              clipped_surrogate_loss, evaluate, explained_variance, ppo_loss,
                              probability_ratio, train, value_loss)
        from ppo_core.update import update_diagnostics

        # Under the autograder (nbgrader sets NBGRADER_EXECUTION) long cells shrink: a short run
        # instead of a full training, no videos.
        FAST = bool(os.environ.get("NBGRADER_EXECUTION"))
        ACTION_NAMES = ["do nothing", "left engine", "main engine", "right engine"]
        torch.manual_seed(0)
        torch.set_num_threads(1)  # networks this small run fastest on one thread
        print("ppo_core", ppo_core.__version__, "| fast mode" if FAST else "")
        """),
        *earlier_functions(
            "lab1_rl_basics", "lab2_gae", "lab3_clipped_loss", "lab5_diagnostics", note=LAB5_NOTE
        ),
    ]


def _section_update_overview() -> list:
    """1. From one rollout to many gradient steps."""
    return [
        md(
            _fill(r"""
        ## 1. From one rollout to many gradient steps

        A rollout is a `(T, N)` block of transitions: `num_steps` $T$ steps in each of `num_envs`
        $N$ environments. After GAE (Lab 2) every transition has an advantage $\hat A_t$ and a
        return target. The question of this lab: **how many gradient steps may we take on that
        data before it goes stale?**

        Vanilla policy gradient takes one. A PPO tutorial that circulates widely (and this
        course's first version) took 10, each on the *whole* batch.
        PPO's Algorithm 1 says:

        > for iteration = 1, 2, …: run $\pi_{\theta_\text{old}}$ for $T$ steps in $N$ actors;
        > compute $\hat A_1 … \hat A_T$; **optimise the surrogate $L$ w.r.t. $\theta$ with $K$
        > epochs and minibatch size $M \le NT$**; $\theta_\text{old} \leftarrow \theta$.

        | symbol | name in code | meaning | our value |
        |---|---|---|---|
        | $N$ | `num_envs` | environments stepped together | {N} |
        | $T$ | `num_steps` | steps per environment per rollout | {T} |
        | $NT$ | `batch_size` | transitions per rollout | {NT} |
        | $K$ | `update_epochs` | passes over the rollout | {K} |
        | $M$ | `minibatch_size` | transitions per gradient step, $NT$ / `num_minibatches` | {M} |

        So one rollout gives $K \cdot NT / M = {K} \times {NMB} = {STEPS}$ gradient steps, each on a
        different random 1/{NMB} of the data ({M} transitions). Smaller steps on fresh mixtures of
        samples are
        cheaper and less correlated than full-batch steps; and because after the first step the
        policy is no longer $\pi_{\theta_\text{old}}$, the ratio $r_t(\theta)$ drifts away from 1 —
        exactly what the clip of Eq. 7 (Lab 3) was built to contain.
        """)
        ),
    ]


def _section_normalize_advantages() -> list:
    """Step 1: exercise normalize_advantages."""
    return [
        md(r"""
        ### Step 1 — Normalise the advantages (per minibatch)

        **Idea.** Advantages on LunarLander range over tens to hundreds (a crash costs 100). The
        gradient of the surrogate is proportional to $\hat A$, so its size follows the reward
        scale: with plain SGD, a learning rate that suits one environment would explode or crawl
        in another (Adam, which divides each parameter's step by that parameter's recent gradient
        size, undoes most of a constant factor: section 2).
        Shifting the advantages to mean 0 and scaling them to standard deviation 1 fixes the
        gradient's scale; the *ranking* of actions (which ones were better than average) is
        unchanged. It is not an equation of the paper, but OpenAI's own implementations do it, in
        two ways: `baselines` ppo1 normalises over the whole batch once per update, ppo2 over each
        minibatch just before the loss. Both are valid. This course (like CleanRL and
        Stable-Baselines3) normalises **per minibatch**, so that every gradient step sees
        advantages of exactly the same scale whatever mixture of samples the shuffle dealt it;
        the exercise asks for that choice, and `config.norm_adv` switches it off.

        $$\tilde A_i = \frac{\hat A_i - \mu}{\sigma + \epsilon_\text{num}}, \qquad
        \mu = \frac1M \sum_{j} \hat A_j, \quad \sigma = \sqrt{\frac1{M-1}\sum_j (\hat A_j - \mu)^2}$$

        | symbol | meaning |
        |---|---|
        | $\hat A_i$ | GAE advantage of sample $i$ of the minibatch (Lab 2) |
        | $\mu, \sigma$ | mean and standard deviation over the minibatch (population or sample std: both are fine) |
        | $\epsilon_\text{num}$ | `eps`, a tiny number so that a constant minibatch does not divide by zero |

        **Exercise.** Write `normalize_advantages`. It receives and returns a torch tensor. A
        minibatch of one sample has no spread: return 0 for it.
        """),
        solution("normalize_advantages"),
        code("""
        # Try it: any scale in, mean 0 and std 1 out; the order of the values is kept.
        raw = torch.tensor([-120.0, 35.0, 80.0, -5.0, 0.0, 250.0])
        normalised = normalize_advantages(raw)
        print(normalised)
        print(f"mean {normalised.mean():.2e}, std {normalised.std():.4f}")
        """),
        test(
            "normalize_advantages",
            "statistics",
            1,
            comment="mean 0 and std 1 for several scales and dtypes",
        ),
        test(
            "normalize_advantages",
            "constant",
            1,
            comment="constant minibatches and single samples give 0, never nan",
        ),
        test(
            "normalize_advantages",
            "random",
            1,
            args="seed=0, n_cases=5",
            hidden="seed=4417, n_cases=30",
            comment="random minibatches",
        ),
    ]


def _section_minibatch_indices() -> list:
    """Step 2: exercise minibatch_indices."""
    return [
        md(
            _fill(r"""
        ### Step 2 — Shuffled minibatches

        **Idea.** Each epoch visits every transition exactly once, in a fresh random order, cut
        into minibatches of $M$. Consecutive steps of one environment are nearly identical, so
        a minibatch made of {M} consecutive steps of one environment would cover only a few
        episodes, and the same ones in every epoch. A random permutation spreads every minibatch
        over all environments and times.

        $$\{0, …, NT-1\} \xrightarrow{\text{random permutation}} (i_1, …, i_{NT})
        \xrightarrow{\text{cut}} \underbrace{(i_1 … i_M)}_{\text{minibatch 1}},
        (i_{M+1} … i_{2M}), …$$

        | symbol | meaning |
        |---|---|
        | $NT$ | `batch_size`, the number of transitions |
        | $M$ | `minibatch_size`; if it does not divide $NT$, the last minibatch is smaller |

        **Exercise.** Write `minibatch_indices`: return a list of 1-D integer tensors that together
        hold every index of `range(batch_size)` exactly once. Use the optional `generator` (a
        `torch.Generator`) so that a seeded run shuffles the same way every time.
        """)
        ),
        solution("minibatch_indices"),
        code("""
        # Try it: 10 samples in minibatches of 4.
        for mb in minibatch_indices(10, 4):
            print(mb.tolist())
        """),
        test(
            "minibatch_indices", "partition", 1, comment="four minibatches holding 0..63 once each"
        ),
        test("minibatch_indices", "uneven", 1, comment="a smaller last minibatch, nothing dropped"),
        test(
            "minibatch_indices",
            "shuffled",
            1,
            comment="a new order every call; a seeded generator reproduces it",
        ),
    ]


def _section_ppo_update() -> list:
    """Step 3: exercise ppo_update."""
    return [
        md(
            _fill(r"""
        ### Step 3 — The update: epochs × minibatches

        **Idea.** For each of the $K$ epochs and each minibatch:

        1. **re-evaluate** the stored actions on the stored observations with the *current*
           policy: `policy.get_action_and_value(obs[mb], actions[mb])` gives the new
           log-probabilities, the entropy and the new values. The *old* log-probabilities are the
           ones stored at collection time, never recomputed: on the very first minibatch the
           policy has not moved yet, so the ratio is exactly 1;
        2. **normalise** the minibatch's advantages if `config.norm_adv`;
        3. **loss** $= -L^{CLIP+VF+S}$ (Eq. 9) with `loss_fn` — your `ppo_loss` from Lab 3 plugs in
           here:
           $$L_t^{CLIP+VF+S}(\theta) = \hat{\mathbb E}_t\big[L_t^{CLIP}(\theta)
           - c_1 (V_\theta(s_t) - V_t^\text{targ})^2 + c_2 S[\pi_\theta](s_t)\big]$$
        4. **step**: `zero_grad`, `backward`, **clip the global gradient norm** to
           `max_grad_norm` (one unlucky minibatch cannot throw the network far), `optimizer.step()`.

        After each epoch, if `config.target_kl` is set and the policy has already moved more than
        that from $\pi_{\theta_\text{old}}$ (measured with `approx_kl`, Lab 5), stop: the remaining
        epochs would only push the ratios further against the clip.

        | symbol | name in code | meaning |
        |---|---|---|
        | $K$ | `config.update_epochs` | epochs over the rollout |
        | $\epsilon$ | `config.clip_coef` | clip range of Eq. 7 |
        | $c_1, c_2$ | `config.vf_coef`, `config.ent_coef` | weights of the value loss and the entropy bonus |
        | — | `config.max_grad_norm` | largest global gradient norm applied in one step |
        | — | `config.target_kl` | early-stopping threshold on the KL from $\pi_{\theta_\text{old}}$ (or `None`) |

        **What the tutorial version gets wrong.** Its update does one full-batch gradient step
        per call and is called 10 times: 10 large, perfectly correlated steps per rollout instead
        of {STEPS} small, shuffled ones.

        **Exercise.** Write `ppo_update`. `batch` holds flat tensors of length $B = NT$ under the
        keys `obs`, `actions`, `log_probs` (old), `advantages` (raw GAE), `returns` and `values`
        (old). Use your `minibatch_indices` (one call per epoch, minibatch size
        `B // config.num_minibatches`) and your `normalize_advantages`. If `config.clip_vloss` is
        set, clip the new values around the old ones with `clip_coef` before the loss (optional:
        the tests keep it off). At the end, return the diagnostics of
        `update_diagnostics(policy, batch, config)` (imported in the setup cell; Lab 5 opens it
        up) plus `"losses/epochs"`: the number of epochs that ran.
        """)
        ),
        solution("ppo_update"),
        plug_yours("normalize_advantages", "minibatch_indices", "ppo_update"),
    ]


def _section_ppo_update_tests() -> list:
    """Step 3: ppo_update on one batch, then its tests."""
    return [
        code("""
        # Try it: one update of a fresh network on a random batch of 256 LunarLander-shaped samples.
        import gymnasium as gym

        torch.manual_seed(0)
        toy_policy = ActorCritic(8, gym.spaces.Discrete(4))
        toy_obs = torch.randn(256, 8)
        with torch.no_grad():
            toy_actions, toy_log_probs, _, toy_values = toy_policy.get_action_and_value(toy_obs)
        toy_batch = {"obs": toy_obs, "actions": toy_actions, "log_probs": toy_log_probs,
                     "advantages": 20 * torch.randn(256),
                     "returns": toy_values + 10 * torch.randn(256),
                     "values": toy_values}
        toy_optimizer = torch.optim.Adam(toy_policy.parameters(), lr=3e-3)
        toy_stats = ppo_update(toy_policy, toy_optimizer, toy_batch, PPOConfig())
        for key in ("losses/approx_kl", "losses/clipfrac", "losses/entropy", "losses/epochs"):
            print(f"{key:20s} {toy_stats[key]:.4f}")
        """),
        test(
            "ppo_update",
            "steps",
            2,
            comment="update_epochs x num_minibatches optimizer steps, one loss per minibatch",
        ),
        test(
            "ppo_update",
            "minibatches",
            2,
            comment="every epoch uses every sample once, in a new random order",
        ),
        test(
            "ppo_update",
            "first_ratio",
            1,
            comment="stored old log-probs; ratio 1 on the first minibatch, then the policy moves",
        ),
        test(
            "ppo_update",
            "normalization",
            1,
            comment="advantages normalised per minibatch when norm_adv, raw otherwise",
        ),
        test(
            "ppo_update",
            "grad_clipping",
            1,
            comment="the gradient norm never exceeds max_grad_norm",
        ),
        test("ppo_update", "stats", 1, comment="the returned dict has CleanRL's keys"),
        test("ppo_update", "target_kl", 1, comment="target_kl stops the update early"),
        test(
            "ppo_update",
            "random",
            1,
            args="seed=0, n_cases=2",
            hidden="seed=8093, n_cases=4",
            comment="other epoch and minibatch counts",
        ),
    ]


def _section_training_loop() -> list:
    """2. The training loop, in the order of the algorithm."""
    return [
        md(r"""
        ## 2. The training loop, in the order of the algorithm

        `ppo_core.train` is one readable loop (modelled on CleanRL's `ppo.py`). For each of
        `total_timesteps / (N T)` iterations:

        | # | step | code in `ppo_core/train.py` | lab |
        |---|---|---|---|
        | 1 | anneal the learning rate linearly towards 0 | `optimizer.param_groups[0]["lr"] = frac * lr` | — |
        | 2 | roll out $\pi_{\theta_\text{old}}$ for $T$ steps in $N$ envs, storing obs, actions, log-probs, values, rewards, `terminated`, `truncated` | `collect_rollout(...)` | 1 |
        | 3 | scale the rewards by `reward_scale` (below), then advantages and return targets, bootstrapping truncations from $V$(final obs) | `gae_fn(buffer.rewards * config.reward_scale, ...)` | 2 |
        | 4 | flatten `(T, N)` to `(T·N,)` | `buffer.flatten(...)` | — |
        | 5 | epochs × minibatches of the clipped loss | `update_fn(policy, optimizer, batch, config)` | 3, 4 |
        | 6 | log: finished episodes' returns, diagnostics, action frequencies | `result.history.append(row)` | 5 |

        Step 6 is where the tutorial's loop failed silently: it created an `episode_rewards` list,
        never
        appended to it, and printed the mean of the empty list as 0 — so its "Avg Reward" read 0.00
        for the whole run, good or bad. Here the rollout hands every finished episode's return to
        an `EpisodeTracker`; each history row holds the mean of the episodes that ended during that
        rollout and the mean of the last 100 (`charts/mean_return_100`), the number gymnasium's
        "solved" criterion uses: 200 for LunarLander-v3.

        The loop takes your function through its hooks: `train(config, update_fn=ppo_update)`
        calls *your* `ppo_update` (which calls your `minibatch_indices` and
        `normalize_advantages`) on every rollout. Your Lab 2 `compute_gae` could be plugged in the
        same way with `gae_fn=`, and your Lab 3 `ppo_loss` with `loss_fn=`; here we use the
        library's versions of those, or, where a student build of `ppo_core` leaves them to you,
        yours from `my_ppo/`: the cell "Your functions from earlier labs" at the top of this lab
        plugged them into the library (`ppo_core.plug_in`), so `train` calls them.
        """),
    ]


def _section_reward_scaling() -> list:
    """2. Reward scaling, with a measurement on one real batch."""
    return [_reward_scaling_prose(), _reward_scaling_measurement()]


def _reward_scaling_prose() -> dict:
    """2. What reward scaling changes, and what the cell below measures."""
    return md(
        _fill(r"""
        **Reward scaling (step 3).** `PPOConfig.reward_scale` multiplies every reward by a
        constant ({RS}) before GAE: the critic then learns values in scaled units (and anything
        that compares its predictions with returns must scale them the same way, Lab 5), while
        the episode returns we report stay unscaled. The advantages are normalised anyway, so the
        policy's loss hardly changes (not at all once the critic predicts in scaled units); the
        critic's regression targets do.

        LunarLander's returns reach the hundreds, so an untrained critic is far off its targets,
        and both networks' gradients share one clip of the *global* norm (`max_grad_norm`): the
        factor that shrinks the critic's gradient shrinks the actor's with it. Does that starve
        the policy? The cell below measures it on one real batch of an untrained agent, with raw
        and with scaled rewards: the critic's share of the squared gradient norm, the actor's
        gradient norm after the clip, and how far one whole update with **your** `ppo_update`
        and Adam moves the policy (its approximate KL, Lab 5). Compare the printed figures:
        the clip leaves the actor a larger gradient when the rewards are scaled, but Adam divides
        each parameter's step by a running average of that parameter's own gradient size, so a
        gradient multiplied by a constant gives the same step: the actor's step changes far less
        than its clipped gradient does (a plain SGD step would be proportional to it).
        `PPOConfig()`'s {RS} belongs to a configuration tuned as a whole; this cell measures one
        update, not what the scaling gains over a whole run.
        """)
    )


def _reward_scaling_measurement() -> dict:
    """2. The measurement on one real batch: clipped gradients and the KL of one update."""
    return code("""
        # One real rollout of an untrained agent, then, with raw and with scaled rewards: one loss
        # and its gradient (how much of the clipped gradient is the actor's?), and one whole
        # update with Adam from the same start (how far does the policy move?).
        import copy

        measure_config = PPOConfig()
        envs = ppo_core.make_vec_env(measure_config.env_id, measure_config.num_envs)
        torch.manual_seed(0)
        fresh = ActorCritic.for_env(envs, measure_config.hidden_size)
        buffer = ppo_core.RolloutBuffer.allocate(measure_config.num_steps, measure_config.num_envs,
                                                 envs)
        first_obs, _ = envs.reset(seed=0)
        ppo_core.collect_rollout(envs, fresh, buffer, np.asarray(first_obs, np.float32))
        envs.close()


        def actor_step_after_clip(scale):
            \"\"\"For rewards times `scale`: the critic's share of the squared global gradient
            norm and the actor's gradient norm after the global clip, for one full-batch loss;
            and the approximate KL after one whole update (your ppo_update, Adam).\"\"\"
            c = measure_config
            advantages, returns = compute_gae(buffer.rewards * scale, buffer.values,
                                              buffer.next_values, buffer.terminated,
                                              buffer.truncated, c.gamma, c.gae_lambda)
            batch = buffer.flatten(advantages, returns)
            agent = copy.deepcopy(fresh)                # both settings start from the same agent
            _, log_probs, entropy, values = agent.get_action_and_value(batch["obs"],
                                                                       batch["actions"])
            normalised = normalize_advantages(batch["advantages"])
            loss = ppo_loss(log_probs, batch["log_probs"], normalised, values, batch["returns"],
                            entropy, c.clip_coef, c.vf_coef, c.ent_coef)
            loss.backward()
            sq = {part: sum(float(p.grad.pow(2).sum()) for p in getattr(agent, part).parameters())
                  for part in ("actor", "critic")}
            total = math.sqrt(sq["actor"] + sq["critic"])
            clip = min(1.0, c.max_grad_norm / total)    # what clip_grad_norm_ multiplies by
            agent.zero_grad()
            optimizer = torch.optim.Adam(agent.parameters(), lr=c.learning_rate, eps=1e-5)
            torch.manual_seed(1)                        # the same minibatches for both settings
            kl = ppo_update(agent, optimizer, batch, c)["losses/approx_kl"]
            return sq["critic"] / (sq["actor"] + sq["critic"]), math.sqrt(sq["actor"]) * clip, kl


        actor_steps, kls = {}, {}
        for scale in (1.0, measure_config.reward_scale):
            share, actor_steps[scale], kls[scale] = actor_step_after_clip(scale)
            print(f"rewards x {scale:g}: critic's share of the squared gradient norm {share:.4%}, "
                  f"actor's gradient norm after the clip {actor_steps[scale]:.2e}, "
                  f"approx KL of one update {kls[scale]:.4f}")
        gain = actor_steps[measure_config.reward_scale] / actor_steps[1.0]
        kl_ratio = kls[measure_config.reward_scale] / kls[1.0]
        print(f"Scaling the rewards by {measure_config.reward_scale:g} makes the actor's clipped "
              f"gradient {gain:.1f} times larger on this batch, and the KL of one Adam update "
              f"{kl_ratio:.2f} times the raw rewards' one.")
        """)


def _section_land_the_lander() -> list:
    """3. Land the lander with your update."""
    return [
        md(r"""
        ## 3. Land the lander with your update

        `PPOConfig()` holds the settings tuned for LunarLander-v3 on a laptop CPU. The cell below
        trains with **your** `ppo_update` and prints how long it took; the progress bar shows the
        mean
        return of the last 100 episodes (`ret100`) and the approximate KL of the last update.
        (Under the autograder this cell runs a tiny version that cannot land.)
        """),
        locked_code(
            "train_lander",
            """
        if FAST:  # autograder: a few updates only, to check that your update trains without error
            config = PPOConfig(total_timesteps=2 * 2048)
        else:
            config = PPOConfig()
        result = train(config, update_fn=ppo_update, progress=not FAST)
        print(f"{len(result.history)} updates, {len(result.episode_returns)} episodes, "
              f"{result.wall_time_s:.0f} s ({result.sps:,.0f} steps/s)")
        print(f"mean return of the last 100 training episodes: {result.mean_return(100):.1f}")
        if result.time_to_threshold_s is not None:
            print(f"reached the 200 threshold after {result.steps_to_threshold:,} steps, "
                  f"{result.time_to_threshold_s:.0f} s")
        """,
        ),
    ]


def _section_training_curve() -> list:
    """3. The training curve."""
    return [
        md(r"""
        ### The training curve

        Every dot is one episode's return at the step where it ended; the line is the mean of the
        last 100 episodes. Crashes score around −100 to −300 at first; landings between the flags
        score 200 and more.
        """),
        code("""
        steps = np.array(result.episode_steps)
        returns = np.array(result.episode_returns)
        fig, ax = plt.subplots(figsize=(9, 4))
        ax.scatter(steps, returns, s=3, alpha=0.3, label="episode return")
        if len(returns) >= 100:
            window = np.convolve(returns, np.ones(100) / 100, mode="valid")
            ax.plot(steps[99:], window, color="C1", lw=2, label="mean of the last 100 episodes")
        ax.axhline(200, color="green", ls="--", label="solved (200)")
        ax.set_xlabel("environment steps")
        ax.set_ylabel("return")
        ax.set_ylim(-400, 320)
        ax.legend(loc="lower right")
        ax.set_title(f"PPO on {config.env_id} with your ppo_update")
        plt.show()
        """),
    ]


def _section_untrained_vs_trained() -> list:
    """3. Untrained vs trained lander."""
    return [
        md(r"""
        ### Untrained vs trained lander

        Numbers are one thing; watching is another. Below, the same landing (the same seed)
        played by a fresh network and by your trained one, each taking its most likely action.
        Then a fair score: the mean return of 20 evaluation episodes of the trained policy.
        """),
        code("""
        from ppo_viz.video import record_episode

        if FAST:
            print("(no videos under the autograder)")
        else:
            video_dir = tempfile.mkdtemp()
            torch.manual_seed(config.seed)
            untrained = ActorCritic(8, result.policy.action_space, config.hidden_size)
            for name, policy in (("untrained", untrained), ("trained", result.policy)):
                path = os.path.join(video_dir, f"{name}.gif")
                episode_return = record_episode(policy, config.env_id, path, seed=42)
                print(f"{name}: return {episode_return:.1f}")
                display(Image(filename=path))
            scores = evaluate(result.policy, config.env_id, episodes=20, seed=1000)
            print(f"trained policy, 20 evaluation episodes: mean {scores.mean():.1f}, "
                  f"min {scores.min():.1f}, max {scores.max():.1f}")
        """),
    ]


def _section_actions_while_learning() -> list:
    """3. Which actions the lander takes as it learns."""
    return [
        md(r"""
        ### Which actions does the lander take as it learns?

        Each history row carries `charts/action_frequencies`: how often each of the four actions
        was taken in that rollout. At the start the policy is almost uniform (about 25 % each:
        entropy close to its ceiling ln 4 ≈ 1.386, Lab 1). The cell prints the shares of the first
        and the last rollout and the last entropy: which actions did your lander come to rely on,
        and how far from deterministic (entropy 0) is it at the end?
        """),
        code("""
        freqs = np.array([row["charts/action_frequencies"]
                          for row in result.history])  # (updates, 4)
        fig, ax = plt.subplots(figsize=(9, 3))
        image = ax.imshow(freqs.T, aspect="auto", cmap="viridis", vmin=0,
                          vmax=max(0.5, freqs.max()), interpolation="nearest",
                          extent=(0, result.history[-1]["global_step"], 3.5, -0.5))
        ax.set_yticks(range(4), ACTION_NAMES)
        ax.set_xlabel("environment steps")
        ax.set_title("share of each action per rollout")
        fig.colorbar(image, ax=ax, label="frequency")
        plt.show()
        for label, row in (("first", result.history[0]), ("last", result.history[-1])):
            frequencies = row["charts/action_frequencies"]
            shares = ", ".join(f"{name} {share:.0%}"
                               for name, share in zip(ACTION_NAMES, frequencies))
            print(f"{label} rollout: {shares}; entropy {row['losses/entropy']:.2f}")
        """),
    ]


def _section_reflection() -> list:
    """Reflection: the written questions."""
    return [
        md("## 4. Reflection"),
        *written(
            "minibatches",
            3,
            _fill(r"""
            **Question (3 points).** Our update takes {STEPS} gradient steps on each rollout; the
            tutorial version takes 10 full-batch steps; vanilla policy gradient takes one. (a) Why
            does
            taking *many* steps on the same rollout make the clip of Eq. 7 necessary — what
            happens to the ratio $r_t(\theta)$ from the first step to the last? (b) Why shuffle
            the samples into minibatches instead of taking the {NT} transitions in rollout order?
            """),
            r"""
            (a) The rollout was collected by $\pi_{\theta_\text{old}}$. At the first step the
            ratio is exactly 1 and the surrogate is the ordinary policy gradient. Every further
            step moves $\theta$, so the ratios drift away from 1 and the surrogate, estimated with
            old data, becomes less and less trustworthy: without a limit the optimiser keeps
            pushing probabilities of good actions up (and bad ones down) far beyond what the data
            supports, which is the large destructive update of vanilla PG repeated at every step. The
            clip removes the incentive to move a sample's ratio beyond $1 \pm \epsilon$ (its
            gradient becomes 0 there), so many cheap steps extract more learning from the same
            data without leaving the region where the estimate holds (and `target_kl` stops the
            epochs if the policy moves too far anyway).

            (b) Consecutive transitions of one environment are strongly correlated (nearly the
            same state, the same episode). A minibatch in rollout order would hold a slice of a
            few episodes, the same slice in every epoch; shuffling makes each minibatch a uniform
            random sample of all environments and times, so each step's gradient is an unbiased
            estimate of the full-batch gradient.
            """,
        ),
        *written(
            "logging",
            2,
            r"""
            **Question (2 points).** The tutorial's training loop printed `Avg Reward: 0.00` on
            every
            line. Why? Which quantity should be logged instead, and why does one rollout's
            *sum of rewards* not measure how good the policy is?
            """,
            _fill(r"""
            Its `episode_rewards` list was never appended to, so the mean it printed was the
            fallback 0 for an empty list, whatever the agent did. The quantity to log is the
            undiscounted return of each *finished* episode (summed from its first to its last
            step, tracked per environment across rollouts), averaged over recent episodes (the
            last 100: the "solved" criterion). A rollout of {T} steps cuts episodes at arbitrary
            points and mixes pieces of different episodes, so its reward sum depends on where the
            cuts fall and is not the return of any episode.
            """),
        ),
    ]


def _section_summary() -> list:
    """Summary."""
    return [
        md(r"""
        ## Summary

        * One rollout feeds $K$ epochs of shuffled minibatches (Algorithm 1): many cheap, less
          correlated steps; the clip keeps them from running away.
        * Advantages are normalised per minibatch, so the step size does not depend on the reward
          scale; the global gradient norm is clipped before every optimiser step; `target_kl` can
          stop the epochs early.
        * The training loop runs: anneal → roll out → scale the rewards → GAE → flatten → update
          → log. It must record finished episodes' returns — the tutorial's loop never did.
        * With your update plugged into `ppo_core.train`, LunarLander-v3 trains on a laptop CPU;
          section 3 printed the return it reached and how long it took.

        **Next, Lab 5:** the numbers in each history row — approximate KL, clip fraction,
        explained variance, entropy — and how to diagnose a run that goes wrong.
        """),
    ]
