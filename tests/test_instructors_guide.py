"""The instructors' guide's walk-through, run as written: every ``bash runnable`` block of
docs/instructors.md, in order, in a fresh copy of the repository, with the steps the guide marks
*(manual)* played by this test (a Canvas download and gradebook export of a small Lab 1 class,
the instructor's hand marks). A command the guide shows that fails, or a step that no longer
produces what the next one reads, fails here; so does a command that changes or adds a file in
the copy of the repository (the guide works in a class folder beside it)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GUIDE = REPO / "docs" / "instructors.md"
sys.path.insert(0, str(HERE / "fixtures" / "autograder"))

import builders
import hostile
from test_autograder_installed import _checkout_files

LAB = hostile.LAB
# The Canvas user ids of the class; the gradebook export names the lab's column like Canvas.
STUDENTS = {"4021": "doejane", "4022": "roebob", "4023": "smithann"}
COLUMN = "Lab 1: RL basics (12345)"


def runnable_blocks(text: str) -> list[str]:
    """The shell blocks fenced as ``bash runnable`` (indentation of list items removed)."""
    blocks = re.findall(r"^( *)```bash runnable\n(.*?)^\1```", text, flags=re.M | re.S)
    return ["\n".join(line[len(indent) :] for line in body.splitlines()) for indent, body in blocks]


def test_runnable_blocks_are_found():
    text = "1. x\n\n   ```bash runnable\n   echo a\n   ```\n```bash\necho not\n```\n"
    assert runnable_blocks(text) == ["echo a"]


def _class(clone: Path) -> Path:
    """The guide's class folder, beside the checkout."""
    return clone.parent / "cs999"


def _files(root: Path) -> dict[str, str]:
    """Every file under ``root`` and the hash of its content."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _canvas_download(clone: Path) -> None:
    """What Canvas's Download Submissions gives: one file per submission; roebob resubmitted
    (the first file fails a test), smithann was late."""
    wrong = builders.solved(LAB, {hostile.FUNCTION: hostile.WRONG})
    files = {
        f"doejane_4021_9001_{LAB}.ipynb": builders.solved(LAB),
        f"roebob_4022_9002_{LAB}.ipynb": wrong,
        f"roebob_4022_9005_{LAB}-1.ipynb": builders.solved(LAB),
        f"smithann_LATE_4023_9003_{LAB}.ipynb": builders.solved(LAB),
    }
    with zipfile.ZipFile(_class(clone) / "submissions.zip", "w") as zf:
        for name, nb in files.items():
            zf.writestr(name, nbformat.writes(nb))


def _gradebook_export(clone: Path) -> None:
    """What Canvas's Grades > Export gives (the header as in Canvas's own export)."""
    with open(_class(clone) / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", COLUMN])
        w.writerow(["    Points Possible", "", "", "", "", "20"])
        for uid, name in STUDENTS.items():
            w.writerow([name, uid, f"S{uid}", name, "PPO 101", ""])


def _hand_marks(clone: Path) -> None:
    """The instructor fills every written answer's score with its full points."""
    path = _class(clone) / "results" / "manual.csv"
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or []), list(reader)
    assert rows, "marks wrote no row to fill"
    for row in rows:
        row["score"] = row["max_score"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


# The manual steps, played before the first block that contains the key.
MANUAL = {
    "grade submissions.zip": [_canvas_download, _gradebook_export],
    "marks results --apply": [_hand_marks],
}


@pytest.mark.slow
def test_the_walk_through_runs_as_written(tmp_path):
    blocks = runnable_blocks(GUIDE.read_text(encoding="utf-8"))
    commands = ("release", "grade", "marks", "export canvas", "model-answers", "gradescope")
    for command in commands:
        assert any(f"python -m autograder {command}" in b for b in blocks), command
    clone = _checkout_files(tmp_path / "clone")
    before = _files(clone)
    env = dict(
        os.environ,
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
        PYTHONPATH=str(clone),  # the copy's course, also from the class folder
        PYTHONDONTWRITEBYTECODE="1",
    )
    played = set()
    for block in blocks:
        for key, steps in MANUAL.items():
            if key in block and key not in played:
                played.add(key)
                for step in steps:
                    step(clone)
        proc = subprocess.run(  # noqa: PLW1510 -- asserted below
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, (block, proc.stdout[-2000:], proc.stderr[-3000:])
    assert played == set(MANUAL), "a manual step's command is no longer in the guide"
    after = _files(clone)
    assert after == before, sorted(set(after.items()) ^ set(before.items()))[:20]
    _check_results(_class(clone))


def _check_results(folder: Path) -> None:
    """Every student's total in the Canvas import (all automatic and written points), the
    release and the model answers."""
    auto, written = builders.total_points(LAB)
    with open(folder / "results" / "exports" / f"canvas_{LAB}.csv", newline="") as f:
        rows = {r["ID"]: r for r in csv.DictReader(f) if r["ID"]}
    assert set(rows) == set(STUDENTS)
    assert all(float(r[COLUMN]) == auto + written for r in rows.values()), rows
    with open(folder / "results" / "ids.csv", newline="") as f:
        used = sorted(r["used"] for r in csv.DictReader(f))
    assert used == ["graded"] * 3 + ["superseded"]
    assert list((folder / "release" / "dist").glob("*.whl"))
    assert (folder / "release" / "notebooks" / LAB / f"{LAB}.ipynb").is_file()
    answers = (folder / "answers" / f"{LAB}_model_answers.ipynb").read_text()
    assert "ppo-course/ppo-course" not in answers and "prof-example/rl-course" in answers
    with zipfile.ZipFile(folder / f"{LAB}-gradescope.zip") as zf:
        assert {"setup.sh", "run_autograder"} <= set(zf.namelist())
