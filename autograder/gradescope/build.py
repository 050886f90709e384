"""``python -m autograder gradescope LAB --out FILE.zip``: the autograder package Gradescope runs.

Gradescope's contract (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip
holds ``setup.sh`` and ``run_autograder`` at its root; Gradescope unpacks it into
``/autograder/source``, runs ``setup.sh`` once as root when it builds the image, copies
``run_autograder`` to ``/autograder/run_autograder`` and runs it (working folder
``/autograder``) for every submission, whose files are in ``/autograder/submission``.

The zip holds:

* ``setup.sh``: Python 3.11 and a virtual environment in ``/autograder/venv`` with the CPU build
  of torch from the PyTorch index at the version CI tests (:data:`TORCH_VERSION`) and
  ``requirements.txt``;
* ``requirements.txt``: the course's other dependencies, each pinned to the version installed
  where the zip is built (the environment whose tests passed);
* ``run_autograder``: starts :mod:`autograder.gradescope.run` and writes a results.json of its
  own if Python cannot even start;
* the full library (``autograder``, ``ppo_core``, ``ppo_viz``) and ``solutions/<LAB>/`` (the lab's
  nbgrader source: tests, hidden tests, points). Only the one lab, so a package shows the
  answers of no other lab.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import tempfile
import zipfile

from autograder.grading import course

TORCH_VERSION = "2.13.0"
"""The torch CI tests (the Makefile's TORCH_SPEC; tests/test_gradescope.py checks they agree)."""
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
DISTRIBUTION = "ppo-course"
LIBRARY = ("autograder", "ppo_core", "ppo_viz")
IMPORT_ROOT = os.path.dirname(course.PACKAGE)
EXECUTABLE = ("setup.sh", "run_autograder")


def requirements() -> list[str]:
    """``name[extras]==version`` for each dependency of the course but torch, at the version
    installed here."""
    from packaging.requirements import Requirement

    try:
        declared = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise RuntimeError(
            f"the course's package {DISTRIBUTION} is not installed here, so its tested "
            f"versions are unknown: run `pip install -e .` in the checkout (make setup) first"
        ) from exc
    pins = {}
    for text in declared:
        req = Requirement(text)
        if req.marker is not None or req.name.lower() == "torch":
            continue  # extras (dev, colab) are not needed to grade; torch comes from its index
        try:
            version = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError as exc:
            raise RuntimeError(
                f"{req.name} (a dependency of the course) is not installed here: run make setup"
            ) from exc
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        pins[req.name.lower()] = f"{req.name}{extras}=={version}"
    return [pins[name] for name in sorted(pins)]


def setup_script() -> str:
    """``setup.sh``: run once by Gradescope, as root, when it builds the image."""
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image; the zip is unpacked
# in /autograder/source (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
# Written by `python -m autograder gradescope`: rebuild the zip rather than editing it.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# Python 3.11 (Ubuntu 22.04 has it; newer images get it from the deadsnakes archive), and what
# Box2D's build needs where no wheel fits.
if ! apt-get install -y --no-install-recommends python3.11 python3.11-venv python3.11-dev; then
    apt-get install -y --no-install-recommends software-properties-common
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv python3.11-dev
fi
apt-get install -y --no-install-recommends build-essential swig
python3.11 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
# The CPU build of torch: PyPI's Linux wheel is the multi-GB CUDA one.
"$ROOT/venv/bin/python" -m pip install --index-url {TORCH_INDEX} "torch=={TORCH_VERSION}"
"$ROOT/venv/bin/python" -m pip install -r "$ROOT/source/requirements.txt"
# The kernel runs as an unprivileged uid: it must be able to run this interpreter (the library
# in source/ is made root-only by run_autograder).
chmod 755 "$ROOT"
chmod -R go+rX "$ROOT/venv"
"""


FALLBACK = json.dumps(
    {
        "score": 0.0,
        "output": "The autograder failed before grading: tell your instructor (its log says why).",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }
)
"""results.json of ``run_autograder`` when Python could not even start."""

RUN_SCRIPT = f"""#!/usr/bin/env bash
# Gradescope runs this, as root in /autograder, for every submission; it must leave
# /autograder/results/results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
# Written by `python -m autograder gradescope`. AUTOGRADER_ROOT moves the root (tests);
# PPO_GRADESCOPE_PYTHON names another interpreter than setup.sh's.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{PPO_GRADESCOPE_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
cd "$ROOT" || exit 1
AUTOGRADER_ROOT="$ROOT" PYTHONPATH="$ROOT/source" "$PYTHON" -m autograder.gradescope.run
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
    # Python did not start, or died before writing: Gradescope still gets a result.
    printf '%s\\n' '{FALLBACK}' > "$ROOT/results/results.json"
fi
exit "$status"
"""


def _library_ignore(folder: str, names: list[str]) -> list[str]:
    """Caches, and an installed autograder's copy of every lab (only one lab goes in)."""
    skip = {"__pycache__", ".ipynb_checkpoints", ".mypy_cache"}
    if os.path.basename(folder) == "autograder":
        skip.add("solutions")
    return [n for n in names if n in skip or n.endswith(".pyc")]


def _write_tree(dest: str, lab: str, course_root: str) -> None:
    """The package's files under ``dest`` (what becomes /autograder/source)."""
    for package in LIBRARY:
        shutil.copytree(
            os.path.join(IMPORT_ROOT, package),
            os.path.join(dest, package),
            ignore=_library_ignore,
        )
    shutil.copytree(
        os.path.join(course_root, course.SOURCE, lab),
        os.path.join(dest, course.SOURCE, lab),
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    with open(os.path.join(dest, "requirements.txt"), "w") as f:
        f.write("\n".join(requirements()) + "\n")
    for name, text in (("setup.sh", setup_script()), ("run_autograder", RUN_SCRIPT)):
        with open(os.path.join(dest, name), "w", newline="\n") as f:
            f.write(text)


def _zip(folder: str, out: str) -> None:
    """Zip ``folder``'s content (not the folder: Gradescope looks for setup.sh at the root)."""
    tmp = out + ".partial"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, folder).replace(os.sep, "/")
                info = zipfile.ZipInfo.from_file(path, rel)
                info.external_attr = (0o755 if rel in EXECUTABLE else 0o644) << 16
                with open(path, "rb") as f:
                    zf.writestr(info, f.read(), zipfile.ZIP_DEFLATED)
    os.replace(tmp, out)


def build(lab: str, out: str, course_root: str | None = None) -> list[str]:
    """Write the package of ``lab`` to the zip ``out``; its members' names."""
    root = course.find(course_root)
    labs = course.labs(root)
    if lab not in labs:
        raise ValueError(f"{lab}: no such lab; the labs are {', '.join(labs)}")
    if not out.lower().endswith(".zip"):
        raise ValueError(f"--out {out}: give a file name ending in .zip (Gradescope takes a zip)")
    if os.path.dirname(os.path.abspath(out)) and not os.path.isdir(
        os.path.dirname(os.path.abspath(out))
    ):
        raise ValueError(f"--out {out}: the folder {os.path.dirname(out)} does not exist")
    with tempfile.TemporaryDirectory(prefix="ppo-gradescope-build-") as tmp:
        _write_tree(tmp, lab, root)
        _zip(tmp, out)
    with zipfile.ZipFile(out) as zf:
        return zf.namelist()
