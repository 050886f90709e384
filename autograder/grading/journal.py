"""The grading journal: every finished submission, recorded durably the moment it is graded.

``OUT/.grading-journal.sqlite`` holds one entry per submission, keyed by a hash of everything
its grade depends on (the notebook's bytes, the student id, the lab's source notebook, the
grading settings). ``grades.csv`` and ``cells.csv`` are written from it at the end of a run and
when a run is interrupted, and a re-run of the same command grades only the submissions whose
key is not in it yet (``--fresh`` starts from an empty journal). Failures of the grader itself
(:data:`NOT_RESULTS`) are never kept as results: a re-run grades those submissions again.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3

FILENAME = ".grading-journal.sqlite"
NOT_RESULTS = frozenset({"grader error", "worker died"})  # the grader failed, not the notebook
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, student_id TEXT, "
    "assignment_id TEXT, row TEXT, cells TEXT)"
)


def submission_key(sub, lab_source: bytes, settings: dict) -> str:
    """A hash of what the grade of ``sub`` depends on (a changed file or test regrades it)."""
    h = hashlib.sha256()
    fields = [
        sub.student_id,
        sub.lab,
        sub.problem,
        sub.detail,
        sub.origin,
        [os.path.basename(str(o)) for o in sub.others],
        {k: settings[k] for k in ("timeout", "notebook_timeout", "memory_mb", "cpu_s")},
    ]
    h.update(json.dumps(fields, sort_keys=True, default=str).encode())
    h.update(hashlib.sha256(lab_source).digest())
    if sub.path and not sub.problem:
        with open(sub.path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


class Journal:
    """SQLite in autocommit mode with synchronous=FULL: a recorded row survives a crash."""

    def __init__(self, out: str, fresh: bool = False) -> None:
        self.path = os.path.join(out, FILENAME)
        if fresh and os.path.exists(self.path):
            os.remove(self.path)
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(SCHEMA)

    def get(self, key: str) -> tuple[dict, list[dict]] | None:
        """(row, cells) recorded under ``key``, or None (also for a grader failure that an
        older version recorded: it is graded again)."""
        hit = self.db.execute("SELECT row, cells FROM results WHERE key = ?", (key,)).fetchone()
        if not hit or json.loads(hit[0]).get("status") in NOT_RESULTS:
            return None
        return json.loads(hit[0]), json.loads(hit[1])

    def put(self, key: str, row: dict, cells: list[dict]) -> bool:
        """Record one graded submission (committed before this returns); a grader failure is
        not recorded (False)."""
        if row.get("status") in NOT_RESULTS:
            return False
        clean = {k: v for k, v in row.items() if not k.startswith("_")}
        self.db.execute(
            "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
            (key, row["student_id"], row["assignment_id"], json.dumps(clean), json.dumps(cells)),
        )
        return True

    def close(self) -> None:
        self.db.close()
