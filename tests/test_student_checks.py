"""The student build's visible checks: no answer code, the same verdicts.

``autograder.student.checks.write_student_checks`` writes the checks with recorded numbers in
place of the reference and known-mistake code. Here the written package runs in a child process
where ``autograder.checks`` resolves to it, next to a renamed copy of the full checks, and every
visible check call must give the same verdict and message with the reference, with each known
mistake and with the catalogue's correct and wrong learners' functions as the learner's function.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE / "fixtures" / "autograder"))
sys.path.insert(0, str(REPO))

import catalogue

from autograder.student.checkout import exercise_labs
from autograder.student.checks import LABS, visible_calls, write_student_checks
from ppo_core.recorded_runs import run_labels

DRIVER = HERE / "fixtures" / "student_checks" / "verdicts.py"
# Hidden tests use other seeds: the student build says they run when grading, and never fails.
HIDDEN = [
    ["compute_gae", "random", {"seed": 31337, "n_cases": 2}],
    ["clipped_surrogate_loss", "random", {"seed": 1707, "n_cases": 2}],
]


# Functions whose checks evaluate the known mistakes only when the learner is wrong: learners
# that go wrong late (and, for the loss, in the gradient only) need every mistake recorded on
# every case (compare.STATE.all_mistakes).
LATE = ["normalize_advantages", "clipped_surrogate_loss"]


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    """A root holding the student build's ``autograder/checks`` and the full ``fullchecks``."""
    root = tmp_path_factory.mktemp("student_checks")
    write_student_checks(root / "autograder" / "checks")
    (root / "autograder" / "__init__.py").write_text("")
    full = root / "fullchecks"
    full.mkdir()
    for path in (REPO / "autograder" / "checks").glob("*.py"):
        (full / path.name).write_text(path.read_text().replace("autograder.checks", "fullchecks"))
    return root


def run_verdicts(root: Path, calls: list, kinds: list[str], tmp_path: Path) -> dict:
    """The child process's verdicts for ``calls`` with the learners of ``kinds``."""
    entries = [
        {"function": e[1], "name": e[2], "source": e[3], "kind": kind}
        for kind, table in (("correct", catalogue.CORRECT), ("wrong", catalogue.WRONG))
        for e in table
    ]
    job = {
        "root": str(root),
        "calls": calls,
        "kinds": kinds,
        "catalogue": entries,
        "late": LATE,
        "out": str(tmp_path / "verdicts.json"),
    }
    (tmp_path / "job.json").write_text(json.dumps(job))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, str(DRIVER), str(tmp_path / "job.json")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads((tmp_path / "verdicts.json").read_text())


@pytest.fixture(scope="module")
def verdicts(build, tmp_path_factory) -> dict:
    """Every visible call (and two hidden ones) with every kind of learner's function."""
    calls = [list(call) for call in visible_calls()] + HIDDEN
    return run_verdicts(
        build,
        calls,
        ["reference", "mistake", "late", "correct", "wrong", "hostile"],
        tmp_path_factory.mktemp("verdicts"),
    )


def _mismatches(verdicts: dict, kind: str, compare_messages: bool = True) -> list[str]:
    """The results of ``kind`` whose student verdict differs from the full one."""
    bad = []
    for r in verdicts["results"]:
        if r["kind"] != kind or _hidden(r):
            continue
        full, student = r["full"], r["student"]
        if not compare_messages:
            full, student = full.split(":")[0], student.split(":")[0]
        if full != student:
            bad.append(f"{r['call']} with {r['learner']}: full {full!r}, student {student!r}")
    return bad


def _hidden(result: dict) -> bool:
    """Whether ``result`` is one of the :data:`HIDDEN` calls."""
    return any(result["call"] == f"check_{f}_{a}({k})" for f, a, k in HIDDEN)


def test_student_checks_resolve_to_the_build(verdicts, build):
    assert verdicts["checks_file"].startswith(str(build / "autograder")), verdicts["checks_file"]
    assert verdicts["full_file"].startswith(str(build / "fullchecks"))


def test_student_checks_never_call_the_library_references(verdicts):
    assert verdicts["tripwire"] == []


def test_reference_passes_every_visible_check(verdicts):
    results = [r for r in verdicts["results"] if r["kind"] == "reference" and not _hidden(r)]
    assert len(results) >= 80
    failed = [
        f"{r['call']}: {r['student']}"
        for r in results
        if r["student"] != "pass" or r["full"] != "pass"
    ]
    assert not failed, "\n".join(failed)


def test_every_known_mistake_fails_with_the_full_checks_message(verdicts):
    results = [r for r in verdicts["results"] if r["kind"] == "mistake"]
    assert len(results) >= 200
    assert not _mismatches(verdicts, "mistake"), "\n".join(_mismatches(verdicts, "mistake"))
    # Every mistake is diagnosed by name in the student build, on at least one visible check.
    from autograder.checks.compare import MISTAKES

    named = {
        (r["function"], r["learner"])
        for r in results
        if r["student"].startswith("fail")
        and MISTAKES[r["function"]][r["learner"]][1] in r["student"]
    }
    missing = {(f, k) for f, known in MISTAKES.items() for k in known} - named
    assert not missing, missing


