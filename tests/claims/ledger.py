"""Account for the candidate sentences with the register, and keep the slow claims' results.

``unaccounted`` lists the candidates of registered sources that no entry quotes; ``lost`` the
entries whose quote no longer appears in their source (the sentence changed without its entry).
A slow claim's outcome, measured by ``make claims`` (``scripts/run_claims.py``), is kept in
``results.json`` under ``entry_hash``: a hash of the entry and of the source of its test
function, so editing either makes the result stale.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path

from tests.claims.detect import ROOT, Sentence, normalise
from tests.claims.register import Claim, NotClaim

RESULTS = Path(__file__).with_name("results.json")
Entry = Claim | NotClaim


def covers(entry: Entry, sentence: Sentence) -> bool:
    return entry.source == sentence.source and normalise(entry.quote) in sentence.text


def unaccounted(
    candidates: Iterable[Sentence], entries: Iterable[Entry], sources: Iterable[str]
) -> list[Sentence]:
    """The candidates of ``sources`` that no entry covers."""
    entries, sources = list(entries), set(sources)
    return [s for s in candidates if s.source in sources and not any(covers(e, s) for e in entries)]


def lost(sentences: Iterable[Sentence], entries: Iterable[Entry]) -> list[Entry]:
    """The entries whose quote is in none of their source's sentences."""
    sentences = list(sentences)
    return [e for e in entries if not any(covers(e, s) for s in sentences)]


def test_function_source(node_id: str) -> str | None:
    """The source of the test function ``path::name`` (a parametrised id loses its ``[...]``),
    or None when the file or the function does not exist."""
    path, _, name = node_id.partition("::")
    name = name.split("[")[0].split("::")[-1]
    file = ROOT / path
    if not file.is_file():
        return None
    text = file.read_text()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    return None


def entry_hash(claim: Claim) -> str:
    digest = hashlib.sha256(repr(astuple(claim)).encode())
    digest.update((test_function_source(claim.test) or "").encode())
    return digest.hexdigest()[:16]


def load_results() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}


def stale(claims: Iterable[Claim], results: dict) -> list[str]:
    """The slow claims whose passing result is missing or was measured on another entry/code."""
    out = []
    for claim in claims:
        if not claim.slow:
            continue
        kept = results.get(claim.id)
        if not kept or kept.get("hash") != entry_hash(claim) or kept.get("outcome") != "passed":
            out.append(claim.id)
    return out
