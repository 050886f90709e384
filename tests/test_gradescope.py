"""The Gradescope package: ``python -m autograder gradescope LAB --out FILE.zip`` and its
``run_autograder``, run here on a temporary ``$AUTOGRADER_ROOT`` as Gradescope runs it.

The zip is built once per lab; each notebook gets its own unpacked root (as each submission gets
its own container) and its results.json is checked with the package's checker and against the
points ``python -m autograder grade --jobs 2`` gives the same notebooks (one run for all).
``make test`` grades a correct, a wrong and a hostile notebook of Lab 1 (the correct one without
namespaces, the kernel under the unprivileged uid alone, where this machine can show that);
``PPO_GRADESCOPE_ALL=1`` (``make test-slow``) adds Labs 2 and 3 and a correct notebook of every
other lab, and resolves ``requirements.txt`` in a fresh virtual environment.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE / "fixtures" / "autograder"))

import builders
import hostile

from autograder.gradescope import build, check, results
from autograder.grading import course

ALL = os.environ.get("PPO_GRADESCOPE_ALL") == "1"
LABS = course.labs(str(REPO))
SECRET = hostile.SECRET_PREFIX + "gradescope"


def _cases() -> list[tuple[str, str]]:
    """(lab, kind): Lab 1's three kinds; with PPO_GRADESCOPE_ALL Labs 1-3's and every lab's
    correct one."""
    if not ALL:
        return [(hostile.LAB, kind) for kind in ("correct", "wrong", "hostile")]
    return [(lab, kind) for lab in LABS[:3] for kind in ("correct", "wrong", "hostile")] + [
        (lab, "correct") for lab in LABS[3:]
    ]


def _attack(root: Path, lab: str) -> str:
    """Code a learner's cell runs first: it tries to read the lab's solutions and to write a
    full score into results.json, and stops the cell (so its tests fail) if either worked."""
    solution = root / "source" / "solutions" / lab / f"{lab}.ipynb"
    target = root / "results" / "results.json"
    return (
        "_reached = []\n"
        "try:\n"
        f"    with open({str(solution)!r}) as _f:\n"
        "        _reached.append('solutions: ' + _f.read()[:20])\n"
        "except OSError:\n"
        "    pass\n"
        "try:\n"
        f"    with open({str(target)!r}, 'w') as _f:\n"
        '        _f.write(\'{"score": 1000.0, "tests": []}\')\n'
        "    _reached.append('results.json')\n"
        "except OSError:\n"
        "    pass\n"
        "if _reached:\n"
        "    raise RuntimeError(f'the kernel reached {_reached}')\n"
    )


def _inside(lab: str, function: str, code: str) -> str:
    """The reference ``function`` of ``lab`` with ``code`` run first in its body (the grader
    drops statements outside functions from an exercise cell)."""
    import ast
    import textwrap

    source = builders.reference_code(lab, function)
    tree = ast.parse(source)
    node = next(n for n in tree.body if getattr(n, "name", None) == function)
    first = node.body[0]
    lines = source.splitlines()
    indent = " " * first.col_offset
    body = textwrap.indent(code, indent).splitlines()
    return "\n".join(lines[: first.lineno - 1] + body + lines[first.lineno - 1 :]) + "\n"


def notebook(lab: str, kind: str, root: Path, probe: str = ""):
    """A submission of ``lab``: solved, one function wrong, or solved behind attacks."""
    function = hostile.FUNCTION if lab == hostile.LAB else builders.exercises(lab)[0]
    if kind == "correct":
        code = _inside(lab, function, probe) if probe else builders.reference_code(lab, function)
    elif kind == "wrong":
        code = (
            hostile.WRONG
            if lab == hostile.LAB
            else f"def {function}(*args, **kwargs):\n    raise NotImplementedError('not yet')\n"
        )
    else:  # the isolation probe needs the namespaces (it fails where other processes show)
        code = _inside(lab, function, hostile.ISOLATION_PROBE + _attack(root, lab))
    return builders.solved(lab, {function: code})


def unpack(package: Path, root: Path) -> Path:
    """Lay out ``root`` as Gradescope does: source/ (the zip), run_autograder, submission/."""
    with zipfile.ZipFile(package) as zf:
        zf.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    return root


def submit(root: Path, nb, kind: str) -> None:
    """Put the notebook into submission/ under a name a learner's browser gives it; the wrong one
    zipped."""
    if kind == "wrong":
        with zipfile.ZipFile(root / "submission" / "submission.zip", "w") as zf:
            zf.writestr("work/notebook.ipynb", json.dumps(nb))
    else:
        builders.write(nb, str(root / "submission" / "Copy of my lab (2).ipynb"))


def run_autograder(root: Path, python: str = sys.executable, **env: str):
    """``run_autograder`` as Gradescope starts it; (the process, results.json)."""
    proc = subprocess.run(  # noqa: PLW1510 -- the callers look at results.json
        ["bash", str(root / "run_autograder")],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(
            os.environ,
            AUTOGRADER_ROOT=str(root),
            PPO_GRADESCOPE_PYTHON=python,
            PPO_TEST_SECRET=SECRET,
            **env,
        ),
    )
    with open(root / "results" / "results.json", encoding="utf-8") as f:
        return proc, json.load(f)


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    """lab -> its zip, built by the command line."""
    base = tmp_path_factory.mktemp("gradescope_zips")
    out = {}
    for lab in sorted({lab for lab, _ in _cases()}):
        out[lab] = base / f"{lab}.zip"
        proc = subprocess.run(  # noqa: PLW1510
            [sys.executable, "-m", "autograder", "gradescope", lab, "--out", str(out[lab])],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        assert "manual question" in proc.stdout, proc.stdout
    return out


SYSTEM_PYTHON = "/usr/bin/python3.11"
UID_PROBE = (
    "import os\n"
    "if os.getuid() == 0 or os.geteuid() == 0:\n"
    "    raise RuntimeError('the kernel runs as root')\n"
)
UID_ONLY_CASE = (hostile.LAB, "correct")
"""The case graded without namespaces (the uid alone), when this machine can show it."""


@pytest.fixture(scope="module")
def other_users_python():
    """A virtual environment of the system's Python 3.11 in a folder every user may enter (as
    setup.sh makes /autograder/venv) that borrows this environment's packages through a .pth
    file; None where there is no such Python or no root to drop from."""
    import sysconfig
    import tempfile

    if os.geteuid() != 0 or not os.path.exists(SYSTEM_PYTHON) or sys.version_info[:2] != (3, 11):
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="ppo-gradescope-venv-"))
    folder.chmod(0o755)
    venv = folder / "venv"
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3.11/site-packages"))
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    yield str(venv / "bin" / "python")
    shutil.rmtree(folder, ignore_errors=True)


def _run_case(case, root: Path, other_python: str | None):
    """run_autograder on one case; the uid-only case without namespaces. Landlock lets a kernel
    read its interpreter's installation only: torch is in the borrowed environment there (in
    Gradescope's image it is in the interpreter's own venv), so Landlock is off for it."""
    if case == UID_ONLY_CASE and other_python:
        return run_autograder(
            root, python=other_python, PPO_GRADER_NAMESPACES="0", PPO_GRADER_LANDLOCK="0"
        )
    return run_autograder(root)


@pytest.fixture(scope="module")
def graded(packages, other_users_python, tmp_path_factory) -> dict:
    """Every case through run_autograder, and all of them through one ``grade --jobs 2`` (with
    the default limits, as in the package), which runs meanwhile."""
    base = tmp_path_factory.mktemp("gradescope_runs")
    subs, roots, started = base / "subs", {}, time.monotonic()
    for lab, kind in _cases():
        roots[lab, kind] = root = unpack(packages[lab], base / f"{lab}-{kind}")
        nb = notebook(lab, kind, root, UID_PROBE if (lab, kind) == UID_ONLY_CASE else "")
        submit(root, nb, kind)
        builders.write(nb, str(subs / f"{kind}-{lab}" / lab / f"{lab}.ipynb"))
    grading = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(base / "out")]
        + ["--jobs", "2", "--no-progress"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PPO_TEST_SECRET=SECRET),
    )
    runs = {
        case: (root, *_run_case(case, root, other_users_python)) for case, root in roots.items()
    }
    _out, err = grading.communicate(timeout=900)
    assert grading.returncode == 0, err[-3000:]
    return {
        "runs": runs,
        "rows": {(r["assignment_id"], r["student_id"]): r for r in _csv(base / "out/grades.csv")},
        "cells": _csv(base / "out" / "cells.csv"),
        "seconds": time.monotonic() - started,
    }


def _hidden_and_written(lab: str) -> tuple[set[str], set[str]]:
    """grade_ids of the test cells with hidden tests, and of the written answers."""
    hidden, written = set(), set()
    for cell in builders.source_notebook(lab).cells:
        meta = cell.metadata.get("nbgrader") or {}
        if meta.get("grade") and cell.cell_type == "markdown":
            written.add(meta["grade_id"])
        elif meta.get("grade") and "### BEGIN HIDDEN TESTS" in cell.source:
            hidden.add(meta["grade_id"])
    return hidden, written


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c[0]}-{c[1]}")
def test_results_follow_the_format_and_grade_s_points(graded, case):
    lab, kind = case
    _root, proc, data = graded["runs"][case]
    check.check(data)
    row = graded["rows"][lab, f"{kind}-{lab}"]
    assert row["status"] == "graded" and data["extra_data"]["status"] == "graded", proc.stdout
    assert data["score"] == pytest.approx(float(row["score"])), (data["output"], row["message"])
    hidden, written = _hidden_and_written(lab)
    expected = {
        c["grade_id"]: (float(c["score"]), float(c["max_score"]))
        for c in graded["cells"]
        if c["student_id"] == f"{kind}-{lab}" and c["grade_id"] not in written
    }
    assert {t["name"]: (t["score"], t["max_score"]) for t in data["tests"]} == expected
    for test in data["tests"]:
        assert test["visibility"] == ("after_published" if test["name"] in hidden else "visible")
    assert written and all(w in data["output"] for w in written)
    assert "manual question" in data["output"]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c[0]}-{c[1]}")
def test_correct_and_hostile_score_full_wrong_less(graded, case):
    lab, kind = case
    auto, _written = builders.total_points(lab)
    score = graded["runs"][case][2]["score"]
    if kind == "wrong":
        assert score < auto
    else:  # the attacks reached nothing (else their cell raised and its tests failed)
        assert score == pytest.approx(auto), graded["runs"][case][2]["output"]


def test_library_and_results_are_root_only(graded):
    root = graded["runs"][hostile.LAB, "correct"][0]
    for folder in ("source", "results"):
        assert (root / folder).stat().st_mode & 0o777 == 0o700, folder
    print(f"gradescope runs and the grade run: {graded['seconds']:.0f} s")


# --- the zip and setup.sh (no kernel) ----------------------------------------------------------


def test_zip_layout(packages):
    with zipfile.ZipFile(packages[hostile.LAB]) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    for name in ("setup.sh", "run_autograder"):  # at the root, executable
        assert (infos[name].external_attr >> 16) & 0o111, name
    for package in build.LIBRARY:
        assert f"{package}/__init__.py" in infos, package
    labs = {n.split("/")[1] for n in infos if n.startswith(f"{course.SOURCE}/")}
    assert labs == {hostile.LAB}  # no other lab's answers travel with it
    assert not [n for n in infos if "__pycache__" in n or n.startswith("autograder/solutions")]


def test_setup_sh_parses_and_pins_the_tested_versions(packages, tmp_path):
    import importlib.metadata

    with zipfile.ZipFile(packages[hostile.LAB]) as zf:
        zf.extractall(tmp_path)
    for script in ("setup.sh", "run_autograder"):
        proc = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True)
        assert proc.returncode == 0, proc.stderr
    setup = (tmp_path / "setup.sh").read_text()
    tested = re.search(r"^TORCH_SPEC \?= (\S+)", (REPO / "Makefile").read_text(), re.M)
    assert tested and f'"{tested.group(1)}"' in setup  # the Makefile's torch, CPU index
    assert f"--index-url {build.TORCH_INDEX} " in setup and "python3.11 -m venv" in setup
    pins = (tmp_path / "requirements.txt").read_text().split()
    declared = {re.split(r"[\[>=<; ]", r)[0].lower() for r in _runtime_requirements()}
    assert {re.split(r"[\[=]", p)[0].lower() for p in pins} == declared - {"torch"}
    for pin in pins:
        name, version = re.split(r"(?:\[[^\]]*\])?==", pin)
        assert importlib.metadata.version(name) == version, pin


def _runtime_requirements() -> list[str]:
    """pyproject.toml's [project] dependencies (read here, not through the package)."""
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["dependencies"]


