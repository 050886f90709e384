"""Find the submissions in a folder or zip, whatever way they were collected.

Accepted layouts (SUBMISSIONS is only read):

* nbgrader's ``<student_id>/<lab>/<anything>.ipynb`` (``nbgrader collect`` output, ``submitted/``);
* per-student folders or zips of downloaded notebooks: ``<student_id>/Copy of lab2_gae.ipynb``,
  ``<student_id>/lab2_gae (1).ipynb`` ... (Colab, an LMS export), possibly nested deeper;
* LMS downloads: Canvas's flat files, Moodle's folders, nbgrader's exchange ``inbound/`` (their
  names give the student's LMS id, see :mod:`autograder.grading.identity`);
* notebooks directly in SUBMISSIONS: the student id is the file name without the lab part;
* a ``.zip`` of any of these (recognised by its first bytes, whatever its name); a zip inside it
  is opened like a folder of the same name, down to :data:`MAX_ZIP_DEPTH` levels.

Every directory entry is classified with ``os.lstat`` before it is read
(:mod:`autograder.grading.archives`): links, pipes, sockets and devices are reported and never
opened. A notebook's lab is read from its folder or file name and from its content (the nbgrader
``grade_id`` of its cells, or the exercise functions it defines); when the content clearly
belongs to another lab than the name says, the content wins and ``ids.csv`` says so.

Student ids keep the name as it was (unicode included): see :func:`identity.student_id`.

Archives are extracted with caps (:data:`MAX_NOTEBOOK_BYTES` per notebook,
:data:`MAX_ARCHIVE_BYTES` in total, :data:`MAX_ARCHIVE_MEMBERS` members); every file that is
refused, damaged or unreadable gets a row (status ``rejected file``) with the reason. Of several
files for one student and lab the newest is graded, by the LMS's own order first (Canvas's
attachment id and ``-N`` suffix, the exchange's timestamp), then the file time (extracted files
keep the archive's), then the browser's ``(n)``; the others are recorded as superseded.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile

from autograder.grading import archives, identity
from autograder.grading.identity import Who, student_id
from autograder.grading.which_lab import content_lab, content_names, distinctive, lab_from_name

__all__ = ["Submission", "discover", "lab_from_content", "lab_from_name", "student_id"]

MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024  # outputs are dropped before execution: size is data only
MAX_ARCHIVE_BYTES = 2 * 1024**3  # everything extracted from one SUBMISSIONS zip, nested included
MAX_ARCHIVE_MEMBERS = 20_000
MAX_ZIP_DEPTH = 3  # SUBMISSIONS.zip / student.zip / submission.zip
MAX_FOLDER_DEPTH = 16


@dataclasses.dataclass
class Submission:
    student_id: str
    lab: str
    path: str | None  # None: nothing was submitted for this lab
    problem: str = ""  # "" | "missing notebook" | "unreadable file" | "rejected file" | ...
    detail: str = ""
    others: list = dataclasses.field(default_factory=list)  # other candidate files, ignored
    origin: str = ""  # the name an adjusted student id was derived from ("" when unchanged)
    lms: str = ""  # "canvas", "moodle", "exchange" or ""
    lms_id: str = ""  # the LMS's own id of the student ("" when none)
    name: str = ""  # the person's name as the LMS wrote it
    flag: str = ""  # why this id is provisional ("" when it is certain)
    source: str = ""  # the graded file, relative to SUBMISSIONS (``outer.zip/inner/path``)
    files: list = dataclasses.field(default_factory=list)  # (source, used) for ids.csv
    resolved: str = ""  # how the roster resolved a provisional id ("" when it did not)


def lab_from_content(path: str, signatures: dict[str, set[str]]) -> str | None:
    """The lab whose grade_ids / exercise names the notebook shares most with."""
    return content_lab(content_names(path, MAX_NOTEBOOK_BYTES), signatures)


# --- walking -----------------------------------------------------------------------------------


@dataclasses.dataclass
class _File:
    """One file considered: a notebook (path) or a refused entry (reason)."""

    source: str
    path: str | None
    who: Who
    lab: str | None
    rank: tuple = ()
    reason: str = ""
    note: str = ""  # why the lab is not the one the name says


@dataclasses.dataclass
class _Walk:
    labs: list[str]
    signatures: dict[str, set[str]]
    workdir: str | None
    budget: archives.Budget
    files: list = dataclasses.field(default_factory=list)
    lab_dirs: dict = dataclasses.field(default_factory=dict)  # (student, lab) -> Who
    people: dict = dataclasses.field(default_factory=dict)  # student -> Who, files or not

    def reject(self, who: Who, lab: str | None, source: str, reason: str) -> None:
        self.files.append(_File(source, None, who, lab, reason=reason))

    def notebook(self, who: Who, path: str, source: str, named: str | None, rank=()) -> None:
        """A notebook whose name or folder says lab ``named`` (None: nothing)."""
        seen = content_names(path, MAX_NOTEBOOK_BYTES) or set()
        content = content_lab(seen, self.signatures)
        lab, note = named or content, ""
        own = distinctive(self.signatures)
        if named and content and content != named and own[content] & seen and not own[named] & seen:
            lab = content  # clearly another lab's: names only that lab has, none of its own
            note = f"its content is {content}, although its folder or name says {named}"
        self.files.append(_File(source, path, who, lab, rank, note=note))


def _entries(folder: str) -> list[str]:
    """Visible entries of a folder (macOS and editor debris skipped); [] if unreadable."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(e for e in names if not e.startswith(".") and e != "__MACOSX")


