"""Grades of one lab back to the LMS: Canvas's gradebook import and Moodle's grading worksheet.

Both files are keyed by the LMS's own ids, which ``grades.csv`` carries (``lms_id``), and both are
built from a file the instructor downloads from the LMS, so that every column is named exactly as
that LMS names it:

* Canvas (``export canvas OUT --gradebook EXPORT.csv [--assignment "NAME (ID)"] --lab LAB``):
  the import needs ``Student, ID, SIS User ID, SIS Login ID, Section`` and one column per
  assignment named as the gradebook export names it, ``Name (assignment id)``. A row of
  grades.csv joins to a row of the export by ``lms_id == ID``, else by ``student_id`` equal to
  ``SIS Login ID``, ``SIS User ID`` or ``ID``. The columns Canvas's import needs (Student
  name or ID or SIS User ID, SIS Login ID, Section, then the assignment's column, as its Gradebook
  export writes them): https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
  (which follows Canvas's guide "How do I import grades in the Gradebook?"); the export's
  read-only columns and "Points Possible" row:
  https://ts.vcu.edu/askit/teaching-and-learning/canvas/faculty/grading-faculty/gradebook-action-menu-faculty/
* Moodle (``export moodle OUT --worksheet WORKSHEET.csv --lab LAB``): the assignment's "Download
  grading worksheet"; the upload reads the columns ``Identifier`` (``Participant <id>``),
  ``Grade`` and ``Last modified (grade)`` and matches the rest by name (Moodle's
  ``mod/assign/feedback/offline/importgradeslib.php``,
  https://github.com/moodle/moodle/blob/main/mod/assign/feedback/offline/importgradeslib.php,
  strings ``recordid``, ``hiddenuser``, ``lastmodifiedgrade`` of ``mod/assign/lang/en/assign.php``;
  https://docs.moodle.org/401/en/index.php?title=Assignment_settings, "Offline grading
  worksheet"). Every other
  column and row is kept as it was; only ``Grade`` is filled.

A header sample of each format lives in ``autograder/data/lms_formats/``; :func:`check_columns`
compares a file's header against it.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import re

from autograder.grading import course, marks

FORMATS = os.path.join(course.PACKAGE, "data", "lms_formats")
SAMPLES = {
    "canvas": os.path.join(FORMATS, "canvas_gradebook_sample.csv"),
    "moodle": os.path.join(FORMATS, "moodle_worksheet_sample.csv"),
}
CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_REQUIRED = ["Identifier", "Grade", "Last modified (grade)"]
PARTICIPANT = "Participant "  # Moodle's string ``hiddenuser``: "Participant " + the id


class ExportError(ValueError):
    """The export cannot be written; the message says what to fix."""


@dataclasses.dataclass
class Result:
    path: str
    rows: int
    unmatched: list[str]
    unmatched_path: str
    warnings: list[str]


def sample_header(lms: str) -> list[str]:
    """The header row of the checked-in sample of ``lms``'s format."""
    with open(SAMPLES[lms], newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def check_columns(lms: str, header: list[str]) -> None:
    """Raise ExportError unless ``header`` has the columns the LMS's import needs, named as in
    the sample (Canvas: its five identity columns first, then an assignment column; Moodle:
    ``Identifier``, ``Grade``, ``Last modified (grade)``)."""
    sample = sample_header(lms)
    needed = sample[: len(CANVAS_IDS)] if lms == "canvas" else MOODLE_REQUIRED
    if lms == "canvas" and header[: len(needed)] != needed:
        raise ExportError(f"Canvas needs the columns {needed} first; this file has {header[:5]}")
    missing = [c for c in needed if c not in header]
    if missing:
        raise ExportError(f"{lms} needs the column(s) {missing}; this file has {header}")
    if lms == "canvas" and len(header) <= len(needed):
        raise ExportError("Canvas needs an assignment column after the identity columns")


# --- reading the inputs --------------------------------------------------------------------------


def _read(path: str, what: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a CSV downloaded from the LMS (UTF-8, with or without a BOM)."""
    if not os.path.isfile(path):
        raise ExportError(f"{what} {path} not found")
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            table = list(csv.reader(f))
    except UnicodeDecodeError:
        raise ExportError(f"{what} {path} is not UTF-8 text: download it again") from None
    if not table:
        raise ExportError(f"{what} {path} is empty")
    return table[0], table[1:]


def _lab_rows(out: str, lab: str, allow_pending: bool) -> tuple[list[dict], list[str]]:
    """The grades.csv rows of ``lab`` and warnings; refuses while written answers wait for a
    mark, unless ``allow_pending`` (they count 0 and a warning says so)."""
    path = os.path.join(out, "grades.csv")
    if not os.path.exists(path):
        raise ExportError(f"{path} not found: grade the submissions into {out} first")
    _, rows = marks.read_csv(path)
    labs = sorted({r["assignment_id"] for r in rows})
    rows = [r for r in rows if r["assignment_id"] == lab]
    if not rows:
        raise ExportError(f"--lab {lab}: no row in {path}; its labs are {', '.join(labs)}")
    try:
        waiting = marks.pending(out, lab=lab)
    except marks.MarksError as exc:
        raise ExportError(str(exc)) from None
    warnings = []
    if waiting:
        listed = ", ".join(f"{s} {g}" for s, _, g in waiting[:20])
        more = f" and {len(waiting) - 20} more" if len(waiting) > 20 else ""
        if not allow_pending:
            raise ExportError(
                f"{len(waiting)} written answer(s) of {lab} are not marked yet ({listed}{more}): "
                f"mark them (python -m autograder marks {out}), or pass --allow-pending to "
                f"export them as 0"
            )
        warnings.append(f"{len(waiting)} written answer(s) not marked yet count 0: {listed}{more}")
    return rows, warnings


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _by_lab_name(columns: list[str], lab: str) -> list[str]:
    """Columns named after ``lab``: its whole name ("Lab 1: RL basics" for lab1_rl_basics,
    spacing and punctuation aside), else its number alone ("Lab 1 (123)")."""
    hits = [c for c in columns if _squash(lab) in _squash(c)]
    number = re.match(r"lab(\d+)", _squash(lab))
    if not hits and number:
        hits = [c for c in columns if re.match(rf"lab{number.group(1)}(?!\d)", _squash(c))]
    return hits


def _canvas_column(header: list[str], assignment: str | None, lab: str) -> int:
    """The index of the assignment's column in Canvas's gradebook export."""
    columns = [c for c in header[len(CANVAS_IDS) :] if re.search(r"\(\d+\)\s*$", c)]
    if assignment:
        hits = [c for c in columns if c == assignment or c.strip() == assignment.strip()]
    else:
        hits = _by_lab_name(columns, lab)
    if len(hits) != 1:
        how = f"--assignment {assignment!r}" if assignment else f"the lab name {lab!r}"
        found = "; ".join(columns) or "none"
        raise ExportError(
            f"{how} matches {len(hits)} assignment column(s) of the gradebook export; pass "
            f'--assignment "NAME (ID)" exactly as one of: {found}'
        )
    return header.index(hits[0])


# --- joining -------------------------------------------------------------------------------------


def _score(row: dict) -> str:
    return f"{float(row['score'] or 0):g}"


def _join(
    rows: list[dict], lms_keys: list[set[tuple[str, str]]]
) -> tuple[dict[int, dict], list[dict]]:
    """Match grades.csv rows to LMS rows: {LMS row index: grade row}, and the grade rows that
    match none. ``lms_keys[i]``: (kind, value) pairs naming LMS row i ("lms_id" or "login")."""
    by_lms_id: dict[str, int] = {}
    by_login: dict[str, int] = {}
    for index, keys in enumerate(lms_keys):
        for kind, value in keys:
            if value:
                (by_lms_id if kind == "lms_id" else by_login).setdefault(value, index)
    matched: dict[int, dict] = {}
    lost = []
    for row in rows:
        lms_id = (row.get("lms_id") or "").strip()
        i: int | None = by_lms_id.get(lms_id) if lms_id else None
        if i is None:
            i = by_login.get(row["student_id"])
        if i is None or i in matched:
            lost.append(row)
        else:
            matched[i] = row
    return matched, lost


def _unmatched(
    path: str, lost: list[dict], missing: list[tuple[str, str]], lab: str
) -> tuple[list[str], str]:
    """Write the students that did not join (both sides); their one-line descriptions."""
    lines, table = [], []
    for row in lost:
        who = f"{row['student_id']} (lms_id {row.get('lms_id') or '-'})"
        lines.append(f"{who}: graded for {lab} but not in the LMS file")
        table.append(["grades.csv", row["student_id"], row.get("lms_id", ""), row.get("name", "")])
    for lms_id, name in missing:
        lines.append(f"{name or lms_id} (LMS id {lms_id}): in the LMS file, no grade for {lab}")
        table.append(["LMS", "", lms_id, name])
    if table:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["found_in", "student_id", "lms_id", "name"])
            w.writerows(table)
    elif os.path.exists(path):
        os.remove(path)  # a stale list from an earlier export would mislead
    return lines, path


def _write_rows(path: str, header: list[str], rows: list[list[str]]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".partial"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


# --- the two formats -----------------------------------------------------------------------------


def _is_student(row: list[str]) -> bool:
    """A student row of Canvas's export (not "Points Possible", not an empty line)."""
    return bool(row) and bool(row[0].strip()) and row[0].strip() != "Points Possible"


def canvas(out: str, gradebook: str, assignment: str | None, lab: str, allow_pending: bool):
    """OUT/exports/canvas_<lab>.csv from Canvas's gradebook export (see the module doc)."""
    header, table = _read(gradebook, "--gradebook")
    check_columns("canvas", header)
    rows, warnings = _lab_rows(out, lab, allow_pending)
    col = _canvas_column(header, assignment, lab)
    students = [(i, r + [""] * (len(header) - len(r))) for i, r in enumerate(table)]
    students = [(i, r) for i, r in students if _is_student(r)]
    keys = [
        {
            ("lms_id", r[1].strip()),
            ("login", r[1].strip()),
            ("login", r[2].strip()),
            ("login", r[3].strip()),
        }
        for _, r in students
    ]
    matched, lost = _join(rows, keys)
    result_rows: list[list[str]] = []
    points = [r for r in table if r and r[0].strip() == "Points Possible"]
    if points:  # the export's own line, kept so the file reads like what Canvas wrote
        result_rows.append([*points[0][:5], points[0][col] if col < len(points[0]) else ""])
    for j, (_, r) in enumerate(students):
        if j in matched:
            result_rows.append([*r[:5], _score(matched[j])])
    missing = [(r[1], r[0]) for j, (_, r) in enumerate(students) if j not in matched]
    path = os.path.join(out, "exports", f"canvas_{lab}.csv")
    new_header = [*CANVAS_IDS, header[col]]
    check_columns("canvas", new_header)
    _write_rows(path, new_header, result_rows)
    lines, upath = _unmatched(
        os.path.join(out, "exports", f"canvas_{lab}_unmatched.csv"), lost, missing, lab
    )
    return Result(path, len(matched), lines, upath, warnings)


def moodle(out: str, worksheet: str, lab: str, allow_pending: bool):
    """OUT/exports/moodle_<lab>.csv: the worksheet with ``Grade`` filled (see the module doc)."""
    header, table = _read(worksheet, "--worksheet")
    check_columns("moodle", header)
    ident, grade_col = header.index("Identifier"), header.index("Grade")
    rows, warnings = _lab_rows(out, lab, allow_pending)
    table = [r + [""] * (len(header) - len(r)) for r in table]

    def participant(r: list[str]) -> str:
        text = r[ident].strip()
        return text[len(PARTICIPANT) :].strip() if text.startswith(PARTICIPANT) else ""

    matched, lost = _join(rows, [{("lms_id", participant(r))} for r in table])
    for i, row in matched.items():
        table[i][grade_col] = _score(row)
    warnings += _max_grade_warnings(header, table, matched)
    name = header.index("Full name") if "Full name" in header else ident
    missing = [(participant(r), r[name]) for i, r in enumerate(table) if i not in matched]
    path = os.path.join(out, "exports", f"moodle_{lab}.csv")
    _write_rows(path, header, table)
    lines, upath = _unmatched(
        os.path.join(out, "exports", f"moodle_{lab}_unmatched.csv"), lost, missing, lab
    )
    return Result(path, len(matched), lines, upath, warnings)


def _max_grade_warnings(header: list[str], table: list[list[str]], matched: dict) -> list[str]:
    """Moodle takes the grade on its own scale: say so when the lab's maximum differs."""
    if "Maximum Grade" not in header:
        return []
    col = header.index("Maximum Grade")
    out = set()
    for i, row in matched.items():
        try:
            moodle_max = float(table[i][col])
        except ValueError:
            continue
        if abs(moodle_max - float(row["max_score"] or 0)) > 1e-9:
            out.add(
                f"the assignment's Maximum Grade is {moodle_max:g} but the lab is out of "
                f"{float(row['max_score']):g}: set the assignment's maximum to match"
            )
    return sorted(out)


def export(args) -> Result:
    """``python -m autograder export canvas|moodle ...`` (arguments as parsed by the CLI)."""
    if args.lms == "canvas":
        return canvas(args.out, args.gradebook, args.assignment, args.lab, args.allow_pending)
    return moodle(args.out, args.worksheet, args.lab, args.allow_pending)
