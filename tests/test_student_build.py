"""The student build of a graded class: no answer in it, ``--reveal`` exact, installable.

One build per session (``student_package``, tests/student_env.py) and one fresh virtual
environment with its wheel (``student_env``). The leak scan compares normalised token streams
(:mod:`autograder.student.leak_scan`); the tests below also show that it finds an answer that
is there.
"""

from __future__ import annotations

import ast
import json
import shutil
import textwrap
import zipfile
from pathlib import Path

import pytest

from autograder import cli
from autograder.checks.lab5_diagnostics import diagnosis_key
from autograder.student.build import build_student_tree
from autograder.student.checkout import REPO_ROOT, exercise_labs
from autograder.student.leak_scan import key_leaks, token_stream
from autograder.student.package import leaks_in, read_withheld
from autograder.student.regions import regions
from ppo_core import PPOConfig, exercises, recorded_runs
from ppo_core.recorded_runs import FAULTS, LABELS

LABS = exercise_labs()


def _functions(path: Path) -> dict[str, str]:
    """``{name: source}`` of the top-level functions of the file ``path``."""
    source = path.read_text()
    return {
        node.name: ast.get_source_segment(source, node)
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
    }


def _exercise_sources(library: Path) -> dict[str, str]:
    """``{function: source}`` of every exercise function of the ``ppo_core`` under ``library``."""
    found = {}
    for path in sorted((library / "ppo_core").glob("*.py")):
        found.update({name: code for name, code in _functions(path).items() if name in LABS})
    return found


@pytest.fixture(scope="module")
def revealed(tmp_path_factory) -> dict[str, Path]:
    """Source trees built with ``--reveal lab2_gae`` and with ``--reveal lab5_diagnostics``."""
    out = tmp_path_factory.mktemp("revealed")
    return {lab: build_student_tree(out / lab, (lab,)) for lab in ("lab2_gae", "lab5_diagnostics")}


# --- The leak scan -------------------------------------------------------------------------


def test_token_streams_ignore_layout_comments_and_docstrings():
    one = 'def f(x):\n    """Doc."""\n    y = (x +\n         1)  # why\n    return y\n'
    two = "def f(x):\n  y = (x + 1)\n  return y"
    assert token_stream(one) == token_stream(two)
    assert token_stream(one) != token_stream(two.replace("+ 1", "- 1"))


@pytest.mark.slow
def test_the_build_holds_no_answer(student_package):
    """No region, region line, known mistake or Lab 5 key in any file of the build, its
    student checks included."""
    assert leaks_in(student_package.src) == []
    assert set(student_package.withheld) == set(LABS)
    assert not (student_package.src / "ppo_core" / "fast").exists()
    assert sorted(p.name for p in (student_package.src / "ppo_core/assets/runs").iterdir()) == [
        "manifest.json",
        *(f"run_{c}.json" for c in "ABCDEF"),
    ]


@pytest.mark.slow
def test_the_leak_scan_finds_code_that_is_there(student_package, tmp_path):
    """A region pasted elsewhere in another layout, one line of a region, a known mistake's
    body: each one is found; so is every region of a lab that was revealed."""
    src = tmp_path / "src"
    shutil.copytree(student_package.src, src)
    gae = (REPO_ROOT / "ppo_core" / "gae.py").read_text()
    [compute_gae] = [r for r in regions(gae, "gae") if r.name == "compute_gae"]
    region = "\n".join(gae.splitlines()[compute_gae.first - 1 : compute_gae.last]) + "\n"
    first_line = compute_gae.first  # compute_gae's region, as the scan names it
    pasted = textwrap.indent(textwrap.dedent(region).replace("\n", "  # reformatted\n"), "  ")
    (src / "ppo_viz" / "helper.py").write_text(f"def gae_again(x):\n{pasted}")
    (src / "ppo_viz" / "one_line.py").write_text(
        "clipped = torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * advantages\n"
    )
    (src / "ppo_viz" / "mistake.py").write_text(
        "def f(new, old):\n    log_ratio = new - old\n"
        "    return _float(((log_ratio.exp() - 1.0) - log_ratio).sum())\n"
    )
    found = {(leak.path, leak.origin.split(" (")[0]) for leak in leaks_in(src)}
    assert ("ppo_viz/helper.py", f"ppo_core/gae.py:{first_line} compute_gae") in found
    assert any(
        path == "ppo_viz/one_line.py" and "clipped_surrogate_loss" in origin
        for path, origin in found
    )
    assert any(
        path == "ppo_viz/mistake.py" and "_wrong_kl_no_mean" in origin for path, origin in found
    )


