"""Who handed a file in: the LMS's own id where the file name carries one, a provisional id
(flagged for the instructor) where the name is ambiguous, and the roster that resolves those.

Recognised names:

* Canvas bulk download: ``sortablename[_LATE]_userid_attachmentid_original.ipynb`` (with
  anonymous grading ``[LATE_]anon_anonymousid_attachmentid_original.ipynb``); the original name
  may carry Canvas's ``-1``, ``-2`` suffix of a re-uploaded file. student_id is the user id (or
  ``anon_...``); the newest file has the largest attachment id, then suffix.
* Moodle "Download all submissions": ``Full Name_participantid_assignsubmission_file_`` folders
  (or the same prefix on each file), ``..._onlinetext_`` too. student_id is the participant id.
* nbgrader's exchange ``inbound/``: ``student+assignment+timestamp[+random]``; the timestamp
  decides the newest. student_id is the exchange's student id.

Any other name is kept as written (see :func:`student_id`). Names that differ only in
whitespace, case or a browser's ``Copy of`` / `` (3)`` are never merged: each keeps its own id
and a flag saying with which names it collides, until ``--roster`` resolves it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import unicodedata
from datetime import datetime

from autograder.grading import outdir

IDS_FIELDS = ["source", "student_id", "assignment_id", "lms", "lms_id", "name", "used", "flag"]
ROSTER_FIELDS = ["lms_id", "login", "name", "email"]
NO_NAME = "no student name in the file name"
NOT_ON_ROSTER = "not on the roster"


@dataclasses.dataclass
class Who:
    """The identity of one file: its student id and where the id came from."""

    student_id: str
    lms: str = ""
    lms_id: str = ""
    name: str = ""  # the person's name as the LMS wrote it
    raw: str = ""  # the name the id was made from (folder, zip or file name); "" for LMS ids
    origin: str = ""  # raw, when the id had to be adjusted
    flag: str = ""


def student_id(name: str) -> tuple[str, str]:
    """(id, origin): the name itself when it is a safe folder name, else a cleaned name plus a
    hash of the original (two different names never share an id; ``alice`` and ``alice `` are
    two); origin is "" or the name."""
    raw = unicodedata.normalize("NFC", name)
    clean = re.sub(r"[^\w.@-]+", "_", raw).strip("._-")
    if clean and clean == raw:
        return clean, ""
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return (f"{clean}-{digest}" if clean else f"student-{digest}"), raw


def plain(name: str) -> Who:
    """A folder or zip named after its student."""
    sid, origin = student_id(name)
    return Who(sid, raw=name, origin=origin)


_COPY = re.compile(r"(?i)^(copy of(\s+|$))+|\s*\(\d+\)$")


def undecorated(name: str) -> str:
    """``name`` without a browser's ``Copy of`` prefix or `` (3)`` suffix."""
    return _COPY.sub("", _COPY.sub("", name)).strip(" ._-")


def comparable(name: str) -> str:
    """What two names that differ only in whitespace, case or copy markers share."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", undecorated(name)).casefold())


def from_file_name(filename: str, lab: str | None) -> Who:
    """A notebook directly in SUBMISSIONS: the student is its name without the lab part."""
    stem = os.path.splitext(os.path.basename(filename))[0]
    name = re.sub(re.escape(lab), "", stem, flags=re.IGNORECASE) if lab else stem
    name = name.strip(" ._-")
    if not undecorated(name):
        sid, _ = student_id(stem)
        if sid == stem:  # a bare "<lab>.ipynb" keeps a hash: it names no one
            sid = student_id(stem + " ")[0]
        return Who(sid, raw=stem, origin=stem, flag=f"{NO_NAME} {os.path.basename(filename)!r}")
    who = plain(name)
    if undecorated(name) != name.strip():
        who.flag = f"provisional: {name!r} carries a browser's copy marker ('Copy of', ' (3)')"
    return who


# --- LMS names ----------------------------------------------------------------------------------

# Canvas writes "#{sortable_name}[_LATE]_#{user_id}_#{attachment.id}_#{display_name}", the name
# lower-cased with non-word characters removed and "_digits_" squeezed out (canvas-lms,
# lib/content_zipper.rb: get_filename, add_upload_submission, sanitize_user_name).
_CANVAS = re.compile(r"^(?P<name>\w*?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<att>\d+)_(?P<orig>.+)$")
# With anonymous grading the name is left out and the id is "anon_#{anonymous_id}".
_CANVAS_ANON = re.compile(r"^(?P<late>LATE_)?(?P<uid>anon_[A-Za-z0-9]+)_(?P<att>\d+)_(?P<orig>.+)$")
_RESUBMIT = re.compile(r"-(\d+)(\.[^.]*)?$")


def canvas(filename: str) -> tuple[Who, str, tuple] | None:
    """(identity, original file name, rank: newer is larger) of a Canvas download's file."""
    m = _CANVAS_ANON.match(os.path.basename(filename)) or _CANVAS.match(os.path.basename(filename))
    if not m:
        return None
    orig = m.group("orig")
    again = _RESUBMIT.search(orig)
    rank = (int(m.group("att")), int(again.group(1)) if again else 0)
    if again:
        orig = orig[: again.start()] + (again.group(2) or "")
    name = m.groupdict().get("name") or ""
    who = Who(m.group("uid"), lms="canvas", lms_id=m.group("uid"), name=name)
    return who, orig, rank