def _join(source: str, entry: str) -> str:
    return f"{source}/{entry}" if source else entry


def _stem(entry: str) -> str:
    return re.sub(r"(?i)\.(zip|ipynb)$", "", entry)


def _flat_who(entry: str, labs: list[str], lab: str | None = None) -> tuple[Who, str, tuple]:
    """(identity, the name that tells the lab, rank) of a file directly in a class folder."""
    found = identity.canvas(entry)
    if found:
        return found
    moodle = identity.moodle(entry)
    if moodle:
        return moodle[0], moodle[1] or entry, ()
    return identity.from_file_name(entry, lab or lab_from_name(entry, labs)), entry, ()


def _member_who(member: str, labs: list[str]) -> Who:
    """The student of a refused member at the top of a class archive."""
    parts = member.split("/")
    if len(parts) > 1:
        return identity.of_folder(parts[0])[0]
    return _flat_who(parts[0], labs)[0]


def _open_zip(walk: _Walk, path: str, source: str, who: Who | None, depth: int) -> str | None:
    """A zip met while walking: the folder it was extracted to (refusals recorded), or None."""
    lab = lab_from_name(source, walk.labs)
    if depth >= MAX_ZIP_DEPTH:
        walk.reject(
            who or _member_who(os.path.basename(source), walk.labs),
            lab,
            source,
            f"archives nested more than {MAX_ZIP_DEPTH} deep are not opened",
        )
        return None
    dest = tempfile.mkdtemp(prefix="ppo-zip-", dir=walk.workdir)
    try:
        refused = archives.extract_zip(path, dest, walk.budget)
    except archives.DAMAGED as exc:
        who = who or _member_who(os.path.basename(source), walk.labs)
        walk.reject(who, lab, source, f"it is not a readable zip ({type(exc).__name__})")
        return None
    for member, reason in refused:
        walk.reject(
            who or _member_who(member, walk.labs),
            lab_from_name(member, walk.labs),
            _join(source, member),
            reason,
        )
    return dest


@dataclasses.dataclass
class _Place:
    """Where a student's files are being read: folder, its source, the student, the lab its
    folders name, the LMS's rank of this submission, zip and folder depth."""

    folder: str
    source: str
    who: Who
    lab: str | None = None
    rank: tuple = ()
    zips: int = 0
    depth: int = 0


def _walk_student(walk: _Walk, at: _Place) -> None:
    """Every notebook below a student's folder (zips inside opened) goes to ``at.who``."""
    for entry in _entries(at.folder):
        full, source = os.path.join(at.folder, entry), _join(at.source, entry)
        kind, why = archives.classify(full)
        lab = at.lab or lab_from_name(entry, walk.labs)
        if kind == "other":
            walk.reject(at.who, lab, source, why)
        elif kind == "file" and entry.lower().endswith(".ipynb"):
            walk.notebook(at.who, full, source, lab, at.rank)
        elif at.depth >= MAX_FOLDER_DEPTH and kind != "file":
            walk.reject(at.who, lab, source, f"folders nested more than {MAX_FOLDER_DEPTH} deep")
        elif kind == "dir":
            named = entry if at.depth == 0 and entry in walk.labs else None  # nbgrader layout
            if named and not at.lab:
                walk.lab_dirs.setdefault((at.who.student_id, named), at.who)
            inner = dataclasses.replace(
                at, folder=full, source=source, lab=at.lab or named, depth=at.depth + 1
            )
            _walk_student(walk, inner)
        elif kind == "zip":
            opened = _open_zip(walk, full, source, at.who, at.zips)
            if opened:
                inner = dataclasses.replace(
                    at, folder=opened, source=source, zips=at.zips + 1, depth=at.depth + 1
                )
                _walk_student(walk, inner)


