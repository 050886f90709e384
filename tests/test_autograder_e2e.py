"""The instructor's whole nbgrader cycle on a local exchange, with the course configuration.

release_assignment -> fetch_assignment -> submit (three students) -> collect -> autograde ->
generate_feedback -> release_feedback -> fetch_feedback -> export, then the exported grades are
compared with the expected ones. Every HOME / Jupyter directory is a temporary one, so the real
~/.jupyter is never touched.
"""

from __future__ import annotations

import csv
import glob
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "fixtures", "autograder"))

import builders
import hostile

pytestmark = pytest.mark.slow
LAB = hostile.LAB


def _env(home: str, user: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "NBGRADER"))}
    env.update(
        HOME=home,
        USER=user,
        LOGNAME=user,
        JUPYTER_CONFIG_DIR=os.path.join(home, ".jupyter"),
        JUPYTER_DATA_DIR=os.path.join(home, ".local", "share", "jupyter"),
        JUPYTER_RUNTIME_DIR=os.path.join(home, ".runtime"),
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )
    return env


# On JupyterHub every student is an OS user; here all run as one user, so the student commands
# take their user name from $USER (nbgrader reads it from the uid otherwise).
AS_STUDENT = (
    "import os, nbgrader.utils as u; u.get_osusername = lambda: os.environ['USER']; "
    "from nbgrader.apps.nbgraderapp import main; main()"
)


