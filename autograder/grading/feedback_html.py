"""The exporter of the grader's feedback pages: nbconvert's HTML, its templates compiled once.

nbgrader's ``generate_feedback`` builds a new ``HTMLExporter`` for every notebook, and with it a
new Jinja environment that parses and compiles the nine templates of the feedback page again:
about a quarter of the worker's feedback time. :class:`FeedbackHTMLExporter` is that exporter
with a Jinja bytecode cache shared by the process, so each template is compiled once per worker.
The pages are byte for byte the same (``tests/test_autograder_units.py`` checks it). The
grader's working course selects it (``autograder/grading/gradebook.py``, ``CONFIG_TEMPLATE``).
"""

from __future__ import annotations

from types import CodeType

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from nbconvert.exporters import HTMLExporter


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, keyed by template name and file, checked against the
    template's source (a changed template is compiled again)."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, CodeType | None]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill ``bucket.code`` when this source was compiled before."""
        hit = self.codes.get(bucket.key)
        if hit is not None and hit[0] == bucket.checksum:
            bucket.code = hit[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a freshly compiled template."""
        self.codes[bucket.key] = (bucket.checksum, bucket.code)


TEMPLATE_CACHE = MemoryBytecodeCache()


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTMLExporter whose Jinja environment shares :data:`TEMPLATE_CACHE`."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = TEMPLATE_CACHE
        return environment
