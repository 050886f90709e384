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
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
    # -- Lab 4 --------------------------------------------------------------------------------
    "solutions/lab4_training/lab4_training.ipynb",
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

CLAIMS: tuple[Claim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    Claim(
        "lab3_autograded_in_under_a_minute",
        "solutions/lab3_clipped_loss/lab3_clipped_loss.ipynb",
        "long cells shrink so the notebook grades in under a minute",
        "measured",
        "tests/test_labs_execute.py::test_solution_notebook_runs_under_nbgrader[lab3_clipped_loss]",
        margin="at most 60 s under NBGRADER_EXECUTION (the autograde budget)",
        figure="12.0 s on the course's 2-core CPU (docs/labs.md); results.json keeps each run's",
        slow=True,
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
        "When grading, the library's own functions run there",
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
        "tests/claims/test_lab3_lab4.py"
        "::test_lab4_reward_scaling_hardly_changes_the_normalised_advantages",
        seeds=(0, 1, 2),
        margin="normalised advantages with and without the scaling correlate above 0.99 "
        "(untrained critic), equal within 1e-5 with the critic's values scaled too",
        figure="correlation 0.9987 to 0.9998",
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
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

NOT_CLAIMS: tuple[NotClaim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
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
        "Every notebook runs on its own (in Colab each on its own machine)",
        DESIGN,
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
        "Spinning Up checks before every policy step instead",
        CITATION,
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
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)
