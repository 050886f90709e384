"""The grader's own HTML pages and what keeps them inert: the Content-Security-Policy put first in
every page a student or marker opens (nbgrader's feedback, message pages, marking sheets)."""

from __future__ import annotations

import os


def write_html(path: str, title: str, text: str) -> None:
    """A plain page (title and escaped text) for submissions nbgrader could not render."""
    import html

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(
            f"<!DOCTYPE html><html><head><meta charset='utf-8'>{CSP}<title>"
            f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(text)}</p></body></html>\n"
        )


# No script, frame or plugin runs in a feedback page, whatever a student wrote into it.
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:; font-src data:\">"
)


def harden_html(path: str) -> None:
    """Put the Content-Security-Policy first in the head of an nbgrader feedback page."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    at = text.lower().find("<head>")
    text = (text[: at + 6] + CSP + text[at + 6 :]) if at >= 0 else CSP + text
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
