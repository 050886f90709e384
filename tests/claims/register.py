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
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    "solutions/lab5_diagnostics/lab5_diagnostics.ipynb",
    # -- Lab 6 --------------------------------------------------------------------------------
    "solutions/lab6_continuous/lab6_continuous.ipynb",
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

CLAIMS: tuple[Claim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
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
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)

NOT_CLAIMS: tuple[NotClaim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
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
        quote="so pasting is how your earlier work reaches this lab",
        reason=DESIGN,
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
        quote="so pasting is how your earlier work reaches this lab",
        reason=DESIGN,
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
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
)