def test_late_mistakes_get_the_full_checks_verdicts(verdicts):
    for kind in ("late", "gradient"):
        results = [r for r in verdicts["results"] if r["kind"] == kind and not _hidden(r)]
        assert len(results) >= 20
        # Some of these learners fail where the mistakes were evaluated only while recording.
        assert any(r["full"].startswith("fail") for r in results)
        assert not _mismatches(verdicts, kind), "\n".join(_mismatches(verdicts, kind))


def test_a_learner_cannot_skip_a_check_by_raising_the_not_checked_signal(verdicts):
    results = [r for r in verdicts["results"] if r["kind"] == "hostile"]
    assert len(results) >= 80
    for r in results:
        assert r["full"].startswith("fail") and r["student"].startswith("fail"), r
        assert "ReferenceUnavailable" in r["student"], r


def test_the_full_checks_never_skip_a_check(monkeypatch):
    """Outside the student build, the "not checked here" signal fails the check, wherever it
    comes from (here: a reference that raises it, as a stand-in would)."""
    from autograder.checks import lab2_gae
    from autograder.checks.compare import CHECKS, ReferenceUnavailable

    def unavailable(*args):
        """A reference without a recorded answer."""
        raise ReferenceUnavailable("no recorded answer")

    from ppo_core.gae import compute_gae

    monkeypatch.setattr(lab2_gae, "_ref_compute_gae", unavailable)
    with pytest.raises(AssertionError, match="belongs to the student build"):
        CHECKS["compute_gae"]["one_episode"](compute_gae)


def test_correct_variants_pass(verdicts):
    results = [r for r in verdicts["results"] if r["kind"] == "correct" and not _hidden(r)]
    assert {r["function"] for r in results} >= {e[1] for e in catalogue.CORRECT}
    failed = [
        f"{r['call']} with {r['learner']}: {r['student']}"
        for r in results
        if r["student"] != "pass" or r["full"] != "pass"
    ]
    assert not failed, "\n".join(failed)


def test_wrong_catalogue_gets_the_full_checks_verdicts(verdicts):
    # ppo_update's checks run with a stand-in loss in the student build: the same verdicts,
    # but numbers quoted in a message (a gradient norm) may differ.
    exact = [m for m in _mismatches(verdicts, "wrong") if "check_ppo_update_" not in m]
    assert not exact, "\n".join(exact)
    assert not _mismatches(verdicts, "wrong", compare_messages=False)


def test_hidden_cases_are_not_checked_and_do_not_fail(verdicts):
    results = [r for r in verdicts["results"] if r["kind"] == "reference" and _hidden(r)]
    assert len(results) == len(HIDDEN)
    for r in results:
        assert r["full"] == "pass" and r["student"] == "unavailable", r


def test_student_modules_hold_no_answer_code(build):
    exercises = set(exercise_labs())
    checks = build / "autograder" / "checks"
    for lab in LABS:
        source = (checks / f"{lab}.py").read_text()
        tree = ast.parse(source)
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not {d for d in defined if d.startswith(("_wrong_", "_ref_"))}, lab
        assert "def _wrong_" not in source and "def _ref_" not in source
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ppo_core"):
                assert not {a.name for a in node.names} & exercises, (lab, node.lineno)
            assert not (
                isinstance(node, ast.Import)
                and any(a.name.startswith("ppo_core") for a in node.names)
            ), lab
    # Helpers that only the known mistakes used are gone too (GAE's loop, Eq. 7's terms).
    assert "_gae_loop" not in (checks / "lab2_gae.py").read_text()
    assert "_surrogate_terms" not in (checks / "lab3_clipped_loss.py").read_text()
    assert "diagnosis_key" not in (checks / "lab5_diagnostics.py").read_text()
    assert "_WRONG_FAULT" not in (checks / "lab5_diagnostics.py").read_text()


def test_recorded_numbers_are_numbers_only(build):
    path = build / "autograder" / "checks" / "visible_cases.npz"
    with np.load(path, allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)
        index = json.loads(str(data["index"]))
    assert "ref:compute_gae" in index["calls"] and "mistake:compute_gae:no_cut" in index["calls"]


def test_a_corrupted_recorded_number_changes_a_verdict(build, tmp_path):
    """The verdict test can fail: one wrong recorded number makes the reference fail."""
    root = tmp_path / "corrupt"
    shutil.copytree(build, root)
    path = root / "autograder" / "checks" / "visible_cases.npz"
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    index = json.loads(str(arrays["index"]))
    first = index["calls"]["ref:compute_gae"][0]["output"]["items"][0]["array"]
    arrays[first] = arrays[first] + 1.0
    np.savez_compressed(path, **arrays)
    result = run_verdicts(root, [["compute_gae", "one_episode", {}]], ["reference"], tmp_path)
    (r,) = result["results"]
    assert r["full"] == "pass"
    assert r["student"].startswith("fail: advantages of one episode"), r["student"]