def _class_folder(folder: str, labs: list[str]) -> str | None:
    """The folder of student folders inside ``folder`` (an LMS export wrapped in a zip or a
    folder, single folders followed), or None when ``folder`` holds one student's work."""
    for _ in range(MAX_FOLDER_DEPTH):
        entries = _entries(folder)
        if any(e.lower().endswith(".ipynb") or e in labs for e in entries):
            return None
        kinds = [archives.classify(os.path.join(folder, e))[0] for e in entries]
        people = [e for e, k in zip(entries, kinds) if k in ("dir", "zip")]
        if "inbound" in people and "outbound" in people:  # an nbgrader exchange's course
            folder = os.path.join(folder, "inbound")
            continue
        if any(identity.of_folder(_stem(e))[0].lms for e in people):
            return folder
        if len(entries) == 1 and kinds[0] == "dir":
            folder = os.path.join(folder, entries[0])
            continue
        return folder if len(people) >= 2 else None
    return None


def _walk_root(walk: _Walk, folder: str, source: str, zips: int) -> None:
    """A class folder: notebooks (student from the file name), and one folder or zip per
    student (a zip that holds a class is read as one more class folder)."""
    for entry in _entries(folder):
        full, src = os.path.join(folder, entry), _join(source, entry)
        kind, why = archives.classify(full)
        if kind == "other":
            walk.reject(_member_who(entry, walk.labs), lab_from_name(entry, walk.labs), src, why)
            continue
        if kind == "file":
            if entry.lower().endswith(".ipynb"):
                lab = lab_from_name(entry, walk.labs) or lab_from_content(full, walk.signatures)
                who, named, rank = _flat_who(entry, walk.labs, lab)
                walk.notebook(who, full, src, lab_from_name(named, walk.labs), rank)
            else:  # an LMS's student who handed in something else: "missing notebook"
                lms = identity.canvas(entry) or identity.moodle(entry)
                if lms:
                    walk.people.setdefault(lms[0].student_id, lms[0])
            continue
        found = identity.canvas(entry) if kind == "zip" else None
        who, lab, rank = found or identity.of_folder(_stem(entry) if kind == "zip" else entry)
        at = _Place(full, src, who, lab if lab in walk.labs else None, rank, zips)
        if who.lms:  # an LMS's student with no notebook still gets "missing notebook" rows
            walk.people.setdefault(who.student_id, who)
        if kind == "zip":
            opened = _open_zip(walk, full, src, who, zips)
            inner = _class_folder(opened, walk.labs) if opened else None
            if inner:
                rel = os.path.relpath(inner, opened)
                _walk_root(walk, inner, src if rel == "." else _join(src, rel), zips + 1)
                continue
            if not opened:
                continue
            at = dataclasses.replace(at, folder=opened, zips=zips + 1)
        _walk_student(walk, at)


# --- one row per student and lab ---------------------------------------------------------------


def _newest_last(f: _File) -> tuple:
    """The LMS's order first, then the file time, then a browser's "(n)", then the name."""
    m = re.search(r"\((\d+)\)\.ipynb$", f.source)
    try:
        mtime = os.lstat(f.path).st_mtime if f.path else 0.0
    except OSError:  # gone since it was found: it sorts first, the worker reports it
        mtime = 0.0
    return (f.rank, mtime, int(m.group(1)) if m else 0, f.source)


def _why(f: _File) -> str:
    """Which file was refused and why, as text a CSV can hold."""
    return identity.printable(f"{f.source}: {f.reason}")


def _blank(who: Who, lab: str) -> Submission:
    return Submission(
        who.student_id,
        lab,
        None,
        origin=who.origin,
        lms=who.lms,
        lms_id=who.lms_id,
        name=who.name,
        flag=who.flag,
    )


