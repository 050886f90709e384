"""Find the submissions in a folder or zip, whatever way they were collected.

Accepted layouts (SUBMISSIONS is only read):

* nbgrader's ``<student_id>/<lab>/<anything>.ipynb`` (``nbgrader collect`` output, ``submitted/``);
* per-student folders of downloaded notebooks: ``<student_id>/Copy of lab2_gae.ipynb``,
  ``<student_id>/lab2_gae (1).ipynb`` ... (Colab, an LMS export), possibly nested deeper;
* notebooks directly in SUBMISSIONS: the student id is the file name without the lab part;
* a ``.zip`` of any of these; a zip inside it (or a student's own ``submission.zip``) is opened
  like a folder of the same name, down to :data:`MAX_ZIP_DEPTH` levels.

A notebook's lab is read from its file name (``lab2_gae``, or ``lab2``); failing that, from its
content (the nbgrader ``grade_id`` of its cells, or the exercise functions it defines).

Student ids keep the name as it was (unicode included): characters that are unsafe in a file
name become ``_``, and then a short hash of the original name is appended, so ``mary ann`` and
``mary_ann`` stay two students (``mary_ann-1c2d3e4f`` and ``mary_ann``). The row's message says
which name an adjusted id came from.

Archives are extracted with caps (:data:`MAX_NOTEBOOK_BYTES` per notebook,
:data:`MAX_ARCHIVE_BYTES` in total, :data:`MAX_ARCHIVE_MEMBERS` members); every member that is
refused gets a row (status ``rejected file``) with the reason. Extracted files keep the archive's
timestamps, which decide the newest of several files for one lab.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
import time
import unicodedata
import zipfile

MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024  # outputs are dropped before execution: size is data only
MAX_ARCHIVE_BYTES = 2 * 1024**3  # everything extracted from one SUBMISSIONS zip, nested included
MAX_ARCHIVE_MEMBERS = 20_000
MAX_ZIP_DEPTH = 3  # SUBMISSIONS.zip / student.zip / submission.zip


@dataclasses.dataclass
class Submission:
    student_id: str
    lab: str
    path: str | None  # None: nothing was submitted for this lab
    problem: str = ""  # "" | "missing notebook" | "unreadable file"
    detail: str = ""
    others: list = dataclasses.field(default_factory=list)  # other candidate files, ignored
    origin: str = ""  # the name an adjusted student id was derived from ("" when unchanged)


def student_id(name: str) -> tuple[str, str]:
    """(id, origin): the name itself when it is a safe folder name, else a cleaned name plus a
    hash of the original (two different names never share an id); origin is "" or the name."""
    raw = unicodedata.normalize("NFC", name).strip()
    clean = re.sub(r"[^\w.@-]+", "_", raw).strip("._-")
    if clean and clean == raw:
        return clean, ""
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return (f"{clean}-{digest}" if clean else f"student-{digest}"), raw


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


def _stem_student(filename: str, lab: str | None) -> tuple[str, str]:
    stem = os.path.splitext(os.path.basename(filename))[0]
    stem = re.sub(r"(?i)copy of ", "", stem)
    stem = re.sub(r"\s*\(\d+\)$", "", stem)
    if lab:
        stem = re.sub(re.escape(lab), "", stem, flags=re.IGNORECASE)
    return student_id(stem.strip(" ._-"))


def _copy_rank(path: str) -> tuple:
    """Which of several files for one lab to grade: the newest, then the highest "(n)"."""
    m = re.search(r"\((\d+)\)\.ipynb$", path)
    return (os.path.getmtime(path), int(m.group(1)) if m else 0, path)


# --- archives ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Budget:
    """What is left to extract from one SUBMISSIONS argument (nested archives included)."""

    bytes_left: int = dataclasses.field(default_factory=lambda: MAX_ARCHIVE_BYTES)
    members_left: int = dataclasses.field(default_factory=lambda: MAX_ARCHIVE_MEMBERS)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; zips made without the UTF-8 flag (Windows) are decoded as cp437 by
    zipfile, which turns 张伟 into mojibake: undo that when the bytes are valid UTF-8."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: str, cap: int) -> bool:
    """Write one member, reading at most ``cap`` bytes (the header's size may lie)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    written = 0
    with zf.open(info) as src, open(target, "wb") as out:
        while chunk := src.read(1024 * 1024):
            written += len(chunk)
            if written > cap:
                break
            out.write(chunk)
    if written > cap:
        os.remove(target)
        return False
    stamp = time.mktime(info.date_time + (0, 0, -1))  # the archive's time decides "newest"
    os.utime(target, (stamp, stamp))
    return True


def _refusal(info: zipfile.ZipInfo, parts: list[str], budget: Budget) -> str:
    """Why a member is not extracted ("" when it is)."""
    if ".." in parts or info.filename.startswith("/"):
        return "its path leaves the archive"
    if budget.members_left <= 0:
        return f"the archive has more than {MAX_ARCHIVE_MEMBERS} members"
    cap = MAX_ARCHIVE_BYTES if parts[-1].lower().endswith(".zip") else MAX_NOTEBOOK_BYTES
    if info.file_size > min(cap, budget.bytes_left):
        return (
            f"it is {info.file_size / 2**20:.1f} MB, over the limit of "
            f"{min(cap, budget.bytes_left) / 2**20:.1f} MB"
        )
    return ""


def extract_zip(path: str, dest: str, budget: Budget | None = None) -> list[tuple[str, str]]:
    """Extract the notebooks and zips (opened later, while walking) of a zip into dest.

    Returns the refused members as (path inside the archive, reason).
    """
    budget = budget or Budget()
    refused: list[tuple[str, str]] = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = _member_name(info)
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if info.is_dir() or not parts or "__MACOSX" in parts or parts[-1].startswith("."):
                continue
            if not parts[-1].lower().endswith((".ipynb", ".zip")):
                continue  # other files are ignored, as in a folder
            reason = _refusal(info, parts, budget)
            if not reason:
                budget.members_left -= 1
                cap = min(
                    MAX_ARCHIVE_BYTES if parts[-1].lower().endswith(".zip") else MAX_NOTEBOOK_BYTES,
                    budget.bytes_left,
                )
                target = os.path.join(dest, *parts)
                if _copy_member(zf, info, target, cap):
                    budget.bytes_left -= os.path.getsize(target)
                else:
                    reason = f"it unpacks to more than {cap / 2**20:.1f} MB"
            if reason:
                refused.append(("/".join(parts), reason))
    return refused


# --- walking -----------------------------------------------------------------------------------


@dataclasses.dataclass
class _Found:
    notebooks: dict = dataclasses.field(default_factory=dict)  # (student, lab) -> [paths]
    empty_lab_dirs: set = dataclasses.field(default_factory=set)
    rejected: dict = dataclasses.field(default_factory=dict)  # (student, lab) -> [details]
    origins: dict = dataclasses.field(default_factory=dict)  # student -> original name

    def add(self, student: str, lab: str | None, path: str) -> None:
        self.notebooks.setdefault((student, lab or "unknown"), []).append(path)

    def reject(self, student: str, lab: str | None, detail: str) -> None:
        self.rejected.setdefault((student, lab or "unknown"), []).append(detail)


def _expand_zip(
    path: str, ctx: tuple, found: _Found, student: str | None, labs: list[str]
) -> str | None:
    """A zip met while walking a folder: its extracted folder (refusals recorded), or None."""
    workdir, budget, depth = ctx
    if depth >= MAX_ZIP_DEPTH:
        found.reject(
            student or "unknown",
            lab_from_name(path, labs),
            f"{os.path.basename(path)}: archives nested more than {MAX_ZIP_DEPTH} "
            f"deep are not opened",
        )
        return None
    dest = tempfile.mkdtemp(prefix="ppo-zip-", dir=workdir)
    opened: str | None = dest
    try:
        refused = extract_zip(path, dest, budget)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        refused = [("", f"{os.path.basename(path)} is not a readable zip ({type(exc).__name__})")]
        opened = None
    for member, reason in refused:
        who = student or _student_of(member, labs, found)
        found.reject(who, lab_from_name(member, labs), f"{member or path}: {reason}")
    return opened


def _student_of(member: str, labs: list[str], found: _Found) -> str:
    """The student of a refused member at the top of an archive: first folder or file stem."""
    parts = member.split("/")
    if len(parts) > 1:
        sid, origin = student_id(parts[0])
    else:
        sid, origin = _stem_student(parts[0], lab_from_name(parts[0], labs))
    if origin:
        found.origins[sid] = origin
    return sid


def _walk_student(
    folder: str, student: str, labs: list[str], signatures: dict, found: _Found, ctx: tuple
) -> None:
    """Every notebook below a student's folder (zips inside opened) goes to ``student``."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        rel = os.path.relpath(dirpath, folder).split(os.sep)
        lab_dir = rel[0] if rel[0] in labs else None  # nbgrader layout <student>/<lab>/
        notebooks = [f for f in sorted(filenames) if f.lower().endswith(".ipynb")]
        if lab_dir and len(rel) == 1 and not notebooks:
            found.empty_lab_dirs.add((student, lab_dir))
        for f in notebooks:
            path = os.path.join(dirpath, f)
            found.add(
                student,
                lab_dir or lab_from_name(f, labs) or lab_from_content(path, signatures),
                path,
            )
        for f in sorted(filenames):
            if f.lower().endswith(".zip"):
                inner = _expand_zip(os.path.join(dirpath, f), ctx, found, student, labs)
                if inner:
                    _walk_student(
                        inner, student, labs, signatures, found, (ctx[0], ctx[1], ctx[2] + 1)
                    )


def _is_wrapper(folder: str, labs: list[str]) -> bool:
    """A folder of student folders (an LMS export wrapped in one more folder or zip): no
    notebook directly in it, no lab folder (nbgrader layout), but folders or zips."""
    entries = [e for e in os.listdir(folder) if not e.startswith((".", "__"))]
    if any(e.lower().endswith(".ipynb") or e in labs for e in entries):
        return False
    return any(
        os.path.isdir(os.path.join(folder, e)) or e.lower().endswith(".zip") for e in entries
    )


def _walk_root(root: str, labs: list[str], signatures: dict, found: _Found, ctx: tuple) -> None:
    """Top level: notebooks (student from the file name), folders and zips (one per student;
    a zip that holds student folders is opened as one more top level)."""
    for entry in sorted(os.listdir(root)):
        full = os.path.join(root, entry)
        if entry.startswith("."):
            continue
        if os.path.isfile(full) and entry.lower().endswith(".ipynb"):
            lab = lab_from_name(entry, labs) or lab_from_content(full, signatures)
            student, origin = _stem_student(entry, lab)
            found.origins.setdefault(student, origin)
            found.add(student, lab, full)
            continue
        is_zip = os.path.isfile(full) and entry.lower().endswith(".zip")
        if not (os.path.isdir(full) or is_zip):
            continue
        student, origin = student_id(os.path.splitext(entry)[0] if is_zip else entry)
        found.origins.setdefault(student, origin)
        inner = (ctx[0], ctx[1], ctx[2] + 1) if is_zip else ctx
        folder = _expand_zip(full, ctx, found, student, labs) if is_zip else full
        if folder and is_zip and _is_wrapper(folder, labs):
            _walk_root(folder, labs, signatures, found, inner)
        elif folder:
            _walk_student(folder, student, labs, signatures, found, inner)


def _submissions(found: _Found, labs: list[str]) -> list[Submission]:
    """One row per (student, lab that anyone submitted), plus one per unknown or refused file."""
    keys = set(found.notebooks) | found.empty_lab_dirs | set(found.rejected)
    students = sorted({s for s, _ in keys})
    graded_labs = sorted({lab for _, lab in keys if lab in labs})
    out: list[Submission] = []
    for student in students:
        origin = found.origins.get(student, "")
        for lab in graded_labs:
            paths = sorted(found.notebooks.get((student, lab), []), key=_copy_rank)
            refused = found.rejected.get((student, lab), [])
            if paths:
                out.append(
                    Submission(student, lab, paths[-1], others=paths[:-1] + refused, origin=origin)
                )
            elif refused:
                out.append(
                    Submission(
                        student, lab, None, "rejected file", "; ".join(refused), origin=origin
                    )
                )
            else:
                out.append(Submission(student, lab, None, "missing notebook", origin=origin))
        for path in found.notebooks.get((student, "unknown"), []):
            out.append(
                Submission(
                    student,
                    "unknown",
                    path,
                    "unknown lab",
                    f"{os.path.basename(path)} is not one of the labs "
                    f"({', '.join(labs)}) by its name or content",
                    origin=origin,
                )
            )
        for detail in found.rejected.get((student, "unknown"), []):
            out.append(Submission(student, "unknown", None, "rejected file", detail, origin=origin))
    return out


def discover(
    root: str, labs: list[str], signatures: dict[str, set[str]], workdir: str | None = None
) -> list[Submission]:
    """One :class:`Submission` per (student, lab) for every lab that anyone submitted."""
    found, budget = _Found(), Budget()
    zipped = os.path.isfile(root) and zipfile.is_zipfile(root)
    if zipped:
        dest = tempfile.mkdtemp(prefix="ppo-zip-", dir=workdir)
        for member, reason in extract_zip(root, dest, budget):
            found.reject(
                _student_of(member, labs, found), lab_from_name(member, labs), f"{member}: {reason}"
            )
        root = dest
        entries = [e for e in os.listdir(root) if not e.startswith(".")]
        if len(entries) == 1 and _is_wrapper(os.path.join(root, entries[0]), labs):
            root = os.path.join(root, entries[0])  # "submissions/<student>/..." in the zip
    if not os.path.isdir(root):
        raise FileNotFoundError(f"{root} is neither a folder nor a zip file of submissions")
    _walk_root(root, labs, signatures, found, (workdir, budget, 1 if zipped else 0))
    out = _submissions(found, labs)
    if not out:
        raise FileNotFoundError(
            f"no notebook (.ipynb) was found in {root}: pass the folder or "
            f"zip that holds the students' notebooks"
        )
    return out