def test_visible_checks_run_in_a_student_build_without_the_references(build, tmp_path):
    """With the student build's library (every exercise withheld) the visible checks pass a
    learner's correct functions, and a hidden case says it is checked when graded."""
    from autograder.student.build import build_student_tree

    src = build_student_tree(
        tmp_path / "out",
        checks_writer=lambda dest: shutil.copytree(build / "autograder" / "checks", dest),
    )
    sources = {e[1]: e[3] for e in catalogue.CORRECT}  # self-contained learners' cells
    calls = [[f, a, k, sources[f]] for f, a, k in visible_calls() if f in sources]
    calls.append(["compute_gae", "random", {"seed": 31337, "n_cases": 2}, sources["compute_gae"]])
    out = run_student_env(src, calls, tmp_path)
    assert out["ppo_core"].startswith(str(src)) and out["checks"].startswith(str(src))
    assert set(out["withheld"]) == set(exercise_labs())
    *visible, hidden = out["results"]
    assert len(visible) >= 40
    failed = [r for r in visible if not r["outcome"].startswith("passed:")]
    assert not failed, failed
    assert hidden["outcome"].startswith("not checked here: compute_gae, random"), hidden
    # Lab 5: the answer's format is checked; which run has which fault waits for grading.
    diagnosis = out["diagnosis"]
    assert diagnosis["labels"] == sorted(run_labels())
    assert diagnosis["printed"].count("not checked here: the fault of run_") == len(run_labels())
    assert diagnosis["incomplete"].startswith("fail: diagnosis has no entry for")
    # A notebook that makes numpy, torch and json lie after the setup cell changes no verdict.
    wrong = {
        "compute_gae": sources["compute_gae"].replace("(adv + v).numpy()", "adv.numpy()"),
        "clipped_surrogate_loss": sources["clipped_surrogate_loss"].replace(
            "-(capped * advantages).mean()",
            "-torch.max(ratio * advantages, capped * advantages).mean()",
        ),
    }
    tampered = run_student_env(
        src,
        [
            ["compute_gae", "truncation", {}, sources["compute_gae"]],
            ["compute_gae", "truncation", {}, wrong["compute_gae"]],
            ["clipped_surrogate_loss", "gradient_inside", {}, sources["clipped_surrogate_loss"]],
            [
                "clipped_surrogate_loss",
                "gradient_positive_advantage",
                {},
                wrong["clipped_surrogate_loss"],
            ],
        ],
        tmp_path,
        tamper=True,
    )
    outcomes = [r["outcome"] for r in tampered["results"]]
    assert outcomes[0].startswith("passed:") and outcomes[2].startswith("passed:"), outcomes
    assert "the returns equal the advantages" in outcomes[1], outcomes
    # The max of the two terms equals the unclipped term on this case (so does clipping below
    # only): no cause is named, the gradient that differs is.
    assert "is -0.75, expected 0" in outcomes[3], outcomes


def run_student_env(src: Path, calls: list, tmp_path: Path, tamper: bool = False) -> dict:
    """The outcomes of ``calls`` (check, learner's cell source) in a student's environment."""
    job = {"src": str(src), "calls": calls, "tamper": tamper, "out": str(tmp_path / "out.json")}
    (tmp_path / "job.json").write_text(json.dumps(job))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    runner = HERE / "fixtures" / "student_checks" / "run_student_checks.py"
    proc = subprocess.run(
        [sys.executable, str(runner), str(tmp_path / "job.json")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads((tmp_path / "out.json").read_text())


def test_a_build_without_its_recorded_numbers_says_so(build, tmp_path):
    checks = tmp_path / "autograder" / "checks"
    shutil.copytree(build / "autograder", tmp_path / "autograder")
    (checks / "visible_cases.npz").unlink()
    proc = subprocess.run(
        [sys.executable, "-c", "import autograder.checks"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert proc.returncode != 0
    assert "visible_cases.npz is missing" in proc.stderr and "package data" in proc.stderr


def test_write_student_checks_refuses_an_existing_folder(tmp_path):
    with pytest.raises(FileExistsError, match="exists"):
        write_student_checks(tmp_path)


def test_visible_calls_come_from_the_release_notebooks():
    calls = visible_calls()
    assert ["compute_gae", "random", {"seed": 0, "n_cases": 5}] in [list(c) for c in calls]
    assert not [c for c in calls if c[2].get("seed", 0) != 0], "a hidden seed was recorded"
    names = {f"check_{f}_{a}" for f, a, _ in calls}
    for lab in LABS:
        text = (REPO / "notebooks" / lab / f"{lab}.ipynb").read_text()
        for name in set(re.findall(r"check_[a-z_]+(?=\()", text)) - {
            "check_diagnosis_format",
            "check_diagnosis_run",
        }:
            assert name in names, name