@pytest.mark.slow
def test_a_revealed_lab_is_a_leak_unless_revealed(revealed):
    """The scan finds Lab 2's regions in a build that revealed them, and only those."""
    src = revealed["lab2_gae"]
    found = {leak.origin.split(" (")[0].split()[-1] for leak in leaks_in(src)}
    assert found == {"td_residuals", "compute_gae"}
    assert leaks_in(src, reveal=("lab2_gae",)) == []


# --- --reveal ------------------------------------------------------------------------------


def test_reveal_restores_exactly_the_named_lab(revealed):
    open_code = _exercise_sources(REPO_ROOT)
    built = _exercise_sources(revealed["lab2_gae"])
    assert set(built) == set(LABS)
    for name, lab in LABS.items():
        same = token_stream(built[name]) == token_stream(open_code[name])
        assert same == (lab == "lab2_gae"), name
        if lab == "lab2_gae":  # the same text
            assert built[name] == open_code[name], name
        assert (f'raise Withheld("{name}")' in built[name]) == (lab != "lab2_gae"), name
    expected = {name for name, lab in LABS.items() if lab != "lab2_gae"}
    assert set(read_withheld(revealed["lab2_gae"])) == expected


@pytest.mark.slow
def test_lab5_key_is_withheld_unless_revealed(student_package, revealed):
    """The student build ships the runs under their labels, no file, manifest entry or code
    that says which is which; ``--reveal lab5_diagnostics`` restores the open runs and key."""
    key = diagnosis_key()
    assert key_leaks(student_package.src, key) == []
    found = {leak.excerpt for leak in key_leaks(revealed["lab5_diagnostics"], key)}
    assert "a file named after a fault" in found
    assert "the seed of the labels' permutation (LABEL_SEED)" in found
    runs = student_package.src / "ppo_core" / "assets" / "runs"
    manifest = json.loads((runs / "manifest.json").read_text())
    assert [set(run) for run in manifest["runs"]] == [{"label", "file", "updates"}] * len(key)
    assert manifest["baseline"] == recorded_runs.diagnosis_manifest()["baseline"]
    assert manifest["seed_study"] == recorded_runs.diagnosis_manifest()["seed_study"]


@pytest.mark.slow
def test_the_labelled_runs_are_the_recorded_runs(student_package):
    """run_X.json holds the history the open library shows as run_X, without the learning-rate
    column (which names the lr_too_high run)."""
    runs = student_package.src / "ppo_core" / "assets" / "runs"
    shown = recorded_runs.load_diagnosis_runs()
    for label, history in shown.items():
        data = json.loads((runs / f"{label}.json").read_text())
        assert data["name"] == label
        expected = [
            {k: v for k, v in row.items() if k != "charts/learning_rate"}
            for row in json.loads(
                (recorded_runs.RUNS_DIR / f"{diagnosis_key()[label]}.json").read_text()
            )["history"]
        ]
        assert data["history"] == expected
        assert len(history) == len(expected)


# --- The command ---------------------------------------------------------------------------


def test_cli_rejects_an_unknown_lab(tmp_path, capsys):
    assert (
        cli.main(["build-student-package", "--out", str(tmp_path / "o"), "--reveal", "lab2_gea"])
        == 2
    )
    err = capsys.readouterr().err
    assert "lab2_gea" in err and all(lab in err for lab in set(LABS.values()))
    assert not (tmp_path / "o").exists()


