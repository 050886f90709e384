"""Imported first by the grading processes (the main one and each worker): no slow optional import.

jsonschema, which nbformat uses to validate notebooks, imports ``rfc3987_syntax`` whenever it is
installed (it comes with ``jsonschema[format-nongpl]``, which the Jupyter server's event system
asks for). That module builds a Lark grammar when imported: about 1.6 CPU-s in every process that
imports nbformat, so about 5 s of a 2-worker grading run, for an IRI format check that grading
never uses (nbformat validates without a format checker). A ``None`` entry in ``sys.modules``
makes ``import rfc3987_syntax`` raise ImportError, the case jsonschema already handles by leaving
that one format unchecked. ``tests/test_autograder_units.py`` checks that it stays skipped.
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)

for _name in SKIPPED:
    # A None entry is what makes the import fail; typeshed types sys.modules as modules only.
    sys.modules.setdefault(_name, None)  # type: ignore[arg-type]
