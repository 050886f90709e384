"""Every lab runs top to bottom against the student build, with a learner's answers, in
JupyterLab in a real browser (Debian's Chromium, headless, through Playwright).

The student build's source tree (``autograder.student.build.build_student_tree``: ``ppo_core``
with every exercise withheld, ``ppo_viz``, the visible checks) is installed in a fresh virtual
environment (``student_env``, see tests/student_env.py). Each *release* notebook gets its
solution cells from the solution notebook (matched by nbgrader ``grade_id``; the hidden tests
stay absent, as in the release) and runs under ``NBGRADER_EXECUTION`` (the labs' short mode) in
its own folder ``<work>/<lab>/``, one after the other as a learner takes them, so that each
lab's cell "Save your functions" writes ``<work>/my_ppo/<lab>.py`` and the later labs import the
learner's functions from there (Lab 4 needs Lab 5's first three exercises: Lab 5 is run up to
its saving cell before Lab 4). Each notebook is opened in the browser, run with Run All and
saved from the keyboard; the saved file is read back. No cell may raise and no relative link of
the rendered notebook may point to nothing. A last cell reports which ``ppo_core`` the kernel
imported, so the test knows that the student build, not the installed library, ran.

A second walk, in the same browser, puts a stub in Lab 2: Run All stops at a test cell of that
function, nothing of Lab 2 is saved, and Lab 4's Run All stops at once, saying to finish Lab 2
first. The same stub also runs through nbclient, which goes on past a failing cell, to check
that Lab 2's saving cell refuses it by name (Run All never reaches that cell).

The presenter's notebook, as a release writes it beside the lab folders, runs twice on the
student build: before any lab (through nbclient: each part that needs a lab's functions says
which lab unlocks it, and nothing fails) and after the walk, in the browser (every part runs,
with the functions the labs saved).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_browser import chromium, jupyter_env, jupyterlab, run_all, save, wait_until_done

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import labkit

from autograder.student.release import PRESENTER, write_presenter
from ppo_core import exercises

LABS = [lab for lab in labkit.LABS if labkit.release_path(lab).exists()]
REPORT = "STUDENT-BUILD-REPORT "
REPORT_CELL = f"""
import json, ppo_core, ppo_viz, autograder.checks, ppo_core._withheld
print({REPORT!r} + json.dumps({{
    "ppo_core": ppo_core.__file__, "ppo_viz": ppo_viz.__file__,
    "checks": autograder.checks.__file__,
    "withheld": sorted(ppo_core._withheld.WITHHELD)}}))
"""


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _solution_cells(lab: str) -> dict[str, str]:
    """``{grade_id: source}`` of the solution notebook's code solution cells."""
    nb = nbformat.read(str(labkit.solution_path(lab)), as_version=4)
    return {
        _grade_id(c): c.source
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }


def earlier_labs(nb) -> list[str]:
    """The labs whose functions the cell "Your functions from earlier labs" brings in."""
    use = next((c for c in nb.cells if _grade_id(c) == "earlier_functions"), None)
    return [] if use is None else [lab for lab in labkit.LABS if f'"{lab}"' in use.source]


def learner_notebook(lab: str, stubs: dict[str, str] | None = None, until: str | None = None):
    """The release notebook of ``lab`` as a learner fills it (solutions by grade_id; ``stubs``
    replaces some), up to the cell ``until`` (a grade id) if given, with a last cell that
    reports the kernel's ``ppo_core``."""
    nb = nbformat.read(str(labkit.release_path(lab)), as_version=4)
    answers = {**_solution_cells(lab), **(stubs or {})}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers[_grade_id(cell)]
    if until is not None:
        end = next(i for i, c in enumerate(nb.cells) if _grade_id(c) == until)
        nb.cells = nb.cells[: end + 1]
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    return nb


