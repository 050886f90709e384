"""Hand-graded written answers: ``OUT/manual.csv``, the instructor's marks, merged into the CSVs.

Written answers are the markdown solution cells of a lab (nbgrader ``grade: true`` on a markdown
cell of ``solutions/<lab>/<lab>.ipynb``). The grader never scores them: ``cells.csv`` leaves their
score empty until the instructor marks them. ``python -m autograder marks OUT`` writes
``OUT/manual.csv`` (one row per written answer still to mark, marks already entered kept) and
``OUT/marking/<lab>.html`` (each student's answer next to the question). The instructor fills
``score`` (and optionally ``comment``); :func:`apply_marks` -- run by ``marks OUT --apply`` and at
the end of every ``grade`` run -- puts them into ``cells.csv``, the totals and messages of
``grades.csv`` and the feedback pages, without running any notebook. A manual.csv with any bad
line changes nothing.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import re

import nbformat

from autograder.grading import course
from autograder.grading.outdir import write_csv

MANUAL = "manual.csv"
MANUAL_FIELDS = ["student_id", "assignment_id", "grade_id", "score", "max_score", "comment"]
ANSWERS = os.path.join("marking", "answers")  # OUT/marking/answers/<lab>/<student>.json


class MarksError(ValueError):
    """manual.csv (or the OUT folder it refers to) cannot be applied; the message says why."""


@functools.lru_cache(maxsize=32)
def _written(course_root: str, lab: str) -> tuple[tuple[str, float, str], ...]:
    """(grade_id, points, the question's text) of each written answer of ``lab``."""
    path = os.path.join(course_root, course.SOURCE, lab, f"{lab}.ipynb")
    if not os.path.exists(path):
        return ()
    nb = nbformat.read(path, as_version=4)
    out, prompt = [], ""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader") or {}
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("grade_id"):
            out.append((meta["grade_id"], float(meta.get("points", 0)), prompt))
        prompt = cell.source if cell.cell_type == "markdown" else ""
    return tuple(out)


def written_answers(course_root: str, lab: str) -> dict[str, float]:
    """grade_id -> points of the written answers of ``lab`` (none for an unknown lab)."""
    return {gid: points for gid, points, _ in _written(course_root, lab)}


def question_text(course_root: str, lab: str, grade_id: str) -> str:
    """The markdown cell just above a written answer (its question), or ""."""
    return next((p for gid, _, p in _written(course_root, lab) if gid == grade_id), "")


# --- the note in a row's message -----------------------------------------------------------------

NOTE = re.compile(
    r" ?Written answers(?: marked by your instructor: [\d.]+ of [\d.]+ points;?)?"
    r"(?: graded by hand, still to be marked by your instructor: [\w, -]+ \([\d.]+ points\))?\."
)
POINTS = re.compile(r"(?<![\w.])[\d.]+ of ([\d.]+) points\.")


def written_note(cells: list[dict]) -> str:
    """The message's sentence on written answers (cells: grade_id, score ("" = pending),
    max_score, manual); "" when the lab has none."""
    manual = [c for c in cells if c.get("manual")]
    pending = [c for c in manual if c["score"] == ""]
    marked = [c for c in manual if c["score"] != ""]
    if not manual:
        return ""
    parts = []
    if marked:
        got = sum(float(c["score"]) for c in marked)
        worth = sum(float(c["max_score"]) for c in marked)
        parts.append(f" marked by your instructor: {got:g} of {worth:g} points")
    if pending:
        worth = sum(float(c["max_score"]) for c in pending)
        names = ", ".join(c["grade_id"] for c in pending)
        parts.append(
            f" graded by hand, still to be marked by your instructor: {names} ({worth:g} points)"
        )
    return "Written answers" + ";".join(parts) + "."


def updated_message(message: str, score: float, note: str) -> str:
    """``message`` with its total and its written-answer sentence brought up to date."""
    message = POINTS.sub(lambda m: f"{score:g} of {m.group(1)} points.", message, count=1)
    if NOTE.search(message):
        return NOTE.sub(lambda m: (" " if m.group(0).startswith(" ") else "") + note, message, 1)
    at = POINTS.search(message)
    if at and note:
        return message[: at.end()] + " " + note + message[at.end() :]
    return message


# --- CSV files of OUT ----------------------------------------------------------------------------


def _dict_reader(f) -> csv.DictReader:
    """A reader for a CSV that a spreadsheet may have saved with ";" (where "," is the decimal
    mark, as Excel does in many locales)."""
    first = f.readline()
    f.seek(0)
    return csv.DictReader(f, delimiter=";" if first.count(";") > first.count(",") else ",")


def read_csv(path: str) -> tuple[list[str], list[dict]]:
    """(header, rows) of a CSV written by the grader or edited by the instructor."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = _dict_reader(f)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
    except UnicodeDecodeError as exc:
        raise MarksError(
            f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as "
            f"'CSV UTF-8' and try again"
        ) from None


def _cell_key(row: dict) -> tuple[str, str, str]:
    return row["student_id"], row["assignment_id"], row["grade_id"]


def written_cells(out: str, course_root: str) -> tuple[list[str], list[dict], dict]:
    """(cells.csv header, its rows, (student, lab, grade_id) -> row of each written answer)."""
    path = os.path.join(out, "cells.csv")
    if not os.path.exists(path):
        raise MarksError(f"{path} not found: grade the submissions into {out} first")
    fields, cells = read_csv(path)
    written = {
        _cell_key(c): c
        for c in cells
        if c["grade_id"] in written_answers(course_root, c["assignment_id"])
    }
    return fields, cells, written


# --- manual.csv ----------------------------------------------------------------------------------


def _score(text: str, line: int, key: tuple, maximum: float) -> float | str:
    """A mark of manual.csv: "" (not marked yet) or a number in [0, maximum]."""
    text = text.strip()
    if text == "":
        return ""
    try:
        value = float(text.replace(",", ".")) if text.count(",") == 1 else float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise MarksError(
            f"line {line}: score {text!r} of {key[0]} / {key[1]} / {key[2]} is not a number: "
            f"write the points (e.g. 1.5), or leave it empty while not marked"
        )
    if not 0 <= value <= maximum:
        raise MarksError(
            f"line {line}: score {text} of {key[0]} / {key[1]} / {key[2]} is outside 0 to "
            f"{maximum:g}, the points of this question"
        )
    return value


def _unknown(key: tuple, written: dict, course_root: str) -> str:
    """Why (student, lab, grade_id) of manual.csv matches no written answer in cells.csv."""
    student, lab, grade_id = key
    labs = {k[1] for k in written}
    if lab not in labs:
        return (
            f"lab {lab!r} has no written answer graded in this folder (labs: "
            + (", ".join(sorted(labs)) or "none")
            + ")"
        )
    if not any(k[0] == student and k[1] == lab for k in written):
        return f"student {student!r} has no graded submission of {lab} in this folder"
    ids = ", ".join(written_answers(course_root, lab))
    return f"{grade_id!r} is not a written answer of {lab} (they are: {ids})"


def read_manual(out: str, written: dict, course_root: str) -> dict[tuple, dict]:
    """The marks of OUT/manual.csv: key -> {"score": float or "", "comment": str}; every bad
    line is reported at once (MarksError)."""
    path = os.path.join(out, MANUAL)
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        try:
            reader = _dict_reader(f)
            missing = [k for k in MANUAL_FIELDS[:4] if k not in (reader.fieldnames or [])]
            if missing:
                raise MarksError(
                    f"{path}: no column {', '.join(missing)}; the first line must be "
                    f"{','.join(MANUAL_FIELDS)} (run python -m autograder marks {out} to "
                    f"write a fresh file)"
                )
            marks: dict[tuple, dict] = {}
            errors: list[str] = []
            seen: dict[tuple, int] = {}
            for row in reader:
                line = reader.line_num
                key = tuple((row.get(k) or "").strip() for k in MANUAL_FIELDS[:3])
                try:
                    marks[key] = _manual_entry(row, line, key, written, seen, course_root)
                except MarksError as exc:
                    errors.append(str(exc))
        except UnicodeDecodeError as exc:
            raise MarksError(
                f"{path} is not UTF-8 text ({exc.reason}): save it as 'CSV UTF-8'"
            ) from None
    if errors:
        shown = "\n  ".join(errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise MarksError(f"{path}: nothing was changed, fix these lines:\n  {shown}{more}")
    return marks


def _manual_entry(
    row: dict, line: int, key: tuple, written: dict, seen: dict, course_root: str
) -> dict:
    """One line of manual.csv, checked."""
    if key in seen:
        raise MarksError(
            f"line {line}: {' / '.join(key)} is marked twice (also on line {seen[key]}): "
            f"keep one line"
        )
    seen[key] = line
    if key not in written:
        raise MarksError(f"line {line}: {_unknown(key, written, course_root)}")
    maximum = float(written[key]["max_score"])
    score = _score(row.get("score") or "", line, key, maximum)
    return {"score": score, "comment": (row.get("comment") or "").strip()}


def update_manual(out: str, course_root: str | None = None) -> tuple[int, int]:
    """Create or extend OUT/manual.csv with a row per written answer not marked yet; rows
    already there (marks, comments, whatever they hold) are kept as they are.
    (rows added, rows still without a mark)."""
    course_root = course.find(course_root)
    _, _, written = written_cells(out, course_root)
    path = os.path.join(out, MANUAL)
    fields, rows = list(MANUAL_FIELDS), list[dict]()
    if os.path.exists(path):
        fields, rows = read_csv(path)
        if any(None in r for r in rows):  # a row longer than the header: do not drop its cells
            raise MarksError(f"{path}: a row has more cells than the header; nothing changed")
        missing = [k for k in MANUAL_FIELDS if k not in fields]
        if missing[:1] and missing[0] in MANUAL_FIELDS[:4]:
            raise MarksError(f"{path}: no column {missing[0]}; fix the header, nothing changed")
        fields += missing
    have = {tuple((r.get(k) or "").strip() for k in MANUAL_FIELDS[:3]) for r in rows}
    added = 0
    for key, cell in sorted(written.items()):
        if cell["score"] == "" and key not in have:
            rows.append(dict(zip(MANUAL_FIELDS, [*key, "", cell["max_score"], ""])))
            added += 1
    write_csv(path, fields, rows)
    open_marks = sum(1 for r in rows if not (r.get("score") or "").strip())
    return added, open_marks


# --- applying the marks --------------------------------------------------------------------------


def _set_cells(written: dict, marks: dict) -> dict[tuple, float]:
    """Put the marks into the written cells; (student, lab) -> change of the total."""
    delta: dict[tuple, float] = {}
    for key, cell in written.items():
        if key not in marks:
            continue
        old, new = cell["score"], marks[key]["score"]
        change = (new if new != "" else 0.0) - (float(old) if old != "" else 0.0)
        delta[key[:2]] = delta.get(key[:2], 0.0) + change
        cell["score"] = new
    return delta


def _cells_of(written: dict, marks: dict) -> dict[tuple, list[dict]]:
    """(student, lab) -> its written cells that wait for a mark or have one in manual.csv, in
    the shape of :func:`written_note` (an answer nbgrader scored 0 as missing is not one)."""
    out: dict[tuple, list[dict]] = {}
    for (student, lab, grade_id), cell in sorted(written.items()):
        score = cell["score"]
        if score != "" and (student, lab, grade_id) not in marks:
            continue
        out.setdefault((student, lab), []).append(
            {
                "grade_id": grade_id,
                "score": "" if score == "" else float(score),
                "max_score": float(cell["max_score"]),
                "manual": True,
            }
        )
    return out


def apply_marks(out: str, course_root: str | None = None) -> list[dict]:
    """Merge OUT/manual.csv into cells.csv, grades.csv and the feedback pages; the new
    grades.csv rows. Validates everything before writing anything (MarksError)."""
    from autograder.grading import marks_page

    course_root = course.find(course_root)
    cell_fields, cells, written = written_cells(out, course_root)
    marks = read_manual(out, written, course_root)
    grades_path = os.path.join(out, "grades.csv")
    if not os.path.exists(grades_path):
        raise MarksError(f"{grades_path} not found: grade the submissions into {out} first")
    grade_fields, rows = read_csv(grades_path)
    delta = _set_cells(written, marks)
    per_row = _cells_of(written, marks)
    for row in rows:
        key = (row["student_id"], row["assignment_id"])
        if key not in per_row:
            continue
        score = float(row["score"] or 0) + delta.get(key, 0.0)
        row["score"] = round(score, 6)
        row["message"] = updated_message(row["message"], score, written_note(per_row[key]))
    write_csv(os.path.join(out, "cells.csv"), cell_fields, cells)
    write_csv(grades_path, grade_fields, rows)
    for row in rows:
        key = (row["student_id"], row["assignment_id"])
        if key in per_row:
            comments = {gid: m["comment"] for (s, lab, gid), m in marks.items() if (s, lab) == key}
            marks_page.render_feedback(out, row, per_row[key], comments)
    return rows


def after_grading(out: str, course_root: str) -> tuple[list[dict] | None, str]:
    """The end of a ``grade`` run: :func:`apply_marks`; (new rows, "") or (None, the error)."""
    try:
        return apply_marks(out, course_root), ""
    except MarksError as exc:
        return None, (
            f"{exc}\ngrades.csv was written without the hand marks: fix {MANUAL}, then run "
            f"python -m autograder marks {out} --apply"
        )


def pending(out: str, course_root: str | None = None, lab: str | None = None) -> list[tuple]:
    """(student, lab, grade_id) of every written answer of OUT still without a mark."""
    _, _, written = written_cells(out, course.find(course_root))
    return sorted(k for k, c in written.items() if c["score"] == "" and lab in (None, k[1]))


def save_answers(out: str, lab: str, student: str, nb, course_root: str) -> None:
    """Keep a student's written answers (from the graded notebook) for the marking sheet."""
    ids = written_answers(course_root, lab)
    answers = {}
    for cell in nb.cells:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        if grade_id in ids:
            answers[grade_id] = cell.source
    folder = os.path.join(out, ANSWERS, lab)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{student}.json"), "w", encoding="utf-8") as f:
        json.dump(answers, f, indent=1, ensure_ascii=False)


def load_answers(out: str, lab: str, student: str) -> dict[str, str]:
    """What :func:`save_answers` kept ({} when nothing was)."""
    path = os.path.join(out, ANSWERS, lab, f"{student}.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_marking_sheets(out: str, course_root: str | None = None) -> list[str]:
    """OUT/marking/<lab>.html for every lab of OUT with written answers; their paths."""
    from autograder.grading import marks_page

    course_root = course.find(course_root)
    _, _, written = written_cells(out, course_root)
    try:
        manual = read_manual(out, written, course_root)
    except MarksError:
        manual = {}  # the sheet shows the answers even while manual.csv has a bad line
    labs = sorted({k[1] for k in written})
    return [
        marks_page.write_marking_sheet(
            out, lab, MANUAL, _sheet_questions(out, lab, written, manual, course_root)
        )
        for lab in labs
    ]


def _sheet_questions(out: str, lab: str, written: dict, manual: dict, course_root: str) -> list:
    """What the marking sheet of ``lab`` shows (see marks_page.write_marking_sheet).
    ``written``: (student, lab, grade_id) -> cells.csv row; ``manual``: the same keys ->
    {"score", "comment"} from manual.csv."""
    questions = []
    for grade_id, points in written_answers(course_root, lab).items():
        entries = []
        for key in sorted(k for k in written if k[1] == lab and k[2] == grade_id):
            mark = manual.get(key, {})
            score = mark.get("score", written[key]["score"])
            answer = load_answers(out, lab, key[0]).get(grade_id)
            entries.append((key[0], score, mark.get("comment", ""), answer))
        questions.append((grade_id, points, question_text(course_root, lab, grade_id), entries))
    return questions
