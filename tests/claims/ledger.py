"""Account for the candidate sentences with the register, and keep the slow claims' results.

``unaccounted`` lists the candidates of registered sources that no entry quotes; ``lost`` the
entries whose quote no longer appears in their source (the sentence changed without its entry).
A slow claim's outcome, measured by ``make claims`` (``scripts/run_claims.py``), is kept in
``results.json`` with two keys: ``entry_hash``, a hash of the entry and of the source of its test
function, and ``code_hash``, a hash of the code the test exercised. ``make claims`` records that
code as it runs: every repository file whose functions ran or that was opened (``ppo_core``, the
labs, recorded runs) by content, and every function of ``tests/`` that ran by its own source (so
editing one claims test does not stale the others of its file). Editing any of it makes the
result stale.
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


def _function_sources(path: Path) -> dict[str, str]:
    """Every function of a file by its ``__qualname__`` (nested ones through ``<locals>``)."""
    text = path.read_text()
    out: dict[str, str] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    out[name] = ast.get_source_segment(text, child) or ""
                    walk(child, name + ".<locals>.")
                else:
                    walk(child, name + ".")

    walk(ast.parse(text), "")
    return out


def code_hash(exercised: Iterable[str], root: Path = ROOT) -> str:
    """A hash of the exercised code: ``path`` entries by the file's bytes, ``path::qualname``
    entries by that function's source. A file or function that is gone hashes as missing."""
    digest = hashlib.sha256()
    sources: dict[str, dict[str, str]] = {}
    for item in sorted(set(exercised)):
        path, _, qualname = item.partition("::")
        file = root / path
        if not qualname:
            body = file.read_bytes() if file.is_file() else b"<missing>"
        else:
            if path not in sources:
                sources[path] = _function_sources(file) if file.is_file() else {}
            body = sources[path].get(qualname, "<missing>").encode()
        digest.update(item.encode() + b"\0" + hashlib.sha256(body).digest())
    return digest.hexdigest()[:16]


def load_results() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}


def stale(claims: Iterable[Claim], results: dict, root: Path = ROOT) -> list[str]:
    """The slow claims whose passing result is missing, or was measured on another entry, test
    or exercised code than today's."""
    out = []
    for claim in claims:
        if not claim.slow:
            continue
        kept = results.get(claim.id)
        if (
            not kept
            or kept.get("outcome") != "passed"
            or kept.get("hash") != entry_hash(claim)
            or not isinstance(kept.get("exercised"), list)
            or kept.get("code_hash") != code_hash(kept["exercised"], root)
        ):
            out.append(claim.id)
    return out
