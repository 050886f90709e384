"""The output folder of ``grade``: one folder for every lab of a class, one run at a time.

``OUT/grades.csv`` and the other per-row CSVs hold the rows of every lab graded into OUT: a run
replaces the rows of its own labs and keeps the others (:func:`merge_by_lab`). Two runs writing
into one OUT at once would overwrite each other's rows: :func:`lock` refuses the second.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import os
from collections.abc import Iterator

LOCK = ".lock"


class OutUnusable(RuntimeError):
    """The output folder cannot take this run's rows as it is (the message says why)."""


class OutLocked(OutUnusable):
    """Another grading run holds the output folder."""


@contextlib.contextmanager
def lock(out: str) -> Iterator[None]:
    """Hold ``OUT/.lock`` (an flock, released by the system even when this process is killed)
    for the block; raise :class:`OutLocked` if another run holds it."""
    fd = os.open(os.path.join(out, LOCK), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutLocked(
                f"another grading run is writing into {out} (it holds {os.path.join(out, LOCK)}): "
                "wait until it ends, or give this run another --out"
            ) from None
        yield
    finally:
        os.close(fd)  # releases the lock


def _fmt_number(x):
    return f"{x:g}" if isinstance(x, float) else x


def write_csv(path: str, fields: list[str], rows: list[dict]) -> None:
    """Written to a temporary name, then renamed: a CSV is never half written."""
    tmp = path + ".partial"
    # errors="replace": a file name that is not UTF-8 must not cost the whole CSV
    with open(tmp, "w", newline="", encoding="utf-8", errors="replace") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: _fmt_number(r.get(k, "")) for k in fields})
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_rows(path: str) -> list[dict]:
    """The rows of a CSV written by :func:`write_csv` ([] if there is none yet)."""
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if "assignment_id" not in (reader.fieldnames or []):
            raise OutUnusable(
                f"{path} has no assignment_id column, so its rows cannot be kept apart by lab: "
                "move it out of the output folder and run again"
            )
        return list(reader)


def merge_by_lab(path: str, fields: list[str], new_rows: list[dict], labs: set[str]) -> list[dict]:
    """Write ``path`` with ``new_rows`` in place of its rows of ``labs`` (this run's labs); rows
    of other labs are kept as they were. The rows written, sorted by student, lab, test."""
    kept = [r for r in read_rows(path) if r["assignment_id"] not in labs]
    rows = kept + list(new_rows)
    rows.sort(
        key=lambda r: (
            str(r.get("student_id", "")),
            str(r.get("assignment_id", "")),
            str(r.get("grade_id", "")),
            str(r.get("source", "")),
        )
    )
    write_csv(path, fields, rows)
    return rows


def check(out: str, names: list[str]) -> None:
    """Raise :class:`OutUnusable` before any grading if a CSV of OUT cannot be merged into."""
    for name in names:
        read_rows(os.path.join(out, name))
