"""``python -m autograder release``: everything an instructor hands out to their own class.

:func:`release` writes into a new or empty folder

* ``notebooks/<lab>/``: the student notebooks, generated as ``make notebooks`` generates the
  committed ones (``scripts/sync_labs.py``, real ``nbgrader generate_assignment``), but with the
  instructor's repository (or wheel) address in each lab's Colab badge and install cell, and
  their course name and deadline in its header;
* ``notebooks/presenter.ipynb``: the presenter's notebook, which runs on the student build
  (each part that needs a lab's functions uses the learner's from ``my_ppo/``, or says which
  lab unlocks it);
* the student build of the library (:mod:`autograder.student.package`): its source tree at the
  top (``pyproject.toml``, ``ppo_core/``...), so that ``OUT`` pushed as the instructor's
  repository is what the install cell installs, and its wheel in ``dist/``.

It reads the checkout and writes nothing else: no committed file changes, and no file is left
in the checkout (nbgrader runs in a temporary course folder).
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from autograder.student.checkout import REPO_ROOT, require_checkout
from autograder.student.package import StudentPackage, build_student_package, check_out

UNSAFE = set(" \t\r\n\"'\\<>`{}|^")
"""Characters an address may not hold: it is written into a Python string of the install cell
and into a Markdown link."""


@dataclass
class Released:
    """What :func:`release` wrote."""

    notebooks: list[Path]
    package: StudentPackage


def check_url(url: str) -> str:
    """``url`` if it is an ``https://`` address of a repository or a wheel, else ValueError."""
    parts = urlsplit(url)
    bad = sorted(UNSAFE & set(url))
    if parts.scheme != "https" or not parts.netloc or parts.path.strip("/") == "" or bad:
        why = f"it holds {''.join(bad)!r}" if bad else "it is not an https:// address with a path"
        raise ValueError(
            f"REPO_URL (--repo-url) {url!r} is malformed ({why}): give your repository's "
            f"address, e.g. https://github.com/<you>/<repo>, or your student wheel's (.whl)"
        )
    return url


def check_text(name: str, text: str) -> str:
    """A course name or deadline: one line, no Markdown that would break the header."""
    if any(c in text for c in "\r\n*[]<>`"):
        raise ValueError(
            f"{name} {text!r}: give one line of plain text (no line breaks, *, [, ], <, > or `)"
        )
    return text.strip()


def _sync_labs():
    """``scripts/sync_labs.py`` of the checkout, which generates the notebooks (and its
    ``labkit``); both put their own folder on ``sys.path`` as when run as a script."""
    sys.dont_write_bytecode = True  # no __pycache__ left in the checkout's scripts/
    scripts = str(REPO_ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module("sync_labs")


def notebook_kit():
    """``scripts/labkit.py`` of the checkout (imported with ``sync_labs``)."""
    _sync_labs()
    return sys.modules["labkit"]


def write_notebooks(out: Path, repo_url: str, course: str, deadline: str) -> list[Path]:
    """Generate every lab's student notebook for this class into ``out/notebooks/<lab>/``;
    return the files written."""
    sync_labs = _sync_labs()
    labkit = notebook_kit()
    settings = labkit.Release(repo_url=repo_url, course=course, deadline=deadline)
    labs = sync_labs.existing_labs()
    sources = {lab: labkit.dumps(sync_labs.expected_source(lab, settings)) for lab in labs}
    written = []
    with tempfile.TemporaryDirectory(prefix="ppo_release_") as tmp:
        releases = sync_labs.generate_releases(sources, Path(tmp))
    for lab, files in releases.items():
        for rel, content in files.items():
            path = out / "notebooks" / lab / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written.append(path)
    return written


PRESENTER = "presenter.ipynb"


def write_presenter(out: Path, repo_url: str, course: str, deadline: str) -> Path:
    """The presenter's notebook (``demos/presenter.ipynb``) for this class, in
    ``out/notebooks/`` beside the lab folders, where the labs write ``my_ppo/``: the class's
    header and a Colab install cell that points to ``repo_url``. Return the file written."""
    labkit = notebook_kit()
    settings = labkit.Release(repo_url=repo_url, course=course, deadline=deadline)
    nb = labkit.read(REPO_ROOT / "demos" / PRESENTER)
    nb.cells.insert(1, labkit.colab_install(repo_url))  # with_release points it to repo_url
    nb = labkit.with_release(nb, "presenter", settings, f"notebooks/{PRESENTER}")
    path = out / "notebooks" / PRESENTER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(labkit.dumps(nb))  # not labkit.normalise: its metadata says "generated"
    return path


def release(
    out: Path | str, repo_url: str, course: str, deadline: str = "", reveal: Iterable[str] = ()
) -> Released:
    """Write the class's notebooks and student build into ``out`` (new or empty)."""
    if not str(out).strip():
        raise ValueError(
            "OUT (--out) is empty: give a new folder for the release, e.g. OUT=../cs999"
        )
    out = Path(out)
    check_url(repo_url)
    course, deadline = check_text("COURSE", course), check_text("DEADLINE", deadline)
    if not course:
        raise ValueError("COURSE (--course) is empty: give the course's name, e.g. COURSE='CS 999'")
    check_out(out)
    require_checkout()
    with tempfile.TemporaryDirectory(prefix="ppo_release_") as tmp:
        # The notebooks first (seconds): a failure there costs no student build.
        write_notebooks(Path(tmp), repo_url, course, deadline)
        write_presenter(Path(tmp), repo_url, course, deadline)
        package = build_student_package(Path(tmp) / "build", reveal)
        out.mkdir(parents=True, exist_ok=True)
        # The build's source tree is the repository's root, so that the install cell's
        # pip install git+REPO_URL installs it; its pyproject.toml lists its packages, so
        # notebooks/ and dist/ beside them are not packaged.
        for item in sorted(package.src.iterdir()):
            shutil.move(str(item), str(out / item.name))
        shutil.move(str(package.wheel.parent), str(out / "dist"))
        shutil.move(str(Path(tmp) / "notebooks"), str(out / "notebooks"))
    package.src, package.wheel = out, out / "dist" / package.wheel.name
    return Released(sorted((out / "notebooks").rglob("*.ipynb")), package)
