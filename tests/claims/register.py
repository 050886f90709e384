"""The claims register: every sentence the course asserts, and the experiment behind it.

``tests/claims/detect.py`` finds the sentences of the course's texts that state a number, a
comparison or a cause. Each one in a source listed in ``SOURCES`` is accounted for here, once:

* a ``Claim`` -- the sentence (a quote of it), the test that runs the experiment the sentence
  describes and asserts what it asserts, the seeds, the margin the test allows, and the figure
  measured. ``how`` says how the sentence stays true:

  - ``"measured"``: the test reruns the experiment (the lab's own cell or the same call) and
    asserts the quantity with ``margin``, on ``seeds``;
  - ``"live"``: the sentence's figures are formatted from the values in the cell that shows
    them; ``test`` executes that cell (and fails if it raises) and checks the qualitative part;
  - ``"behaviour"``: it states what a function does (a shape, a formula, a bound), and ``test``
    is the unit test that asserts that behaviour;
  - ``"benchmark"``: a speed or cost figure, registered with the command that prints it, the
    machine and the date (``figure``), not asserted by a test (``test`` is empty).

  ``slow=True`` marks a test that runs in ``make claims`` only; its outcome is kept in
  ``tests/claims/results.json`` under a hash of the entry and of the test's code
  (``tests/claims/results.py``), and ``make test`` fails when that result is missing or stale.

* a ``NotClaim`` -- the sentence holds a cue (a digit, "more", "so", ...) but asserts nothing
  that an experiment could contradict; ``reason`` says why (one of ``REASONS`` or a sentence).

A quote is a part of one sentence, whitespace collapsed, as ``detect.normalise`` writes it; it
must still be found in its source, so a sentence that changes without its entry fails
``tests/test_claims_register.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ppo_core import exercises


@dataclass(frozen=True)
class Claim:
    id: str
    source: str
    quote: str
    how: str  # "measured" | "live" | "behaviour" | "benchmark"
    test: str = ""  # a pytest node id, "tests/...py::test_name"
    seeds: tuple[int, ...] = ()
    margin: str = ""
    figure: str = ""
    slow: bool = False


@dataclass(frozen=True)
class NotClaim:
    source: str
    quote: str
    reason: str


HOW = ("measured", "live", "behaviour", "benchmark")

# The usual reasons a sentence with a cue is not a claim.
INSTRUCTION = "an instruction: says what to do, not what is true"
DEFINITION = "a definition or a notation: true by the words it defines"
QUESTION = "a question's premise, given as data for the learner to reason about"
CITATION = "a citation: where an idea comes from, checked by reading the cited source"
NAMES = "its numbers name things (files, commands, options, cells), they measure nothing"
INTERFACE = "an interface: argument names, shapes and types, which every call in the tests uses"
DESIGN = "a design decision of the course: what it does, not an outcome to measure"
PPO_PAPER = (
    "a citation of the PPO paper's hyperparameters (arXiv:1707.06347: Table 1, clipping; Tables "
    "3-5, MuJoCo, Roboschool, Atari), checked by reading them"
)
REASONS = (INSTRUCTION, DEFINITION, QUESTION, CITATION, NAMES, INTERFACE, DESIGN)

# The sources whose every candidate sentence is accounted for: every text the detector reads
# (a new notebook, doc or student-facing function adds one, and the register test fails until
# it is listed here with its sentences accounted for).
SOURCES: tuple[str, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
    # -- Lab 2 --------------------------------------------------------------------------------
    "solutions/lab2_gae/lab2_gae.ipynb",
    # -- Lab 3 --------------------------------------------------------------------------------
    "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
    # -- Lab 4 --------------------------------------------------------------------------------
    "solutions/lab4_training/lab4_training.ipynb",
    # -- Lab 5 --------------------------------------------------------------------------------
    "solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
    # -- Lab 6 --------------------------------------------------------------------------------
    "solutions/lab6_continuous/lab6_continuous.ipynb",
    # -- ppo_core docstrings -------------------------------------------------------------------
    "ppo_core/config.py::PPOConfig.env_id",
    "ppo_core/config.py::PPOConfig.update_epochs",
    "ppo_core/config.py::PPOConfig.learning_rate",
    "ppo_core/config.py::PPOConfig.anneal_lr",
    "ppo_core/config.py::PPOConfig.clip_vloss",
    "ppo_core/config.py::PPOConfig.gamma",
    "ppo_core/config.py::PPOConfig.gae_lambda",
    "ppo_core/config.py::PPOConfig.clip_coef",
    "ppo_core/config.py::PPOConfig.reward_scale",
    "ppo_core/config.py::PPOConfig.ent_coef",
    "ppo_core/config.py::PPOConfig.vf_coef",
    "ppo_core/config.py::PPOConfig.env_workers",
    "ppo_core/diagnostics.py::approx_kl",
    "ppo_core/diagnostics.py::clip_fraction",
    "ppo_core/diagnostics.py::explained_variance",
    "ppo_core/distributions.py::categorical_entropy",
    "ppo_core/distributions.py::categorical_log_prob",
    "ppo_core/gae.py::compute_gae",
    "ppo_core/gae.py::td_residuals",
    "ppo_core/gaussian.py::clip_action",
    "ppo_core/gaussian.py::gaussian_entropy",
    "ppo_core/gaussian.py::gaussian_log_prob",
    "ppo_core/losses.py::clipped_surrogate_loss",
    "ppo_core/losses.py::ppo_loss",
    "ppo_core/losses.py::probability_ratio",
    "ppo_core/losses.py::value_loss",
    "ppo_core/returns.py::discounted_return",
    "ppo_core/returns.py::returns_to_go",
    "ppo_core/update.py::minibatch_indices",
    "ppo_core/update.py::normalize_advantages",
    "ppo_core/update.py::ppo_update",
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    "demos/presenter.ipynb",
    "docs/demos.md",
    "ppo_viz/__init__.py::",
    "ppo_viz/plots.py",
    "ppo_viz/plots.py::",
    "ppo_viz/plots.py::action_heatmap",
    "ppo_viz/plots.py::diagnostics_dashboard",
    "ppo_viz/plots.py::ratio_histogram",
    "ppo_viz/plots.py::rolling_mean",
    "ppo_viz/plots.py::training_curve",
    "ppo_viz/gifs.py",
    "ppo_viz/gifs.py::",
    "ppo_viz/video.py",
    "ppo_viz/video.py::",
    "ppo_viz/video.py::label_frame",
    "ppo_viz/video.py::lander_in_view",
    "ppo_viz/video.py::play_episode",
    "ppo_viz/video.py::record_episode",
    "ppo_viz/video.py::rollout_frames",
    "ppo_viz/video.py::showcase_seed",
    "ppo_viz/video.py::side_by_side",
    "ppo_viz/video.py::write_video",
    "ppo_viz/widgets.py",
    "ppo_viz/widgets.py::",
    "ppo_viz/widgets.py::ClipObjectiveDemo",
    "ppo_viz/widgets.py::GAEDemo",
    "ppo_viz/widgets.py::batch_clip_stats",
    "ppo_viz/widgets.py::clip_objective_demo",
    "ppo_viz/widgets.py::clipped_objective",
    "ppo_viz/widgets.py::gae_curves",
    "ppo_viz/widgets.py::gae_demo",
    "ppo_viz/widgets.py::gets_gradient",
    "ppo_viz/widgets.py::render",
    "ppo_viz/widgets.py::update",
    # -- README -------------------------------------------------------------------------------
    "README.md",
    # -- docs ---------------------------------------------------------------------------------
    "docs/labs.md",
    "docs/instructors.md",
)

# One experiment behind two sentences (Lab 4 and PPOConfig.reward_scale's docstring).
SCALING_KEEPS_NORMALISED_ADVANTAGES: dict = dict(
    test="tests/claims/test_lab3_lab4.py"
    "::test_lab4_reward_scaling_hardly_changes_the_normalised_advantages",
    seeds=(0, 1, 2),
    margin="normalised advantages with and without the scaling correlate above 0.99 "
    "(untrained critic), equal within 1e-5 with the critic's values scaled too",
    figure="correlation 0.9987 to 0.9998",
)

CLAIMS: tuple[Claim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    Claim(
        "lab1_own_functions_land_in_lab4",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "until your own functions land a spacecraft on the Moon in Lab 4",
        "measured",
        "tests/test_diagnosis_runs.py::test_seed_study_lands_on_every_seed",
        seeds=(2, 3, 4, 5),
        margin="the mean of the last 100 returns is 200 or more on every seed (runs of "
        "ppo_core.train, the reference of the learners' functions, on the pinned baseline, "
        "recorded by scripts/record_diagnosis_runs.py; the test reads their manifest)",
        figure="236.85 to 272.11 on seeds 2-5; the recorded healthy run (seed 1) 269.39",
    ),
    Claim(
        "lab1_entropy_ceiling",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "know the entropy's real ceiling, ln 4 = 1.386 for four actions",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_entropy_ceiling_in_nats_and_bits",
    ),
    Claim(
        "lab1_hidden_test_parts",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "Some tests have hidden parts used only when grading",
        "behaviour",
        "tests/test_labs_sync.py::test_test_cells_follow_conventions",
    ),
    Claim(
        "lab1_grades_in_under_a_minute",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "long cells shrink so the notebook grades in under a minute",
        "measured",
        "tests/test_labs_execute.py::test_solution_notebook_runs_under_nbgrader[lab1_rl_basics]",
        margin="the whole notebook runs under NBGRADER_EXECUTION in at most 60 s",
        figure="15.8 s (two shared cores, load about 3)",
    ),
    Claim(
        "lab1_v2_removed",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "version of older tutorials was removed in Gymnasium 1.0",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "lab1_state_is_8_numbers",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "8 numbers: position",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "lab1_four_actions",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "4 discrete choices: 0 do nothing",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_reward_is_shaping_minus_fuel_and_ends_at_100",
        seeds=(0, 1, 2),
        margin="4 actions; each random step's reward within 1e-3 of the shaping change minus "
        "0.3 for action 2 (main engine) and 0.03 for actions 1 and 3 (side engines)",
        figure="largest deviation 5e-5",
    ),
    Claim(
        "lab1_reward_row",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "shaped every step: more when closer to the pad, slower and more upright",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_reward_is_shaping_minus_fuel_and_ends_at_100",
        seeds=(0, 1, 2),
        margin="every step's reward within 1e-3 of the change of -100 distance - 100 speed - "
        "100 |angle| + 10 per leg, minus the fuel; the last reward exactly -100 (crash, random "
        "policy) and +100 (at rest, the trained lander)",
        figure="largest deviation 5e-5; -100 after 65-105 random steps, +100 after 277-346 "
        "trained ones",
    ),
    Claim(
        "lab1_time_limit",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "*truncated* after 1000 steps (a time limit)",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "lab1_solved_at_200",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "An episode return of 200 or more counts as solved.",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "lab1_gamma_zero",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "0 only cares about the next reward",
        "behaviour",
        "tests/test_returns.py::test_gamma_zero_keeps_only_the_immediate_reward",
    ),
    Claim(
        "lab1_gamma_one",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "1 sums them all",
        "behaviour",
        "tests/test_returns.py::test_gamma_one_is_the_undiscounted_sum",
    ),
    Claim(
        "lab1_discount_horizon",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "steps away barely count (100 steps for $\\gamma = 0.99$)",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_discounting_numbers",
        margin="1/(1 - 0.99) rounds to 100; a reward three horizons away weighs under 5 %",
        figure="0.99^100 = 0.37, 0.99^300 = 0.049",
    ),
    Claim(
        "lab1_empty_episode",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "an empty episode has return 0",
        "behaviour",
        "tests/test_returns.py::test_empty_episode",
    ),
    Claim(
        "lab1_returns_to_go_linear",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "in one backwards pass, $O(T)$ instead of the $O(T^2)$",
        "measured",
        "tests/claims/test_docstrings.py::test_returns_to_go_takes_linear_time",
        margin="ten times the steps take under 40 times as long (quadratic: 100), best of 5",
        figure="6 to 21 on two busy shared cores, 10 idle",
    ),
    Claim(
        "lab1_stochastic_policy_is_smooth",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "makes the policy a smooth function of its parameters that gradient descent can improve",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_a_gradient_step_makes_positive_advantage_actions_more_likely",
        seeds=(0, 1, 2),
    ),
    Claim(
        "lab1_advantage_sign_drives_the_gradient",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "raise the probability of actions with $A > 0$, lower it for $A < 0$",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_a_gradient_step_makes_positive_advantage_actions_more_likely",
        seeds=(0, 1, 2),
    ),
    Claim(
        "lab1_advantages_small_next_to_noise",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "so the true advantages are small next to the spread of the returns, and no larger than "
        "the noise of a handful of random episodes",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_advantages_are_small_next_to_the_noise",
        seeds=(1, 2, 3),
        margin="the advantages from 1200 episodes per estimate: the largest in size under half "
        "the median spread (std) of the returns and under 1.25 times the median standard error "
        "of an advantage from the cell's 30 episodes",
        figure="0.3, 11.6, -2.1, -8.9 (+- 1.9): the largest 0.25 of the spread (47) and 0.92 of "
        "the 30 episodes' standard error (12.6; 10.6 to 14.0)",
        slow=True,
    ),
    Claim(
        "lab1_standard_errors_shrink_like_sqrt_n",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "the standard errors shrink only like $1/\\sqrt{n}$",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_advantages_are_small_next_to_the_noise",
        seeds=(1, 2, 3),
        margin="the standard error of V and of each Q from 30 episodes over that from 400 is "
        "within 1.5 times sqrt(400 / 30) = 3.65",
        figure="2.97 to 4.26",
        slow=True,
    ),
    Claim(
        "lab1_log_softmax_is_stable",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "overflows and the small probabilities underflow to 0",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_log_softmax_try_it",
    ),
    Claim(
        "lab1_four_actions_in_the_entropy_table",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "number of actions (4 here)",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "lab1_entropy_zero_when_deterministic",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "It is 0 for a deterministic policy and largest for the uniform one",
        "behaviour",
        "tests/test_distributions.py::test_deterministic_policy_has_zero_entropy",
    ),
    Claim(
        "lab1_entropy_at_most_ln4",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "at most $\\ln 4 = 1.386$ for LunarLander's four actions",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_entropy_ceiling_in_nats_and_bits",
    ),
    Claim(
        "lab1_entropy_of_2_is_not_one_policy",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "A log that reports an entropy of 2 or more for this environment",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_entropy_ceiling_in_nats_and_bits",
    ),
    Claim(
        "lab1_entropy_finite_for_huge_logits",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "finite even when one logit is 1000",
        "behaviour",
        "tests/test_distributions.py::test_huge_logits_are_stable",
    ),
    Claim(
        "lab1_untrained_entropy_is_ln4",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "The untrained network's entropy is almost exactly $\\ln 4$",
        "measured",
        "tests/test_lab_claims.py::test_lab1_untrained_actor_entropy_is_almost_ln4",
        seeds=(0, 1, 2),
        margin="every state's entropy above ln 4 - 0.01",
        figure="at most 3.6e-5 below ln 4 (64 states per seed)",
    ),
    Claim(
        "lab1_orthogonal_init_keeps_the_signal",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "it keeps the size of the signal roughly constant from layer to layer",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_orthogonal_init_keeps_the_signal_and_starts_uniform",
        seeds=(0, 1, 2),
        margin="on a random episode's states the median norm ratio of each hidden layer is "
        "between 0.5 and 2; under 5 % of the tanh units beyond |0.99|",
        figure="sqrt 2 per layer (the gain); no unit beyond |0.99|",
    ),
    Claim(
        "lab1_small_gain_gives_uniform_logits",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "the actor's last layer uses the gain 0.01, so all logits start close to 0",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_orthogonal_init_keeps_the_signal_and_starts_uniform",
        seeds=(0, 1, 2),
        margin="every logit under 0.1 in size",
        figure="at most 0.012",
    ),
    Claim(
        "lab1_critic_output_gain",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "(The critic's last layer uses 1.0.)",
        "behaviour",
        "tests/test_lab_claims.py::test_lab1_networks_are_separate_orthogonal_mlps_of_64_units",
    ),
    Claim(
        "lab1_separate_mlps_of_64",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "each a small MLP with two hidden layers of 64 units, sharing no weights",
        "behaviour",
        "tests/test_lab_claims.py::test_lab1_networks_are_separate_orthogonal_mlps_of_64_units",
    ),
    Claim(
        "lab1_q1_bonus_is_4_9",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "about 4.9, still visible next to the shaping rewards",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_random_episodes_and_gamma",
        seeds=(0, 1, 2),
        margin="discounted_return of +100 at step 300 rounds to 4.9 and is larger than three "
        "quarters of the |r_t| of 12 random episodes",
        figure="4.90; the upper quartile of |r_t| 2.4 to 2.9",
    ),
    Claim(
        "lab1_q1_weight_2e_14",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "With gamma = 0.9 the weight is 0.9^300, about 2e-14",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_discounting_numbers",
        margin="discounted_return's weight at step 300 prints as 2e-14",
        figure="1.9e-14",
    ),
    Claim(
        "lab1_q1_horizon_100_to_10",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "drops from about 100 steps to 10",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_discounting_numbers",
    ),
    Claim(
        "lab1_q1_gamma_near_1_is_noisier",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "close to 1 it sees the whole episode, at the price of noisier returns",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_random_episodes_and_gamma",
        seeds=(0, 1, 2),
        margin="over 12 random episodes the std of G_0 at gamma 0.9 is under half that at "
        "0.99, which is under that at 1.0",
        figure="5.2-6.0, 51-62, 99-119 (0.99 spreads 8.5 to 12 times more than 0.9)",
    ),
    Claim(
        "lab1_q2_entropy_is_at_most_2_bits",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "even in bits it would be at most 2",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_entropy_ceiling_in_nats_and_bits",
    ),
    Claim(
        "lab1_q2_starts_just_below_ln4",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "so the entropy should be just below 1.386",
        "measured",
        "tests/test_lab_claims.py::test_lab1_untrained_actor_entropy_is_almost_ln4",
        seeds=(0, 1, 2),
        margin="every state's entropy above ln 4 - 0.01",
        figure="at most 3.6e-5 below ln 4",
    ),
    Claim(
        "lab1_q2_entropy_falls_gradually",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "from 1.38 to about 0.7 over 150 updates",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab1_entropy_falls_gradually_in_the_recorded_healthy_run",
        seeds=(1,),
        margin="the recorded runs of Lab 5 (ppo_core/assets/runs); 150 updates; first above "
        "1.37, median of the last 10 between 0.6 and 0.8, "
        "minimum above 0.5, no drop of 0.2 or more in one update; the too-high learning rate's "
        "run under 0.05 over its second half",
        figure="1.381 -> 0.685, minimum 0.52, largest drop 0.165; too-high rate 0.001",
    ),
    Claim(
        "lab1_summary_returns_to_go",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "`returns_to_go` computes $G_t = r_t + \\gamma G_{t+1}$ for every step",
        "behaviour",
        "tests/test_returns.py::test_returns_to_go_matches_the_definition",
    ),
    Claim(
        "lab1_summary_entropy_bounds",
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "The entropy of a policy over 4 actions lies between 0 and $\\ln 4 = 1.386$.",
        "behaviour",
        "tests/test_distributions.py::test_uniform_is_the_maximum_entropy",
    ),
    # -- Lab 2 --------------------------------------------------------------------------------
    Claim(
        "lab2_gradient_raises_positive_advantage_actions",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "PPO improves a policy by making actions with a positive **advantage** more likely.",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_a_gradient_step_makes_positive_advantage_actions_more_likely",
        seeds=(0, 1, 2),
    ),
    Claim(
        "lab2_grades_in_under_a_minute",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "long cells shrink so the notebook grades in under a minute",
        "measured",
        "tests/test_labs_execute.py::test_solution_notebook_runs_under_nbgrader[lab2_gae]",
        margin="the whole notebook runs under NBGRADER_EXECUTION in at most 60 s",
        figure="17.1 s (two shared cores, load about 3)",
    ),
    Claim(
        "lab2_earlier_mistakes_cost_only_there",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "a mistake in an earlier lab costs points only in that lab",
        "behaviour",
        "tests/test_plug.py::test_use_earlier_functions",
    ),
    Claim(
        "lab2_termination_does_not_bootstrap",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "There is no future, so nothing is bootstrapped",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_try_it_cells",
    ),
    Claim(
        "lab2_time_limit_1000",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "a time limit stopped the episode (LunarLander-v3: 1000 steps)",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "lab2_truncation_bootstraps",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "the residual still bootstraps from $V$ of the final observation",
        "behaviour",
        "tests/test_gae.py::test_truncation_bootstraps_from_next_values_and_termination_does_not",
    ),
    Claim(
        "lab2_try_it_next_value_ignored",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "next_values[2] = V(final obs), ignored: the episode crashed there",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_try_it_cells",
    ),
    Claim(
        "lab2_lambda_zero_is_td0",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "0 gives $\\hat A_t = \\delta_t$ (TD(0))",
        "behaviour",
        "tests/test_gae.py::test_lambda_zero_gives_td_residuals",
    ),
    Claim(
        "lab2_lambda_one_is_monte_carlo",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "1 gives the return minus $V(s_t)$ (Monte Carlo)",
        "behaviour",
        "tests/test_gae.py::test_lambda_one_gives_monte_carlo_returns_minus_values",
    ),
    Claim(
        "lab2_last_step_bootstraps",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "past the rollout's last step nothing is added",
        "behaviour",
        "tests/test_gae.py::test_last_step_of_the_rollout_bootstraps",
    ),
    Claim(
        "lab2_truncation_bootstraps_inside_delta",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "a truncation still bootstraps inside $\\delta_t$",
        "behaviour",
        "tests/test_gae.py::test_truncation_bootstraps_from_next_values_and_termination_does_not",
    ),
    Claim(
        "lab2_any_end_cuts_the_recursion",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "like a termination, it cuts the recursion",
        "behaviour",
        "tests/test_gae.py::test_nothing_leaks_across_an_episode_end",
    ),
    Claim(
        "lab2_try_it_rewards_left",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "with V = 0, gamma = lambda = 1: the rewards left in each episode",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_try_it_cells",
    ),
    Claim(
        "lab2_corridor_true_value",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "the true value of the state $k$ steps from the start is known exactly",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_lambda_ends_bias_and_variance",
        seeds=(0, 1, 2),
        margin="the Monte Carlo estimate (lambda = 1) has a bias^2 under 1 % of lambda 0's",
        figure="0.001 to 0.005 against 22.4",
    ),
    Claim(
        "lab2_mse_is_bias_sq_plus_variance",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "**mean squared error** (bias$^2$ + variance)",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_lambda_ends_bias_and_variance",
        seeds=(0, 1, 2),
    ),
    Claim(
        "lab2_lambda_ends",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "inherits the critic's error almost whole (large bias$^2$)",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_lambda_ends_bias_and_variance",
        seeds=(0, 1, 2),
        margin="lambda 0: bias^2 within 10 % of the critic's squared error at the next state, "
        "variance within 0.1 of one reward's (1); lambda 1: bias^2 under 1 % of lambda 0's, "
        "variance within 10 % of the discounted noise of the remaining rewards",
        figure="bias^2 100.0-100.1 % of the critic's error; variance 1.00 and 18.4-19.1 "
        "(expected 18.9)",
    ),
    Claim(
        "lab2_error_lowest_in_between",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "the mean squared error is lowest at an intermediate $\\lambda$",
        "measured",
        "tests/test_lab_claims.py::test_lab2_lambda_error_is_lowest_in_between",
        seeds=(0, 1, 2, 3),
        margin="the best lambda strictly inside, its error under 0.8 of both ends', at 0.95 or "
        "0.98; bias^2 falls and variance grows at every step of lambda",
        figure="best 0.95 (seeds 0, 1, 3) or 0.98 (seed 2), 0.72 to 0.74 of the smaller end",
    ),
    Claim(
        "lab2_course_lambda",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "our LunarLander configuration uses 0.98",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_quotes_the_course_lambda",
    ),
    Claim(
        "lab2_better_critic_moves_best_lambda_down",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "a better critic, and the best $\\lambda$ moves down",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_better_critic_moves_the_best_lambda_down",
        seeds=(0, 1, 2),
        margin="the best lambda of critic = 0.9 V comes earlier in the list than that of 0.8 V",
        figure="0.5 against 0.95 or 0.98 on every seed",
    ),
    Claim(
        "lab2_tutorial_correct_advantage",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "so a correct advantage is simply the sum of the rewards left in the episode",
        "behaviour",
        "tests/test_lab_claims.py::test_lab2_tutorial_loop_table",
    ),
    Claim(
        "lab2_tutorial_step_before_the_end",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "at $t = 1$ the tutorial loop gives 1 instead of 2",
        "behaviour",
        "tests/test_lab_claims.py::test_lab2_tutorial_loop_table",
    ),
    Claim(
        "lab2_cut_only_in_the_factor",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "The cut belongs only in the factor",
        "behaviour",
        "tests/test_gae.py::test_step_before_an_episode_end_keeps_its_full_gae",
    ),
    Claim(
        "lab2_tutorial_never_bootstraps",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "it uses 0 instead of $V(s_T)$ (here 20)",
        "behaviour",
        "tests/test_lab_claims.py::test_lab2_tutorial_loop_table",
    ),
    Claim(
        "lab2_tutorial_time_limit_as_crash",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "drops $\\gamma V(\\text{final obs})$ (here 50)",
        "behaviour",
        "tests/test_lab_claims.py::test_lab2_tutorial_loop_table",
    ),
    Claim(
        "lab2_final_observation_is_not_in_values",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "even a correct merged loop could never bootstrap from the final observation",
        "behaviour",
        "tests/test_rollout.py::test_truncation_is_present_and_its_bootstrap_differs_from_the_reset_state",
    ),
    Claim(
        "lab2_untrained_advantages_on_reward_scale",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "is far from 1, and it would change with any other reward scale",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_untrained_advantages_are_on_the_reward_scale",
        seeds=(0, 1, 2),
        margin="the std of the cell's advantages (4 x 256 steps) above 5; with the rewards "
        "scaled by 0.1, under half of it",
        figure="24 to 34 (seeds 0-5); scaled: 0.100 to 0.101 of it",
    ),
    Claim(
        "lab2_q1_lambda_zero_biased_quiet",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "very biased, low variance",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_lambda_ends_bias_and_variance",
        seeds=(0, 1, 2),
        margin="as lab2_lambda_ends (the section 3 corridor)",
        figure="bias^2 22.4, variance 1.00 at lambda 0",
    ),
    Claim(
        "lab2_q1_lambda_one_unbiased_noisy",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "unbiased, but it adds the randomness of hundreds of future steps",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_lambda_ends_bias_and_variance",
        seeds=(0, 1, 2),
        margin="as lab2_lambda_ends (the section 3 corridor)",
        figure="bias^2 under 0.005, variance 18.4-19.1 at lambda 1",
    ),
    Claim(
        "lab2_q1_effective_horizons",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "keeps an effective horizon of roughly",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_effective_horizon_of_the_answer",
    ),
    Claim(
        "lab2_q1_compromise_measured",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "with a partly trained critic the error is lowest between the two extremes",
        "measured",
        "tests/test_lab_claims.py::test_lab2_lambda_error_is_lowest_in_between",
        seeds=(0, 1, 2, 3),
        margin="as lab2_error_lowest_in_between",
        figure="as lab2_error_lowest_in_between",
    ),
    Claim(
        "lab2_q1_better_critic_less_bias",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "as the critic gets better, relying on it (smaller lambda) costs less bias",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_better_critic_moves_the_best_lambda_down",
        seeds=(0, 1, 2),
        margin="as lab2_better_critic_moves_best_lambda_down",
        figure="as lab2_better_critic_moves_best_lambda_down",
    ),
    Claim(
        "lab2_q2_last_residual_80_lower",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "about 80 lower, so the final actions look terrible",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_truncation_treated_as_termination",
        margin="the last advantage drops by gamma x 80 within 0.1, every earlier one drops, the "
        "one before the end by more than 70",
        figure="79.92 (gamma 0.999, lambda 0.98)",
    ),
    Claim(
        "lab2_q2_critic_target_about_0",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "trained towards a target of about 0 for states near the time limit",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_truncation_treated_as_termination",
    ),
    Claim(
        "lab2_q2_same_state_80_or_0",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "the same state is worth 80 or 0 depending on the clock it cannot see",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab2_truncation_treated_as_termination",
    ),
    Claim(
        "lab2_summary_td_residual",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "bootstraps everywhere except after a termination",
        "behaviour",
        "tests/test_gae.py::test_truncation_bootstraps_from_next_values_and_termination_does_not",
    ),
    Claim(
        "lab2_summary_gae",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "any episode end cuts the recursion",
        "behaviour",
        "tests/test_gae.py::test_nothing_leaks_across_an_episode_end",
    ),
    Claim(
        "lab2_summary_lambda",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "moves the estimator from biased and quiet (0) to unbiased and noisy (1)",
        "measured",
        "tests/claims/test_lab1_lab2.py::test_lab2_lambda_ends_bias_and_variance",
        seeds=(0, 1, 2),
        margin="as lab2_lambda_ends",
        figure="as lab2_lambda_ends",
    ),
    Claim(
        "lab2_summary_tutorial_loop",
        "solutions/lab2_gae/lab2_gae.ipynb",
        "drops the future of the step before each episode end, never bootstraps",
        "behaviour",
        "tests/test_lab_claims.py::test_lab2_tutorial_loop_table",
    ),
    # -- Lab 3 --------------------------------------------------------------------------------
    Claim(
        "lab3_autograded_in_under_a_minute",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "long cells shrink so the notebook grades in under a minute",
        "measured",
        "tests/test_labs_execute.py::test_solution_notebook_runs_under_nbgrader[lab3_clipped_loss]",
        margin="at most 60 s under NBGRADER_EXECUTION (the autograde budget)",
        figure="12.0 s on the course's 2-core CPU (docs/labs.md); results.json keeps each run's",
    ),
    Claim(
        "lab3_clip_earns_nothing_past_eps",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "it clips the ratio inside the objective so that moving the policy further than",
        "behaviour",
        "tests/test_losses.py::test_zero_gradient_exactly_where_the_clip_is_active",
    ),
    Claim(
        "lab3_ratio_is_1_when_unchanged",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "1 where the policy has not changed; > 1 if the action became more likely",
        "behaviour",
        "tests/test_losses.py::test_probability_ratio_is_exp_of_the_difference",
    ),
    Claim(
        "lab3_tiny_probabilities_give_0_over_0",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "dividing two probabilities of $10^{-300}$ gives $0/0$",
        "behaviour",
        "tests/claims/test_lab3_lab4.py::test_lab3_a_ratio_of_tiny_probabilities_needs_log_probabilities",
    ),
    Claim(
        "lab3_try_it_ratios",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Try it: an unchanged policy, a more likely action and a less likely one.",
        "live",
        "tests/claims/test_lab3_lab4.py::test_lab3_try_it_shows_an_unchanged_a_more_and_a_less_likely_action",
    ),
    Claim(
        "lab3_second_term_removes_the_incentive",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "the second removes any incentive to push",
        "behaviour",
        "tests/test_losses.py::test_zero_gradient_exactly_where_the_clip_is_active",
    ),
    Claim(
        "lab3_min_is_a_pessimistic_bound",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Taking the **min** makes the result a *pessimistic* bound",
        "behaviour",
        "tests/claims/test_lab3_lab4.py::test_lab3_the_min_is_a_pessimistic_bound",
    ),
    Claim(
        "lab3_case_good_action_inside",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "make the good action more likely |",
        "behaviour",
        "tests/test_losses.py::test_clipped_surrogate_hand_cases",
    ),
    Claim(
        "lab3_case_good_action_past_the_clip",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "already much more likely: stop",
        "behaviour",
        "tests/test_losses.py::test_clipped_surrogate_hand_cases",
    ),
    Claim(
        "lab3_case_good_action_made_less_likely",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "a step made it *less* likely: still corrected",
        "behaviour",
        "tests/test_losses.py::test_clipped_surrogate_hand_cases",
    ),
    Claim(
        "lab3_case_bad_action_inside",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "make the bad action less likely",
        "behaviour",
        "tests/test_losses.py::test_clipped_surrogate_hand_cases",
    ),
    Claim(
        "lab3_case_bad_action_past_the_clip",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "already much less likely: stop",
        "behaviour",
        "tests/test_losses.py::test_clipped_surrogate_hand_cases",
    ),
    Claim(
        "lab3_case_bad_action_made_more_likely",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "a step made it *more* likely: still corrected",
        "behaviour",
        "tests/test_losses.py::test_clipped_surrogate_hand_cases",
    ),
    Claim(
        "lab3_loss_is_minus_lclip",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "an optimiser minimises, so the function returns",
        "behaviour",
        "tests/test_losses.py::test_ratio_one_gives_minus_mean_advantage",
    ),
    Claim(
        "lab3_widget_shades_where_the_loss_gives_no_gradient",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "the shading shows where your loss gives no gradient",
        "behaviour",
        "tests/test_widgets.py::test_the_clip_demo_shades_where_the_given_loss_clips",
    ),
    Claim(
        "lab3_experiment_16_states_4_actions",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "16 situations (states), 4 actions, and an expected reward for every pair",
        "behaviour",
        "tests/claims/test_lab3_lab4.py::test_lab3_the_experiment_is_the_problem_the_prose_describes",
    ),
    Claim(
        "lab3_experiment_decent_old_policy_noisy_rewards",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "An old policy that is already decent collects one batch of 128 decisions",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab3_the_experiment_is_the_problem_the_prose_describes",
        seeds=tuple(range(30)),
        margin="noise std within 0.15 of 3; the old policy above uniform in every problem and "
        "closing 0.3 to 0.8 of the gap from uniform to the best policy on average",
        figure="noise std 3.00 (3,840 draws); the old policy closes 0.57 of the gap on average "
        "(0.47 to 0.67; problems 0-29)",
    ),
    Claim(
        "lab3_experiment_100_adam_steps_at_0_1",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Then we reuse that batch for 100 Adam steps with a large learning rate (0.1)",
        "behaviour",
        "tests/claims/test_lab3_lab4.py::test_lab3_the_experiment_is_the_problem_the_prose_describes",
    ),
    Claim(
        "lab3_both_objectives_improve_first",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Both objectives improve the policy during the first steps",
        "measured",
        "tests/test_lab_claims.py::test_lab3_clip_experiment",
        seeds=(0, 1000, 2000),
        margin="each mean curve 0.01 above the start after 5 steps (3 sets of 30 problems, "
        "starting at these seeds)",
        figure="after 5 steps +0.042 to +0.053 (unclipped), +0.037 to +0.050 (clipped)",
        slow=True,
    ),
    Claim(
        "lab3_unclipped_keeps_climbing_on_the_batch",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "The unclipped surrogate keeps climbing on the batch",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab3_the_unclipped_surrogate_keeps_climbing_on_the_batch",
        seeds=(0, 1, 2),
        margin="the batch objective 0.1 higher at step 100 than at step 20, 3 times its start, "
        "no step of the last 80 down by 0.001, twice the clipped one's end",
        figure="from 0.26, 0.42, 0.15 to 1.86, 2.61, 2.14 (clipped: 0.48, 0.73, 0.42)",
    ),
    Claim(
        "lab3_unclipped_ends_worse_than_it_started",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "overfits the noise and ends *worse than the policy it started from*",
        "measured",
        "tests/test_lab_claims.py::test_lab3_clip_experiment",
        seeds=(0, 1000, 2000),
        margin="the mean curve ends 0.1 below the start",
        figure="ends -0.21 to -0.27 (unclipped) and -0.005 to +0.024 (clipped) from the start, "
        "0.23 to 0.26 apart",
        slow=True,
    ),
    Claim(
        "lab3_clipped_moves_less_and_ends_near_the_start",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "it moves far less (KL), and after all the steps it is back near the policy it started",
        "measured",
        "tests/test_lab_claims.py::test_lab3_clip_experiment",
        seeds=(0, 1000, 2000),
        margin="KL 5 times smaller; the end within 0.05 of the start and 0.1 above the unclipped "
        "end",
        figure="KL ratio 15.0 to 19.5; the clipped end -0.005 to +0.024 from the start, 0.23 to "
        "0.26 above the unclipped end",
        slow=True,
    ),
    Claim(
        "lab3_gain_came_in_the_first_steps",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "on this noisy batch the gain came in the first steps",
        "measured",
        "tests/test_lab_claims.py::test_lab3_clip_experiment",
        seeds=(0, 1000, 2000),
        margin="the clipped mean curve peaks by step 20, 0.01 above its value after one step",
        figure="the clipped peak at step 6 to 8, +0.025 to +0.041 above its value after one step",
        slow=True,
    ),
    Claim(
        "lab3_q1_both_terms",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "For A = -1, r = 1.5: r*A = -1.5 and clip(r, 0.8, 1.2)*A = 1.2 * -1 = -1.2.",
        "behaviour",
        "tests/test_lab_claims.py::test_lab3_question_1_numbers",
    ),
    Claim(
        "lab3_q1_min_keeps_a_gradient",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "The min is -1.5, the unclipped term, so the gradient is A = -1 (non-zero)",
        "behaviour",
        "tests/test_lab_claims.py::test_lab3_question_1_numbers",
    ),
    Claim(
        "lab3_q1_never_ignores_a_worse_change",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "the pessimistic min never ignores a change that made things worse",
        "behaviour",
        "tests/claims/test_lab3_lab4.py::test_lab3_the_min_is_a_pessimistic_bound",
    ),
    Claim(
        "lab3_q1_positive_advantage_zero_gradient",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "the min picks 1.2, a constant, so the gradient is zero",
        "behaviour",
        "tests/test_lab_claims.py::test_lab3_question_1_numbers",
    ),
    Claim(
        "lab3_q2_extra_epochs_do_little_harm",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "so extra epochs do little harm (in the experiment the clipped policy ends near where it",
        "measured",
        "tests/test_lab_claims.py::test_lab3_clip_experiment",
        seeds=(0, 1000, 2000),
        margin="the clipped end within 0.05 of the start and 0.1 above the unclipped end; the "
        "peak by step 20",
        figure="ends -0.21 to -0.27 (unclipped) and -0.005 to +0.024 (clipped) from the start, "
        "0.23 to 0.26 apart",
        slow=True,
    ),
    Claim(
        "lab3_q2_lower_lr_epochs_eps_or_target_kl",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "each shortens how far one batch pushes the policy",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab3_a_lower_learning_rate_fewer_epochs_or_a_smaller_clip_move_the_policy_less",
        seeds=(0, 1, 2),
        margin="the KL of one update under half of PPOConfig()'s with lr / 3, 2 epochs or eps "
        "0.1, under 0.8 of it with target_kl 0.005 (which stops early)",
        figure="KL over PPOConfig()'s: lr / 3 0.22 to 0.30, 2 epochs 0.29 to 0.34, eps 0.1 0.28 "
        "to 0.33, target_kl 0.005 0.29 to 0.68 (stops after 2 or 3 epochs)",
        slow=True,
    ),
    Claim(
        "lab3_summary_zero_gradient_past_the_clip",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        r"zero gradient past $1+\epsilon$ for good actions",
        "behaviour",
        "tests/test_losses.py::test_zero_gradient_exactly_where_the_clip_is_active",
    ),
    # -- Lab 4 --------------------------------------------------------------------------------
    Claim(
        "lab4_autograder_runs_a_short_training_without_videos",
        "solutions/lab4_training/lab4_training.ipynb",
        "long cells shrink: a short run instead of a full training, no videos.",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_the_training_cell_prints_its_time_and_return_and_shrinks_when_grading",
        slow=True,
    ),
    Claim(
        "lab4_grading_runs_the_librarys_earlier_functions",
        "solutions/lab4_training/lab4_training.ipynb",
        "When grading, the library's own functions run here",
        "behaviour",
        "tests/test_plug.py::test_use_earlier_functions",
    ),
    Claim(
        "lab4_table_num_envs",
        "solutions/lab4_training/lab4_training.ipynb",
        "environments stepped together",
        "live",
        "tests/test_labs_sync.py::test_sync_check_passes",
    ),
    Claim(
        "lab4_table_num_steps",
        "solutions/lab4_training/lab4_training.ipynb",
        "steps per environment per rollout",
        "live",
        "tests/test_labs_sync.py::test_sync_check_passes",
    ),
    Claim(
        "lab4_table_update_epochs",
        "solutions/lab4_training/lab4_training.ipynb",
        "passes over the rollout",
        "live",
        "tests/test_labs_sync.py::test_sync_check_passes",
    ),
    Claim(
        "lab4_table_minibatch_size",
        "solutions/lab4_training/lab4_training.ipynb",
        "transitions per gradient step",
        "live",
        "tests/test_labs_sync.py::test_sync_check_passes",
    ),
    Claim(
        "lab4_gradient_steps_per_rollout",
        "solutions/lab4_training/lab4_training.ipynb",
        "So one rollout gives",
        "behaviour",
        "tests/test_update.py::test_runs_epochs_times_minibatches_steps",
    ),
    Claim(
        "lab4_the_ratio_drifts_after_the_first_step",
        "solutions/lab4_training/lab4_training.ipynb",
        r"the ratio $r_t(\theta)$ drifts away from 1",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_the_ratios_drift_from_1_and_the_clip_contains_them",
        seeds=(0, 1, 2),
        margin="ratio exactly 1 on the first minibatch; mean |r - 1| of the last epoch 3 times "
        "that of the first",
        figure="mean |r - 1| 4.3 to 6.5 times larger in the last epoch than in the first; KL "
        "0.012-0.018 clipped, 0.045-0.20 unclipped (3.7 to 11 times)",
        slow=True,
    ),
    Claim(
        "lab4_advantages_range_over_tens_to_hundreds",
        "solutions/lab4_training/lab4_training.ipynb",
        "Advantages on LunarLander range over tens to hundreds",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_raw_advantages_range_over_tens_to_hundreds",
        seeds=(0, 1, 2),
        margin="std between 10 and 100, largest |A| between 100 and 1000 (an untrained agent's "
        "rollout)",
        figure="std 40.0, 40.6, 52.4; largest |A| 231, 274, 182",
    ),
    Claim(
        "lab4_sgd_follows_the_reward_scale_adam_undoes_most",
        "solutions/lab4_training/lab4_training.ipynb",
        "with plain SGD, a learning rate that suits one environment would explode or crawl",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_adam_undoes_most_of_the_advantage_scale",
        seeds=(0, 1, 2),
        margin="an SGD step exactly 100 times larger; with Adam and no normalisation the KL of "
        "one update with advantages x 100 or x 0.01 within 0.5 to 2 times that of x 1",
        figure="not normalised, the KL of x 100 and of x 0.01 over that of x 1: 0.99 to 1.06 and "
        "0.80 to 0.87",
        slow=True,
    ),
    Claim(
        "lab4_normalising_fixes_the_scale_keeps_the_ranking",
        "solutions/lab4_training/lab4_training.ipynb",
        "Shifting the advantages to mean 0 and scaling them to standard deviation 1 fixes",
        "behaviour",
        "tests/claims/test_lab3_lab4.py::test_lab4_normalising_fixes_the_scale_and_keeps_the_ranking",
    ),
    Claim(
        "lab4_normalised_per_minibatch_unless_norm_adv_is_off",
        "solutions/lab4_training/lab4_training.ipynb",
        "normalises **per minibatch**, so that every gradient step sees advantages of exactly",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_advantages_are_normalised_per_minibatch_unless_norm_adv_is_off",
    ),
    Claim(
        "lab4_eps_keeps_a_constant_minibatch_finite",
        "solutions/lab4_training/lab4_training.ipynb",
        "a tiny number so that a constant minibatch does not divide by zero",
        "behaviour",
        "tests/test_update.py::test_normalize_advantages_constant_and_single_sample_are_finite",
    ),
    Claim(
        "lab4_try_it_normalises",
        "solutions/lab4_training/lab4_training.ipynb",
        "Try it: any scale in, mean 0 and std 1 out",
        "live",
        "tests/claims/test_lab3_lab4.py::test_lab4_try_it_gives_mean_0_std_1_in_the_same_order",
    ),
    Claim(
        "lab4_consecutive_steps_are_nearly_identical",
        "solutions/lab4_training/lab4_training.ipynb",
        "Consecutive steps of one environment are nearly identical",
        "measured",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_consecutive_steps_of_one_environment_are_nearly_identical",
        seeds=(0, 1, 2),
        margin="the median step within an episode under 0.1 of the median distance between two "
        "random transitions; at most 2 episode ends in one environment's 128 steps",
        figure="0.038 to 0.041; 1 or 2 ends",
    ),
    Claim(
        "lab4_the_last_minibatch_is_smaller",
        "solutions/lab4_training/lab4_training.ipynb",
        "if it does not divide $NT$, the last minibatch is smaller",
        "behaviour",
        "tests/test_update.py::test_minibatch_indices_is_a_partition",
    ),
    Claim(
        "lab4_a_seeded_generator_shuffles_the_same_way",
        "solutions/lab4_training/lab4_training.ipynb",
        "so that a seeded run shuffles the same way every time",
        "behaviour",
        "tests/test_update.py::test_minibatch_indices_are_shuffled_and_reproducible",
    ),
    Claim(
        "lab4_the_first_ratio_is_exactly_1",
        "solutions/lab4_training/lab4_training.ipynb",
        "on the very first minibatch the policy has not moved yet, so the ratio is exactly 1",
        "behaviour",
        "tests/test_update.py::test_ratio_is_one_on_the_first_minibatch_of_the_first_epoch",
    ),
    Claim(
        "lab4_more_epochs_push_further_against_the_clip",
        "solutions/lab4_training/lab4_training.ipynb",
        "the remaining epochs would only push the ratios further against the clip",
        "measured",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab3_a_lower_learning_rate_fewer_epochs_or_a_smaller_clip_move_the_policy_less",
        seeds=(0, 1, 2),
        margin="the KL and the clip fraction of one update grow from 1 to 2 to 6 epochs",
        figure="after 1, 2, 6 epochs: KL 0.0015-0.0016, 0.0038-0.0052, 0.0121-0.0181; clip "
        "fraction 0, 0.02-0.08, 0.20-0.35",
        slow=True,
    ),
    Claim(
        "lab4_loop_anneals_the_learning_rate",
        "solutions/lab4_training/lab4_training.ipynb",
        "anneal the learning rate linearly towards 0",
        "behaviour",
        "tests/test_cli.py::test_learning_rate_anneals_by_default",
    ),
    Claim(
        "lab4_loop_rolls_out_and_stores",
        "solutions/lab4_training/lab4_training.ipynb",
        r"roll out $\pi_{\theta_\text{old}}$ for $T$ steps in $N$ envs, storing obs",
        "behaviour",
        "tests/test_rollout.py::test_buffer_holds_what_the_environment_returned",
    ),
    Claim(
        "lab4_loop_scales_rewards_then_gae_bootstraps_truncations",
        "solutions/lab4_training/lab4_training.ipynb",
        "scale the rewards by `reward_scale` (below), then advantages and return targets",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_rewards_are_scaled_before_gae_and_returns_are_reported_unscaled",
        slow=True,
    ),
    Claim(
        "lab4_loop_flattens_time_major",
        "solutions/lab4_training/lab4_training.ipynb",
        "| 4 | flatten `(T, N)` to `(T·N,)`",
        "behaviour",
        "tests/test_rollout.py::test_flatten_is_time_major",
    ),
    Claim(
        "lab4_loop_runs_epochs_times_minibatches",
        "solutions/lab4_training/lab4_training.ipynb",
        "| 5 | epochs × minibatches of the clipped loss",
        "behaviour",
        "tests/test_update.py::test_runs_epochs_times_minibatches_steps",
    ),
    Claim(
        "lab4_loop_logs_finished_episodes",
        "solutions/lab4_training/lab4_training.ipynb",
        "| 6 | log: finished episodes' returns, diagnostics, action frequencies",
        "behaviour",
        "tests/test_rollout.py::test_episode_tracker_records_every_episode",
    ),
    Claim(
        "lab4_episode_tracker_and_mean_of_the_last_100",
        "solutions/lab4_training/lab4_training.ipynb",
        "Here the rollout hands every finished episode's return to an `EpisodeTracker`",
        "behaviour",
        "tests/test_rollout.py::test_episode_tracker_records_every_episode",
    ),
    Claim(
        "lab4_earlier_functions_plug_into_train",
        "solutions/lab4_training/lab4_training.ipynb",
        "could be plugged in the same way with `gae_fn=`",
        "behaviour",
        "tests/test_plug.py::test_train_calls_the_plugged_gae_and_update",
    ),
    Claim(
        "lab4_reward_scale_multiplies_before_gae_returns_unscaled",
        "solutions/lab4_training/lab4_training.ipynb",
        "`PPOConfig.reward_scale` multiplies every reward by a constant",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_rewards_are_scaled_before_gae_and_returns_are_reported_unscaled",
        slow=True,
    ),
    Claim(
        "lab4_scaling_hardly_changes_the_policy_loss",
        "solutions/lab4_training/lab4_training.ipynb",
        "so the policy's loss hardly changes (not at all once the critic predicts in scaled",
        "measured",
        **SCALING_KEEPS_NORMALISED_ADVANTAGES,
    ),
    Claim(
        "lab4_the_critic_dominates_the_global_clip",
        "solutions/lab4_training/lab4_training.ipynb",
        "LunarLander's returns reach the hundreds, so an untrained critic is far off its targets",
        "measured",
        "tests/test_lab_claims.py"
        "::test_lab4_reward_scaling_enlarges_the_clipped_gradient_not_the_adam_step",
        seeds=(0, 1, 2),
        margin="the critic's share of the squared global gradient norm above 99 % with scaled "
        "rewards",
        figure="99.996 % to 99.999 % with scaling, 100.000 % raw (seeds 0-9)",
        slow=True,
    ),
    Claim(
        "lab4_reward_scaling_enlarges_the_clipped_gradient_not_the_adam_step",
        "solutions/lab4_training/lab4_training.ipynb",
        "the clip leaves the actor a larger gradient when the rewards are scaled",
        "measured",
        "tests/test_lab_claims.py"
        "::test_lab4_reward_scaling_enlarges_the_clipped_gradient_not_the_adam_step",
        seeds=(0, 1, 2),
        margin="the clipped actor gradient 5 times larger with scaling; the KL of one Adam "
        "update, scaled over raw, within 2/3 to 2.5",
        figure="gradient 9.6 to 10.5 times larger; KL ratio 0.96 to 1.60, median 1.13 (seeds 0-9)",
        slow=True,
    ),
    Claim(
        "lab4_training_cell_prints_its_time_and_return",
        "solutions/lab4_training/lab4_training.ipynb",
        "and prints how long it took; the progress bar shows the mean return of the last 100",
        "live",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_the_training_cell_prints_its_time_and_return_and_shrinks_when_grading",
        slow=True,
    ),
    Claim(
        "lab4_untrained_crashes_score_minus_100_to_minus_300",
        "solutions/lab4_training/lab4_training.ipynb",
        "Crashes score around −100 to −300 at first",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_untrained_crashes_score_minus_100_to_minus_300",
        seeds=(0, 1, 2),
        margin="the median episode return of an untrained agent between -300 and -100, every "
        "episode between -500 and 0",
        figure="medians -154, -185, -141; episodes -430 to -5 (15 or 16 per seed)",
    ),
    Claim(
        "lab4_landings_score_200_and_more",
        "solutions/lab4_training/lab4_training.ipynb",
        "landings between the flags score 200 and more",
        "measured",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_a_policy_that_lands_between_the_flags_scores_200_and_more",
        seeds=(500, 501, 502),
        margin="each episode of the shipped final policy ends with both legs down between the "
        "flags (|x| < 0.2) and a return of at least 200",
        figure="221, 234, 245",
    ),
    Claim(
        "lab4_the_first_policy_is_almost_uniform",
        "solutions/lab4_training/lab4_training.ipynb",
        "At the start the policy is almost uniform (about 25 % each",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_the_first_policy_is_almost_uniform",
        seeds=(0, 1, 2),
        margin="each action's share of the first rollout within 0.05 of 0.25; the entropy above "
        "0.99 ln 4",
        figure="shares 22.1 % to 26.7 %; entropy 100.00 % of ln 4",
    ),
    Claim(
        "lab4_q1_first_step_is_the_policy_gradient",
        "solutions/lab4_training/lab4_training.ipynb",
        "At the first step the ratio is exactly 1 and the surrogate is the ordinary policy",
        "behaviour",
        "tests/test_update.py::test_ratio_is_one_on_the_first_minibatch_of_the_first_epoch",
    ),
    Claim(
        "lab4_q1_ratios_drift_and_without_a_limit_run_away",
        "solutions/lab4_training/lab4_training.ipynb",
        r"Every further step moves $\theta$, so the ratios drift away from 1",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_the_ratios_drift_from_1_and_the_clip_contains_them",
        seeds=(0, 1, 2),
        margin="mean |r - 1| of the last epoch 3 times that of the first; without the clip the "
        "KL of the same update 2.5 times larger",
        figure="mean |r - 1| 4.3 to 6.5 times larger in the last epoch than in the first; KL "
        "0.012-0.018 clipped, 0.045-0.20 unclipped (3.7 to 11 times)",
        slow=True,
    ),
    Claim(
        "lab4_q1_many_clipped_steps_gain_more_than_one",
        "solutions/lab4_training/lab4_training.ipynb",
        "so many cheap steps extract more learning from the same data without leaving the region",
        "measured",
        "tests/test_lab_claims.py::test_lab3_clip_experiment",
        seeds=(0, 1000, 2000),
        margin="Lab 3's clipped mean curve peaks 0.01 above its value after one step and ends "
        "within 0.05 of the start",
        figure="the clipped peak at step 6 to 8, +0.025 to +0.041 above its value after one step",
        slow=True,
    ),
    Claim(
        "lab4_q1_shuffled_minibatches_are_unbiased",
        "solutions/lab4_training/lab4_training.ipynb",
        "shuffling makes each minibatch a uniform random sample of all environments and times",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_shuffled_minibatch_gradients_average_to_the_full_batch_gradient",
    ),
    Claim(
        "lab4_q2_log_finished_episodes_returns",
        "solutions/lab4_training/lab4_training.ipynb",
        "The quantity to log is the undiscounted return of each *finished* episode",
        "behaviour",
        "tests/test_rollout.py::test_episode_tracker_records_every_episode",
    ),
    Claim(
        "lab4_q2_a_rollouts_sum_is_no_return",
        "solutions/lab4_training/lab4_training.ipynb",
        "A rollout of 128 steps cuts episodes at arbitrary points",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_a_rollouts_reward_sum_is_no_episode_return",
        seeds=(0, 1, 2),
        margin="every environment's window ends inside an episode; no environment's reward sum "
        "within 0.001 of a finished episode's return",
        figure="closest 0.06, 0.13, 0.50 apart",
    ),
    Claim(
        "lab4_summary_epochs_of_minibatches_kept_by_the_clip",
        "solutions/lab4_training/lab4_training.ipynb",
        "One rollout feeds $K$ epochs of shuffled minibatches (Algorithm 1)",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_the_ratios_drift_from_1_and_the_clip_contains_them",
        seeds=(0, 1, 2),
        margin="without the clip the KL of the same update 2.5 times larger",
        figure="mean |r - 1| 4.3 to 6.5 times larger in the last epoch than in the first; KL "
        "0.012-0.018 clipped, 0.045-0.20 unclipped (3.7 to 11 times)",
        slow=True,
    ),
    Claim(
        "lab4_summary_normalised_step_ignores_the_reward_scale",
        "solutions/lab4_training/lab4_training.ipynb",
        "Advantages are normalised per minibatch, so the step size does not depend on the reward",
        "measured",
        "tests/claims/test_lab3_lab4.py::test_lab4_adam_undoes_most_of_the_advantage_scale",
        seeds=(0, 1, 2),
        margin="with normalisation, advantages x 100 give the KL of x 1 within 1e-4",
        figure="equal KL (to 1e-4 relative) on seeds 0-2",
        slow=True,
    ),
    # -- Lab 5 --------------------------------------------------------------------------------
    Claim(
        id="lab5_grading_uses_the_librarys_earlier_functions",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="a mistake in an earlier lab costs points only in that lab",
        how="behaviour",
        test="tests/test_plug.py::test_use_earlier_functions",
    ),
    Claim(
        id="lab5_naive_kl_estimate_goes_negative",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="is unbiased but noisy and can come out *negative* on a finite batch",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_naive_kl_estimate_goes_negative_and_ours_never"
        ),
        seeds=(0, 1, 2),
        margin=(
            "negative on > 5 % of the batches; mean within 15 % of the true KL; spread > 3 "
            "times the estimator's of the lab"
        ),
        figure=(
            "two 4-action policies, 4000 batches of 64: negative on 24-31 % of the batches, "
            "mean within 5 % of the true KL, spread 11-14 times"
        ),
    ),
    Claim(
        id="lab5_approx_kl_unbiased_and_nonnegative",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="keeps it unbiased and makes every term non-negative",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_naive_kl_estimate_goes_negative_and_ours_never"
        ),
        seeds=(0, 1, 2),
        margin="never negative; mean within 15 % of the true KL",
        figure="never negative on 4000 batches of 64; mean within 0.3 % of the true KL",
    ),
    Claim(
        id="lab5_approx_kl_try_it",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="a change of 0.1 nats in every log-probability gives ~0.005",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_try_it_cells_print_what_they_say",
        margin="0 exactly; 0.005 +- 0.0005 for +0.1 and -0.1 nats (no randomness)",
        figure="0.0, 0.00517 (+0.1 nats), 0.00484 (-0.1 nats)",
    ),
    Claim(
        id="lab5_clip_coef_default",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="0.2 by default",
        how="behaviour",
        test="tests/claims/test_lab5_lab6.py::test_lab5_try_it_cells_print_what_they_say",
    ),
    Claim(
        id="lab5_clip_fraction_try_it",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="two of four are outside",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_try_it_cells_print_what_they_say",
        margin="exactly 0.5 (no randomness)",
        figure="0.5",
    ),
    Claim(
        id="lab5_rewards_scaled_before_gae",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The run multiplies every reward by `reward_scale` before GAE",
        how="behaviour",
        test="tests/claims/test_lab5_lab6.py::test_lab5_the_run_scales_rewards_before_gae",
    ),
    Claim(
        id="lab5_clipped_samples_stop_pushing",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="once the ratios reach $1 \\pm \\epsilon$ the clipped samples stop pushing",
        how="behaviour",
        test="tests/test_losses.py::test_zero_gradient_exactly_where_the_clip_is_active",
    ),
    Claim(
        id="lab5_larger_learning_rate_larger_kl",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="a hundred times the learning rate multiplies it by well under a hundred",
        how="measured",
        test="tests/test_lab_claims.py::test_lab5_larger_learning_rate_moves_the_policy_further",
        seeds=(1, 2, 3),
        margin=(
            "largest against smallest rate: KL and clip fraction at least 1.2 times; KL under "
            "33 times"
        ),
        figure="seeds 1-8: KL 1.7-18.9 times, clip fraction 2.3-493 times",
        slow=True,
    ),
    Claim(
        id="lab5_table_return",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="rises, then settles (200 = solved)",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy: ends >= 200 after a rise > 300, its last fifth within 20 % of the rise; "
            "lr_too_high flat: its range under a quarter of the healthy rise; 'rises then "
            "collapses' is italic (from practice)"
        ),
        figure=(
            "healthy -199 to 269, last fifth within a few points; lr_too_high range 82 against "
            "468. one recorded run (seed 1); the fault signatures hold on seeds 2-5, 11 and 12 "
            "too (docs/labs.md, 'Lab 5: the diagnosis runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_ratio",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="mean ≈ 1, most within 1 ± ε",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy ratio mean within 0.02 of 1 on every update, median clip fraction < 0.5; "
            "lr_too_high's largest ratio > 5 times the healthy run's; 'all exactly 1' is "
            "italic (from practice)"
        ),
        figure=(
            "healthy ratio mean 0.990-1.007, median clip fraction 0.055; largest ratio 25.7 "
            "against 2.7. one recorded run (seed 1); the fault signatures hold on seeds 2-5, "
            "11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_clip_fraction",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="a few percent (about 0.01 to 0.2), falling towards 0",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy: in the band on >= 80 % of the updates after the first tenth, the last "
            "tenth's median under half the second tenth's; > 0.15 for >= 5 updates in a row on "
            "lr_too_high, <= 2 on healthy; '≈ 0 all run' is italic (from practice)"
        ),
        figure=(
            "healthy median 0.055, 0.099 falling to 0.015; > 0.15 for 7 updates in a row "
            "(lr_too_high) against 2. one recorded run (seed 1); the fault signatures hold on "
            "seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, checked on "
            "other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_approx_kl",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="about 0.001 to 0.03 per update, falling as the learning rate anneals",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy: in the band on >= 80 % after the first tenth, never above 0.03, the last "
            "tenth's median under half the second tenth's; lr_too_high above 0.03 on >= 30 "
            "updates with a spike > 0.1"
        ),
        figure=(
            "healthy median 0.0053, largest 0.020, 0.0078 falling to 0.0022; lr_too_high above "
            "0.03 on 55 updates, largest 4.1. one recorded run (seed 1); the fault signatures "
            "hold on seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, "
            "checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_entropy",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="starts near ln 4 = 1.386, falls slowly, stays above about 0.3",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy: starts within 0.01 of ln 4, never below 0.3, first below 1.0 after "
            "update 30; ent_coef_too_high's second-half median within 0.2 of ln 4; lr_too_high "
            "below 0.05 within 10 updates"
        ),
        figure=(
            "healthy 1.381 at first, first below 1.0 at update 63, least 0.524; "
            "ent_coef_too_high 1.255; lr_too_high ~0 from update 7. one recorded run (seed 1); "
            "the fault signatures hold on seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the "
            "diagnosis runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_mean_advantage",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The batch's mean (return minus value) changes sign",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy share of updates with mean advantage > 0 between 0.1 and 0.9; gae_leak's "
            "> 0.9; no_adv_norm's median |policy loss| > 5 times every other run's"
        ),
        figure=(
            "healthy 75 % (56-75 % on seeds 1-5, 11, 12), gae_leak 98 % (82-98 %); |policy "
            "loss| 0.094 against at most 0.009. one recorded run (seed 1); the fault "
            "signatures hold on seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis "
            "runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_explained_variance",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="near 0 at first (the critic starts untrained), rises above 0.5",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy: first update within 0.1 of 0, second-half median > 0.5; "
            "critic_not_trained: median size < 0.1 after the first tenth, never 0.5"
        ),
        figure=(
            "healthy -0.03 at first, 0.98 over the second half; critic_not_trained 0.05, at "
            "most 0.37. one recorded run (seed 1); the fault signatures hold on seeds 2-5, 11 "
            "and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_table_value_loss",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="large at first, then falls",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "healthy: the last tenth's median under a fifth of the first tenth's; the warning "
            "sign is italic (from practice)"
        ),
        figure=(
            "healthy 1.82 falling to 0.115. one recorded run (seed 1); the fault signatures "
            "hold on seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, "
            "checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_summary_healthy_run",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Healthy LunarLander PPO: KL of about",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin="the margins of the section 3 table's rows, on the recorded healthy run",
        figure=(
            "see lab5_table_*; the healthy signature holds on seeds 2-5, 11 and 12 (docs/labs.md)"
        ),
    ),
    Claim(
        id="lab5_entropy_starts_below_ln4",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="so the entropy starts just below $\\ln 4 = 1.386$",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_entropy_of_four_actions_stays_below_ln4",
        seeds=(0, 1, 2),
        margin=(
            "untrained entropy within 0.02 of ln 4 and never above it; no recorded run above ln 4"
        ),
        figure=(
            "untrained 1.38628-1.38629 on 32 start states (ln 4 = 1.38629); recorded runs at "
            "most 1.382"
        ),
    ),
    Claim(
        id="lab5_entropy_2_needs_7_4_actions",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="it would need at least $e^2 \\approx 7.4$ equally likely ones",
        how="behaviour",
        test="tests/claims/test_lab5_lab6.py::test_lab5_entropy_of_four_actions_stays_below_ln4",
    ),
    Claim(
        id="lab5_reference_seed_is_healthy",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Below, a healthy run trained right now",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_recorded_runs_are_what_the_lab_says",
        seeds=(4,),
        margin=(
            "seed 4 is in the seed study and lands (the whole healthy signature, 'lands' in "
            "the manifest)"
        ),
        figure="seed 4: 272 at the end",
    ),
    Claim(
        id="lab5_seed_study_lands",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="after 307,200 steps (150 updates) every one of them lands",
        how="live",
        test="tests/claims/test_lab5_lab6.py::test_lab5_recorded_runs_are_what_the_lab_says",
        seeds=(2, 3, 4, 5),
        margin=(
            "formatted from the manifest when the lab is built; the test checks every seed lands"
        ),
        figure="237 to 272 on seeds 2-5",
    ),
    Claim(
        id="lab5_diagnostics_tell_more_than_the_return",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The diagnostics of every update say much more",
        how="measured",
        test=(
            "tests/test_diagnosis_runs.py::test_recorded_run_shows_its_signature_and_only_its_own"
        ),
        seeds=(1,),
        margin="every run's signature holds on its own run only",
        figure=(
            "six of six told apart on seed 1 (and on seeds 2-5, 11, 12: docs/labs.md), while "
            "gae_leak ends at 232, a landing return"
        ),
    ),
    Claim(
        id="lab5_summary_faults_leave_signatures",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Faults leave signatures: a learning rate too high shows in a KL spike and an "
        "entropy collapse",
        how="measured",
        test=(
            "tests/test_diagnosis_runs.py::test_recorded_run_shows_its_signature_and_only_its_own"
        ),
        seeds=(1,),
        margin="each recorded fault run shows its own signature (the signatures' fixed "
        "thresholds) and no other",
        figure="six of six recorded runs told apart on seed 1 (seeds 2-5, 11, 12: "
        "docs_diagnosis_other_seeds)",
    ),
    Claim(
        id="lab5_runs_length",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Six LunarLander-v3 runs of 307,200 steps (150 updates)",
        how="live",
        test="tests/claims/test_lab5_lab6.py::test_lab5_recorded_runs_are_what_the_lab_says",
        seeds=(1,),
        margin="150 rows each, the last at the baseline's total_timesteps",
        figure="150 updates, 307,200 steps",
    ),
    Claim(
        id="lab5_lr_fault_factor",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="learning rate 30 times the baseline's (3e-2 instead of 1e-3)",
        how="live",
        test="tests/claims/test_lab5_lab6.py::test_lab5_recorded_runs_are_what_the_lab_says",
        seeds=(1,),
        margin="the manifest's configs: the ratio and the only field changed",
        figure="0.03 / 0.001 = 30",
    ),
    Claim(
        id="lab5_ent_fault_factor",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="entropy coefficient 10 times the baseline's (0.1 instead of 0.01)",
        how="live",
        test="tests/claims/test_lab5_lab6.py::test_lab5_recorded_runs_are_what_the_lab_says",
        seeds=(1,),
        margin="the manifest's configs: the ratio and the only field changed",
        figure="0.1 / 0.01 = 10",
    ),
    Claim(
        id="lab5_vf_coef_zero_keeps_the_critic",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="value-loss coefficient 0: the critic keeps its random initial weights",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_a_zero_value_coefficient_keeps_the_critics_initial_weights"
        ),
    ),
    Claim(
        id="lab5_answer_lr_too_high",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="in its first updates approx KL climbs far above its band",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: KL over 10 times the band's top in the first 10 updates, second-half "
            "entropy median < 0.05"
        ),
        figure="KL 0.84 by update 7, entropy median 0.00",
    ),
    Claim(
        id="lab5_answer_lr_hardly_moves",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="From then on it hardly moves",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: KL median after the first tenth < 0.01"
        ),
        figure="0.003",
    ),
    Claim(
        id="lab5_target_kl_no_substitute",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="`target_kl` is no substitute",
        how="behaviour",
        test="tests/test_update.py::test_target_kl_stops_early",
    ),
    Claim(
        id="lab5_answer_ent_coef_too_high",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="the entropy stays near its ceiling ln 4 = 1.386",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: KL above 1e-4 on > 90 % of the updates (moves every update)"
        ),
        figure="KL above 1e-4 on 96 % of the updates after the first tenth, median 0.0060",
    ),
    Claim(
        id="lab5_answer_ent_levels_off",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The return levels off far below 200",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin="the test: ends below 150",
        figure="65",
    ),
    Claim(
        id="lab5_answer_ent_fix",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Fix: ent_coef back to the baseline's 0.01",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1, 2, 3, 4, 5),
        margin="the baseline (ent_coef 0.01) lands",
        figure="269 on seed 1; 237-272 on seeds 2-5 (seed study)",
    ),
    Claim(
        id="lab5_answer_no_adv_norm",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="|policy loss| is on the scale of the raw advantages",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: median |policy loss| > 5 times every other run's"
        ),
        figure="0.094 against at most 0.009",
    ),
    Claim(
        id="lab5_answer_no_adv_norm_ordinary",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The other curves look ordinary and the run may even land",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "the test: medians of KL, clip fraction, explained variance after the first tenth "
            "inside their bands"
        ),
        figure="0.0059, 0.049, 0.99; ends at 129 (116-274 on seeds 2-5, 11, 12)",
    ),
    Claim(
        id="lab5_answer_gae_leak_healthy_optimisation",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="the optimisation looks healthy — KL, clip fraction and entropy in their ranges",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: the medians inside the bands, entropy above 0.3, |policy loss| under a "
            "fifth of no_adv_norm's"
        ),
        figure="KL 0.0055, clip fraction 0.054, EV 0.70",
    ),
    Claim(
        id="lab5_answer_gae_leak_mean_advantage",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="What gives it away is the mean advantage",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: gae_leak > 0.9, healthy < 0.8"
        ),
        figure="98 % against 75 % (82-98 % against 56-75 % on seven seeds)",
    ),
    Claim(
        id="lab5_answer_gae_leak_underestimates",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The critic keeps underestimating its targets because each return runs on",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "the mean of the batch mean advantages after the first quarter > 0 (the fault is "
            "GAE crossing episode ends, scripts/record_diagnosis_runs.py leaky_gae)"
        ),
        figure=(
            "mean 0.73 (scaled reward units); positive on 98 % of those updates, 82-98 % on "
            "seven seeds"
        ),
    ),
    Claim(
        id="lab5_answer_critic_share",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The untrained critic's mean advantage is mostly positive too",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_section_3_table_holds_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: its explained variance stays under 0.5"
        ),
        figure="81 %; explained variance at most 0.37",
    ),
    Claim(
        id="lab5_answer_critic_not_trained",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="explained variance stays near 0",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: KL and clip fraction medians inside their bands, ends above -100 and over "
            "100 below the healthy run"
        ),
        figure="ends at 79 against 269",
    ),
    Claim(
        id="lab5_answer_high_entropy_critic",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="A near-random policy does not explain it away",
        how="live",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1,),
        margin=(
            "formatted from the recorded run when the lab is built (_answer_values; sync_labs "
            "--check fails when the runs change); the numbers rechecked by "
            "tests/test_lab_claims.py::test_lab5_model_answer_holds_on_the_recorded_runs; the "
            "test: > 0.9"
        ),
        figure="0.96",
    ),
    Claim(
        id="lab5_answer_critic_fix",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Fix: vf_coef 0.5, and check that the value loss reaches the optimiser",
        how="measured",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab5_model_answer_qualitative_parts_hold_on_the_recorded_runs"
        ),
        seeds=(1, 2, 3, 4, 5),
        margin="the baseline (vf_coef 0.5) lands",
        figure="269 on seed 1; 237-272 on seeds 2-5",
    ),
    Claim(
        id="lab5_checklist_steps_too_large",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="approx KL ≫ 0.03 and clip fraction > 0.3 for many updates",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_checklist_symptoms_pick_out_their_fault",
        seeds=(1,),
        margin=(
            "the symptom (KL > 0.1 with clip fraction > 0.3 on >= 3 updates, or a KL spike > "
            "0.3 then entropy < 0.3 within 5 updates) holds on lr_too_high only; the fix is "
            "the baseline's rate"
        ),
        figure=(
            "lr_too_high: 5 such updates (4-7 and 12), spike 0.69 at update 5, entropy 0.10 at "
            "update 7; healthy: none. one recorded run (seed 1); the fault signatures hold on "
            "seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, checked on "
            "other seeds')"
        ),
    ),
    Claim(
        id="lab5_checklist_entropy_stuck",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="entropy stuck near ln\\|A\\| (1.386 here)",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_checklist_symptoms_pick_out_their_fault",
        seeds=(1,),
        margin="second-half median within 0.2 of ln 4 on ent_coef_too_high only",
        figure=(
            "1.255; the others at most 1.016 (no_adv_norm). one recorded run (seed 1); the "
            "fault signatures hold on seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the "
            "diagnosis runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_checklist_entropy_collapse",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="entropy near 0 within a few updates, return stalls",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_checklist_symptoms_pick_out_their_fault",
        seeds=(1,),
        margin=(
            "entropy below 0.05 in the first 10 updates on lr_too_high only; its return never "
            "above 0"
        ),
        figure=(
            "~0 from update 8; at most -117. one recorded run (seed 1); the fault signatures "
            "hold on seeds 2-5, 11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, "
            "checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_checklist_critic",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="explained variance ≈ 0 or negative throughout",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab5_checklist_symptoms_pick_out_their_fault",
        seeds=(1,),
        margin="explained variance never 0.5 after the first tenth on critic_not_trained only",
        figure=(
            "at most 0.37. one recorded run (seed 1); the fault signatures hold on seeds 2-5, "
            "11 and 12 too (docs/labs.md, 'Lab 5: the diagnosis runs, checked on other seeds')"
        ),
    ),
    Claim(
        id="lab5_continuous_gaussian_policy",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="`ppo_core` switches to a diagonal Gaussian policy for Box action spaces",
        how="behaviour",
        test="tests/test_gaussian.py::test_actor_critic_uses_the_gaussian_functions",
    ),
    Claim(
        id="lab5_windy_training_time",
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="To train on it (a few minutes)",
        how="benchmark",
        test="",
        figure=(
            "the recorded runs' wall_time_s (manifest, 2026-11-30, the course's 2-core x86_64 "
            "machine, one process): 307,200 steps in 40-101 s, so 1,000,000 steps in 2-5.5 "
            "minutes"
        ),
    ),
    # -- Lab 6 --------------------------------------------------------------------------------
    Claim(
        id="lab6_only_three_functions_change",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="only three functions change",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_three_functions_change_and_the_action_space_is_two_numbers_in_minus_one_one"
        ),
    ),
    Claim(
        id="lab6_grades_in_under_a_minute",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="so the notebook grades in under a minute",
        how="benchmark",
        test="",
        figure=(
            "29.1 s by pytest tests/test_labs_execute.py -m slow -k lab6_continuous "
            "(NBGRADER_EXECUTION=autograde; the test asserts at most 60 s) on 2026-12-07, the "
            "course's 2-core x86_64 machine shared with other jobs (load average 4.5); 20.6 s "
            "in docs/labs.md, 'Measured run times'"
        ),
    ),
    Claim(
        id="lab6_grading_uses_the_librarys_earlier_functions",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="a mistake in an earlier lab costs points only in that lab",
        how="behaviour",
        test="tests/test_plug.py::test_use_earlier_functions",
    ),
    Claim(
        id="lab6_action_space",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the action is a vector of two real numbers in $[-1, 1]$",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_three_functions_change_and_the_action_space_is_two_numbers_in_minus_one_one"
        ),
    ),
    Claim(
        id="lab6_two_dimensions",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="number of action dimensions (2 here)",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_three_functions_change_and_the_action_space_is_two_numbers_in_minus_one_one"
        ),
    ),
    Claim(
        id="lab6_entropy_negative_below_0_242",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="becomes **negative** once",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_entropy_2_84_at_start",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="A log that reports 2.84 at the start of a continuous run is right",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_untrained_sigma_is_1",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Try it: the untrained network (sigma = 1 in both dimensions)",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_environment_bounds",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the environment accepts only",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_three_functions_change_and_the_action_space_is_two_numbers_in_minus_one_one"
        ),
    ),
    Claim(
        id="lab6_rollout_keeps_two_versions",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="The rollout therefore keeps **two** versions of each action",
        how="behaviour",
        test=(
            "tests/test_gaussian.py::test_rollout_stores_the_sampled_action_and_sends_the_clipped_one"
        ),
    ),
    Claim(
        id="lab6_clipped_storage_scores_unsampled_actions",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Storing the clipped action instead scores an action the policy never sampled",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_collect_rollout_calls_clip_action",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="`ppo_core.collect_rollout` calls `ppo_core.clip_action` in exactly this place",
        how="behaviour",
        test=(
            "tests/test_gaussian.py::test_rollout_stores_the_sampled_action_and_sends_the_clipped_one"
        ),
    ),
    Claim(
        id="lab6_constant_advantage_zero_gradient",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the expected gradient is zero, because the expected score",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_ratio_must_be_one",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="It also computes the ratio that such a rollout would see",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_ratio_comment",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the ratio before any update, which must be exactly 1",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_normalisation_drops_the_constant",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote=(
            "PPO normalises each minibatch's advantages to mean zero, so that constant part "
            "never reaches its loss"
        ),
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_normalised_advantages_drop_a_constant_advantage"
        ),
    ),
    Claim(
        id="lab6_ratio_off_one_beyond_a_bound",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="What holds whatever the advantages is the ratio",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_bonus_only_widens_sigma",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="a Gaussian's entropy has no ceiling, so a bonus only widens",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_full_run_time",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="took one to four minutes on the course's 2-core machine",
        how="benchmark",
        test="",
        figure=(
            "500k steps of the preset on the course's 2-core x86_64 machine: 60-113 s at the "
            "4,408-8,335 steps/s of seeds 1-5 (docs/labs.md, 'Lab 6's continuous preset', "
            "2026-11-30); the shipped run 227 s (its manifest, train_wall_s)"
        ),
    ),
    Claim(
        id="lab6_shipped_run_is_the_preset",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="loads the policy of one full run with the preset",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_the_shipped_continuous_run_is_the_preset_and_lands"
        ),
    ),
    Claim(
        id="lab6_evaluation_cell_lands",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Below: 20 fresh evaluation episodes",
        how="measured",
        test="tests/claims/test_lab5_lab6.py::test_lab6_evaluation_cell_lands",
        margin=(
            "mean of the 20 episodes >= 200; the recorded episode >= 200 (deterministic policy "
            "and seeded episodes: one run)"
        ),
        figure="20 episodes from seed 2000: mean 237.7 (least 6.8); the seed-42 episode 253.0",
        slow=True,
    ),
    Claim(
        id="lab6_answer_ratio_off_one",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="differs from 1 for every sample beyond a bound",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_answer_gradient_away_from_bound",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the measured d/d mu points away from the bound",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_answer_normalisation",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote=(
            "In PPO the advantages are normalised to mean zero, which removes that constant part"
        ),
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_normalised_advantages_drop_a_constant_advantage"
        ),
    ),
    Claim(
        id="lab6_answer_sampled_keeps_ratio_one",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Storing the sampled action keeps the ratio exactly 1",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    Claim(
        id="lab6_answer_entropy_2_84",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="= 2.84; a differential entropy has no ln|A| ceiling",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_answer_negative_below_0_24",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="As sigma shrinks below about 0.24",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_answer_entropy_gradient",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="The entropy's derivative with respect to each log sigma is 1",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_answer_advantages_decide_sigma",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the advantages alone decide sigma",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_normalised_advantages_drop_a_constant_advantage"
        ),
    ),
    Claim(
        id="lab6_summary_entropy",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="has no ceiling and can be negative",
        how="behaviour",
        test=(
            "tests/claims/test_lab5_lab6.py::test_lab6_gaussian_entropy_has_no_ceiling_and_a_bonus_only_widens_sigma"
        ),
    ),
    Claim(
        id="lab6_summary_clipped_storage",
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Storing the clipped one puts the ratio off 1",
        how="measured",
        test=(
            "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio"
        ),
        seeds=(0, 1, 2),
        margin=(
            "sampled |d/d mu|, |d/d log sigma| < 0.1; clipped both < -0.2; ratio exactly 1 "
            "inside the bounds, > 1 beyond"
        ),
        figure=(
            "seeds 0-7, 20 000 samples: sampled at most 0.024 in size; clipped d/d mu -0.45 to "
            "-0.48, d/d log sigma -0.43 to -0.45"
        ),
    ),
    # -- ppo_core docstrings -------------------------------------------------------------------
    Claim(
        "config_lunar_lander_v2_removed",
        "ppo_core/config.py::PPOConfig.env_id",
        "LunarLander-v2 was removed from gymnasium 1.0",
        "behaviour",
        "tests/claims/test_lab1_lab2.py::test_lab1_lunar_lander_is_as_the_table_says",
    ),
    Claim(
        "config_gamma_horizon_is_the_time_limit",
        "ppo_core/config.py::PPOConfig.gamma",
        "its horizon 1 / (1 - gamma) is 1000 steps, LunarLander's time limit",
        "behaviour",
        "tests/claims/test_docstrings.py::test_config_gamma_horizon_is_the_landers_time_limit",
    ),
    Claim(
        "config_lambda_zero_is_td",
        "ppo_core/config.py::PPOConfig.gae_lambda",
        "0 gives the TD residuals",
        "behaviour",
        "tests/test_gae.py::test_lambda_zero_gives_td_residuals",
    ),
    Claim(
        "config_lambda_one_is_monte_carlo",
        "ppo_core/config.py::PPOConfig.gae_lambda",
        "1 the Monte Carlo returns minus the values",
        "behaviour",
        "tests/test_gae.py::test_lambda_one_gives_monte_carlo_returns_minus_values",
    ),
    Claim(
        "config_reward_scale_before_gae",
        "ppo_core/config.py::PPOConfig.reward_scale",
        "Multiply rewards by this before GAE",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_rewards_are_scaled_before_gae_and_returns_are_reported_unscaled",
        slow=True,
    ),
    Claim(
        "config_reward_scale_hardly_changes_the_policy_loss",
        "ppo_core/config.py::PPOConfig.reward_scale",
        "the policy's loss hardly changes",
        "measured",
        **SCALING_KEEPS_NORMALISED_ADVANTAGES,
    ),
    Claim(
        "config_returns_reported_unscaled",
        "ppo_core/config.py::PPOConfig.reward_scale",
        "Episode returns are always reported unscaled",
        "behaviour",
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_rewards_are_scaled_before_gae_and_returns_are_reported_unscaled",
        slow=True,
    ),
    Claim(
        "config_env_workers_clamped",
        "ppo_core/config.py::PPOConfig.env_workers",
        "Clamped to num_envs and the CPUs available",
        "behaviour",
        "tests/test_fast_parallel.py::test_make_rollout_chooses_and_clamps",
    ),
    Claim(
        "config_env_workers_one_under_nbgrader",
        "ppo_core/config.py::PPOConfig.env_workers",
        "(1 while nbgrader grades)",
        "behaviour",
        "tests/test_fast_parallel.py::test_one_process_while_nbgrader_grades",
    ),
    Claim(
        "config_env_workers_reproducible",
        "ppo_core/config.py::PPOConfig.env_workers",
        "a run is reproducible for a given value",
        "behaviour",
        "tests/test_fast_parallel.py"
        "::test_training_in_two_processes_is_reproducible_and_learns_the_same_way",
    ),
    Claim(
        "doc_approx_kl_low_variance",
        "ppo_core/diagnostics.py::approx_kl",
        "Uses the low-variance, always non-negative estimator",
        "measured",
        "tests/claims/test_docstrings.py::test_approx_kl_estimator_has_lower_variance_than_the_naive_one",
        seeds=(0, 1, 2),
        margin="per-sample spread under 0.2 of the naive -log r's, for logits moved by 0.1",
        figure="0.063 to 0.070 of it (seeds 0-5)",
    ),
    Claim(
        "doc_approx_kl_non_negative",
        "ppo_core/diagnostics.py::approx_kl",
        "always non-negative estimator",
        "behaviour",
        "tests/test_diagnostics.py::test_approx_kl_is_never_negative",
    ),
    Claim(
        "doc_clip_fraction_in_0_1",
        "ppo_core/diagnostics.py::clip_fraction",
        "Returns a Python float in [0, 1].",
        "behaviour",
        "tests/test_diagnostics.py::test_clip_fraction_by_hand",
    ),
    Claim(
        "doc_explained_variance_at_most_1",
        "ppo_core/diagnostics.py::explained_variance",
        "A float <= 1",
        "behaviour",
        "tests/test_diagnostics.py::test_explained_variance_perfect_mean_and_worse",
    ),
    Claim(
        "doc_explained_variance_nan",
        "ppo_core/diagnostics.py::explained_variance",
        "``nan`` when the returns have zero variance",
        "behaviour",
        "tests/test_diagnostics.py::test_explained_variance_is_nan_for_constant_returns",
    ),
    Claim(
        "doc_categorical_entropy_bounds",
        "ppo_core/distributions.py::categorical_entropy",
        "Between 0 (a deterministic policy) and ``ln A`` (uniform).",
        "behaviour",
        "tests/test_distributions.py::test_uniform_is_the_maximum_entropy",
    ),
    Claim(
        "doc_categorical_entropy_stable",
        "ppo_core/distributions.py::categorical_entropy",
        "Stable for huge logits: ``0 * log 0`` is 0.",
        "behaviour",
        "tests/test_distributions.py::test_huge_logits_are_stable",
    ),
    Claim(
        "doc_gae_lambda_zero_td0",
        "ppo_core/gae.py::compute_gae",
        "0 = TD(0)",
        "behaviour",
        "tests/test_gae.py::test_lambda_zero_gives_td_residuals",
    ),
    Claim(
        "doc_gae_lambda_one_monte_carlo",
        "ppo_core/gae.py::compute_gae",
        "1 = Monte Carlo",
        "behaviour",
        "tests/test_gae.py::test_lambda_one_gives_monte_carlo_returns_minus_values",
    ),
    Claim(
        "doc_gaussian_sigma_positive",
        "ppo_core/gaussian.py::gaussian_log_prob",
        "so sigma stays positive without a constraint",
        "behaviour",
        "tests/test_gaussian.py::test_match_torch_normal",
    ),
    Claim(
        "doc_gaussian_entropy_no_ceiling",
        "ppo_core/gaussian.py::gaussian_entropy",
        "grows with log sigma and, unlike a categorical entropy, has no ceiling",
        "behaviour",
        "tests/claims/test_docstrings.py::test_gaussian_entropy_grows_with_log_sigma_without_a_ceiling",
    ),
    Claim(
        "doc_clip_action_stored_clipped",
        "ppo_core/gaussian.py::clip_action",
        "Storing the clipped action instead would put the ratio off 1 before any update",
        "measured",
        "tests/test_lab_claims.py::test_lab6_storing_the_clipped_action_moves_the_gradient_and_the_ratio",
        seeds=(0, 1, 2),
        margin="before any update the ratio is 1 (rtol 1e-5) inside the bounds and above 1 for "
        "every sample beyond them; with one constant advantage the clipped actions' gradient "
        "is below -0.2 where the sampled ones' is under 0.1 in size",
        figure="sampled at most 0.024 in size, clipped -0.43 to -0.48 (seeds 0-7)",
    ),
    Claim(
        "doc_ratio_one_when_unchanged",
        "ppo_core/losses.py::probability_ratio",
        "Equal to 1 wherever the policy has not changed.",
        "behaviour",
        "tests/test_update.py::test_ratio_is_one_on_the_first_minibatch_of_the_first_epoch",
    ),
    Claim(
        "doc_discounted_return_37_percent",
        "ppo_core/returns.py::discounted_return",
        "0.99 means a reward 100 steps away still counts ~37%",
        "behaviour",
        "tests/claims/test_docstrings.py::test_discounted_return_a_reward_100_steps_away_counts_37_percent",
    ),
    Claim(
        "doc_discounted_return_empty",
        "ppo_core/returns.py::discounted_return",
        "An empty episode has return 0.0.",
        "behaviour",
        "tests/test_returns.py::test_empty_episode",
    ),
    Claim(
        "doc_returns_to_go_linear",
        "ppo_core/returns.py::returns_to_go",
        "Computed backwards in one pass -- O(T), not O(T^2).",
        "measured",
        "tests/claims/test_docstrings.py::test_returns_to_go_takes_linear_time",
        margin="ten times the steps take under 40 times as long (quadratic: 100), best of 5",
        figure="6 to 21 on two busy shared cores, 10 idle",
    ),
    Claim(
        "doc_normalised_advantages_scale_free",
        "ppo_core/update.py::normalize_advantages",
        "the policy loss's gradient no longer depends on the advantages' scale",
        "behaviour",
        "tests/claims/test_docstrings.py::test_normalised_advantages_make_the_policy_gradient_scale_free",
        seeds=(0, 1, 2),
    ),
    Claim(
        "doc_normalise_constant_minibatch",
        "ppo_core/update.py::normalize_advantages",
        "so that a constant minibatch does not divide by zero",
        "behaviour",
        "tests/test_update.py::test_normalize_advantages_constant_and_single_sample_are_finite",
    ),
    Claim(
        "doc_normalise_mean_0_std_1",
        "ppo_core/update.py::normalize_advantages",
        "with mean 0 and (sample) std ~1",
        "behaviour",
        "tests/test_update.py::test_normalize_advantages_mean_zero_std_one",
    ),
    Claim(
        "doc_normalise_single_sample",
        "ppo_core/update.py::normalize_advantages",
        "A single sample normalises to 0.",
        "behaviour",
        "tests/test_update.py::test_normalize_advantages_constant_and_single_sample_are_finite",
    ),
    Claim(
        "doc_minibatches_once_per_epoch",
        "ppo_core/update.py::minibatch_indices",
        "Every sample is used exactly once per epoch",
        "behaviour",
        "tests/test_update.py::test_minibatch_indices_is_a_partition",
    ),
    Claim(
        "doc_consecutive_steps_correlated",
        "ppo_core/update.py::minibatch_indices",
        "which are highly correlated",
        "measured",
        "tests/claims/test_docstrings.py::test_consecutive_lander_states_are_highly_correlated",
        seeds=(0, 1, 2),
        margin="lag-1 correlation of x, y, vx, vy, angle in a random episode: median above "
        "0.95, each above 0.7",
        figure="position and angle 0.99-1.00, velocities 0.83-0.99 (seeds 0-5)",
    ),
    Claim(
        "doc_consecutive_steps_split",
        "ppo_core/update.py::minibatch_indices",
        "land in different minibatches",
        "measured",
        "tests/claims/test_docstrings.py::test_minibatches_separate_consecutive_steps",
        seeds=(0, 1, 2),
        margin="under 10 % of consecutive pairs share a minibatch (2048 samples, 32 minibatches)",
        figure="2.7 % to 3.3 % (seeds 0-5); in rollout order 98 %",
    ),
    Claim(
        "doc_last_minibatch_smaller",
        "ppo_core/update.py::minibatch_indices",
        "the last minibatch is smaller",
        "behaviour",
        "tests/test_update.py::test_minibatch_indices_is_a_partition",
    ),
    Claim(
        "doc_minibatches_are_a_permutation",
        "ppo_core/update.py::minibatch_indices",
        "whose concatenation is a permutation",
        "behaviour",
        "tests/test_update.py::test_minibatch_indices_is_a_partition",
    ),
    Claim(
        "doc_target_kl_once_per_epoch",
        "ppo_core/update.py::ppo_update",
        "the first epoch therefore always runs in full",
        "behaviour",
        "tests/test_update.py::test_target_kl_stops_early",
    ),
    Claim(
        "doc_target_kl_fewer_epochs",
        "ppo_core/update.py::ppo_update",
        "fewer if target_kl stopped the update early",
        "behaviour",
        "tests/test_update.py::test_target_kl_stops_early",
    ),
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    Claim(
        "presenter_run_all_time",
        "demos/presenter.ipynb",
        "**Run all cells** (about 10 to 30 seconds)",
        "benchmark",
        figure="all cells of demos/presenter.ipynb run through nbclient, as the slow headless "
        "test runs them; the last cell printed 21.7 s; AMD EPYC, 2 cores, load 0.4, 2026-12-07",
    ),
    Claim(
        "presenter_untrained_greedy_one_action",
        "demos/presenter.ipynb",
        "played greedily, it would take the same action on nearly every step",
        "measured",
        "tests/claims/test_presenter_readme.py::"
        "test_untrained_policy_played_greedily_takes_one_action_on_nearly_every_step",
        seeds=(1, 2, 3),
        margin="the most frequent greedy action on > 80 % of the steps, per seed",
        figure="88 %, 93 %, 90 % (the main engine; seeds 1-3); was 'almost everywhere', which "
        "the states of the 100k batch contradict (the mode on 62 % of them)",
    ),
    Claim(
        "presenter_gif_size",
        "demos/presenter.ipynb",
        "writes the same comparison as GIF and MP4 (1204 x 400 pixels)",
        "behaviour",
        "tests/test_checkpoint_video.py::test_side_by_side",
        figure="two 600 x 400 tiles and a 4-pixel gap: (400, 1204)",
    ),
    Claim(
        "gifs_clip_size",
        "ppo_viz/gifs.py::",
        "600 x 400 pixels per policy, so two policies make a 1204-pixel-wide clip for a projector",
        "behaviour",
        "tests/test_checkpoint_video.py::test_side_by_side",
        figure="two 600 x 400 tiles and a 4-pixel gap: (400, 1204)",
    ),
    Claim(
        "gifs_showcase_seed",
        "ppo_viz/gifs.py::",
        "the first seed at which every lander stays in the picture is used",
        "behaviour",
        "tests/test_checkpoint_video.py::test_showcase_keeps_both_landers_in_the_picture",
    ),
    Claim(
        "presenter_curve_dots_and_mean",
        "demos/presenter.ipynb",
        "the line is the mean of the last 100",
        "behaviour",
        "tests/test_plots.py::test_training_curve_marks_the_threshold",
    ),
    Claim(
        "presenter_crash_hover_land",
        "demos/presenter.ipynb",
        "Early episodes end in crashes far below zero; the lander first learns to hover",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_training_curve_and_actions",
        margin="first 50 returns' mean < -100; the last-100 mean in [0, 100] before it reaches 200",
        figure="one run, the shipped one: first 50 episodes' mean -196; the last-100 mean "
        "passes through 0-100 before 200",
    ),
    Claim(
        "presenter_first_actions_uniform",
        "demos/presenter.ipynb",
        "At the start all four are about equally frequent",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_training_curve_and_actions",
        margin="each share of the first rollout within 0.03 of 0.25; entropy > ln 4 - 0.02",
        figure="one run, the shipped one: shares within 0.011 of 0.25; first entropy 1.379",
    ),
    Claim(
        "presenter_never_one_action",
        "demos/presenter.ipynb",
        "it never becomes one single action",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_training_curve_and_actions",
        margin="no action's share of any rollout reaches 0.9",
        figure="one run, the shipped one: the largest share of any rollout 0.60",
    ),
    Claim(
        "presenter_ratios_mostly_inside",
        "demos/presenter.ipynb",
        "Most ratios stay inside the clip range",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_ratios_mostly_inside_the_clip_range",
        margin="> 75 % inside [1 - eps, 1 + eps]",
        figure="the shipped batch (one update): 84.4 % inside",
    ),
    Claim(
        "presenter_far_outside_means_too_fast",
        "demos/presenter.ipynb",
        "Many samples far outside the range would mean the policy moves too fast",
        "measured",
        "tests/claims/test_presenter_readme.py::"
        "test_a_policy_that_moves_too_fast_puts_ratios_far_outside_the_clip_range",
        seeds=(1, 2, 3),
        margin="share of ratios beyond 1 +- 2 eps: < 0.5 % at the run's learning rate 3e-4, "
        "> 5 % at 1e-2",
        figure="the shipped batch's update re-run from the 100k policy (4 epochs): beyond 2 eps "
        "0.0000-0.0002 at 3e-4, 0.13-0.26 at 1e-2 (0.017-0.028 at 3e-3)",
        slow=True,
    ),
    Claim(
        "presenter_entropy_starts_at_max",
        "demos/presenter.ipynb",
        "**entropy** starts at its maximum ln|A| = ln 4 = 1.386",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_entropy_and_approx_kl_of_the_shipped_run",
        margin="first entropy within 0.02 of ln 4, never above it; never below 2 x the 0.3 floor; "
        "the last 10 updates' mean 0.3 below the first 10's",
        figure="one run, the shipped one: 1.379 at the start, 0.68 at its lowest, 0.74 at the end",
    ),
    Claim(
        "presenter_entropy_never_exceeds_ln4",
        "demos/presenter.ipynb",
        "four actions can never exceed it",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_four_actions_never_exceed_ln4_entropy",
    ),
    Claim(
        "presenter_kl_band_and_anneal",
        "demos/presenter.ipynb",
        "falling as the learning rate anneals",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_entropy_and_approx_kl_of_the_shipped_run",
        margin="the last quarter's median approx KL under half the first quarter's",
        figure="one run, the shipped one: median 0.0064 in the first quarter, 0.0015 in the last",
    ),
    Claim(
        "presenter_kl_larger_means_big_steps",
        "demos/presenter.ipynb",
        "much larger means steps that are too big",
        "measured",
        "tests/claims/test_presenter_readme.py::"
        "test_a_policy_that_moves_too_fast_puts_ratios_far_outside_the_clip_range",
        seeds=(1, 2, 3),
        margin="approx KL above the band's top (0.03) and > 2.5x the run's learning rate's, at "
        "1e-2 against 3e-4",
        figure="the shipped batch's update re-run from the 100k policy: 0.0072-0.0136 at 3e-4, "
        "0.045-0.096 at 1e-2 (3.7x-9.3x); at 3e-3 only 1.2x-2.0x",
        slow=True,
    ),
    Claim(
        "presenter_bands_are_the_dashboards",
        "demos/presenter.ipynb",
        "0.01 to 0.2 (1 % to 20 %)",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_presenter_dashboard_text_quotes_the_healthy_bands",
    ),
    Claim(
        "presenter_policy_loss_without_normalisation",
        "demos/presenter.ipynb",
        "without the normalisation it is about the size of each batch's mean raw advantage",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_dashboard_text_quotes_the_healthy_bands",
        margin="shipped median under a fifth of no_adv_norm's; no_adv_norm's |policy loss| / "
        "|mean raw advantage| median in (0.8, 1.25)",
        figure="one run each: median 0.0024 vs 0.094; ratio 1.02 (correlation 0.9998)",
    ),
    Claim(
        "presenter_mean_advantage_changes_sign",
        "demos/presenter.ipynb",
        "should change sign around the red zero line: a critic that keeps up errs both ways",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_dashboard_text_quotes_the_healthy_bands",
        margin="below 0 on more than 10 % of the updates after the first quarter, for each run",
        figure="the shipped run above 0 on 79.7 % (below on 20.3 %), Lab 5's healthy run on 75 %; "
        "the share is printed by the cell",
    ),
    Claim(
        "presenter_gae_leak_above_zero",
        "demos/presenter.ipynb",
        "Above 0 on nearly every update, the critic keeps underestimating the returns",
        "measured",
        "tests/claims/test_presenter_readme.py::test_presenter_dashboard_text_quotes_the_healthy_bands",
        margin="gae_leak above 0 on > 90 % of its updates, 10 points more than either healthy run",
        figure="one run: gae_leak 98.2 %; printed by the cell",
    ),
    Claim(
        "presenter_clip_widget_description",
        "demos/presenter.ipynb",
        "for a good action (A > 0) and a bad one (A < 0); dashed: the unclipped",
        "behaviour",
        "tests/test_widgets.py::test_clipped_objective_case_analysis",
    ),
    Claim(
        "presenter_gae_widget_extremes",
        "demos/presenter.ipynb",
        "TD(0) (lambda = 0: one reward plus the critic's guess) and Monte Carlo (lambda = 1",
        "behaviour",
        "tests/test_widgets.py::test_lambda_one_is_monte_carlo_and_zero_is_td",
    ),
    # docs/demos.md
    Claim(
        "demos_doc_dashboard_contents",
        "docs/demos.md",
        "entropy with its maximum ln 4 = 1.386 marked",
        "behaviour",
        "tests/test_plots.py::test_diagnostics_dashboard_marks_ln_actions_and_healthy_ranges",
    ),
    Claim(
        "demos_doc_clip_widget",
        "docs/demos.md",
        "the regions where the loss gives no gradient shaded (found from the loss drawn",
        "behaviour",
        "tests/test_widgets.py::test_the_clip_demo_shades_where_the_given_loss_clips",
    ),
    Claim(
        "demos_doc_gae_widget",
        "docs/demos.md",
        "the spread of this one episode's advantages and their distance from the Monte Carlo",
        "behaviour",
        "tests/test_widgets.py::test_bias_variance_trade_off_on_the_real_episode",
    ),
    Claim(
        "demos_doc_gamma_mismatch",
        "docs/demos.md",
        "shows how a mismatched critic biases every TD residual",
        "measured",
        "tests/claims/test_presenter_readme.py::test_a_mismatched_gamma_biases_every_td_residual",
        margin="every residual but the last lower at gamma 0.99 and 0.95; mean residual < -1 "
        "(|mean| < 0.1 at 0.999); RMS gap to Monte Carlo at lambda = 0 more than 5x",
        figure="the shipped episode (326 steps): mean residual 0.014 at 0.999, -1.27 at 0.99, "
        "-6.97 at 0.95; gap at lambda = 0 5.7 -> 87 and 127",
    ),
    Claim(
        "demos_doc_ipywidgets_7_and_8",
        "docs/demos.md",
        "Both use only what ipywidgets 7 (Google Colab) and 8 (JupyterLab 4) share",
        "behaviour",
        "tests/test_widgets.py::test_widgets_work_with_ipywidgets_7",
    ),
    Claim(
        "demos_doc_widget_latency",
        "docs/demos.md",
        "the budget is 100 ms",
        "benchmark",
        figure="`.venv/bin/python benchmarks/widget_latency.py` (and its loop timed in CPU "
        "time): median per update, epsilon slider 72.5 ms of CPU (p90 102), lambda 26, "
        "gamma 37 (process time: the machine was shared; wall 179, 71, "
        "99 ms, and the benchmark printed TOO SLOW at 334-350 ms with 4 other jobs running); "
        "AMD EPYC, 2 cores, 2026-12-07",
    ),
    Claim(
        "demos_doc_batch_file",
        "docs/demos.md",
        "4096 samples of the rollout collected right after the 100k checkpoint",
        "behaviour",
        "tests/test_pretrained.py::test_batch_was_collected_by_the_100k_policy_and_updated_for_real",
    ),
    Claim(
        "demos_doc_regenerate_time",
        "docs/demos.md",
        "measured: about 7 minutes on a 2-core machine shared with other jobs",
        "benchmark",
        figure="`.venv/bin/python scripts/make_pretrained.py`, on this project's 2-core CI "
        "machine shared with other jobs, 2026-11-24 (the sentence's own measurement, not re-run)",
    ),
    Claim(
        "demos_doc_pinned_config",
        "docs/demos.md",
        "so retuning `PPOConfig`'s defaults does not change the shipped files",
        "behaviour",
        "tests/test_pretrained.py::test_manifest_config_is_the_script_pinned_config",
    ),
    # ppo_viz: docstrings and the strings it shows
    Claim(
        "viz_import_loads_no_module",
        "ppo_viz/__init__.py::",
        "Importing the package imports none of them",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_importing_ppo_viz_imports_none_of_its_modules",
    ),
    Claim(
        "viz_figures_without_pyplot",
        "ppo_viz/plots.py::",
        "Figures are built without pyplot, so a notebook shows each exactly once.",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_figures_are_built_without_pyplot",
    ),
    Claim(
        "viz_plots_docstring_bands",
        "ppo_viz/plots.py::",
        "metric shaded as healthy what leaving it usually means",
        "behaviour",
        "tests/test_plots.py::test_diagnostics_docstring_quotes_the_dashboard_bands",
    ),
    Claim(
        "viz_rolling_mean_start",
        "ppo_viz/plots.py::rolling_mean",
        "(fewer at the start)",
        "behaviour",
        "tests/test_plots.py::test_rolling_mean",
    ),
    Claim(
        "viz_training_curve_threshold",
        "ppo_viz/plots.py::training_curve",
        'the "solved" threshold (200 for LunarLander-v3) marked',
        "behaviour",
        "tests/test_plots.py::test_training_curve_marks_the_threshold",
    ),
    Claim(
        "viz_dashboard_entropy_max",
        "ppo_viz/plots.py::diagnostics_dashboard",
        "1.386 for LunarLander's 4 actions",
        "behaviour",
        "tests/test_plots.py::test_diagnostics_dashboard_marks_ln_actions_and_healthy_ranges",
    ),
    Claim(
        "viz_play_episode_replays",
        "ppo_viz/video.py::play_episode",
        "so the same call plays the same episode again",
        "behaviour",
        "tests/test_checkpoint_video.py::test_sampled_episodes_replay_exactly",
    ),
    Claim(
        "viz_lander_in_view_geometry",
        "ppo_viz/video.py::lander_in_view",
        "y = 1.41 its top edge, where the lander starts",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_lander_in_view_matches_lunar_landers_viewport",
        figure="was 'the picture ends at about y = 1.5': gymnasium's viewport puts the top edge at "
        "y = 1.41, where the lander starts (1.412-1.417, seeds 1-3)",
    ),
    Claim(
        "viz_lander_in_view_margin",
        "ppo_viz/video.py::lander_in_view",
        "The check lets the centre go a little past the top (y < 1.5)",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_lander_in_view_matches_lunar_landers_viewport",
    ),
    Claim(
        "viz_showcase_seed_in_picture",
        "ppo_viz/video.py::showcase_seed",
        "so that a side-by-side video never shows an empty tile",
        "behaviour",
        "tests/test_checkpoint_video.py::test_showcase_keeps_both_landers_in_the_picture",
    ),
    Claim(
        "viz_showcase_seed_other_envs",
        "ppo_viz/video.py::showcase_seed",
        "the first candidate is returned",
        "behaviour",
        "tests/claims/test_presenter_readme.py::"
        "test_showcase_seed_returns_the_first_candidate_off_lunar_lander",
    ),
    Claim(
        "viz_side_by_side_holds_last_frame",
        "ppo_viz/video.py::side_by_side",
        "Shorter episodes hold their last frame until the longest ends.",
        "behaviour",
        "tests/test_checkpoint_video.py::test_side_by_side",
    ),
    Claim(
        "viz_side_by_side_untrained_greedy",
        "ppo_viz/video.py::side_by_side",
        "played greedily, it takes the same action on nearly every step",
        "measured",
        "tests/claims/test_presenter_readme.py::"
        "test_untrained_policy_played_greedily_takes_one_action_on_nearly_every_step",
        seeds=(1, 2, 3),
        margin="the most frequent greedy action on > 80 % of the steps, per seed",
        figure="88 %, 93 %, 90 % (seeds 1-3); was 'the same almost everywhere'",
    ),
    Claim(
        "viz_side_by_side_full_tiles",
        "ppo_viz/video.py::side_by_side",
        "keeps the full 600 x 400 picture per tile",
        "behaviour",
        "tests/test_checkpoint_video.py::test_side_by_side",
    ),
    Claim(
        "viz_widgets_ipywidgets_7_and_8",
        "ppo_viz/widgets.py::",
        "use only what ipywidgets 7 (Google Colab) and 8 (JupyterLab 4) share",
        "behaviour",
        "tests/test_widgets.py::test_widgets_work_with_ipywidgets_7",
    ),
    Claim(
        "viz_widgets_latency",
        "ppo_viz/widgets.py::",
        "times it against a budget of 100 ms",
        "benchmark",
        figure="`.venv/bin/python benchmarks/widget_latency.py` (and its loop timed in CPU "
        "time): median per update, epsilon slider 72.5 ms of CPU (p90 102), lambda 26, "
        "gamma 37 (process time: the machine was shared; wall 179, 71, "
        "99 ms, and the benchmark printed TOO SLOW at 334-350 ms with 4 other jobs running); "
        "AMD EPYC, 2 cores, 2026-12-07",
    ),
    Claim(
        "viz_clip_demo_own_clip",
        "ppo_viz/widgets.py::",
        "so a learner's loss shows its own clip",
        "behaviour",
        "tests/test_widgets.py::test_the_clip_demo_shades_where_the_given_loss_clips",
    ),
    Claim(
        "viz_clipped_objective_is_the_library_loss",
        "ppo_viz/widgets.py::clipped_objective",
        "so the curve drawn is the library's",
        "behaviour",
        "tests/test_widgets.py::test_clip_demo_draws_the_given_functions",
    ),
    Claim(
        "viz_gets_gradient_zero_where_flat",
        "ppo_viz/widgets.py::gets_gradient",
        "it is exactly zero where the min of Eq. 7 picks the flat",
        "behaviour",
        "tests/test_widgets.py::test_gets_gradient_is_false_where_eq7_is_flat",
    ),
    Claim(
        "viz_gets_gradient_regions_from_the_loss",
        "ppo_viz/widgets.py::gets_gradient",
        "The demo finds the clipped regions this way",
        "behaviour",
        "tests/test_widgets.py::test_the_clip_demo_shades_where_the_given_loss_clips",
    ),
    Claim(
        "viz_batch_clip_stats",
        "ppo_viz/widgets.py::batch_clip_stats",
        "share of samples with ``|r - 1| > eps``",
        "behaviour",
        "tests/test_widgets.py::test_batch_statistics_match_the_library",
    ),
    Claim(
        "viz_clip_objective_demo_panels",
        "ppo_viz/widgets.py::clip_objective_demo",
        "the region where the loss gives no gradient shaded",
        "behaviour",
        "tests/test_widgets.py::test_clipped_objective_case_analysis",
    ),
    Claim(
        "viz_gae_demo_extremes",
        "ppo_viz/widgets.py::gae_demo",
        "next to the Monte Carlo (lambda = 1) and TD(0) (lambda = 0) extremes",
        "behaviour",
        "tests/test_widgets.py::test_lambda_one_is_monte_carlo_and_zero_is_td",
    ),
    Claim(
        "viz_gamma_note_biased_residuals",
        "ppo_viz/widgets.py",
        "so every TD residual is biased (watch the gap at small lambda)",
        "measured",
        "tests/claims/test_presenter_readme.py::test_a_mismatched_gamma_biases_every_td_residual",
        margin="every residual but the last lower at gamma 0.99 and 0.95; RMS gap to Monte Carlo "
        "at lambda = 0 more than 5x",
        figure="the shipped episode: gap at lambda = 0 5.7 at 0.999, 87 at 0.99, 127 at 0.95",
    ),
    Claim(
        "viz_loss_clip_share",
        "ppo_viz/widgets.py",
        "of them (no gradient for A &gt; 0 or for A &lt; 0)",
        "behaviour",
        "tests/test_widgets.py::test_without_clip_fraction_the_clip_demo_counts_what_the_loss_clips",
    ),
    # -- README -------------------------------------------------------------------------------
    Claim(
        "readme_land_in_coffee_time",
        "README.md",
        "land `LunarLander-v3` on a laptop CPU in the time it takes to make coffee",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`: median 24.2 s readable, 7.4 s "
        "--fast to a last-100 mean of 200 (5/5 seeds); CI machine, 2 x86_64 cores, 2026-11-30",
    ),
    Claim(
        "readme_generated_notebooks",
        "README.md",
        "the student labs (generated nbgrader releases; never edited by hand)",
        "behaviour",
        "tests/test_labs_sync.py::test_sync_check_passes",
    ),
    Claim(
        "readme_torch_lower_bound",
        "README.md",
        "the course needs torch >= 2.13",
        "behaviour",
        "tests/test_dependency_pins.py::test_torchs_lower_bound_is_the_version_ci_installs",
    ),
    Claim(
        "readme_time_to_solve_first_machine_time",
        "README.md",
        "| seconds until the mean of the last 100 training episodes reached 200 (5/5 seeds) |",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`, seeds 1-5: readable 24.2 s "
        "(13.7-30.9), --fast 7.4 s (5.6-15.2); CI machine, 2 x86_64 cores, quiet, 2026-11-30",
    ),
    Claim(
        "readme_time_to_solve_first_machine_steps",
        "README.md",
        "| environment steps until then | 207,920",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`, seeds 1-5; CI machine, 2 x86_64 "
        "cores, 2026-11-30",
    ),
    Claim(
        "readme_time_to_solve_first_machine_sps",
        "README.md",
        "| steps per second over the whole run | 8,583",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`, seeds 1-5; CI machine, 2 x86_64 "
        "cores, 2026-11-30",
    ),
    Claim(
        "readme_time_to_solve_first_machine_eval",
        "README.md",
        "| deterministic evaluation, mean over 100 episodes | **265.8**",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`, seeds 1-5; CI machine, 2 x86_64 "
        "cores, 2026-11-30",
    ),
    Claim(
        "readme_time_to_solve_other_cpu",
        "README.md",
        "The same five seeds on another CPU (2026-12-06",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`, seeds 1-5; Intel Xeon, 2 cores, "
        "quiet, 2026-12-06: the second table, other steps than the first",
    ),
    Claim(
        "readme_time_to_solve_other_cpu_landed",
        "README.md",
        "| seeds whose last-100 mean reached 200 within 500k steps | 5/5 |",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`; Intel Xeon, 2 cores, 2026-12-06",
    ),
    Claim(
        "readme_time_to_solve_other_cpu_time",
        "README.md",
        "| seconds until then | **25.2 s**",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`; Intel Xeon, 2 cores, 2026-12-06",
    ),
    Claim(
        "readme_time_to_solve_other_cpu_steps",
        "README.md",
        "| environment steps until then | 220,992",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`; Intel Xeon, 2 cores, 2026-12-06",
    ),
    Claim(
        "readme_time_to_solve_other_cpu_sps",
        "README.md",
        "| steps per second over the whole run | 8,993",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`; Intel Xeon, 2 cores, 2026-12-06",
    ),
    Claim(
        "readme_time_to_solve_other_cpu_eval",
        "README.md",
        "| deterministic evaluation, mean over 100 episodes | **267.9**",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py [--fast]`; Intel Xeon, 2 cores, 2026-12-06",
    ),
    Claim(
        "readme_registry_changes_no_number",
        "README.md",
        "asking the registry at each call (2.2 us per call",
        "benchmark",
        figure="`python -m ppo_core train --env LunarLander-v3 --preset --seed 1` at both commits "
        "(442,944 steps, evaluation 269.44 each) and `timeit` of the registry's lookup; Intel "
        "Xeon, 2 cores, 2026-12-06",
    ),
    Claim(
        "readme_sps_vs_sb3_run_1",
        "README.md",
        "| 1 | 2,037 steps/s |",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py`, seed 1, 327,680 steps; CI machine, 2 x86_64 "
        "cores, quiet, 2026-11-30",
    ),
    Claim(
        "readme_sps_vs_sb3_run_2",
        "README.md",
        "| 2 | 2,205 steps/s |",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py`, seed 1, 327,680 steps; CI machine, 2 x86_64 "
        "cores, quiet, 2026-11-30",
    ),
    Claim(
        "readme_sps_vs_sb3_run_3",
        "README.md",
        "| 3 | 2,231 steps/s |",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py`, seed 1, 327,680 steps; CI machine, 2 x86_64 "
        "cores, quiet, 2026-11-30",
    ),
    Claim(
        "readme_sps_targets_cleared",
        "README.md",
        "Both paths clear the project's targets (readable >= 3x, `--fast` >= 6x the faster SB3)",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py`, three invocations: readable 3.33x-3.46x, "
        "--fast 8.35x-8.84x; CI machine, 2 x86_64 cores, 2026-11-30",
    ),
    Claim(
        "readme_sb3_speed_varies",
        "README.md",
        "SB3 runs at 2.0k-2.5k steps/s on this machine today",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py`: 2,037-2,459 steps/s on 2026-11-30, "
        "3.1k-3.6k with two threads on 2026-11-24; CI machine, 2 x86_64 cores",
    ),
    Claim(
        "readme_continuous_time_to_solve",
        "README.md",
        "landed 5/5 seeds (deterministic evaluation 245.6-268.5), median 47.0 s",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py --env LunarLanderContinuous-v3`, seeds 1-5; "
        "CI machine, 2 x86_64 cores, shared with other jobs, 2026-11-30",
    ),
    Claim(
        "readme_continuous_sps_vs_sb3",
        "README.md",
        "SB3 3,213 steps/s with one thread and 3,414 with two",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py --env LunarLanderContinuous-v3 --steps 131072`, "
        "seed 1; CI machine, 2 x86_64 cores, quiet, after the hand-written gradients, "
        "2026-11-30",
    ),
    Claim(
        "readme_grading_speed",
        "README.md",
        "30 Lab 2 submissions took 54.0, 56.6, 57.4 and 55.8 s",
        "benchmark",
        figure="`python benchmarks/grading_speed.py --n 30 --jobs 2`; Intel Xeon, 2 cores, "
        "nothing else running, 2026-12-07",
    ),
    Claim(
        "readme_grading_speed_before_pool",
        "README.md",
        "took 55.3 and 53.1 s in the same session",
        "benchmark",
        figure="`python benchmarks/grading_speed.py --n 30 --jobs 2` at the commit before the "
        "worker pool, alternating with the runs above; Intel Xeon, 2 cores, 2026-12-07",
    ),
    Claim(
        "readme_grading_speed_slower_machine",
        "README.md",
        "the same command took 136.8 s before the feedback-precision work",
        "benchmark",
        figure="`python benchmarks/grading_speed.py --n 30 --jobs 2`, one run before and one "
        "after; 2-core AMD EPYC VM, 2026-12-07",
    ),
    Claim(
        "readme_speed_design",
        "README.md",
        "What the speed is built on, on both paths (design choices, measured together",
        "benchmark",
        figure="their joint effect: `python benchmarks/time_to_solve.py` and `sps_vs_sb3.py` "
        "above; steps to 200 124,880-260,576 (CI machine, 2026-11-30) and 132,656-442,944 "
        "(Intel Xeon, 2026-12-06); was '125k-261k steps', the first machine's range only",
    ),
    Claim(
        "readme_fused_adam",
        "README.md",
        "one fused call per Adam step instead of a Python loop over the network's 12 tensors",
        "behaviour",
        "tests/claims/test_presenter_readme.py::"
        "test_the_readable_loop_steps_one_fused_adam_over_twelve_tensors",
    ),
    Claim(
        "readme_fast_layer_equals_update",
        "README.md",
        "the result equals `ppo_update`'s",
        "behaviour",
        "tests/test_fast_parallel.py::test_shared_update_equals_ppo_update",
    ),
    Claim(
        "readme_gae_episode_end",
        "README.md",
        "so the step *before* every episode end loses its future",
        "behaviour",
        "tests/test_gae.py::test_step_before_an_episode_end_keeps_its_full_gae",
    ),
    Claim(
        "readme_episode_tracker",
        "README.md",
        "an `EpisodeTracker` records every finished episode's return and length",
        "behaviour",
        "tests/test_rollout.py::test_episode_tracker_records_every_episode",
    ),
    Claim(
        "readme_entropy_ceiling",
        "README.md",
        "four actions: the maximum is ln 4 = 1.386",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_four_actions_never_exceed_ln4_entropy",
    ),
    Claim(
        "readme_lunar_lander_v2",
        "README.md",
        "(a clear error if you ask for v2)",
        "behaviour",
        "tests/test_errors.py::test_removed_lunar_lander_v2_suggests_v3",
    ),
    Claim(
        "readme_sync_check_fails_on_difference",
        "README.md",
        "`scripts/sync_labs.py --check` and fails on any difference",
        "behaviour",
        "tests/test_labs_sync.py::test_sync_detects_a_library_change",
    ),
    Claim(
        "readme_one_row_per_lab_per_lms_id",
        "README.md",
        "Every submission gets one row per lab under the LMS's own id",
        "behaviour",
        "tests/test_discover_class.py::test_canvas_download_one_row_per_student",
    ),
    Claim(
        "readme_grader_needs_no_checkout",
        "README.md",
        "The grader needs no checkout",
        "behaviour",
        "tests/test_autograder_installed.py::test_the_installed_wheel_grades_without_the_checkout",
    ),
    Claim(
        "readme_feedback_names_a_cause_only_when_alone",
        "README.md",
        "A failing check names a cause only when that cause alone",
        "behaviour",
        "tests/test_feedback_precision.py::test_a_result_two_causes_explain_names_neither",
    ),
    Claim(
        "readme_feedback_precision_counts",
        "README.md",
        "of 211 natural mistakes across the six labs, 0 given a wrong cause, 196 (93%) named",
        "measured",
        "tests/test_feedback_precision.py::test_most_natural_mistakes_get_their_own_cause_named",
        margin="exact counts (the test fails if they change)",
        figure="211 mistakes: 0 wrong cause, 196 named, 15 described; deterministic",
    ),
    Claim(
        "readme_suite_ppo_core",
        "README.md",
        "CartPole-v1 learning to >= 400",
        "behaviour",
        "tests/test_train_cartpole.py::test_ppo_learns_cartpole",
    ),
    Claim(
        "readme_suite_bypass",
        "README.md",
        "none may score more than the wrong code alone",
        "behaviour",
        "tests/test_autograder_bypass.py::test_attack_earns_nothing",
    ),
    Claim(
        "readme_suite_pretrained",
        "README.md",
        "the pretrained policy (>= 200 in a 100-episode deterministic evaluation)",
        "behaviour",
        "tests/test_pretrained.py::test_final_policy_solves_lunar_lander_as_the_manifest_says",
    ),
    Claim(
        "readme_claims_register",
        "README.md",
        "The claims register, `tests/claims/register.py`, accounts for every sentence",
        "behaviour",
        "tests/test_claims_register.py::test_a_planted_unregistered_claim_is_caught",
    ),
    Claim(
        "readme_another_cpu_margins",
        "README.md",
        "**Another CPU**: within stated margins, never to the digit.",
        "behaviour",
        "tests/test_pretrained.py::test_final_policy_solves_lunar_lander_as_the_manifest_says",
        figure="the two time_to_solve tables above: the same seeds, other steps on each CPU",
    ),
    Claim(
        "readme_reproducible_margin_rule",
        "README.md",
        "three times sqrt(2) times the spread of the 100-episode mean over 8 blocks",
        "behaviour",
        "tests/claims/test_presenter_readme.py::test_readme_quotes_the_manifests_reproducibility_margins",
    ),
    Claim(
        "readme_reproducible_margins_quoted",
        "README.md",
        "The discrete policy's is 9.0 around 263.4, the continuous policy's 18.9 around 241.9",
        "measured",
        "tests/claims/test_presenter_readme.py::test_readme_quotes_the_manifests_reproducibility_margins",
        margin="formatted from the manifests to 0.1",
        figure="the manifests' margins and means; 'an Intel Xeon re-ran the latter at 242.0' is "
        "one run (2026-12-06), inside that margin",
    ),
    Claim(
        "readme_float64_comparison",
        "README.md",
        "within a relative 1e-5 (the recorded float32 values are within 2e-7 of it)",
        "behaviour",
        "tests/test_pretrained.py::test_batch_was_collected_by_the_100k_policy_and_updated_for_real",
        figure="measured once, as the test's comment says: values within 2e-7 relatively, "
        "log-probabilities within 3.1e-7",
    ),
    Claim(
        "readme_pretrained_steps",
        "README.md",
        "the LunarLander-v3 policies at 0, 100k, 300k steps and the end of one run",
        "behaviour",
        "tests/test_pretrained.py::test_available_steps_span_the_run",
    ),
    Claim(
        "readme_presenter_run_all_time",
        "README.md",
        "run all cells (about 10 to 30 s)",
        "benchmark",
        figure="all cells of demos/presenter.ipynb run through nbclient, as the slow headless "
        "test runs them; the last cell printed 21.7 s; AMD EPYC, 2 cores, load 0.4, 2026-12-07",
    ),
    Claim(
        "readme_widgets_ipywidgets_7_and_8",
        "README.md",
        "Both widgets work with ipywidgets 7 (Colab) and 8 (JupyterLab 4).",
        "behaviour",
        "tests/test_widgets.py::test_widgets_work_with_ipywidgets_7",
    ),
    # -- docs ---------------------------------------------------------------------------------
    Claim(
        "docs_student_build_command",
        "docs/instructors.md",
        "says which labs it withheld and which it revealed",
        "behaviour",
        "tests/test_student_build.py::test_cli_builds_and_reports",
    ),
    Claim(
        "docs_student_build_refuses",
        "docs/instructors.md",
        "and an unknown lab (it lists the labs)",
        "behaviour",
        "tests/test_student_build.py::test_cli_rejects_an_unknown_lab",
    ),
    Claim(
        "docs_student_build_reveal",
        "docs/instructors.md",
        "keeps the reference code of the named labs",
        "behaviour",
        "tests/test_student_build.py::test_reveal_restores_exactly_the_named_lab",
    ),
    Claim(
        "docs_student_build_leaves_out_the_speed_layer",
        "docs/instructors.md",
        "the speed layer `ppo_core/fast/` is left out",
        "behaviour",
        "tests/test_student_build.py::test_the_installed_build",
    ),
    Claim(
        "docs_student_build_leak_scan",
        "docs/instructors.md",
        "every region line of 6 tokens or more",
        "behaviour",
        "tests/test_student_build.py::test_the_leak_scan_finds_code_that_is_there",
    ),
    Claim(
        "docs_student_build_time",
        "docs/instructors.md",
        "The build takes under a minute: 41.1 and 38.5 s",
        "benchmark",
        figure="`python -m autograder build-student-package --out DIR`, twice: 41.1 and 38.5 s; "
        "2-core AMD EPYC VM, nothing else running, 2026-12-07",
    ),
    Claim(
        "docs_student_build_size",
        "docs/instructors.md",
        "The tree is about 3.2 MB, the wheel about 1.7 MB",
        "measured",
        "tests/claims/test_docs.py::test_the_student_build_s_size",
        margin="tree 2.8-3.6 MB, wheel 1.5-1.95 MB, visible_cases.npz in the wheel 0.85-1.2 MB",
        figure=(
            "tree 3.16 MB, wheel 1.71 MB, visible_cases.npz 1.04 MB in the wheel (1.55 MB "
            "unpacked); two builds, 2026-12-07, 263 bytes apart (the guide said 2.4, 1.3, 0.86)"
        ),
        slow=True,
    ),
    Claim(
        "docs_paste_cells_instructors",
        "docs/instructors.md",
        'Labs 2, 4, 5 and 6 have a cell "Your functions from earlier labs"',
        "behaviour",
        "tests/claims/test_docs.py::test_the_earlier_function_cells_bring_in_the_labs_the_docs_name",
    ),
    Claim(
        "docs_model_answers_refuse",
        "docs/instructors.md",
        "It never overwrites a file; an unknown lab gets the list of labs.",
        "behaviour",
        "tests/test_release.py::test_model_answers_of_an_unknown_lab_list_the_labs",
    ),
    Claim(
        "docs_student_build_refuses_a_used_folder",
        "docs/instructors.md",
        "refuses a folder that is not empty (it never overwrites anything)",
        "behaviour",
        "tests/test_student_build.py::test_cli_overwrites_nothing",
    ),
    Claim(
        "docs_grade_links_and_pipes_rejected",
        "docs/instructors.md",
        "named pipes, sockets and devices are reported as `rejected file`",
        "behaviour",
        "tests/test_discover_class.py::test_symlink_is_reported_never_read",
    ),
    Claim(
        "docs_grade_fix_first_in_cells_csv",
        "docs/instructors.md",
        "it starts by naming that function as the one to fix first",
        "behaviour",
        "tests/test_feedback_root_cause.py::test_cells_csv_names_the_function_to_fix_first",
    ),
    Claim(
        "docs_grade_newest_file",
        "docs/instructors.md",
        "the newest is graded (inside a zip: by the archive's own timestamps",
        "behaviour",
        "tests/test_autograder_robust.py::test_archive_timestamps_decide_newest",
    ),
    Claim(
        "docs_grade_nested_zips",
        "docs/instructors.md",
        "zips inside any of these, recognised by their first bytes whatever their name",
        "behaviour",
        "tests/test_discover_class.py::test_zip_recognised_by_its_bytes_not_its_name",
    ),
    Claim(
        "docs_grade_rejected_files",
        "docs/instructors.md",
        "notebooks whose JSON nests more than 100 levels",
        "behaviour",
        "tests/test_discover_class.py::test_deep_json_is_refused_without_recursion_error",
    ),
    Claim(
        "docs_grade_lab_of_the_content",
        "docs/instructors.md",
        "it is graded as the lab of its content and `ids.csv` says so",
        "behaviour",
        (
            "tests/test_discover_class.py::test_lab_one_notebook_in_a_lab_two_folder_is_grade"
            "d_as_lab_one"
        ),
    ),
    Claim(
        "docs_grade_unsafe_names",
        "docs/instructors.md",
        "so two different names never become one student",
        "behaviour",
        "tests/test_autograder_robust.py::test_student_ids_keep_unicode_and_never_merge",
    ),
    Claim(
        "docs_grade_provisional_ids",
        "docs/instructors.md",
        "stay separate students with *provisional* ids",
        "behaviour",
        "tests/test_discover_class.py::test_whitespace_variants_are_flagged_not_merged",
    ),
    Claim(
        "docs_grade_notebook_size_and_outputs",
        "docs/instructors.md",
        "outputs and attachments are dropped before execution",
        "behaviour",
        "tests/claims/test_docs.py::test_a_submitted_notebook_loses_its_outputs_and_attachments",
    ),
    Claim(
        "docs_grade_archive_caps",
        "docs/instructors.md",
        "so a zip bomb costs at most the cap",
        "behaviour",
        "tests/test_autograder_robust.py::test_archive_caps_reject_with_a_row",
    ),
    Claim(
        "docs_grade_grades_csv_rows",
        "docs/instructors.md",
        "one row for every student and every lab anybody submitted",
        "behaviour",
        "tests/test_autograder_units.py::test_discover_layouts_and_zip",
    ),
    Claim(
        "docs_grade_cells_csv_message",
        "docs/instructors.md",
        "`message` is a failed test's message on one line (at most 300 characters",
        "behaviour",
        "tests/test_feedback_root_cause.py::test_cells_csv_has_the_message_column",
    ),
    Claim(
        "docs_grade_written_answers_without_metadata",
        "docs/instructors.md",
        "the answer is then found right after its question",
        "behaviour",
        (
            "tests/test_autograder_robust.py::test_written_answers_without_metadata_are_found"
            "_or_left_for_hand_grading"
        ),
    ),
    Claim(
        "docs_grade_exit_status",
        "docs/instructors.md",
        "The command exits 0 when every submission got a row, whatever the scores",
        "behaviour",
        "tests/test_discover_class.py::test_cli_roster_errors_and_flags_set_the_exit_status",
    ),
    Claim(
        "docs_grade_one_run_per_out",
        "docs/instructors.md",
        "Two runs at once on one `--out` are refused",
        "behaviour",
        "tests/test_autograder_class.py::test_a_second_run_on_one_out_is_refused",
    ),
    Claim(
        "docs_grade_option_defaults",
        "docs/instructors.md",
        "`--timeout` (seconds per cell, default 60)",
        "behaviour",
        "tests/claims/test_docs.py::test_grade_options_have_the_documented_defaults",
    ),
    Claim(
        "docs_written_answers_pending",
        "docs/instructors.md",
        "Written answers (the reflection questions) are never scored by the grader",
        "behaviour",
        "tests/test_autograder_marks.py::test_pending_answers_say_marked_by_your_instructor",
    ),
    Claim(
        "docs_marks_file_kept",
        "docs/instructors.md",
        "adds a row for every written answer still without a mark and never changes a row",
        "behaviour",
        "tests/test_autograder_marks.py::test_marks_csv_created_kept_and_applied",
    ),
    Claim(
        "docs_marks_apply_checks_first",
        "docs/instructors.md",
        "`--apply` checks the whole file first",
        "behaviour",
        "tests/test_autograder_marks.py::test_bad_manual_csv_names_the_line_and_changes_nothing",
    ),
    Claim(
        "docs_marks_survive_regrading",
        "docs/instructors.md",
        "so marks survive re-grading",
        "behaviour",
        "tests/test_autograder_marks.py::test_marks_reach_csvs_and_feedback_and_survive_a_rerun",
    ),
    Claim(
        "docs_marks_bad_file_exits_3",
        "docs/instructors.md",
        "a bad file makes it exit 3 and say why",
        "behaviour",
        "tests/test_autograder_marks.py::test_bad_manual_csv_at_the_end_of_grade_exits_3",
    ),
    Claim(
        "docs_export_pending_refused",
        "docs/instructors.md",
        "a lab with answers still to mark is refused, listing them, unless `--allow-pending`",
        "behaviour",
        "tests/test_autograder_export.py::test_pending_marks_refused_unless_allowed",
    ),
    Claim(
        "docs_export_unmatched",
        "docs/instructors.md",
        "Students graded but not in the LMS file, and LMS students without a grade",
        "behaviour",
        (
            "tests/test_autograder_export.py::test_canvas_export_matches_the_sample_and_joins"
            "_on_lms_ids"
        ),
    ),
    Claim(
        "docs_installed_wheel_grades",
        "docs/instructors.md",
        "so a grading server needs the wheel, not a checkout",
        "behaviour",
        "tests/test_autograder_installed.py::test_the_installed_wheel_grades_without_the_checkout",
    ),
    Claim(
        "docs_installed_wheel_course",
        "docs/instructors.md",
        "in a checkout (or an editable install) it grades the checkout's `solutions/`",
        "behaviour",
        "tests/test_autograder_installed.py::test_in_the_checkout_the_course_is_the_checkout",
    ),
    Claim(
        "docs_installed_wheel_refuses_to_build",
        "docs/instructors.md",
        "`build-student-package` still needs a checkout and says so when run from the wheel",
        "behaviour",
        (
            "tests/test_autograder_installed.py::test_the_installed_wheel_refuses_to_build_th"
            "e_student_package"
        ),
    ),
    Claim(
        "docs_first_ctrl_c",
        "docs/instructors.md",
        "The first Ctrl-C starts no new notebook",
        "behaviour",
        "tests/test_autograder_interrupt.py::test_first_ctrl_c_writes_every_row_and_leaves_nothing",
    ),
    Claim(
        "docs_second_ctrl_c",
        "docs/instructors.md",
        "A second Ctrl-C kills everything at once and exits 130",
        "behaviour",
        "tests/test_autograder_interrupt.py::test_second_ctrl_c_exits_at_once",
    ),
    Claim(
        "docs_killed_worker",
        "docs/instructors.md",
        "costs only the notebook it was grading",
        "behaviour",
        "tests/test_autograder_class.py::test_a_killed_worker_costs_no_other_submission",
    ),
    Claim(
        "docs_worker_dies_twice",
        "docs/instructors.md",
        "if that one is killed too, the row says `worker died` and the command exits 3",
        "behaviour",
        "tests/test_autograder_class.py::test_a_worker_that_dies_twice_gives_its_row_and_exit_3",
    ),
    Claim(
        "docs_grader_failures_not_kept",
        "docs/instructors.md",
        "are never recorded as results, so the next run grades them again",
        "behaviour",
        "tests/test_autograder_class.py::test_the_journal_never_keeps_a_failure_of_the_grader",
    ),
    Claim(
        "docs_killed_grading_command",
        "docs/instructors.md",
        "If the grading command itself is killed, its worker processes and kernels die with it",
        "behaviour",
        "tests/test_autograder_class.py::test_killing_the_main_process_leaves_no_process",
    ),
    Claim(
        "docs_killed_run_folder_swept",
        "docs/instructors.md",
        "a folder of another run that is still going is never touched",
        "behaviour",
        "tests/test_autograder_class.py::test_the_sweep_removes_only_folders_whose_run_is_gone",
    ),
    Claim(
        "docs_grading_profile",
        "docs/instructors.md",
        "Per Lab 2 notebook on the 2-core CI machine (2026-11-30, shared machine, CPU seconds)",
        "benchmark",
        figure="`python benchmarks/grading_profile.py`: kernel 2.1 CPU-s per Lab 2 notebook "
        "(imports 1.7, torch 0.95, matplotlib 0.55, tests 0.35), autograde 0.2, feedback 0.2; "
        "2-core x86_64 CI machine shared with other jobs, 2026-11-30",
    ),
    Claim(
        "docs_grading_kernel_killed_after_last_cell",
        "docs/instructors.md",
        "the kernel is killed after its last cell",
        "behaviour",
        "tests/test_autograder_units.py::test_kernel_is_killed_after_the_last_cell",
    ),
    Claim(
        "docs_grading_templates_compiled_once",
        "docs/instructors.md",
        "the feedback templates are compiled once per worker",
        "behaviour",
        (
            "tests/test_autograder_units.py::test_feedback_exporter_compiles_once_and_renders"
            "_the_same_bytes"
        ),
    ),
    Claim(
        "docs_grading_no_fsync",
        "docs/instructors.md",
        "the run's scratch gradebooks commit without fsync",
        "behaviour",
        "tests/test_autograder_units.py::test_scratch_gradebooks_skip_fsync_only_inside",
    ),
    Claim(
        "docs_grading_skips_jsonschema",
        "docs/instructors.md",
        "the grading processes skip an optional jsonschema import",
        "behaviour",
        "tests/test_autograder_units.py::test_grading_processes_skip_the_slow_optional_import",
    ),
    Claim(
        "docs_grading_savings",
        "docs/instructors.md",
        "about 0.7 CPU-s",
        "benchmark",
        figure="`python benchmarks/grading_profile.py`: a polite kernel shutdown 0.7 CPU-s, the "
        "jsonschema import 1.6 CPU-s; 2-core x86_64 CI machine shared with other jobs, 2026-11-30",
    ),
    Claim(
        "docs_grading_throughput",
        "docs/instructors.md",
        "30 Lab 2 submissions took 54.0 to 57.4 s",
        "benchmark",
        figure="`python benchmarks/grading_speed.py --n 30 --jobs 2`, four runs: 54.0-57.4 s, "
        "mean 56.0 s (16.1 notebooks per core-minute); 2-core CI machine, nothing else running, "
        "2026-12-07",
    ),
    Claim(
        "docs_grading_a_class",
        "docs/instructors.md",
        "A class of 500 students x 6 labs is 3,000 notebooks",
        "benchmark",
        figure="arithmetic on the throughput above: 3000 / 16.1 = 186 core-minutes, 93 min on 2 "
        "cores, 11.6 min on 16 (assumes the rate scales with cores, not measured on 16)",
    ),
    Claim(
        "docs_gradescope_unhandled_scores_0",
        "docs/instructors.md",
        'A submission the grader could not handle scores 0 with "tell your instructor"',
        "behaviour",
        "tests/test_gradescope.py::test_a_broken_package_and_a_missing_python_still_write_results",
    ),
    Claim(
        "docs_gradescope_root_only",
        "docs/instructors.md",
        "makes the library and `results/` root-only (mode 700)",
        "behaviour",
        "tests/test_gradescope.py::test_library_and_results_are_root_only",
    ),
    Claim(
        "docs_canvas_walk_through_exit",
        "docs/instructors.md",
        "Exit status 0: every file became one student's row.",
        "behaviour",
        "tests/test_instructors_guide.py::test_the_walk_through_runs_as_written",
    ),
    Claim(
        "docs_verdict_in_the_grader",
        "docs/instructors.md",
        "No test cell runs in the learner's kernel",
        "behaviour",
        "tests/test_autograder_bypass.py::test_attack_earns_nothing",
    ),
    Claim(
        "docs_not_plain_data_fails_its_check",
        "docs/instructors.md",
        "A result that is not plain data",
        "behaviour",
        (
            "tests/test_grading_remote.py::test_a_result_that_is_not_plain_data_fails_its_che"
            "ck_with_a_message"
        ),
    ),
    Claim(
        "docs_spies_replayed",
        "docs/instructors.md",
        "a record that does not follow from the update fails",
        "behaviour",
        "tests/test_grading_remote.py::test_spy_records_that_do_not_follow_from_the_update_fail",
    ),
    Claim(
        "docs_catalogue_through_the_grader",
        "docs/instructors.md",
        "The checks' catalogue of known mistakes runs here too",
        "behaviour",
        "tests/test_autograder_catalogue.py::test_the_grader_agrees_with_the_in_process_verdict",
    ),
    Claim(
        "docs_probe_finds_nothing",
        "docs/instructors.md",
        "no solution notebook is importable, in the kernel's memory, or in a file it can read",
        "behaviour",
        "tests/test_autograder_bypass.py::test_probe_finds_nothing_when_isolated",
    ),
    Claim(
        "docs_calling_the_library_s_version",
        "docs/instructors.md",
        "calls the library's version of its own exercise gets a message saying so",
        "behaviour",
        "tests/test_autograder_hostile.py::test_feedback_names_what_happened",
    ),
    Claim(
        "docs_probe_control",
        "docs/instructors.md",
        "with isolation switched off, the same probe finds them",
        "behaviour",
        "tests/test_autograder_bypass.py::test_probe_finds_something_unisolated",
    ),
    Claim(
        "docs_kernel_courtesies",
        "docs/instructors.md",
        "so one endless loop costs that function's tests only",
        "behaviour",
        "tests/claims/test_docs.py::test_a_function_out_of_time_is_replaced_by_one_that_says_so",
    ),
    Claim(
        "docs_kernel_print_cap",
        "docs/instructors.md",
        "what one call prints is capped (20,000 characters)",
        "behaviour",
        "tests/claims/test_docs.py::test_what_one_call_prints_is_capped_at_20000_characters",
    ),
    Claim(
        "docs_kernel_no_threads",
        "docs/instructors.md",
        "from the first call on the kernel starts no thread",
        "behaviour",
        "tests/test_seccomp.py::test_threads_start_under_no_processes_only",
    ),
    Claim(
        "docs_nbgrader_autograde_with_the_course_config",
        "docs/instructors.md",
        "`nbgrader autograde` uses the same preprocessors",
        "behaviour",
        "tests/test_autograder_e2e.py::test_full_instructor_cycle",
    ),
    Claim(
        "docs_definitions_only",
        "docs/instructors.md",
        "That code is reduced to imports, function and class definitions and constant assignments",
        "behaviour",
        "tests/test_autograder_units.py::test_removes_and_reports",
    ),
    Claim(
        "docs_top_level_tricks_never_run",
        "docs/instructors.md",
        "similar tricks never run",
        "behaviour",
        "tests/test_autograder_units.py::test_keeps_definitions_imports_and_constants",
    ),
    Claim(
        "docs_namespaces",
        "docs/instructors.md",
        "so a file one student writes there is never seen by the next",
        "behaviour",
        "tests/test_autograder_hostile.py::test_status_and_score",
    ),
    Claim(
        "docs_kernel_uid_and_tmp_sizes",
        "docs/instructors.md",
        "Then the kernel drops to an unprivileged uid: 61000 + the job number",
        "behaviour",
        "tests/claims/test_docs.py::test_the_kernel_uid_and_private_tmp",
    ),
    Claim(
        "docs_tmpfs_size",
        "docs/instructors.md",
        "(256 MB each, `PPO_GRADER_TMP_MB`)",
        "behaviour",
        "tests/claims/test_docs.py::test_the_kernel_uid_and_private_tmp",
    ),
    Claim(
        "docs_sandbox_no_processes",
        "docs/instructors.md",
        "makes `fork`/`vfork`/`clone` fail, threads still work",
        "behaviour",
        "tests/test_autograder_units.py::test_sandbox_blocks_processes_but_not_threads",
    ),
    Claim(
        "docs_sandbox_other_abi",
        "docs/instructors.md",
        "kills the kernel at any system call made with another ABI's numbering",
        "behaviour",
        "tests/test_seccomp.py::test_calls_with_another_numbering_kill_the_process",
    ),
    Claim(
        "docs_sandbox_landlock",
        "docs/instructors.md",
        "`solutions/` and other students' files cannot be read or written",
        "behaviour",
        "tests/test_autograder_units.py::test_sandbox_hides_course_files",
    ),
    Claim(
        "docs_feedback_page_runs_nothing",
        "docs/instructors.md",
        "opens such a page in Chromium and checks that nothing ran",
        "behaviour",
        "tests/test_autograder_robust.py::test_feedback_page_runs_nothing_in_a_browser",
    ),
    Claim(
        "docs_train_one_process",
        "docs/instructors.md",
        "`ppo_core.train` runs in one process by default",
        "behaviour",
        "tests/test_cli.py::test_train_without_flags_stays_in_one_process",
    ),
    Claim(
        "docs_fast_one_process_while_grading",
        "docs/instructors.md",
        "it too stays in one process while nbgrader grades",
        "behaviour",
        "tests/test_fast_parallel.py::test_one_process_while_nbgrader_grades",
    ),
    Claim(
        "docs_fast_falls_back",
        "docs/instructors.md",
        "it falls back to one process, with a warning, wherever a process cannot be started",
        "behaviour",
        "tests/test_fast_parallel.py::test_falls_back_to_one_process_when_workers_cannot_start",
    ),
    Claim(
        "docs_student_build_holds_no_answer",
        "docs/instructors.md",
        "Hidden tests, their seeds, the grader's code and the solutions notebooks are never in it",
        "behaviour",
        "tests/test_student_build.py::test_the_build_holds_no_answer",
    ),
    Claim(
        "docs_hidden_inputs_reach_the_kernel",
        "docs/instructors.md",
        "never the expected values, the seeds or the tests' code",
        "behaviour",
        "tests/test_autograder_bypass.py::test_probe_finds_nothing_when_isolated",
    ),
    Claim(
        "docs_without_landlock",
        "docs/instructors.md",
        "the kernel can read whatever its uid can read",
        "behaviour",
        "tests/test_autograder_bypass.py::test_probe_finds_something_unisolated",
    ),
    Claim(
        "docs_hostile_fixtures",
        "docs/instructors.md",
        "exercise each listed attack",
        "behaviour",
        "tests/test_autograder_hostile.py::test_status_and_score",
    ),
    Claim(
        "docs_catalogue_wrong_loses_points",
        "docs/instructors.md",
        "checks that each known-wrong implementation of its catalogue fails",
        "behaviour",
        "tests/test_autograder_catalogue.py::test_wrong_implementation_loses_points_and_is_named",
    ),
    Claim(
        "docs_catalogue_correct_full_marks",
        "docs/instructors.md",
        "each correct implementation written differently gets full marks through the grader",
        "behaviour",
        "tests/test_autograder_catalogue.py::test_correct_implementation_gets_full_marks",
    ),
    Claim(
        "docs_bypass_never_scores_more",
        "docs/instructors.md",
        "requires that none scores more on any test than the same wrong code",
        "behaviour",
        "tests/test_autograder_bypass.py::test_attack_earns_nothing",
    ),
    Claim(
        "docs_sync_check",
        "docs/labs.md",
        "CI: exit 1 listing every difference",
        "behaviour",
        "tests/test_labs_sync.py::test_sync_detects_a_library_change",
    ),
    Claim(
        "docs_ci_regenerates_the_notebooks",
        "docs/labs.md",
        "CI regenerates them and fails on any difference",
        "behaviour",
        "tests/test_labs_sync.py::test_sync_check_passes",
    ),
    Claim(
        "docs_library_calls_exercises",
        "docs/labs.md",
        "The library's own parts call exercise functions",
        "behaviour",
        "tests/test_plug_paths.py::test_training_runs_every_exercise_but_lab_1s_returns",
    ),
    Claim(
        "docs_plug_yours_only_where_withheld",
        "docs/labs.md",
        "plugs them in only where the build withholds the reference",
        "behaviour",
        "tests/test_plug.py::test_plug_in_withheld_plugs_only_what_is_withheld",
    ),
    Claim(
        "docs_paste_cells_labs",
        "docs/labs.md",
        "(Lab 2: Lab 1's; Lab 4: Labs 1, 2, 3 and 5; Lab 5: Labs 1-4; Lab 6: Labs 2-5)",
        "behaviour",
        "tests/claims/test_docs.py::test_the_earlier_function_cells_bring_in_the_labs_the_docs_name",
    ),
    Claim(
        "docs_earlier_functions_with_the_reference",
        "docs/labs.md",
        "nothing is saved or read and the names are set to the library's",
        "behaviour",
        "tests/test_carry.py::test_nothing_happens_with_the_open_library_or_under_the_grader",
    ),
    Claim(
        "docs_lab5_first_exercises_for_lab4",
        "docs/labs.md",
        "(a few lines each, independent of Lab 4)",
        "behaviour",
        (
            "tests/claims/test_docs.py::test_lab5s_first_three_exercises_are_a_few_lines_each"
            "_independent_of_lab4"
        ),
    ),
    Claim(
        "docs_clip_widget_shades_the_given_loss",
        "docs/labs.md",
        "The clip widget shades where the loss it draws gives no gradient",
        "behaviour",
        "tests/test_widgets.py::test_the_clip_demo_shades_where_the_given_loss_clips",
    ),
    Claim(
        "docs_clip_widget_without_clip_fraction",
        "docs/labs.md",
        "it shows the share of samples that loss clips",
        "behaviour",
        (
            "tests/test_widgets.py::test_without_clip_fraction_the_clip_demo_counts_what_the_"
            "loss_clips"
        ),
    ),
    Claim(
        "docs_labs_run_against_the_student_build",
        "docs/labs.md",
        "may raise and no relative link may point to nothing",
        "behaviour",
        "tests/test_labs_student_build.py::test_lab_runs_against_the_student_build",
    ),
    Claim(
        "docs_my_ppo_finish_earlier_lab_first",
        "docs/labs.md",
        "or stops with `FinishEarlierLab` naming the lab to finish first",
        "behaviour",
        "tests/test_carry.py::test_a_later_lab_says_which_lab_to_finish_first",
    ),
    Claim(
        "docs_labs_student_build_carry_walk",
        "docs/labs.md",
        "the functions reach the later labs only through `my_ppo/`",
        "behaviour",
        "tests/test_labs_student_build.py::test_every_lab_saved_its_functions_for_the_next",
    ),
    Claim(
        "docs_grading_never_reads_my_ppo",
        "docs/instructors.md",
        "Grading never reads `my_ppo/`.",
        "behaviour",
        "tests/test_carry.py::test_nothing_happens_with_the_open_library_or_under_the_grader",
    ),
    *(
        Claim(
            f"{lab}_save_refuses_a_failing_function",
            f"solutions/{lab}/{lab}.ipynb",
            "a function that fails a check is not saved, and the cell says which and why",
            "behaviour",
            "tests/test_carry.py::test_a_stub_is_refused_where_it_is_first_offered",
        )
        for lab in (lab.id for lab in exercises.LABS)
    ),
    Claim(
        "docs_lab_run_times",
        "docs/labs.md",
        "Measured (Labs 1-3 on 2026-11-24, Lab 6 on 2026-11-30, Lab 5 below",
        "benchmark",
        figure="`jupyter nbconvert --to notebook --execute` and `pytest tests/test_labs_execute.py`"
        ", one run each: the table of docs/labs.md; 2-core x86_64 machine shared with other jobs, "
        "Labs 1-3 on 2026-11-24, Labs 5 and 6 on 2026-11-30",
    ),
    Claim(
        "docs_lab1_run_time",
        "docs/labs.md",
        "| lab1_rl_basics | 11.9 s | 7.0 s |",
        "benchmark",
        figure="full run 11.9 s, under NBGRADER_EXECUTION 7.0 s; the machine and command of "
        "docs_lab_run_times, 2026-11-24",
    ),
    Claim(
        "docs_lab2_run_time",
        "docs/labs.md",
        "| lab2_gae | 10.2 s | 9.0 s |",
        "benchmark",
        figure="full run 10.2 s, under NBGRADER_EXECUTION 9.0 s; the machine and command of "
        "docs_lab_run_times, 2026-11-24",
    ),
    Claim(
        "docs_lab3_run_time",
        "docs/labs.md",
        "| lab3_clipped_loss | 17.9 s | 12.0 s |",
        "benchmark",
        figure="full run 17.9 s, under NBGRADER_EXECUTION 12.0 s; the machine and command of "
        "docs_lab_run_times, 2026-11-24",
    ),
    Claim(
        "docs_lab5_run_time",
        "docs/labs.md",
        "| lab5_diagnostics | 68.6 s | 11.4 s",
        "benchmark",
        figure="full run 68.6 s, under NBGRADER_EXECUTION 11.4 s (17.5 s by nbconvert); the "
        "machine and command of docs_lab_run_times, load average about 2.2, 2026-11-30",
    ),
    Claim(
        "docs_lab6_run_time",
        "docs/labs.md",
        "| lab6_continuous | 28.4 s | 20.6 s |",
        "benchmark",
        figure="full run 28.4 s, under NBGRADER_EXECUTION 20.6 s; the machine and command of "
        "docs_lab_run_times, 2026-11-30",
    ),
    Claim(
        "docs_lab5_run_time_conditions",
        "docs/labs.md",
        "Lab 5 measured on 2026-11-30, one run each",
        "benchmark",
        figure="the Lab 5 row: one run each, 2-core x86_64 machine at load average about 2.2, "
        "2026-11-30",
    ),
    Claim(
        "docs_claims_register",
        "docs/labs.md",
        "The claims register, `tests/claims/register.py`, lists every sentence",
        "behaviour",
        (
            "tests/test_claims_register.py::test_every_candidate_of_a_registered_source_is_ac"
            "counted_for"
        ),
    ),
    Claim(
        "docs_check_failed_traceback",
        "docs/labs.md",
        "never the grader's frames",
        "behaviour",
        (
            "tests/test_grading_checks.py::test_notebook_traceback_shows_the_learner_lines_no"
            "t_the_graders"
        ),
    ),
    Claim(
        "docs_six_recorded_runs",
        "docs/labs.md",
        "Lab 5's exercise shows six recorded LunarLander-v3 runs",
        "behaviour",
        "tests/test_lab_data.py::test_manifest_records_every_run",
    ),
    Claim(
        "docs_runs_reproduce_on_one_machine",
        "docs/labs.md",
        "The course reproduces a run bit for bit on one machine only",
        "behaviour",
        "tests/test_reproducibility.py::test_same_seed_gives_identical_histories",
    ),
    Claim(
        "docs_diagnosis_signatures",
        "docs/labs.md",
        "every run has a **signature**",
        "behaviour",
        "tests/test_diagnosis_runs.py::test_each_signature_fires_on_its_own_synthetic_run_only",
    ),
    Claim(
        "docs_diagnosis_check_fails_on_two_seeds",
        "docs/labs.md",
        "if any run is not told apart on more than one of them",
        "behaviour",
        "tests/test_diagnosis_runs.py::test_check_tolerates_one_bad_seed_but_not_two",
    ),
    Claim(
        "docs_diagnosis_baseline",
        "docs/labs.md",
        "The baseline is ppo_core's tuned LunarLander configuration",
        "behaviour",
        "tests/claims/test_docs.py::test_the_diagnosis_baseline_and_faults_are_what_the_docs_say",
    ),
    Claim(
        "docs_diagnosis_faults",
        "docs/labs.md",
        "The faults, one change each",
        "behaviour",
        "tests/claims/test_docs.py::test_the_diagnosis_baseline_and_faults_are_what_the_docs_say",
    ),
    Claim(
        "docs_diagnosis_other_seeds",
        "docs/labs.md",
        "Checked on 2026-11-30 on this 2-core x86_64 machine",
        "benchmark",
        figure="`scripts/record_diagnosis_runs.py --check --seeds 2 3 4 5 11 12 --histories "
        "/tmp/lab5/hist --reuse`: exit status 0, the table of docs/labs.md; 2-core x86_64, "
        "torch 2.13.0 CPU, gymnasium 1.4.0, shared with other jobs, 2026-11-30",
    ),
    Claim(
        "docs_diagnosis_healthy_row",
        "docs/labs.md",
        "| `healthy` | yes (241)",
        "benchmark",
        figure="signature holds on seeds 2, 3, 4, 5, 11, 12; final returns 241, 237, 272, 253, "
        "244, 266 (command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_lr_row",
        "docs/labs.md",
        "| `lr_too_high` | yes (-133)",
        "benchmark",
        figure="signature holds on seeds 2, 3, 4, 5, 11, 12; final returns -133, -133, -572, "
        "-133, -126, -120 (command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_ent_coef_row",
        "docs/labs.md",
        "| `ent_coef_too_high` | yes (83)",
        "benchmark",
        figure="signature holds on seeds 2, 3, 4, 5, 11, 12; final returns 83, 86, 77, 70, 90, "
        "58 (command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_no_adv_norm_row",
        "docs/labs.md",
        "| `no_adv_norm` | yes (263)",
        "benchmark",
        figure="signature holds on seeds 2, 3, 4, 5, 11, 12; final returns 263, 216, 123, 116, "
        "130, 274 (command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_gae_leak_row",
        "docs/labs.md",
        "| `gae_leak` | yes (95)",
        "benchmark",
        figure="signature holds on seeds 2, 3, 4, 5, 11, 12; final returns 95, 145, 229, 258, "
        "75, 236 (command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_critic_row",
        "docs/labs.md",
        "| `critic_not_trained` | yes (130)",
        "benchmark",
        figure="signature holds on seeds 2, 3, 4, 5, 11, 12; final returns 130, 83, 85, 64, 120, "
        "82 (command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_result",
        "docs/labs.md",
        "Result: exit status 0; all 36 runs told apart",
        "benchmark",
        figure="exit status 0; 36 of 36 runs told apart; healthy final return 237 to 272 "
        "(command, machine and date of docs_diagnosis_other_seeds)",
    ),
    Claim(
        "docs_diagnosis_seed_1",
        "docs/labs.md",
        "The recorded seed 1 shows the same",
        "measured",
        "tests/test_diagnosis_runs.py::test_recorded_run_shows_its_signature_and_only_its_own",
        seeds=(1,),
        margin="each run's own signature holds and no other (the signatures' fixed thresholds)",
        figure="seed 1 (the recorded runs, one run each): each of the six runs shows its own "
        "signature only",
    ),
    Claim(
        "docs_diagnosis_narrowest_margin",
        "docs/labs.md",
        "The narrowest margin is the `gae_leak` signature's",
        "benchmark",
        figure="mean-advantage-positive share after the first quarter, seeds 1-5, 11, 12: "
        "gae_leak 0.82-0.98, healthy 0.56-0.75, critic_not_trained up to 0.96 (threshold 0.8); "
        "command, machine and date of docs_diagnosis_other_seeds",
    ),
    Claim(
        "docs_diagnosis_early_explained_variance",
        "docs/labs.md",
        "explained variance over the first quarter ranged from 0.37 to 0.79",
        "benchmark",
        figure="first-quarter explained variance, seeds 1-5, 11, 12: gae_leak 0.37-0.79, "
        "healthy 0.79-0.95; command, machine and date of docs_diagnosis_other_seeds",
    ),
    Claim(
        "docs_diagnosis_run_time",
        "docs/labs.md",
        "Time: one run takes 40 to 155 s on this shared machine",
        "benchmark",
        figure="`scripts/record_diagnosis_runs.py --check`: 40-155 s a run, 6-10 minutes a seed; "
        "2-core x86_64 shared with other jobs, 2026-11-30",
    ),
    Claim(
        "docs_continuous_preset_search",
        "docs/labs.md",
        "Found like the discrete defaults: one 600k-step run",
        "benchmark",
        figure="`python benchmarks/time_to_solve.py --env LunarLanderContinuous-v3`: 600k-step "
        "run, seed 1, last-100 mean 200 after 301k steps, 20-episode evaluation 262; then the "
        "table's 5 seeds; 2-core x86_64 shared with other jobs, 2026-11-30",
    ),
    Claim(
        "docs_continuous_seed_1",
        "docs/labs.md",
        "| 1 | 108.6 | 459,344 | 4,408 | 245.6 |",
        "benchmark",
        figure="seed 1: 108.6 s, 459,344 steps, 4,408 steps/s, eval 245.6 (command, machine and "
        "date of docs_continuous_preset_search)",
    ),
    Claim(
        "docs_continuous_seed_2",
        "docs/labs.md",
        "| 2 | 38.3 | 253,376 | 4,962 | 264.5 |",
        "benchmark",
        figure="seed 2: 38.3 s, 253,376 steps, 4,962 steps/s, eval 264.5 (command, machine and "
        "date of docs_continuous_preset_search)",
    ),
    Claim(
        "docs_continuous_seed_3",
        "docs/labs.md",
        "| 3 | 51.6 | 283,424 | 6,414 | 268.5 |",
        "benchmark",
        figure="seed 3: 51.6 s, 283,424 steps, 6,414 steps/s, eval 268.5 (command, machine and "
        "date of docs_continuous_preset_search)",
    ),
    Claim(
        "docs_continuous_seed_4",
        "docs/labs.md",
        "| 4 | 47.0 | 390,400 | 8,335 | 253.7 |",
        "benchmark",
        figure="seed 4: 47.0 s, 390,400 steps, 8,335 steps/s, eval 253.7 (command, machine and "
        "date of docs_continuous_preset_search)",
    ),
    Claim(
        "docs_continuous_seed_5",
        "docs/labs.md",
        "| 5 | 40.9 | 315,376 | 7,758 | 259.7 |",
        "benchmark",
        figure="seed 5: 40.9 s, 315,376 steps, 7,758 steps/s, eval 259.7 (command, machine and "
        "date of docs_continuous_preset_search)",
    ),
    Claim(
        "docs_continuous_median",
        "docs/labs.md",
        "| median | 47.0 | 315,376 | 6,414 | 259.7 |",
        "benchmark",
        figure="medians of the five seeds: 47.0 s, 315,376 steps, 6,414 steps/s, eval 259.7",
    ),
    Claim(
        "docs_continuous_five_of_five",
        "docs/labs.md",
        "Evaluation >= 200 on 5/5 seeds.",
        "benchmark",
        figure="100-episode evaluations 245.6 to 268.5 on seeds 1-5 (command, machine and date "
        "of docs_continuous_preset_search)",
    ),
    Claim(
        "docs_continuous_shipped_policy",
        "docs/labs.md",
        "evaluated at 241.9 on its manifest's 100 episodes",
        "measured",
        "tests/test_pretrained.py::test_continuous_policy_lands_as_the_manifest_says",
        seeds=(10000,),
        margin="|mean - 241.87| <= 18.88 (3 x sqrt(2) x the sd 4.45 of 8 fresh-seed blocks of "
        "100 episodes) and mean >= 200",
        figure="241.87 over 100 deterministic episodes from seed 10000 (manifest, 2026-12-06); "
        "block means on fresh seeds 235.4 to 247.9",
    ),
    Claim(
        "docs_sps_vs_sb3",
        "docs/labs.md",
        "gave SB3 2,735 steps/s with 1 thread",
        "benchmark",
        figure="`python benchmarks/sps_vs_sb3.py --env LunarLanderContinuous-v3 --steps 65536`: "
        "SB3 2,735 steps/s (1 thread), 1,344 (2); ppo_core 6,332, --fast 5,809; 2-core x86_64 "
        "shared with other jobs, 2026-11-30",
    ),
    Claim(
        "docs_exercise_table_row_1",
        "docs/instructors.md",
        "| 1 | `lab1_",
        "behaviour",
        "tests/test_exercise_registry.py::test_documented_tables_match_the_registry",
    ),
    Claim(
        "docs_exercise_table_row_2",
        "docs/instructors.md",
        "| 2 | `lab2_",
        "behaviour",
        "tests/test_exercise_registry.py::test_documented_tables_match_the_registry",
    ),
    Claim(
        "docs_exercise_table_row_3",
        "docs/instructors.md",
        "| 3 | `lab3_",
        "behaviour",
        "tests/test_exercise_registry.py::test_documented_tables_match_the_registry",
    ),
    Claim(
        "docs_exercise_table_row_4",
        "docs/instructors.md",
        "| 4 | `lab4_",
        "behaviour",
        "tests/test_exercise_registry.py::test_documented_tables_match_the_registry",
    ),
    Claim(
        "docs_exercise_table_row_5",
        "docs/instructors.md",
        "| 5 | `lab5_",
        "behaviour",
        "tests/test_exercise_registry.py::test_documented_tables_match_the_registry",
    ),
    Claim(
        "docs_exercise_table_row_6",
        "docs/instructors.md",
        "| 6 | `lab6_",
        "behaviour",
        "tests/test_exercise_registry.py::test_documented_tables_match_the_registry",
    ),
    Claim(
        "docs_verdicts_outside_the_learner_s_reach",
        "docs/instructors.md",
        "its verdicts are computed outside the learner's reach",
        "behaviour",
        "tests/test_autograder_bypass.py::test_attack_earns_nothing",
    ),
)

NOT_CLAIMS: tuple[NotClaim, ...] = (
    NotClaim(
        "ppo_viz/gifs.py::",
        "python -m ppo_viz.gifs OUT_DIR [--steps 0 final] [--seed S] [--fps 30]",
        NAMES,
    ),
    NotClaim("ppo_viz/gifs.py", "e.g. 0 100000 final (default: 0 final)", NAMES),
    NotClaim(
        "ppo_core/config.py::PPOConfig.clip_vloss",
        "Engstrom et al. 2020 found it does not help",
        CITATION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        'the paper reports "destructively large policy updates"',
        CITATION,
    ),
    # -- Lab 1 --------------------------------------------------------------------------------
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "**Expected time:** 60 to 75 minutes.",
        "a planning estimate of the learner's working time, set by the instructors; nothing the "
        "repository runs can measure it",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "$$J(\\pi) = \\mathbb{E}_{\\tau \\sim \\pi}",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "The first reward is weighted by $\\gamma^0 = 1$.",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "one-step and empty episodes, gamma = 0 (1 point)",
        "a graded test cell's label: names the cases its check runs and the points it is worth",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "$$G_t = \\sum_{k=t}^{T-1}",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "G_0 equals the return, G_t = r_t + gamma G_{t+1} (1 point)",
        "a graded test cell's label: names the cases its check runs and the points it is worth",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "how much better $a$ is than the policy's average action in $s$",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "It is never known exactly; Lab 2 estimates it.",
        "what the advantage is: an expectation over the policy's futures (its definition just "
        "above), which episodes only sample",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "Try it: the ceiling ln 4, a peaked policy, and the freshly initialised PPO network.",
        "a cell's caption: says what the cell below prints",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "uniform gives ln 4, deterministic gives 0 (1 point)",
        "a graded test cell's label: names the cases its check runs and the points it is worth",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "random batches, 0 <= S <= ln |A| (1 point)",
        "a graded test cell's label: names the cases its check runs and the points it is worth",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "how much is the +100 bonus for coming to rest at step 300 worth",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "What happens to it with $\\gamma = 0.9$, and why could that make landing hard to learn?",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "reports a policy entropy of 2.3 in the first update",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "So the logging is wrong: e.g. it sums entropies over a batch",
        "the conclusion of the bound registered in the sentence before it; the causes are "
        "examples offered to look for, none is asserted",
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "The agent-environment loop: observe $s_t$",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
        "Compute its log-probabilities and entropy with `log_softmax`, never",
        INSTRUCTION,
    ),
    # -- Lab 2 --------------------------------------------------------------------------------
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "This lab builds the estimator PPO uses, Generalized Advantage Estimation",
        CITATION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "**Expected time:** 60 to 75 minutes.",
        "a planning estimate of the learner's working time, set by the instructors; nothing the "
        "repository runs can measure it",
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "$$\\delta_t = r_t + \\gamma\\, V(s_{t+1})",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "critic's value of the *true* next state of this transition",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "1 if the MDP ended at step $t$ (crash, landing), else 0",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "Try it: four steps; the episode crashes at t=2 (terminated), then a new one starts.",
        "a cell's caption: describes the data the cell below builds",
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "$$\\hat A_t = \\delta_t + (\\gamma\\lambda)\\,\\delta_{t+1} + \\dots",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "+ (\\gamma\\lambda)^{T-t-1}\\,\\delta_{T-1}",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "$$\\hat A_t = \\delta_t + \\gamma\\lambda\\,(1 - \\text{done}_t)\\,\\hat A_{t+1}",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "Try it: two short episodes in one rollout; the first terminates at t=2.",
        "a cell's caption: describes the data the cell below builds",
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "one episode, including lambda = 0 and lambda = 1 (2 points)",
        "a graded test cell's label: names the cases its check runs and the points it is worth",
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "Give the estimator a critic that has learned only part of the values",
        "the experiment's set-up (what the cell below builds), not an outcome",
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "drag the $\\lambda$ slider from TD(0) to Monte Carlo",
        INSTRUCTION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "Finally, your function on real data: 4 environments, 256 steps each",
        "the set-up of the cell below (its own arguments), not an outcome",
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "the critic outputs values close to 0 for every state",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "What happens to the advantages with $\\lambda = 0$ and with $\\lambda = 1$",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "Why is a value such as 0.95 to 0.98 a sensible compromise?",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "LunarLander-v3 truncates an episode after 1000 steps.",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab2_gae/lab2_gae.ipynb",
        "the critic rightly values that state at +80",
        QUESTION,
    ),
    # -- Lab 3 --------------------------------------------------------------------------------
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "This lab turns them into the loss that PPO minimises",
        "the lab's outline: what it covers; the experiment it announces is registered as the "
        "lab3_* claims of section 5",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "**Expected time:** 75 to 90 minutes.",
        "a planning estimate of a learner's working time: it can be measured only on learners, "
        "not by running the course's code",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Collecting experience is the expensive part of RL, so this matters.",
        "a motivation about the cost of samples in general (real systems, slow simulators), "
        "not an outcome of this course's runs",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "The critic comes from the actor-critic line",
        CITATION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "PPO became a default in practice",
        CITATION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Gradients must flow through",
        INSTRUCTION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        r"$$L^{CLIP}(\theta) = \hat{\mathbb{E}}_t\Big[\min",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "0.2 in the paper, usually 0.1 to 0.3",
        "the paper's value and the usual range (Spinning Up's words), checked by reading them",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "$r$ limited to the interval",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        r"Case by case (with $\epsilon = 0.2$):",
        "introduces the table below, whose rows are registered one by one",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "gradient outside the clip range, A > 0 (2 points)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "gradient outside the clip range, A < 0 (2 points)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        r"$$L^{VF} = ",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "weight of the value loss, 0.5 to 1",
        "the usual range: the paper's c1 = 1 (Table 5) and CleanRL's 0.5, checked by reading them",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "weight of the entropy bonus, 0 to 0.01",
        "the paper's values (0 on MuJoCo, 0.01 on Atari: Tables 3 and 5), checked by reading it",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "That is why PPO runs a few epochs of minibatch updates per batch (3 to 10; Lab 4)",
        "the design of PPO's update, with the paper's range of epochs (Tables 3 and 5), checked "
        "by reading it; the experiment it draws on is registered (lab3_gain_came_in_the_first_"
        "steps)",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "how much fresh data each update sees",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "parallel environments; batch = $N T$",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "size of each gradient step",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "how often each batch is reused",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "samples per gradient step",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "horizon of the return",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "bias / variance of the advantages (Lab 2)",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "size of the trust region",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "weight of the critic's loss",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "push towards exploration",
        "a row of the paper's Tables 3 and 5 with what the setting controls, checked by reading",
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Table 1 of the paper compares clip ranges on MuJoCo",
        CITATION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "**Question 1 (3 points).**",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        r"Contrast with $\hat A = +1$, $r = 1.5$.",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "Which hyperparameters would you lower first",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        r"The paper's settings ($\epsilon = 0.2$",
        CITATION,
    ),
    # -- Lab 4 --------------------------------------------------------------------------------
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "2. split a rollout into shuffled minibatches and loop over them for several epochs",
        "a learning objective of the lab (what the learner will be able to do); Algorithm 1 "
        "names the paper's pseudo-code",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "plus the training run of section 3 (the cell prints how long it took on your machine)",
        "a planning estimate of a learner's working time, measurable only on learners; the "
        "training time is printed by the run itself (lab4_training_cell_prints_its_time_and_"
        "return)",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "**Papers.** PPO: Schulman et al. 2017",
        CITATION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "GAE: Schulman et al. 2016",
        CITATION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "A PPO tutorial that circulates widely (and this course's first version) took 10",
        "describes the workshop this course grew out of (its code is not in this repository): "
        "checked by reading that code, nothing of ours to run",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "PPO's Algorithm 1 says:",
        CITATION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "> for iteration = 1, 2, …: run",
        CITATION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        r"\tilde A_i = \frac{\hat A_i - \mu}{\sigma + \epsilon_\text{num}}",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "A minibatch of one sample has no spread: return 0 for it.",
        INSTRUCTION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "mean 0 and std 1 for several scales and dtypes (1 point)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "constant minibatches and single samples give 0, never nan (1 point)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        r"\xrightarrow{\text{random permutation}}",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "**Exercise.** Write `minibatch_indices`",
        INSTRUCTION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "Try it: 10 samples in minibatches of 4.",
        "says what the cell below calls (its arguments); it asserts no outcome",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "four minibatches holding 0..63 once each (1 point)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "a smaller last minibatch, nothing dropped (1 point)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        r"- c_1 (V_\theta(s_t) - V_t^\text{targ})^2",
        DEFINITION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "**What the tutorial version gets wrong.**",
        "describes the workshop's update (its code is not in this repository), checked by "
        "reading it; our count of steps is registered (lab4_gradient_steps_per_rollout)",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "Try it: one update of a fresh network on a random batch of 256",
        "says what the cell below runs (its inputs); it asserts no outcome",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "stored old log-probs; ratio 1 on the first minibatch, then the policy moves (1 point)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "the gradient norm never exceeds max_grad_norm (1 point)",
        "the label of a graded test cell: names the case its check covers",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "Step 6 is where the tutorial's loop failed silently",
        "describes the workshop's loop (its code is not in this repository), checked by reading it",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "Every dot is one episode's return at the step where it ended",
        "a legend: says what the figure's marks are",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "Then a fair score: the mean return of 20 evaluation episodes",
        "says what the cell below computes (20 is its call's argument); the score is printed "
        "from the run",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "The cell prints the shares of the first and the last rollout and the last entropy",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "**Question (3 points).** Our update takes 96 gradient steps",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "(a) Why does taking *many* steps on the same rollout",
        QUESTION,
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "Its `episode_rewards` list was never appended to",
        "describes the workshop's loop (its code is not in this repository), checked by reading it",
    ),
    NotClaim(
        "solutions/lab4_training/lab4_training.ipynb",
        "It must record finished episodes' returns — the tutorial's loop never did.",
        "describes the workshop's loop (its code is not in this repository), checked by reading it",
    ),
    # -- Lab 5 --------------------------------------------------------------------------------
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="**Expected time:** 60–75 minutes.",
        reason=(
            "a planning estimate of a learner's working time, not an outcome of the course's code"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="the KL estimator: J.",
        reason=CITATION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="We only have samples drawn from",
        reason=(
            "the setting of the estimate: the update sees only samples of the old policy, by "
            "the construction of the rollout"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="$$\\widehat{\\mathrm{KL}} =",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="mean((r - 1) - log r) in float64 and float32 (1 point)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="0 when nothing moved, never negative (1 point)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Eq. 7 clips the ratio to",
        reason=CITATION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="$$\\text{clipfrac} =",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="1 if the condition holds, else 0",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Write `clip_fraction`; return a Python",
        reason=INSTRUCTION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="$$\\mathrm{EV} = 1 -",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="EV = 0: no better than predicting the mean",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="with three learning rates, each ten times the previous",
        reason="describes the code of the cell beside it, which the learner reads",
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="Each run is worth 2 points",
        reason=DESIGN,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="| symptom | likely cause | what to try |",
        reason="a table's header row",
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="The rows of this second table are rules of thumb from practice",
        reason=DESIGN,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="clip fraction ≈ 0 and KL ≈ 0 the whole run",
        reason=(
            "a rule of thumb in the checklist's second table, which the lab labels as from "
            "practice and reproduced by no run of the course"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="value loss grows or oscillates wildly",
        reason=(
            "a rule of thumb in the checklist's second table, which the lab labels as from "
            "practice and reproduced by no run of the course"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="learns, then the return collapses and does not recover",
        reason=(
            "a rule of thumb in the checklist's second table, which the lab labels as from "
            "practice and reproduced by no run of the course"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="the loss becomes NaN",
        reason=(
            "a rule of thumb in the checklist's second table, which the lab labels as from "
            "practice and reproduced by no run of the course"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="reward curve reads exactly 0",
        reason=(
            "a rule of thumb in the checklist's second table, which the lab labels as from "
            "practice and reproduced by no run of the course"
        ),
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="**RL basics (Lab 1).**",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="OpenAI Five played Dota 2 with PPO",
        reason=CITATION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="**Read.** The [PPO paper]",
        reason=CITATION,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="A windy lander under its own id",
        reason=DESIGN,
    ),
    NotClaim(
        source="solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
        quote="`approx_kl` = mean((r − 1) − log r) measures how far",
        reason=DEFINITION,
    ),
    # -- Lab 6 --------------------------------------------------------------------------------
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="and measure the bias that storing the clipped one would cause",
        reason=INSTRUCTION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="**Expected time:** 60 minutes.",
        reason=(
            "a planning estimate of a learner's working time, not an outcome of the course's code"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="An action is sampled as",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="The dimensions are independent, so the density is a product",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="\\log \\pi_\\theta(a \\mid s) = \\sum_{i=1}^{A}",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="any real number, so $\\sigma_i > 0$ without a constraint",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="The classic mistakes",
        reason=(
            "names the mistakes the lab's checks recognise "
            "(autograder/checks/lab6_continuous.py, each caught in "
            "tests/test_autograder_catalogue.py); 'classic' is the lab's word for them, not a "
            "measured frequency"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="the standard normal and a small 2-D batch (2 points)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="log_std of shape (1, A), float32 inputs (1 point)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="random batches, 1 to 6 dimensions (2 points)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="S[\\pi](s) = \\sum_{i=1}^{A}",
        reason=DEFINITION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="sigma = 1, one and two dimensions (1 point)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="dS/d log sigma = 1 per dimension (1 point)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="bounds [-1, 1] (1 point)",
        reason=(
            "the label of a graded test cell: it names what its check asserts and the points; "
            "the check in autograder.checks is the assertion"
        ),
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="The cell below draws many actions",
        reason="describes the code of the cell beside it, which the learner reads",
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Everything from Lab 3 on works with log-probabilities",
        reason=INTERFACE,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="The cell after it makes a policy that calls",
        reason="describes the code of the cell beside it, which the learner reads",
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="A continuous run logs a policy entropy of 2.84",
        reason=QUESTION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="In Lab 1 an entropy of 2.3 for four actions was a bug",
        reason=QUESTION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="Why does the preset set `ent_coef` to 0?",
        reason=QUESTION,
    ),
    NotClaim(
        source="solutions/lab6_continuous/lab6_continuous.ipynb",
        quote="sums over the action dimensions: $\\sum_i",
        reason=DEFINITION,
    ),
    # -- ppo_core docstrings -------------------------------------------------------------------
    NotClaim(
        "ppo_core/config.py::PPOConfig.update_epochs",
        "the PPO paper: 10 on MuJoCo",
        PPO_PAPER,
    ),
    NotClaim(
        "ppo_core/config.py::PPOConfig.learning_rate",
        "the PPO paper's MuJoCo setting: 3e-4",
        PPO_PAPER,
    ),
    NotClaim(
        "ppo_core/config.py::PPOConfig.anneal_lr",
        "(PPO paper, Atari setting)",
        PPO_PAPER,
    ),
    NotClaim(
        "ppo_core/config.py::PPOConfig.gamma",
        "(the PPO paper: 0.99)",
        PPO_PAPER,
    ),
    NotClaim(
        "ppo_core/config.py::PPOConfig.clip_coef",
        "Table 1 compares 0.1, 0.2 and 0.3",
        PPO_PAPER,
    ),
    NotClaim(
        "ppo_core/config.py::PPOConfig.ent_coef",
        "the PPO paper's Atari setting: 0.01",
        PPO_PAPER,
    ),
    NotClaim(
        "ppo_core/config.py::PPOConfig.vf_coef",
        "the PPO paper's Atari setting: 1; CleanRL's: 0.5",
        "citations: the PPO paper's Table 5 and CleanRL's ppo.py default, checked by reading them",
    ),
    NotClaim(
        "ppo_core/gae.py::td_residuals",
        "1.0 where the MDP ended at step t (no bootstrap), else 0.0",
        INTERFACE,
    ),
    NotClaim(
        "ppo_core/losses.py::clipped_surrogate_loss",
        "0.2 in the paper, usually 0.1 to 0.3",
        "a citation: 0.2 is the PPO paper's (Tables 3-5), 0.1 to 0.3 Spinning Up's range for "
        "its clip_ratio; checked by reading them",
    ),
    NotClaim(
        "ppo_core/losses.py::ppo_loss",
        "weight of the value loss (0.5 is usual)",
        "typical values, a citation: the defaults of CleanRL's ppo.py (vf_coef 0.5, ent_coef "
        "0.01) and Stable-Baselines3 (0.5, 0.0); checked by reading them",
    ),
    NotClaim(
        "ppo_core/returns.py::returns_to_go",
        "one complete episode (no bootstrap after the last step)",
        INTERFACE,
    ),
    NotClaim(
        "ppo_core/update.py::ppo_update",
        "Spinning Up checks before every policy step instead",
        "a citation: Spinning Up's spinup/algos/pytorch/ppo/ppo.py (update) computes the KL on "
        "its whole buffer before each policy step and breaks when kl > 1.5 * target_kl; "
        "checked by reading it",
    ),
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    NotClaim("demos/presenter.ipynb", "| 1 | an untrained", NAMES),
    NotClaim("demos/presenter.ipynb", "| 2 | the training curve", NAMES),
    NotClaim("demos/presenter.ipynb", "| 3 | how the choice", NAMES),
    NotClaim("demos/presenter.ipynb", "| 4 | PPO's ratios", NAMES),
    NotClaim("demos/presenter.ipynb", "| 5 | the diagnostics", NAMES),
    NotClaim("demos/presenter.ipynb", "| 6 | **live**", NAMES),
    NotClaim("demos/presenter.ipynb", "| 7 | **live**", NAMES),
    NotClaim("demos/presenter.ipynb", "| 8 | continuous actions", NAMES),
    NotClaim(
        "demos/presenter.ipynb",
        "by gymnasium's documentation, 200 counts as solved",
        CITATION + " (gymnasium's LunarLander page); the returns are printed by the cell",
    ),
    NotClaim(
        "demos/presenter.ipynb",
        "above about 30 % the clip is doing all the work",
        "a rule of thumb for reading the panel, offered as one ('rules of thumb ..., not laws' "
        "opens the list): 'doing all the work' names no quantity; the band is registered as "
        "presenter_bands_are_the_dashboards",
    ),
    NotClaim(
        "demos/presenter.ipynb",
        "near 1 is good, below 0 is worse than predicting a constant",
        DEFINITION + ": explained variance below 0 is a larger error than the returns' mean",
    ),
    NotClaim(
        "docs/demos.md",
        "so nothing trains during a talk",
        DESIGN
        + " (the presenter loads ppo_core.pretrained's files; the notebook has no train call)",
    ),
    NotClaim(
        "ppo_viz/plots.py", "mean return, last 100 episodes", DEFINITION + " (a panel's label)"
    ),
    NotClaim("ppo_viz/plots.py", "clip range [1-eps, 1+eps], eps =", DEFINITION + " (a legend)"),
    NotClaim(
        "ppo_viz/video.py::rollout_frames",
        "so that a GIF stays small",
        DESIGN + ": what stride and scale are for",
    ),
    NotClaim("ppo_viz/video.py::label_frame", "(H, W, 3)", INTERFACE),
    NotClaim(
        "ppo_viz/video.py",
        "try more candidates, or sampled actions for an untrained policy",
        INSTRUCTION + " (an error message's advice)",
    ),
    NotClaim("ppo_viz/widgets.py", "A > 0 (A = +1): good action", DEFINITION + " (a label)"),
    NotClaim("ppo_viz/widgets.py", "A < 0 (A = -1): bad action", DEFINITION + " (a label)"),
    NotClaim("ppo_viz/widgets.py", "Monte Carlo (lambda = 1)", DEFINITION + " (a legend)"),
    NotClaim("ppo_viz/widgets.py", "TD(0) (lambda = 0)", DEFINITION + " (a legend)"),
    NotClaim(
        "ppo_viz/widgets.py", "RMS gap to Monte Carlo (lambda = 1)", DEFINITION + " (a legend)"
    ),
    NotClaim("ppo_viz/widgets.py", "(effective horizon 1/(1 - gamma lambda) =", DEFINITION),
    NotClaim("ppo_viz/widgets.py", "epsilon must lie in (0, 1), got", INTERFACE),
    NotClaim(
        "ppo_viz/widgets.py",
        ": 0.1 to 0.3 is usual",
        CITATION + ": the usual range of practice (Spinning Up: 'usually 0.1 to 0.3')",
    ),
    NotClaim("ppo_viz/widgets.py", "must lie in [0, 1], got", INTERFACE),
    # -- README -------------------------------------------------------------------------------
    NotClaim("README.md", "(Schulman et al. 2017,", CITATION),
    NotClaim(
        "README.md",
        "It installs the torch that CI tests, `TORCH_SPEC=torch==2.13.0`",
        NAMES + " (the Makefile's pin); the lower bound is readme_torch_lower_bound",
    ),
    NotClaim(
        "README.md",
        "on Linux PyPI serves the multi-GB CUDA build",
        "a fact of PyPI's torch packaging, outside the course: checked by reading PyPI's files",
    ),
    NotClaim(
        "README.md",
        "All figures measured on this project's CI machine: 2 CPU cores",
        "the machine and date of the benchmark figures that follow, each registered as a "
        "benchmark with them",
    ),
    NotClaim(
        "README.md",
        "for seeds 1-5, one at a time (500k steps each",
        "the benchmark's procedure, as benchmarks/time_to_solve.py runs it; its figures are the "
        "table rows, registered as benchmarks",
    ),
    NotClaim(
        "README.md",
        "**Same settings as Stable-Baselines3** -- `python benchmarks/sps_vs_sb3.py`",
        "the benchmark's procedure and settings, as benchmarks/sps_vs_sb3.py runs it; its "
        "figures are the table rows, registered as benchmarks",
    ),
    NotClaim("README.md", "| run | SB3, 1 thread |", NAMES + " (a table's header)"),
    NotClaim(
        "README.md",
        "## Where this course is more careful than the usual tutorial",
        "a heading; each row of its table is registered",
    ),
    NotClaim("README.md", "| 1.", NAMES),
    NotClaim("README.md", "| 2.", NAMES),
    NotClaim("README.md", "| 3.", NAMES),
    NotClaim("README.md", "| 4.", NAMES),
    NotClaim("README.md", "| 5.", NAMES),
    NotClaim("README.md", "| 6.", NAMES),
    NotClaim("README.md", "Training (`lab4_training`) |", NAMES),
    NotClaim(
        "README.md",
        "grading 500 students) and what the grader does",
        NAMES + " (the sections of docs/instructors.md)",
    ),
    NotClaim(
        "README.md",
        "`make test-fast` skips the slow and browser tests.",
        DESIGN + " (what the Makefile's targets run)",
    ),
    NotClaim(
        "README.md",
        "So nothing compares a result with a number recorded on one machine exactly:",
        DESIGN,
    ),
    # -- docs ---------------------------------------------------------------------------------
    NotClaim(
        "docs/instructors.md",
        "Revealing a lab later means releasing again",
        INSTRUCTION,
    ),
    NotClaim(
        "docs/instructors.md",
        "Install the course on the hub image",
        INSTRUCTION,
    ),
    NotClaim(
        "docs/instructors.md",
        "Instructor, once: an nbgrader course folder of its own",
        INSTRUCTION,
    ),
    NotClaim(
        "docs/instructors.md",
        "prints submissions graded per minute",
        (
            "what two benchmark scripts print and which options give the quoted figure (CPU "
            "seconds do not count the time a busy machine spends on other jobs); the figures "
            "are the benchmark entries docs_grading_throughput and docs_grading_profile"
        ),
    ),
    NotClaim(
        "docs/instructors.md",
        "nbgrader's exchange is a folder",
        INSTRUCTION,
    ),
    NotClaim(
        "docs/instructors.md",
        "Gradescope runs the autograder in a fresh container for every submission",
        (
            "a property of Gradescope's service (one container per submission, as its "
            "documentation describes), not of this course's code"
        ),
    ),
    NotClaim(
        "docs/instructors.md",
        "In **Configure Autograder**, choose the Ubuntu 22.04 base image",
        (
            "an instruction; that the image offers Python 3.11 is a fact of Ubuntu's archive,"
            " and setup.sh falls back to the deadsnakes archive where it does not"
        ),
    ),
    NotClaim(
        "docs/instructors.md",
        "so the grades are low-stakes",
        DESIGN,
    ),
    NotClaim(
        "docs/instructors.md",
        "It does **not** make the answers secret",
        (
            "a limit the guide states (the repository is public, learners can share answers):"
            " what the build does not do, nothing to measure"
        ),
    ),
    NotClaim(
        "docs/instructors.md",
        "nbgrader's stock execution",
        (
            "nbgrader's documented execution model (test cells run in the notebook's kernel) "
            "and the course's advice drawn from it; tests/test_autograder_bypass.py's "
            "positive controls are the attacks that score when the checks run in the kernel"
        ),
    ),
    NotClaim(
        "docs/labs.md",
        "## Measured run times",
        (
            "a heading: it names the table below, whose figures are the benchmark entries "
            "docs_lab*_run_time"
        ),
    ),
    NotClaim(
        "docs/labs.md",
        "Each cell: does the run's own signature hold",
        DEFINITION,
    ),
    NotClaim(
        "docs/labs.md",
        "| run | seed 2 | seed 3 |",
        NAMES,
    ),
    NotClaim(
        "docs/labs.md",
        "Seed 11's runs (all but `lr_too_high`) were trained by an exploration script",
        (
            "provenance of a measurement (which runs were trained how, and when the "
            "thresholds were fixed): history, nothing an experiment could contradict"
        ),
    ),
    NotClaim(
        "docs/labs.md",
        "The thresholds were chosen looking at seeds 1, 2 and 11",
        (
            "provenance of a measurement (which runs were trained how, and when the "
            "thresholds were fixed): history, nothing an experiment could contradict"
        ),
    ),
    NotClaim(
        "docs/labs.md",
        "| seed | seconds to a last-100 mean of 200 |",
        NAMES,
    ),
)
