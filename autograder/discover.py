"""Find the submissions in a folder or zip, whatever way they were collected.

Accepted layouts (SUBMISSIONS is only read):

* nbgrader's ``<student_id>/<lab>/<anything>.ipynb`` (``nbgrader collect`` output, ``submitted/``);
* per-student folders of downloaded notebooks: ``<student_id>/Copy of lab2_gae.ipynb``,
  ``<student_id>/lab2_gae (1).ipynb`` ... (Colab, an LMS export), possibly nested deeper;
* notebooks directly in SUBMISSIONS: the student id is the file name without the lab part;
* a ``.zip`` of any of these.

A notebook's lab is read from its file name (``lab2_gae``, or ``lab2``); failing that, from its
content (the nbgrader ``grade_id`` of its cells, or the exercise functions it defines).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
import zipfile

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclasses.dataclass
class Submission:
    student_id: str
    lab: str
    path: str | None  # None: nothing was submitted for this lab
    problem: str = ""  # "" | "missing notebook" | "unreadable file"
    detail: str = ""
    others: list = dataclasses.field(default_factory=list)  # other candidate files, ignored


def _clean_student(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.@-]+", "_", name).strip("._-")
    return name or "unknown"


def lab_from_name(filename: str, labs: list[str]) -> str | None:
    name = os.path.basename(filename).lower()
    for lab in labs:
        if lab.lower() in name:
            return lab
    m = re.search(r"lab[\s_-]*(\d)", name)
    if m:
        hits = [lab for lab in labs if lab.lower().startswith(f"lab{m.group(1)}")]
        if len(hits) == 1:
            return hits[0]
    return None


def lab_from_content(path: str, signatures: dict[str, set[str]]) -> str | None:
    """The lab whose grade_ids / exercise names the notebook shares most with."""
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        cells = nb.get("cells", [])
    except (OSError, ValueError, AttributeError):
        return None
    seen: set[str] = set()
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if isinstance(meta, dict) and meta.get("grade_id"):
            seen.add(str(meta["grade_id"]))
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        seen.update(re.findall(r"^def\s+([A-Za-z_]\w*)", src, flags=re.MULTILINE))
    best = max(signatures, key=lambda lab: len(signatures[lab] & seen), default=None)
    if best is not None and signatures[best] & seen:
        return best
    return None


def _stem_student(filename: str, lab: str | None) -> str:
    stem = os.path.splitext(os.path.basename(filename))[0]
    stem = re.sub(r"(?i)copy of ", "", stem)
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    if lab:
        stem = re.sub(re.escape(lab), "", stem, flags=re.IGNORECASE)
    return _clean_student(stem)


def _copy_rank(path: str) -> tuple:
    """Which of several files for one lab to grade: the newest, then the highest "(n)"."""
    m = re.search(r"\((\d+)\)\.ipynb$", path)
    return (os.path.getmtime(path), int(m.group(1)) if m else 0, path)


def extract_zip(path: str, dest: str) -> str:
    """Extract the notebooks of a zip safely (no absolute paths, no '..', size-capped)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if info.is_dir() or not parts or ".." in parts or "__MACOSX" in parts:
                continue
            if not name.lower().endswith(".ipynb") or info.file_size > MAX_NOTEBOOK_BYTES:
                continue
            target = os.path.join(dest, *parts)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                out.write(src.read(MAX_NOTEBOOK_BYTES + 1))
    return dest


def discover(root: str, labs: list[str], signatures: dict[str, set[str]],
             workdir: str | None = None) -> list[Submission]:
    """One :class:`Submission` per (student, lab) for every lab that anyone submitted."""
    if os.path.isfile(root) and zipfile.is_zipfile(root):
        root = extract_zip(root, tempfile.mkdtemp(prefix="ppo-zip-", dir=workdir))
    if not os.path.isdir(root):
        raise FileNotFoundError(f"{root} is neither a folder nor a zip file of submissions")
    found: dict[tuple[str, str], list[str]] = {}
    empty_lab_dirs: set[tuple[str, str]] = set()
    for entry in sorted(os.listdir(root)):
        full = os.path.join(root, entry)
        if entry.startswith("."):
            continue
        if os.path.isfile(full) and entry.lower().endswith(".ipynb"):
            lab = lab_from_name(entry, labs) or lab_from_content(full, signatures)
            student = _stem_student(entry, lab)
            found.setdefault((student, lab or "unknown"), []).append(full)
            continue
        if not os.path.isdir(full):
            continue
        student = _clean_student(entry)
        for dirpath, dirnames, filenames in os.walk(full):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
            rel = os.path.relpath(dirpath, full).split(os.sep)
            lab_dir = rel[0] if rel[0] in labs else None  # nbgrader layout <student>/<lab>/
            notebooks = [f for f in sorted(filenames) if f.lower().endswith(".ipynb")]
            if lab_dir and len(rel) == 1 and not notebooks:
                empty_lab_dirs.add((student, lab_dir))
            for f in notebooks:
                path = os.path.join(dirpath, f)
                lab = lab_dir or lab_from_name(f, labs) or lab_from_content(path, signatures)
                found.setdefault((student, lab or "unknown"), []).append(path)
    students = sorted({s for s, _ in found} | {s for s, _ in empty_lab_dirs})
    graded_labs = sorted({lab for _, lab in found if lab in labs} | {lab for _, lab in empty_lab_dirs})
    out: list[Submission] = []
    for student in students:
        for lab in graded_labs:
            paths = found.get((student, lab), [])
            if not paths:
                out.append(Submission(student, lab, None, "missing notebook"))
                continue
            paths = sorted(paths, key=_copy_rank)
            out.append(Submission(student, lab, paths[-1], others=paths[:-1]))
        for path in found.get((student, "unknown"), []):
            out.append(Submission(student, "unknown", path, "unknown lab",
                                  f"{os.path.basename(path)} is not one of the labs "
                                  f"({', '.join(labs)}) by its name or content"))
    return out