def _lab_row(who: Who, lab: str, files: list[_File]) -> Submission:
    """The row of one student and lab: the newest notebook, the others superseded."""
    notebooks = sorted((f for f in files if f.path), key=_newest_last)
    refused = [f for f in files if not f.path]
    sub = _blank(who, lab)
    sub.files = [(f.source, f"rejected: {f.reason}") for f in refused]
    if notebooks:
        best = notebooks[-1]
        sub.path, sub.source = best.path, best.source
        sub.others = [f.path for f in notebooks[:-1]] + [_why(f) for f in refused]
        used = f"graded: {best.note}" if best.note else "graded"
        sub.files = (
            [(best.source, used)] + [(f.source, "superseded") for f in notebooks[:-1]] + sub.files
        )
    elif refused:
        sub.problem = "rejected file"
        sub.detail = "; ".join(_why(f) for f in refused)
    else:
        sub.problem = "missing notebook"
    return sub


def _unknown_row(who: Who, f: _File, labs: list[str]) -> Submission:
    """A file that is no lab's, or a refused one that names none."""
    sub = _blank(who, "unknown")
    if f.path:
        sub.path, sub.source, sub.problem = f.path, f.source, "unknown lab"
        sub.detail = (
            f"{identity.printable(os.path.basename(f.source))} is not one of the labs "
            f"({', '.join(labs)}) "
            f"by its name or content"
        )
        sub.files = [(f.source, "rejected: not one of the labs by its name or content")]
    else:
        sub.problem, sub.detail = "rejected file", _why(f)
        sub.files = [(f.source, f"rejected: {f.reason}")]
    return sub


def _submissions(walk: _Walk) -> list[Submission]:
    """One row per (student, lab that anyone submitted), plus one per unknown or refused file."""
    everyone = [f.who for f in walk.files] + list(walk.lab_dirs.values())
    everyone += list(walk.people.values())
    identity.flag_collisions(everyone)
    people: dict[str, Who] = {}
    for who in everyone:
        if who.student_id not in people or (who.flag and not people[who.student_id].flag):
            people[who.student_id] = who
    by_key: dict[tuple, list] = {key: [] for key in walk.lab_dirs}
    for f in walk.files:
        by_key.setdefault((f.who.student_id, f.lab or "unknown"), []).append(f)
    labs = sorted({lab for _, lab in by_key if lab in walk.labs})
    out = []
    for sid in sorted(people):
        for lab in labs:
            out.append(_lab_row(people[sid], lab, by_key.get((sid, lab), [])))
        out.extend(
            _unknown_row(people[sid], f, walk.labs) for f in by_key.get((sid, "unknown"), [])
        )
    return out


def _open_root(walk: _Walk, root: str) -> tuple[str, str, int]:
    """(the class folder, its path inside SUBMISSIONS, its zip depth) of SUBMISSIONS."""
    kind, why = archives.classify(os.path.realpath(root))  # the instructor's own link is fine
    if kind == "dir":
        folder, zips = root, 0
    elif kind == "zip":
        folder, zips = tempfile.mkdtemp(prefix="ppo-zip-", dir=walk.workdir), 1
        try:
            refused = archives.extract_zip(root, folder, walk.budget)
        except archives.DAMAGED as exc:
            raise FileNotFoundError(
                f"{root} is not a readable zip ({type(exc).__name__}: {exc}): download it again"
            ) from exc
        for member, reason in refused:
            walk.reject(
                _member_who(member, walk.labs), lab_from_name(member, walk.labs), member, reason
            )
    else:
        raise FileNotFoundError(
            f"{root} is neither a folder nor a zip file of submissions{f' ({why})' if why else ''}"
        )
    base = folder
    if len(_entries(folder)) == 1:  # "submissions/<student>/..." or "inbound/...": one more level
        folder = _class_folder(folder, walk.labs) or folder
    prefix = os.path.relpath(folder, base)
    return folder, "" if prefix == "." else prefix, zips


def discover(
    root: str, labs: list[str], signatures: dict[str, set[str]], workdir: str | None = None
) -> list[Submission]:
    """One :class:`Submission` per (student, lab) for every lab that anyone submitted, plus
    one per unknown or refused file; raises FileNotFoundError only when nothing was found."""
    budget = archives.Budget(
        MAX_NOTEBOOK_BYTES, MAX_ARCHIVE_BYTES, MAX_ARCHIVE_MEMBERS, MAX_ARCHIVE_MEMBERS
    )
    walk = _Walk(labs, signatures, workdir, budget)
    folder, prefix, zips = _open_root(walk, root)
    _walk_root(walk, folder, prefix, zips)
    out = _submissions(walk)
    if not out:
        raise FileNotFoundError(
            f"no notebook (.ipynb) was found in {root}: pass the folder or "
            f"zip that holds the students' notebooks"
        )
    return out