def _kernel_manager(kernels: Path, python: str, pythonpath: str | None):
    """A kernel running ``python`` with ``pythonpath`` first and the labs' short mode on."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    # An inherited PYTHONPATH holding a checkout would shadow the build: set it either way.
    env = {"NBGRADER_EXECUTION": "autograde", "PYTHONPATH": pythonpath or ""}
    spec = kernels / "ppo-student"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "student build",
                "language": "python",
                "env": env,
            }
        )
    )
    specs = KernelSpecManager(kernel_dirs=[str(kernels)])
    return AsyncKernelManager(kernel_name="ppo-student", kernel_spec_manager=specs)


def run_release_notebook(
    lab: str,
    workdir: Path,
    python: str = sys.executable,
    pythonpath: str | None = None,
    timeout: int = 300,
    nb=None,
):
    """Run ``nb`` (default ``learner_notebook(lab)``) in ``workdir`` with a kernel of
    ``python``; return it.

    ``workdir`` is the kernel's working directory (a copy of the lab's release folder, named
    after the lab so that ``my_ppo`` lies beside it), never the repository root, whose
    ``ppo_core`` would shadow the build.
    """
    nb = learner_notebook(lab) if nb is None else nb
    shutil.copytree(labkit.release_path(lab).parent, workdir, dirs_exist_ok=True)
    return run_notebook(nb, workdir, python, pythonpath, timeout)


def run_notebook(nb, workdir: Path, python: str, pythonpath: str | None = None, timeout=300):
    """Run ``nb`` through nbclient in ``workdir`` with a kernel of ``python``; return it."""
    from nbclient import NotebookClient

    km = _kernel_manager(workdir.parent / ".kernels", python, pythonpath)
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    asyncio.run(client.async_execute())
    return nb


def cell_errors(nb) -> list[tuple]:
    return [
        (
            i,
            _grade_id(cell) or cell.source.splitlines()[0][:60],
            out.get("ename"),
            out.get("evalue", "")[:1000],
        )
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]


def kernel_report(nb) -> dict:
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    line = next(line for line in text.splitlines() if line.startswith(REPORT))
    return json.loads(line[len(REPORT) :])


LAB4, LAB5 = "lab4_training", "lab5_diagnostics"


def course_order() -> list[tuple[str, str | None]]:
    """(lab, last cell or None) in the order a learner runs them: Lab 5's exercises (up to its
    saving cell) before Lab 4, which needs them."""
    order: list[tuple[str, str | None]] = []
    for lab in LABS:
        if lab == LAB4 and LAB5 in LABS:
            order.append((LAB5, f"save_{LAB5}"))
        order.append((lab, None))
    return order


WALK_KERNEL = "ppo-student-walk"


def _walk_kernel(home: Path, python: str) -> None:
    """The kernel the learner's notebooks name: the student venv's Python, the labs' short
    mode, no inherited ``PYTHONPATH`` (a checkout on it would shadow the build)."""
    spec = home / "data" / "kernels" / WALK_KERNEL
    spec.mkdir(parents=True)
    argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    env = {"NBGRADER_EXECUTION": "autograde", "PYTHONPATH": ""}
    (spec / "kernel.json").write_text(
        json.dumps(
            {"argv": argv, "display_name": "student build", "language": "python", "env": env}
        )
    )


def _broken_links(page, folder: Path) -> list[str]:
    """The relative links of the rendered notebook that resolve to no file beside it."""
    hrefs = page.locator(".jp-RenderedMarkdown a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    relative = [h for h in hrefs if not h.startswith(("http://", "https://", "#", "mailto:"))]
    return [h for h in relative if not (folder / h.split("#")[0]).exists()]


def _walk_lab(page, server: dict, course: Path, lab: str, nb, under: str = "") -> tuple:
    """Write ``nb`` as ``course/under/lab/lab.ipynb`` (beside the lab's release files), open it,
    Run All, save from the keyboard; return the notebook read back and the errors shown."""
    folder = course / under / lab
    shutil.copytree(labkit.release_path(lab).parent, folder, dirs_exist_ok=True)
    nb.metadata["kernelspec"] = {
        "name": WALK_KERNEL,
        "display_name": "student build",
        "language": "python",
    }
    path = folder / f"{lab}.ipynb"
    nbformat.write(nb, str(path))
    run_all(page, server, str(path.relative_to(course)))
    shown = wait_until_done(page, REPORT, timeout=420, signs=("Traceback",))
    save(page, path)
    return nbformat.read(str(path), as_version=4), shown


def _stub_walk_in_the_browser(browser, server: dict, course: Path) -> dict:
    """The walk again in ``course/stub/``, with Labs 1, 3 and 5 saved as before and a stub
    ``compute_gae`` in Lab 2: Lab 2 to its saving cell, then Lab 4, each with Run All."""
    (course / "stub" / "my_ppo").mkdir(parents=True)
    for lab in (LABS[0], LABS[2], LAB5):
        shutil.copy(course / "my_ppo" / f"{lab}.py", course / "stub" / "my_ppo")
    found: dict = {}
    for lab, nb in (
        ("lab2_gae", learner_notebook("lab2_gae", {"compute_gae": ZEROS}, "save_lab2_gae")),
        (LAB4, learner_notebook(LAB4, until="earlier_functions")),
    ):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        found[lab] = _walk_lab(page, server, course, lab, nb, under="stub")
        page.close()
    found["my_ppo"] = sorted(p.name for p in (course / "stub" / "my_ppo").iterdir())
    return found


PRESENTER_DONE = "all cells ran in"  # what the presenter's last cell prints


def _presenter_in_the_browser(browser, server: dict, course: Path) -> dict:
    """The presenter's notebook run after every lab, in the browser: Run All, save, read back."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    path = course / PRESENTER
    nb = labkit.read(path)
    nb.metadata["kernelspec"] = {"name": WALK_KERNEL, "display_name": "student build"}
    nbformat.write(nb, str(path))
    run_all(page, server, PRESENTER)
    shown = wait_until_done(page, PRESENTER_DONE, timeout=300, signs=("Traceback",))
    save(page, path)
    page.close()
    return {"nb": nbformat.read(str(path), as_version=4), "shown_errors": shown}


@pytest.fixture(scope="module")
def executed(student_env, tmp_path_factory) -> dict:
    """Every lab's learner notebook run in JupyterLab in a real browser against the installed
    student build, in course order, in one course folder (``my_ppo`` carries the functions):
    each is written with the learner's answers, opened, run with Run All, saved from the
    keyboard and read back from disk. {(lab, last cell): the saved notebook}."""
    base = tmp_path_factory.mktemp("walk")
    course, home = base / "course", base / "jupyter"
    course.mkdir()
    _walk_kernel(home, str(student_env.python))
    env = jupyter_env(home)
    env.pop("PYTHONPATH", None)
    runs: dict = {"work": course, "broken_links": {}, "shown_errors": {}}
    presenter = write_presenter(base / "release", labkit.COURSE_REPO_URL, "", "")
    shutil.copy(presenter, course / presenter.name)
    runs["presenter", "before"] = run_notebook(
        labkit.read(presenter), course, str(student_env.python)
    )
    with jupyterlab(course, home, env) as server, chromium() as browser:
        for lab, until in course_order():
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            nb, shown = _walk_lab(page, server, course, lab, learner_notebook(lab, until=until))
            runs[lab, until], runs["shown_errors"][lab, until] = nb, shown
            runs["broken_links"][lab] = _broken_links(page, course / lab)
            page.close()
        runs["presenter", "after"] = _presenter_in_the_browser(browser, server, course)
        runs["stub"] = _stub_walk_in_the_browser(browser, server, course)
    runs["my_ppo"] = sorted(p.name for p in (course / "my_ppo").iterdir())
    return runs


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(1200)  # the first one runs the whole walk (the fixture)
@pytest.mark.parametrize("lab", LABS)
def test_lab_runs_against_the_student_build(lab, executed, student_env):
    nb = executed[lab, None]
    errors = cell_errors(nb)
    assert not errors, f"{lab}: cells raised {errors}"
    assert not executed["shown_errors"][lab, None], executed["shown_errors"][lab, None]
    assert not executed["broken_links"][lab], (
        f"{lab}: links to nothing: {executed['broken_links'][lab]}"
    )
    report = kernel_report(nb)
    venv = student_env.root / "venv"
    assert Path(report["ppo_core"]).is_relative_to(venv), report
    assert Path(report["ppo_viz"]).is_relative_to(venv), report
    assert Path(report["checks"]).is_relative_to(venv), report
    assert set(report["withheld"]) == set(labkit.CONTRACT_FUNCTIONS), report
    saved = next(c for c in nb.cells if _grade_id(c) == f"save_{lab}")
    assert f"my_ppo/{lab}.py" in "".join(o.get("text", "") for o in saved.outputs)


@pytest.mark.slow
@pytest.mark.browser
def test_every_lab_saved_its_functions_for_the_next(executed):
    assert executed["my_ppo"] == sorted(f"{lab}.py" for lab in LABS)
    lab5_early = executed[LAB5, f"save_{LAB5}"]  # Lab 5's exercises, before Lab 4
    assert not cell_errors(lab5_early), cell_errors(lab5_early)


def _printed(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs)


def _parts(nb) -> dict[str, str]:
    """``{part heading: what its code cells printed}`` of the presenter's notebook."""
    parts: dict[str, str] = {}
    heading = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            heading = cell.source.splitlines()[0][3:]
        elif cell.cell_type == "code":
            parts[heading] = parts.get(heading, "") + _printed(cell)
    return parts


UNLOCK = "This part needs "


@pytest.mark.slow
@pytest.mark.browser
def test_the_presenter_before_any_lab_says_which_lab_unlocks_each_part(executed):
    """On the student build with nothing saved: no cell fails; exactly parts 6 to 8 (as its
    text says) name the exercise and lab they need, each a lab that teaches that function."""
    nb = executed["presenter", "before"]
    assert not cell_errors(nb), cell_errors(nb)
    parts = _parts(nb)
    locked = {h.split(".")[0] for h, text in parts.items() if UNLOCK in text}
    assert locked == {"6", "7", "8"}, parts
    for text in parts.values():
        for line in text.splitlines():
            if line.startswith(UNLOCK):
                name = line[len(UNLOCK) :].split(",")[0]
                assert f"an exercise of {exercises.lab_of(name).name} " in line, line
    saved = next(t for h, t in parts.items() if h.startswith("Your saved functions"))
    assert "Not saved yet: " + ", ".join(lab.name for lab in exercises.LABS) in saved, saved


@pytest.mark.slow
@pytest.mark.browser
def test_the_presenter_after_the_labs_runs_every_part_with_the_learners_functions(executed):
    """After the walk, in the browser: every part runs (Run All reached the last cell), with
    each lab's saved functions plugged in; parts 6 to 8 show their widget or clip."""
    run = executed["presenter", "after"]
    nb = run["nb"]
    assert not cell_errors(nb) and not run["shown_errors"], (cell_errors(nb), run["shown_errors"])
    parts = _parts(nb)
    assert not [h for h, text in parts.items() if UNLOCK in text], parts
    saved = next(t for h, t in parts.items() if h.startswith("Your saved functions"))
    for lab in exercises.LABS:
        assert f"{lab.name}: the library now calls your" in saved, saved
    assert "Not saved yet" not in saved and "Not used" not in saved, saved
    shown = [c for c in nb.cells if c.cell_type == "code" and "with part():" in c.source]
    assert len(shown) == 3
    for cell in shown:
        kinds = {k for out in cell.outputs for k in out.get("data", {})}
        assert kinds & {"application/vnd.jupyter.widget-view+json", "image/gif"}, cell.source


STUB = (
    "def compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam):\n"
    "    return 0\n"
)


@pytest.mark.slow
@pytest.mark.browser
def test_a_stub_in_lab2_is_refused_in_lab2_and_lab4_names_it(student_env, executed, tmp_path):
    """The walk with a stub ``compute_gae`` (a learner's placeholder): Lab 2's test cells and
    its saving cell fail, the latter naming the function, and nothing of Lab 2 is saved; Lab 4
    then stops at its first use of earlier functions, saying to finish Lab 2 first."""
    course = tmp_path / "course"
    (course / "my_ppo").mkdir(parents=True)
    for lab in (LABS[0], LABS[2], LAB5):  # Labs 1, 3 and 5 as the learner did them
        shutil.copy(executed["work"] / "my_ppo" / f"{lab}.py", course / "my_ppo")
    python = str(student_env.python)
    nb = run_release_notebook(
        "lab2_gae",
        course / "lab2_gae",
        python=python,
        nb=learner_notebook("lab2_gae", stubs={"compute_gae": STUB}, until="save_lab2_gae"),
    )
    errors = cell_errors(nb)
    assert errors[-1][1] == "save_lab2_gae" and errors[-1][2] == "NotSaved", errors
    assert "compute_gae was not saved" in errors[-1][3], errors[-1]
    tests = [e[1] for e in errors if str(e[1]).startswith("test_")]
    assert tests and all(t.startswith("test_compute_gae") for t in tests), errors
    assert not (course / "my_ppo" / "lab2_gae.py").exists()
    nb = run_release_notebook(
        LAB4, course / LAB4, python=python, nb=learner_notebook(LAB4, until="earlier_functions")
    )
    errors = cell_errors(nb)
    assert [e[1:3] for e in errors] == [("earlier_functions", "FinishEarlierLab")], errors
    assert "Finish Lab 2 first" in errors[0][3] and "compute_gae" in errors[0][3], errors


ZEROS = (  # a placeholder of the right shape: the lab's own "try it" cells run with it
    "def compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam):\n"
    "    return np.zeros_like(rewards), np.zeros_like(rewards)\n"
)


@pytest.mark.slow
@pytest.mark.browser
def test_a_stub_in_lab2_stops_run_all_in_lab2_and_lab4_says_to_finish_lab2(executed):
    """In the browser, as a learner meets it: Run All of Lab 2 with a placeholder
    ``compute_gae`` (zeros) stops at a test cell of ``compute_gae`` (the save cell is never
    reached, nothing of Lab 2 is saved), and Run All of Lab 4 stops at its first cell that needs
    earlier labs, saying to finish Lab 2 first and naming ``compute_gae``."""
    stub = executed["stub"]
    nb, shown = stub["lab2_gae"]
    errors = cell_errors(nb)
    assert shown and len(errors) == 1, (shown, errors)
    assert str(errors[0][1]).startswith("test_compute_gae"), errors
    assert "lab2_gae.py" not in stub["my_ppo"], stub["my_ppo"]
    nb, shown = stub[LAB4]
    errors = cell_errors(nb)
    assert shown and [e[1:3] for e in errors] == [("earlier_functions", "FinishEarlierLab")]
    assert "Finish Lab 2 first" in errors[0][3] and "compute_gae" in errors[0][3], errors


def test_learner_notebooks_fill_every_solution_cell():
    for lab in LABS:
        nb = learner_notebook(lab)
        for cell in nb.cells:
            assert "raise NotImplementedError()" not in cell.source, (lab, _grade_id(cell))
            assert "Paste your solution cells" not in cell.source, (lab, "a paste request")
