"""The HTML side of hand marks: written answers on a feedback page, and the marking sheet.

nbgrader's feedback page scores a written answer it did not grade as 0 (``Score: 0.0 / 2.0``).
:func:`render_feedback` rewrites the page of one submission in place -- the table of contents,
the heading of each written answer, an instructor's comment under it, and the total -- so that
it says "pending, marked by your instructor" until a mark exists and the mark afterwards. It
only replaces the texts it wrote before (or nbgrader's), so it can run again after every change
of ``manual.csv``. :func:`write_marking_sheet` writes ``OUT/marking/<lab>.html``: each question
and every student's answer under it, escaped, under the feedback pages' Content-Security-Policy.
"""

from __future__ import annotations

import html
import os
import re

from autograder.grading.pages import CSP

BY_INSTRUCTOR = "marked by your instructor"


def _score_text(cell: dict) -> str:
    """What the page says of one written answer (no parenthesis: the TOC wraps it in one)."""
    if cell["score"] == "":
        return f"Score: pending / {cell['max_score']:g}, {BY_INSTRUCTOR}"
    return f"Score: {float(cell['score']):g} / {cell['max_score']:g}, {BY_INSTRUCTOR}"


def _total_text(score: float, max_score: float, cells: list[dict]) -> str:
    waiting = sum(c["max_score"] for c in cells if c["score"] == "")
    text = f"Score: {score:g} / {max_score:g}"
    if waiting:
        text += f"; {waiting:g} points of written answers still to be {BY_INSTRUCTOR}"
    return text


def _comment_block(grade_id: str, comment: str) -> str:
    if not comment:
        return ""
    return (
        f'<div class="panel-footer hand-mark" id="hand-mark-{html.escape(grade_id)}">'
        f"<b>Your instructor's comment:</b> {html.escape(comment)}</div>"
    )


def _rewrite_cell(page: str, cell: dict, comment: str) -> str:
    """One written answer: its line in the table of contents, its heading, its comment."""
    gid, text = re.escape(cell["grade_id"]), _score_text(cell)
    block = _comment_block(cell["grade_id"], comment)

    def toc(m: re.Match) -> str:
        return m.group(1) + text + m.group(2)

    def heading(m: re.Match) -> str:
        return m.group(1) + text + m.group(2) + block

    page = re.sub(rf'(<a href="#{gid}">[^<]*</a> \()Score: [^)<]*(\))', toc, page)
    page = re.sub(
        rf'<div class="panel-footer hand-mark" id="hand-mark-{gid}">[^<]*<b>[^<]*</b>[^<]*</div>',
        "",
        page,
    )
    return re.sub(
        rf'(<a name="{gid}"></a><div class="panel-heading">(?:(?!</div>).)*?)Score: [^<]*?'
        rf'(\s*<a href="#top">.*?</span></div>)',
        heading,
        page,
        count=1,
        flags=re.DOTALL,
    )


def rewrite(page: str, score: float, max_score: float, cells: list[dict], comments: dict) -> str:
    """The feedback page ``page`` with the written answers ``cells`` and total brought up to
    date (cells: grade_id, score ("" = pending), max_score)."""
    page = re.sub(
        r"(<h4>[^<]*\()Score: [^)<]*(\)</h4>)",
        lambda m: m.group(1) + _total_text(score, max_score, cells) + m.group(2),
        page,
        count=1,
    )
    for cell in cells:
        page = _rewrite_cell(page, cell, comments.get(cell["grade_id"], ""))
    return page


def render_feedback(out: str, row: dict, cells: list[dict], comments: dict) -> bool:
    """Rewrite the nbgrader feedback page of ``row`` (if it has one); whether it did."""
    student, lab = row["student_id"], row["assignment_id"]
    path = os.path.join(out, "feedback", student, lab, f"{lab}.html")
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        page = f.read()
    new = rewrite(page, float(row["score"]), float(row["max_score"] or 0), cells, comments)
    if new != page:
        tmp = path + ".partial"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(tmp, path)
    return True


# --- the marking sheet ---------------------------------------------------------------------------

STYLE = (
    "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
    ".q{white-space:pre-wrap;background:#eef;padding:.5em}"
    "td{vertical-align:top;border-top:1px solid #ccc;padding:.4em}"
    ".a{white-space:pre-wrap}</style>"
)


def _question(grade_id: str, points: float, question: str, entries: list) -> str:
    """One question of the sheet: its text, then a row per student (answer, mark, comment)."""
    parts = [
        f"<h2>{html.escape(grade_id)} ({points:g} points)</h2>",
        f'<div class="q">{html.escape(question)}</div>',
        "<table><tr><th>student_id</th><th>answer</th><th>score</th><th>comment</th></tr>",
    ]
    for student, score, comment, answer in entries:
        # The kept text is the graded notebook's, where the grader's sanitiser already turned
        # markup into entities: undo that once so the marker reads what the student typed.
        shown = "(the answer was not kept: see the feedback page)" if answer is None else answer
        shown = html.unescape(shown)
        parts.append(
            f"<tr><td>{html.escape(student)}</td><td class='a'>{html.escape(shown)}</td>"
            f"<td>{html.escape(str(score))}</td><td>{html.escape(comment)}</td></tr>"
        )
    parts.append("</table>")
    return "\n".join(parts)


def write_marking_sheet(out: str, lab: str, manual_csv: str, questions: list) -> str:
    """OUT/marking/<lab>.html: its path. ``questions``: (grade_id, points, question text,
    [(student, score, comment, answer text or None)]) in the lab's order."""
    body = [f"<h1>Written answers of {html.escape(lab)}</h1>"]
    body.append(
        f"<p>Enter each mark in {html.escape(manual_csv)} (column score, and comment if you "
        f"like), then run <code>python -m autograder marks {html.escape(out)} --apply</code>.</p>"
    )
    body.extend(_question(*question) for question in questions)
    path = os.path.join(out, "marking", f"{lab}.html")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'>{CSP}<title>Marking "
            f"{html.escape(lab)}</title>{STYLE}</head><body>{''.join(body)}</body></html>\n"
        )
    return path
