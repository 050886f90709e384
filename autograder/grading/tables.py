"""The grader's CSV files (grades.csv, cells.csv, ids.csv, manual.csv, exports) are written one
way: numbers without trailing zeros, through a temporary name, never half written."""

from __future__ import annotations

import csv
import os


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