@pytest.mark.skipif(not ALL, reason="reaches PyPI: PPO_GRADESCOPE_ALL=1 (make test-slow)")
def test_requirements_resolve_in_a_fresh_venv(packages, tmp_path):
    with zipfile.ZipFile(packages[hostile.LAB]) as zf:
        zf.extract("requirements.txt", tmp_path)
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    proc = subprocess.run(
        [str(tmp_path / "venv/bin/python"), "-m", "pip", "install", "--dry-run", "-q"]
        + ["-r", str(tmp_path / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_cli_refuses_an_unknown_lab_and_a_non_zip(tmp_path):
    from autograder import cli

    assert cli.main(["gradescope", "no_such_lab", "--out", str(tmp_path / "a.zip")]) == 2
    assert cli.main(["gradescope", hostile.LAB, "--out", str(tmp_path / "a.tar")]) == 2
    assert not list(tmp_path.iterdir())


# --- the checker ---------------------------------------------------------------------------------


def _valid() -> dict:
    return {
        "score": 1.0,
        "output": "Autograded: 1 of 2 points.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {"name": "a", "score": 1.0, "max_score": 1.0, "output": "", "visibility": "visible"},
            {"name": "b", "score": 0, "max_score": 1, "output": "x", "visibility": "hidden"},
        ],
    }


def _broken():
    """(what is broken, the results.json) for each mistake the checker must catch."""
    for key in check.REQUIRED_TEST_FIELDS:
        data = _valid()
        del data["tests"][0][key]
        yield f"no {key}", data
    for where in ("top", "test", "stdout"):
        data = _valid()
        target = data["tests"][1] if where == "test" else data
        target["stdout_visibility" if where == "stdout" else "visibility"] = "after_grading"
        yield f"visibility of {where}", data
    data = _valid()
    data["tests"][0]["score"] = 1.5
    yield "score > max_score", data
    data = _valid()
    data["tests"][1]["max_score"] = "1"
    yield "max_score not a number", data
    data = _valid()
    data["tests"][0]["visiblity"] = "visible"
    yield "misspelt field", data
    data = _valid()
    del data["score"]
    data["tests"][1].pop("score")
    yield "no score anywhere", data


def test_checker_accepts_the_documented_format():
    check.check(_valid())
    check.check({"score": 0.0})  # every other field is optional in Gradescope's format
    check.check(json.loads(build.FALLBACK))
    check.check(results.crash("RuntimeError: boom"))


@pytest.mark.parametrize("what,data", list(_broken()), ids=[w for w, _ in _broken()])
def test_checker_rejects(what, data):
    assert check.problems(data), what
    with pytest.raises(check.InvalidResults):
        check.check(data)


# --- failures still give a results.json ----------------------------------------------------------


def test_a_broken_package_and_a_missing_python_still_write_results(packages, tmp_path):
    root = unpack(packages[hostile.LAB], tmp_path / "broken")
    shutil.rmtree(root / "source" / course.SOURCE)
    proc, data = run_autograder(root)
    check.check(data)
    assert data["score"] == 0 and "tell your instructor" in data["output"], proc.stdout
    assert "holds 0 labs" in data["extra_data"]["error"]
    proc, data = run_autograder(root, python=str(tmp_path / "no-such-python"))
    check.check(data)
    assert data["score"] == 0 and proc.returncode != 0


def test_an_empty_submission_scores_zero_with_every_test_listed(packages, tmp_path):
    root = unpack(packages[hostile.LAB], tmp_path / "empty")
    (root / "submission" / "notes.txt").write_text("no notebook here")
    proc, data = run_autograder(root)
    check.check(data)
    _hidden, written = _hidden_and_written(hostile.LAB)
    tests = [c for c in builders.test_cells(builders.source_notebook(hostile.LAB))]
    assert data["score"] == 0 and len(data["tests"]) == len(tests), proc.stdout
    assert all(t["output"].startswith("Not run") for t in data["tests"])
    assert "no notebook" in data["output"].lower()


def test_links_and_fifos_in_the_submission_are_not_read(packages, tmp_path):
    root = unpack(packages[hostile.LAB], tmp_path / "links")
    solution = root / "source" / course.SOURCE / hostile.LAB / f"{hostile.LAB}.ipynb"
    (root / "submission" / f"{hostile.LAB}.ipynb").symlink_to(solution)
    os.mkfifo(root / "submission" / "pipe.ipynb")
    proc, data = run_autograder(root)
    check.check(data)
    assert data["score"] == 0 and data["extra_data"]["status"] == "missing notebook", proc.stdout


# --- containers without namespaces: the uid alone ------------------------------------------------


def test_without_namespaces_the_kernel_runs_as_the_uid_alone(graded, other_users_python):
    if other_users_python is None:
        pytest.skip("needs root and the system's python3.11 (CI's image)")
    _root, proc, data = graded["runs"][UID_ONLY_CASE]
    assert "the kernel runs as uid 61000" in proc.stdout + proc.stderr, proc.stdout[-3000:]
    # the probe in the function raises where the kernel is root, failing its tests
    assert data["score"] == builders.total_points(hostile.LAB)[0], proc.stderr[-5000:]


def test_without_namespaces_a_kernel_that_would_stay_root_is_refused(packages, tmp_path):
    from autograder.sandbox.run import can_drop

    if os.geteuid() != 0 or can_drop():
        pytest.skip("needs root and an interpreter other users cannot run (this venv's)")
    root = unpack(packages[hostile.LAB], tmp_path / "root")
    submit(root, notebook(hostile.LAB, "correct", root), "correct")
    proc, data = run_autograder(root, PPO_GRADER_NAMESPACES="0")
    check.check(data)
    assert data["score"] == 0 and "REFUSING" in data["extra_data"]["error"], proc.stdout