def test_cli_overwrites_nothing(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert cli.main(["build-student-package", "--out", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.slow
def test_cli_builds_and_reports(tmp_path, capsys):
    """The whole command: tree, wheel, and what it withheld and revealed."""
    assert (
        cli.main(
            ["build-student-package", "--out", str(tmp_path / "o"), "--reveal", "lab1_rl_basics"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Revealed: lab1_rl_basics" in out and "compute_gae" in out
    assert "discounted_return" not in out.split("Withheld")[1].split("Revealed")[0]
    assert len(list((tmp_path / "o" / "dist").glob("ppo_course-*+student-py3-none-any.whl"))) == 1


# --- The wheel, installed in a fresh virtual environment --------------------------------------


@pytest.mark.slow
def test_the_wheel_holds_the_tree(student_package):
    src = student_package.src
    tree = {
        str(p.relative_to(src))
        for p in src.rglob("*")
        if p.is_file() and p.parts[len(src.parts)] in ("ppo_core", "ppo_viz", "autograder")
    }
    with zipfile.ZipFile(student_package.wheel) as wheel:
        names = {n for n in wheel.namelist() if ".dist-info/" not in n}
        metadata = wheel.read(
            next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        ).decode()
    assert names == tree
    assert "Requires-Dist: torch" in metadata and "Requires-Dist: nbgrader" not in metadata


@pytest.mark.slow
def test_the_installed_build(student_env, student_package):
    """Import, withheld functions, the speed layer's message, Lab 5's runs and a check module,
    in a virtual environment that has nothing but the wheel and its dependencies."""
    withheld = sorted(student_package.withheld)
    student_env.run(
        textwrap.dedent(f"""
        import importlib.util, json, sys
        import numpy as np
        import ppo_core
        from ppo_core import PPOConfig, recorded_runs
        from ppo_core._withheld import WITHHELD
        assert ppo_core.__file__.startswith(sys.prefix), ppo_core.__file__
        assert sorted(WITHHELD) == {withheld!r}, WITHHELD
        try:
            ppo_core.compute_gae(*[np.zeros(3)] * 5, 0.99, 0.95)
        except NotImplementedError as err:
            assert "Lab 2 (lab2_gae)" in str(err) and "plug_in" in str(err), err
        else:
            raise AssertionError("compute_gae ran in a student build")
        try:
            PPOConfig(fast=True).validate()
        except ValueError as err:
            assert "student build" in str(err), err
        else:
            raise AssertionError("fast=True was accepted without ppo_core.fast")
        for name in ("ppo_core.fast", "autograder.grading", "autograder.kernel.sanitize",
                     "autograder.kernel.remote", "autograder.sandbox", "autograder.student"):
            assert importlib.util.find_spec(name) is None, name
        assert list(recorded_runs.load_diagnosis_runs()) == {sorted(diagnosis_key())!r}
        assert recorded_runs.FAULTS == {FAULTS!r} and recorded_runs.LABELS == {LABELS!r}
        try:
            recorded_runs.run_labels()
        except RuntimeError as err:
            assert "Lab 5's exercise" in str(err), err
        else:
            raise AssertionError("the student build gave Lab 5's key away")
        import autograder.checks.lab2_gae
    """)
    )


def test_the_open_library_keeps_its_speed_layer():
    assert PPOConfig(fast=True).validate().fast


@pytest.mark.slow
def test_a_notebook_kernel_runs_the_student_build(student_env, tmp_path):
    """The kernel the fixture registers (for the tests that run the labs) imports the build."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import sys\nimport ppo_core._withheld\n"
                "print(ppo_core.__file__.startswith(sys.prefix), len(ppo_core._withheld.WITHHELD))"
            )
        ]
    )
    NotebookClient(
        nb,
        timeout=120,
        kernel_name=student_env.kernel_name,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    assert nb.cells[0].outputs[0]["text"].split() == ["True", str(len(LABS))]


def test_the_command_line_says_what_the_build_withholds(student_env, tmp_path):
    """``python -m ppo_core train`` on a student build ends with an error that names the
    exercise it reached and lists what the build withholds, each with its lab: no traceback."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(  # noqa: PLW1510 -- the return code is asserted
        [
            str(student_env.python),
            "-m",
            "ppo_core",
            "train",
            "--total-timesteps",
            "256",
            "--num-envs",
            "2",
            "--num-steps",
            "64",
            "--quiet",
            "--out",
            str(tmp_path / "run"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "student build" in done.stderr and "plug_in" in done.stderr, done.stderr
    withheld = sorted(student_env.package.withheld)
    for name in withheld:
        assert f"{name} ({exercises.lab_of(name).name})" in done.stderr, name
    reached = [n for n in withheld if f"{n} is an exercise of" in done.stderr]
    assert len(reached) == 1, done.stderr


def test_the_library_and_the_grader_agree_on_the_exercises():
    """ppo_core.plug.EXERCISES (the library cannot import the grader) names the same functions
    and labs as the checks' registry, which decides what a student build withholds."""
    from autograder.student.build import lab_title
    from ppo_core.plug import EXERCISES

    assert EXERCISES == {name: lab_title(lab) for name, lab in exercise_labs().items()}
