"""``--roster FILE.csv``: the class list (columns ``lms_id, login, name, email``) that turns
provisional student ids into certain ones and flags ids that are on no list.

A provisional id is resolved when its names (the folder or file name it came from, the LMS's id
and name) match exactly one roster entry by LMS id, login, name or e-mail (compared without
surrounding whitespace, case or a browser's copy marker) and no other student matches that
entry: ``alice``, ``alice `` and `` alice`` all match alice's entry, so none is resolved.
"""

from __future__ import annotations

import csv
import re

from autograder.grading.identity import NOT_ON_ROSTER, ROSTER_FIELDS, student_id, undecorated


class RosterError(ValueError):
    """The roster file cannot be used (missing, unreadable, a column missing)."""


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", undecorated(str(text)).strip()).casefold()


def read_roster(path: str) -> list[dict]:
    """The roster's entries (keys ``lms_id, login, name, email``; header case-insensitive)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
            missing = [c for c in ROSTER_FIELDS if c not in header]
            if missing:
                raise RosterError(
                    f"the roster {path} has no column {', '.join(missing)}: its first line must "
                    f"name the columns {', '.join(ROSTER_FIELDS)} (found: "
                    f"{', '.join(reader.fieldnames or []) or 'nothing'})"
                )
            return [
                {c: (row.get(header[c]) or "").strip() for c in ROSTER_FIELDS} for row in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(
            f"the roster {path} cannot be read ({exc}): pass a UTF-8 CSV file"
        ) from exc


def _claims(sub, entries: list[dict]) -> set[int]:
    """The roster entries that any name of ``sub`` matches."""
    names = {_norm(n) for n in (sub.student_id, sub.origin, sub.lms_id, sub.name) if n} - {""}
    return {
        i for i, e in enumerate(entries) if names & ({_norm(v) for v in e.values() if v} - {""})
    }


def apply_roster(subs: list, entries: list[dict]) -> None:
    """Resolve the provisional ids that one roster entry claims alone; flag ids on no entry."""
    people: dict[str, list] = {}
    for sub in subs:
        people.setdefault(sub.student_id, []).append(sub)
    claims = {sid: _claims(rows[0], entries) for sid, rows in people.items()}
    claimed_by: dict[int, set[str]] = {}
    for sid, found in claims.items():
        for i in found:
            claimed_by.setdefault(i, set()).add(sid)
    for sid, rows in people.items():
        found = claims[sid]
        if not found:
            for sub in rows:
                sub.flag = f"{sub.flag}; {NOT_ON_ROSTER}" if sub.flag else NOT_ON_ROSTER
            continue
        if not rows[0].flag or len(found) != 1 or len(claimed_by[next(iter(found))]) != 1:
            continue
        entry = entries[next(iter(found))]
        new_id = student_id(entry["login"] or entry["lms_id"])[0]
        if new_id in people and new_id != sid:
            continue  # another row already carries that id: the instructor decides
        for sub in rows:
            sub.resolved = f"resolved by roster: {sid} was provisional ({sub.flag})"
            sub.student_id, sub.flag = new_id, ""
            sub.lms_id = sub.lms_id or entry["lms_id"]
            sub.name = sub.name or entry["name"]
