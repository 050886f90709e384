"""An instructor's release (``make release``) and model answers (``model-answers``).

The release is run once, through the real Makefile target, for a made-up instructor's
repository: no released file may name this repository, every notebook's header, Colab badge and
install cell name the instructor's, and the checkout is left as it was (``git status
--ignored``). The model answers of two labs hold the reference code and no hidden test.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from ppo_core import exercises

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import labkit

INSTRUCTOR = "https://github.com/prof-example/rl-course"
COURSE = "CS 999"
DEADLINE = "2027-03-01 17:00 UTC"
LAB_IDS = [lab.id for lab in exercises.LABS]
# This repository as the committed notebooks name it: its GitHub owner/name.
OURS = re.match(r"https://github\.com/([^/]+/[^/]+)", labkit.COURSE_REPO_URL).group(1)


def _status() -> str:
    return subprocess.run(
        ["git", "status", "--ignored", "--porcelain"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _texts(out: Path):
    """``(name, text)`` of every released file, the wheel's members included."""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                for member in zf.namelist():
                    yield f"{path.name}:{member}", zf.read(member).decode("latin-1")
        else:
            yield str(path.relative_to(out)), path.read_bytes().decode("latin-1")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """``make release`` into a new folder; the checkout's git status is unchanged by it."""
    out = tmp_path_factory.mktemp("release") / "class"
    before = _status()
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",  # the venv running this test is the one to use: never set up another
            ".venv/.installed",
            "release",
            f"PY={sys.executable}",
            f"REPO_URL={INSTRUCTOR}",
            f"COURSE={COURSE}",
            f"DEADLINE={DEADLINE}",
            f"OUT={out}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    assert _status() == before, "make release changed or left files in the checkout"
    return out


@pytest.mark.slow
def test_release_names_only_the_instructors_repository(released):
    committed = labkit.release_path(LAB_IDS[0]).read_text()
    assert OURS in committed  # the scan below can fail: the committed labs name us
    found = [name for name, text in _texts(released) if OURS in text]
    assert found == [], f"released files naming {OURS}: {found}"
    assert (released / "pyproject.toml").is_file() and list((released / "dist").glob("*.whl"))


@pytest.mark.slow
def test_each_notebook_shows_the_class(released):
    found = sorted(p.name for p in (released / "notebooks").iterdir())
    assert found == sorted([*LAB_IDS, "presenter.ipynb"])
    for lab in [*LAB_IDS, "presenter"]:
        path = f"{lab}/{lab}.ipynb" if lab in LAB_IDS else "presenter.ipynb"
        nb = nbformat.read(str(released / "notebooks" / path), as_version=4)
        header = nb.cells[0].source.split(labkit.HEADER_END)[0]
        badge = "colab.research.google.com/github/prof-example/rl-course/blob/main/notebooks/"
        badge += path
        assert COURSE in header and DEADLINE in header and badge in header, (lab, header)
        install = next(c for c in nb.cells if c.cell_type == "code")
        assert f'COURSE_REPO_URL = "{INSTRUCTOR}"' in install.source, lab


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--repo-url", "github.com/prof/x", "--course", "C"], "not an https:// address"),
        (["--repo-url", "https://github.com/p/x y", "--course", "C"], "malformed (it holds ' ')"),
        (["--repo-url", INSTRUCTOR, "--course", "C\nD"], "one line of plain text"),
        (["--repo-url", INSTRUCTOR, "--course", " "], "COURSE (--course) is empty"),
    ],
)
def test_release_refuses_bad_input(tmp_path, capsys, argv, says):
    assert main(["release", "--out", str(tmp_path / "out"), *argv]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "url, repository",
    [
        (INSTRUCTOR, "prof-example/rl-course"),
        (INSTRUCTOR + ".git", "prof-example/rl-course"),
        (INSTRUCTOR + "@student", "prof-example/rl-course"),
        (
            INSTRUCTOR + "/releases/download/w3/ppo_course-0.1.0+student-py3-none-any.whl",
            "prof-example/rl-course",
        ),
        ("https://gitlab.example.org/prof/rl-course", None),
    ],
)
def test_the_colab_badge_opens_the_lab_in_the_instructors_repository(url, repository):
    badge = labkit.colab_badge(LAB_IDS[0], url)
    if repository is None:
        assert badge == ""  # Colab opens notebooks from GitHub only
    else:
        assert f"/github/{repository}/blob/main/notebooks/{LAB_IDS[0]}/" in badge


def test_release_refuses_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    argv = ["release", "--out", str(tmp_path), "--repo-url", INSTRUCTOR, "--course", COURSE]
    assert main(argv) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _hidden_regions(source: str) -> list[str]:
    return re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source, re.S)


@pytest.mark.parametrize("lab", LAB_IDS[:2])
def test_model_answers_hold_the_code_and_no_hidden_test(tmp_path, capsys, lab):
    assert main(["model-answers", lab, "--out", str(tmp_path)]) == 0
    path = tmp_path / f"{lab}_model_answers.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    text = "\n".join(c.source for c in nb.cells)
    source = labkit.read(labkit.solution_path(lab))
    hidden = [
        line for c in source.cells for r in _hidden_regions(c.source) for line in r.split("\n")
    ]
    assert hidden and not [line for line in hidden if line.strip() and line in text]
    assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    assert all(not c.metadata for c in nb.cells), "grading metadata left in a cell"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for name in exercises.names(lab):
        reference = labkit.solution_source(name)
        body = re.sub(r"^ *### (BEGIN|END) SOLUTION\n?", "", reference, flags=re.M).rstrip()
        assert body in code, name
        compile(body, name, "exec")
    assert main(["model-answers", lab, "--out", str(tmp_path)]) == 2  # never overwrites
    assert "exists" in capsys.readouterr().err


def test_model_answers_of_an_unknown_lab_list_the_labs(tmp_path, capsys):
    assert main(["model-answers", "lab9_nothing", "--out", str(tmp_path)]) == 2
    assert ", ".join(LAB_IDS) in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_model_answers_point_to_the_instructor_s_repository(tmp_path, capsys):
    lab = LAB_IDS[0]
    assert main(["model-answers", lab, "--out", str(tmp_path), "--repo-url", INSTRUCTOR]) == 0
    text = (tmp_path / f"{lab}_model_answers.ipynb").read_text()
    assert OURS not in text
    nb = nbformat.read(str(tmp_path / f"{lab}_model_answers.ipynb"), as_version=4)
    owner_repo = INSTRUCTOR.removeprefix("https://github.com/")
    assert any(f"colab.research.google.com/github/{owner_repo}/" in c.source for c in nb.cells)
    assert any(f'COURSE_REPO_URL = "{INSTRUCTOR}"' in c.source for c in nb.cells)
    assert all(not c.metadata for c in nb.cells), "grading metadata left in a cell"
    bad = tmp_path / "bad"
    assert main(["model-answers", lab, "--out", str(bad), "--repo-url", "github.com/x"]) == 2
    assert "--repo-url" in capsys.readouterr().err and not bad.exists()
