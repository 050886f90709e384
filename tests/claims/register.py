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
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
    # -- docs ---------------------------------------------------------------------------------
    "docs/labs.md",
    "docs/instructors.md",
)

CLAIMS: tuple[Claim, ...] = (
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
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
        "tests/claims/test_docs.py::test_the_paste_cells_bring_in_the_labs_the_docs_name",
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
        "tests/claims/test_docs.py::test_the_paste_cells_bring_in_the_labs_the_docs_name",
    ),
    Claim(
        "docs_earlier_functions_with_the_reference",
        "docs/labs.md",
        "it sets those names in the notebook back to the library's",
        "behaviour",
        "tests/test_plug.py::test_use_earlier_functions",
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
        "no cell may raise, and a last cell proves",
        "behaviour",
        "tests/test_labs_student_build.py::test_lab_runs_against_the_student_build",
    ),
    Claim(
        "docs_labs_student_build_time",
        "docs/labs.md",
        "(slow, about 35 s on 2 cores, two notebooks at a time)",
        "benchmark",
        figure="`pytest tests/test_labs_student_build.py`: about 35 s; 2-core x86_64 machine "
        "shared with other jobs, 2026-11-30",
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
    # -- Lab 1 --------------------------------------------------------------------------------
    # -- Lab 2 --------------------------------------------------------------------------------
    # -- Lab 3 --------------------------------------------------------------------------------
    # -- Lab 4 --------------------------------------------------------------------------------
    # -- Lab 5 --------------------------------------------------------------------------------
    # -- Lab 6 --------------------------------------------------------------------------------
    # -- ppo_core docstrings -------------------------------------------------------------------
    # -- presenter, widgets and figures (ppo_viz) ---------------------------------------------
    # -- README -------------------------------------------------------------------------------
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