# Moodle prefixes "str_replace('_', ' ', fullname) . '_' . uniqueid . '_'", then
# "assignsubmission_<plugin>_" (moodle, mod/assign/locallib.php: download_submissions).
_MOODLE = re.compile(
    r"^(?P<name>[^_]+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$"
)


def moodle(name: str) -> tuple[Who, str] | None:
    """(identity, the rest of the name: the original file name or "") of a Moodle download."""
    m = _MOODLE.match(os.path.basename(name))
    if not m:
        return None
    who = Who(m.group("pid"), lms="moodle", lms_id=m.group("pid"), name=m.group("name").strip())
    return who, m.group("rest")


def _timestamp(text: str) -> float:
    """Seconds of an exchange timestamp (nbgrader writes "2024-05-02 09:00:00.123456 UTC")."""
    text = re.sub(r"\s*(UTC|GMT|Z)$", "", text.strip())
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"):
        try:
            return datetime.strptime(text, fmt).timestamp()
        except ValueError:
            continue
    return 0.0


def exchange(name: str) -> tuple[Who, str, tuple] | None:
    """(identity, assignment, rank) of an nbgrader exchange ``inbound/`` folder, which nbgrader
    names ``student+assignment+timestamp[+random]`` (nbgrader/exchange/default/submit.py;
    collect.py keeps the newest by that timestamp)."""
    parts = name.split("+")
    if len(parts) not in (3, 4) or not all(parts[:3]):
        return None
    stamp = _timestamp(parts[2])
    if not stamp:
        return None
    sid, origin = student_id(parts[0])
    return Who(sid, lms="exchange", lms_id=parts[0], origin=origin), parts[1], (stamp,)


def of_folder(name: str) -> tuple[Who, str | None, tuple]:
    """(identity, the lab the name says or None, rank) of a student's folder or zip."""
    found = moodle(name)
    if found:
        return found[0], None, ()
    inbound = exchange(name)
    if inbound:
        return inbound[0], inbound[1], inbound[2]
    return plain(name), None, ()


# --- collisions -------------------------------------------------------------------------------


def flag_collisions(people: list[Who]) -> None:
    """Flag every name-made id whose name differs from another only in whitespace, case or a
    copy marker; both keep their ids (an impostor's ``alice `` is never graded as alice)."""
    groups: dict[str, set[str]] = {}
    for who in people:
        if who.raw and not who.lms:
            groups.setdefault(comparable(who.raw), set()).add(who.raw)
    for who in people:
        names = groups.get(comparable(who.raw), set()) if who.raw and not who.lms else set()
        others = sorted(n for n in names if n != who.raw)
        if others and "collides" not in who.flag:
            note = f"provisional: {who.raw!r} collides with " + ", ".join(map(repr, others))
            who.flag = f"{who.flag}; {note}" if who.flag else note


# --- ids.csv ----------------------------------------------------------------------------------


def printable(text: str) -> str:
    """``text`` as valid UTF-8: a file name that was not (bytes kept by the OS as surrogates)
    shows U+FFFD where its bad bytes were, instead of breaking the CSV."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def ids_rows(subs: list) -> list[dict]:
    """One row per file considered: how it became which student's row, and whether it was
    graded, superseded or rejected."""
    rows = []
    for sub in subs:
        for source, used in sub.files:
            rows.append(
                {
                    "source": printable(source),
                    "student_id": sub.student_id,
                    "assignment_id": sub.lab,
                    "lms": sub.lms,
                    "lms_id": printable(sub.lms_id),
                    "name": printable(sub.name),
                    "used": printable(used),
                    "flag": printable(sub.flag or sub.resolved),
                }
            )
    return sorted(rows, key=lambda r: (r["student_id"], r["assignment_id"], r["source"]))


def write_ids(out: str, subs: list) -> str:
    """Write ``OUT/ids.csv`` for ``subs``, keeping the rows of labs this run did not see (OUT
    holds every lab graded into it); the path written."""
    path = os.path.join(out, "ids.csv")
    outdir.merge_by_lab(path, IDS_FIELDS, ids_rows(subs), {s.lab for s in subs})
    return path


def row_fields(sub) -> dict:
    """The identity columns of a grades.csv row, from its submission."""
    return {
        "lms_id": printable(sub.lms_id),
        "name": printable(sub.name),
        "flag": printable(sub.flag),
    }
