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
REASONS = (INSTRUCTION, DEFINITION, QUESTION, CITATION, NAMES, INTERFACE, DESIGN)

# The sources whose every candidate sentence is accounted for. A source not listed is not yet
# registered; the register test prints how many candidates such sources still hold.
SOURCES: tuple[str, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    "solutions/lab1_rl_basics/lab1_rl_basics.ipynb",
    # -- Lab 2 --------------------------------------------------------------------------------
    "solutions/lab2_gae/lab2_gae.ipynb",
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
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
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
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
        slow=True,
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
        slow=True,
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
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
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
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

NOT_CLAIMS: tuple[NotClaim, ...] = (
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
        "Every notebook runs on its own (in Colab each on its own machine)",
        DESIGN,
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
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
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
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)