def _nbgrader(args, cwd, env, student=False):
    command = ["-c", AS_STUDENT] if student else ["-m", "nbgrader"]
    proc = subprocess.run(
        [sys.executable, *command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def _answer(nb, code: str | None, prefix: str = ""):
    """Fill the learner's cells of a fetched notebook (reference code unless ``code``)."""
    for cell in nb.cells:
        gid = builders.grade_id(cell)
        meta = cell.metadata.get("nbgrader") or {}
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            source = builders.reference_code(LAB, gid)
            if gid == hostile.FUNCTION and code is not None:
                source = prefix + code
            cell.source = source
    return nb


def _course(tmp_path):
    """A course directory holding Lab 1's source and the course configuration, an exchange and
    the instructor's environment; Lab 1 is generated and released."""
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    instructor_home = tmp_path / "home-instructor"
    for d in (course, exchange, instructor_home):
        d.mkdir()
    shutil.copytree(os.path.join(REPO, "solutions", LAB), course / "source" / LAB)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"load_subconfig({os.path.join(REPO, 'autograder', 'nbgrader_config.py')!r})\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.source_directory = 'source'\n"
        "c.CourseDirectory.release_directory = 'release'\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.Execute.timeout = 30\n"
    )
    ienv = _env(str(instructor_home), "instructor")
    xroot = f"--Exchange.root={exchange}"
    _nbgrader(["generate_assignment", LAB, "--force"], course, ienv)
    _nbgrader(["release_assignment", LAB, xroot], course, ienv)
    return course, ienv, xroot


def _submit(
    tmp_path, xroot: str, name: str, code: str | None, prefix: str, run_as_learner=None
) -> None:
    """Student ``name`` fetches Lab 1, answers it (see :func:`_answer`) and submits it; with
    ``run_as_learner(name, path, nb)``, the learner runs the answered notebook first (its
    outputs are submitted with it, as from JupyterLab)."""
    home = tmp_path / f"home-{name}"
    home.mkdir()
    env = _env(str(home), name)
    _nbgrader(["fetch_assignment", LAB, xroot, "--course=ppo-course"], home, env, True)
    [path] = glob.glob(str(home / "**" / f"{LAB}.ipynb"), recursive=True)
    nb = _answer(nbformat.read(path, 4), code, prefix)
    if run_as_learner is not None:
        nb = run_as_learner(name, path, nb)
    nbformat.write(nb, path)
    _nbgrader(
        ["submit", LAB, xroot, "--course=ppo-course"],
        os.path.dirname(os.path.dirname(path)),
        env,
        True,
    )


def _check_feedback(tmp_path, xroot: str, name: str) -> None:
    """Student ``name`` fetches a feedback page that carries the grader's notes."""
    home = tmp_path / f"home-{name}"
    _nbgrader(
        ["fetch_feedback", LAB, xroot, "--course=ppo-course"], home, _env(str(home), name), True
    )
    html = glob.glob(str(home / "**" / "feedback" / "**" / f"{LAB}.html"), recursive=True)
    assert html, f"{name} got no feedback"
    with open(html[0]) as f:
        text = f.read()
    assert "Grader notes" in text
    # The hidden tests stay with the instructor (autograder.grading.preprocessors.HideHiddenTests).
    assert "HIDDEN TESTS" not in text and "your instructor keeps them" in text
    if name == "eve":
        assert "np.allclose" in text  # the feedback says what the grader removed


STUDENTS = {  # name -> (code of discounted_return, top-level prefix, points lost)
    "ada": (None, "", 0),
    "bob": (hostile.WRONG, "", 3),
    "eve": (
        hostile.WRONG,
        (
            "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
            "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
        ),
        3,
    ),
}


def _instructor_cycle(tmp_path, run_as_learner=None) -> dict:
    """Release, three submissions, collect, autograde, feedback, export: the exported rows."""
    course, ienv, xroot = _course(tmp_path)
    for name, (code, prefix, _) in STUDENTS.items():
        _submit(tmp_path, xroot, name, code, prefix, run_as_learner)
    _nbgrader(["collect", LAB, xroot, "--CollectApp.check_owner=False"], course, ienv)
    assert sorted(os.listdir(course / "submitted")) == sorted(STUDENTS)
    _nbgrader(["autograde", LAB, "--force"], course, ienv)
    _nbgrader(["generate_feedback", LAB, "--force"], course, ienv)
    _nbgrader(["release_feedback", LAB, xroot], course, ienv)
    for name in STUDENTS:
        _check_feedback(tmp_path, xroot, name)
    _nbgrader(["export", "--to", str(course / "grades.csv")], course, ienv)
    with open(course / "grades.csv", newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == LAB}


def _assert_grades(exported: dict) -> None:
    auto, _ = builders.total_points(LAB)
    assert sorted(exported) == sorted(STUDENTS)
    for name, (_, _, lost) in STUDENTS.items():
        assert float(exported[name]["raw_score"]) == pytest.approx(auto - lost), exported[name]


def test_full_instructor_cycle(tmp_path):
    if not os.path.exists(os.path.join(REPO, "solutions", LAB, f"{LAB}.ipynb")):
        pytest.skip("lab 1 is not written yet")
    _assert_grades(_instructor_cycle(tmp_path))


def _errors(nb) -> list[tuple[str, str]]:
    """(grade_id, error name) of every cell that raised."""
    return [
        (builders.grade_id(cell) or "", out.get("ename", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def test_full_instructor_cycle_with_the_student_build(tmp_path, student_env):
    """Graded class: learners run the release notebook against the student build (no reference
    code) before submitting; the instructor grades with the full library. The grades are those
    of the open-library cycle, and the learner's own run already told right from wrong."""
    from nbclient import NotebookClient

    learner_runs = {}

    def run_as_learner(name: str, path: str, nb):
        NotebookClient(
            nb,
            timeout=300,
            kernel_name=student_env.kernel_name,
            allow_errors=True,
            resources={"metadata": {"path": os.path.dirname(path)}},
        ).execute()
        learner_runs[name] = nb
        return nb

    _assert_grades(_instructor_cycle(tmp_path, run_as_learner))
    runs = learner_runs
    assert sorted(runs) == sorted(STUDENTS)
    assert _errors(runs["ada"]) == [], "the reference answers fail the student build's checks"
    failed = dict(_errors(runs["bob"]))
    tests = [gid for gid in failed if gid.startswith("test_")]
    assert tests and all(gid.startswith("test_discounted_return") for gid in tests), failed
    assert failed.get(f"save_{LAB}") == "NotSaved", failed  # not carried to the next lab
    used = "".join(
        out.get("text", "")
        for cell in runs["ada"].cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )
    assert "passed: discounted_return" in used
