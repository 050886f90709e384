"""Which lab a notebook is: from its file or folder name, and from its content (the nbgrader
``grade_id`` of its cells and the exercise functions it defines, compared with each lab's)."""

from __future__ import annotations

import json
import os
import re

from autograder.grading import archives


def lab_from_name(filename: str, labs: list[str]) -> str | None:
    """The lab a file or folder name names (``lab2_gae``, or ``LAB2 final``), or None."""
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


def content_names(path: str, max_bytes: int) -> set[str] | None:
    """The grade_ids and defined function names of a notebook, or None if it cannot be read
    as one (too big, nested too deep, not JSON)."""
    try:
        nb = json.loads(archives.read_json_bytes(path, max_bytes))
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
    except (OSError, ValueError, RecursionError):
        return None
    seen: set[str] = set()
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(nbgrader, dict) and nbgrader.get("grade_id"):
            seen.add(str(nbgrader["grade_id"]))
        src = cell.get("source", "") if isinstance(cell, dict) else ""
        src = "".join(map(str, src)) if isinstance(src, list) else str(src)
        seen.update(re.findall(r"^def\s+([A-Za-z_]\w*)", src, flags=re.MULTILINE))
    return seen


def content_lab(seen: set[str] | None, signatures: dict[str, set[str]]) -> str | None:
    """The lab whose grade_ids / exercise names ``seen`` shares most with, or None."""
    if not seen:
        return None
    best = max(signatures, key=lambda lab: len(signatures[lab] & seen), default=None)
    return best if best is not None and signatures[best] & seen else None


def distinctive(signatures: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each lab's names that no other lab shares (set-up cells repeat across labs)."""
    return {
        lab: names - set().union(*(v for k, v in signatures.items() if k != lab))
        for lab, names in signatures.items()
    }
