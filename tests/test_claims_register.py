"""The claims register (``tests/claims/register.py``) accounts for every sentence it covers.

Every candidate sentence (a number, a comparison or a cause; ``tests/claims/detect.py``) of a
registered source is a claim with its test or a not-a-claim with its reason; every entry's
quote is still in its source; every claim names a test that exists; every slow claim has a
fresh passing result from ``make claims``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from tests.claims import detect, ledger
from tests.claims.register import CLAIMS, HOW, NOT_CLAIMS, SOURCES, Claim, NotClaim

PLANTED = "tests/fixtures/claims/planted.md"


@pytest.fixture(scope="module")
def candidates() -> list[detect.Sentence]:
    return detect.candidates()


def test_every_candidate_of_a_registered_source_is_accounted_for(candidates, record_property):
    missing = ledger.unaccounted(candidates, CLAIMS + NOT_CLAIMS, SOURCES)
    pending = Counter(s.source.split("::")[0] for s in candidates if s.source not in SOURCES)
    record_property(
        "figures",
        f"claims register: {len(candidates)} candidate sentences; {len(CLAIMS)} claims "
        f"({Counter(c.how for c in CLAIMS)}), {len(NOT_CLAIMS)} marked not a claim; "
        f"{len(SOURCES)} sources registered, {sum(pending.values())} candidates in "
        f"{len(pending)} sources not yet registered",
    )
    assert not missing, "sentences neither registered nor marked as not a claim:\n" + "\n".join(
        f"  {s.source}: {s.text}" for s in missing
    )
    assert not pending, f"sources not in the register's SOURCES: {sorted(pending)}"


def test_a_planted_unregistered_claim_is_caught():
    text = (detect.ROOT / PLANTED).read_text()
    planted = [
        detect.Sentence(PLANTED, s) for s in detect.prose_sentences(text) if detect.is_candidate(s)
    ]
    missing = ledger.unaccounted(planted, CLAIMS + NOT_CLAIMS, [PLANTED])
    assert [s.text for s in missing] == [
        "Clipping the ratio makes training three times faster on LunarLander."
    ]
    marked = NotClaim(PLANTED, "three times faster", "planted")
    assert ledger.unaccounted(planted, [marked], [PLANTED]) == []


def test_every_entry_still_quotes_its_source(candidates):
    sentences = [
        detect.Sentence(source, sentence)
        for source, text in detect.texts()
        for sentence in detect.prose_sentences(text)
    ]
    gone = ledger.lost(sentences, CLAIMS + NOT_CLAIMS)
    assert not gone, "entries whose sentence changed or went (update the entry):\n" + "\n".join(
        f"  {e.source}: {e.quote!r}" for e in gone
    )


def test_every_entry_is_well_formed():
    ids = Counter(c.id for c in CLAIMS)
    assert not [i for i, n in ids.items() if n > 1], "claim ids must be unique"
    for claim in CLAIMS:
        assert claim.how in HOW, claim.id
        if claim.how == "benchmark":
            assert claim.figure and not claim.slow, f"{claim.id}: a benchmark states its figure"
            continue
        assert ledger.test_function_source(claim.test), f"{claim.id}: no test {claim.test}"
        if claim.how == "measured":
            assert claim.margin and claim.figure, f"{claim.id}: a measured claim states both"
    for entry in NOT_CLAIMS:
        assert entry.reason.strip(), entry


def test_slow_claims_have_fresh_results():
    stale = ledger.stale(CLAIMS, ledger.load_results())
    assert not stale, f"slow claims without a fresh passing result (run `make claims`): {stale}"


def test_a_changed_test_makes_its_result_stale():
    claim = Claim("x", "README.md", "q", "measured", "tests/test_claims_register.py::x", slow=True)
    kept = {"outcome": "passed", "exercised": [], "code_hash": ledger.code_hash([])}
    fresh = {"x": {**kept, "hash": ledger.entry_hash(claim)}}
    assert ledger.stale([claim], fresh) == []
    edited = Claim("x", "README.md", "q", "measured", claim.test, margin="1%", slow=True)
    assert ledger.stale([edited], fresh) == ["x"]


def test_changed_exercised_code_makes_its_result_stale(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "pkg/mod.py").write_text("X = 1\n")
    probe = tmp_path / "tests/test_probe.py"
    probe.write_text("def helper():\n    return 1\n\n\ndef other():\n    return 2\n")
    claim = Claim("x", "README.md", "q", "measured", "tests/test_claims_register.py::x", slow=True)
    exercised = ["pkg/mod.py", "tests/test_probe.py::helper"]
    fresh = {
        "x": {
            "hash": ledger.entry_hash(claim),
            "outcome": "passed",
            "exercised": exercised,
            "code_hash": ledger.code_hash(exercised, tmp_path),
        }
    }
    assert ledger.stale([claim], fresh, tmp_path) == []
    probe.write_text(probe.read_text().replace("return 2", "return 3"))
    assert ledger.stale([claim], fresh, tmp_path) == [], "a function the test never ran"
    probe.write_text(probe.read_text().replace("return 1", "return 0"))
    assert ledger.stale([claim], fresh, tmp_path) == ["x"], "a function the test ran"
    probe.write_text(probe.read_text().replace("return 0", "return 1"))
    assert ledger.stale([claim], fresh, tmp_path) == []
    (tmp_path / "pkg/mod.py").write_text("X = 2\n")
    assert ledger.stale([claim], fresh, tmp_path) == ["x"], "a module the test ran"
    assert ledger.stale([claim], {"x": {**fresh["x"], "exercised": None}}, tmp_path) == ["x"]


def test_make_claims_records_the_code_each_test_exercised(tmp_path):
    """``scripts/run_claims.py``'s recorder, on a probe whose two tests share a module fixture
    that only the first sets up: both get the library module the fixture ran."""
    script = (
        "import json, sys, pytest\n"
        "sys.path.insert(0, 'scripts')\n"
        "from run_claims import Exercised\n"
        "rec = Exercised()\n"
        "code = pytest.main(['-q', '-p', 'no:cacheprovider', sys.argv[1]], plugins=[rec])\n"
        "print(json.dumps({k: sorted(v) for k, v in rec.by_node.items()}))\n"
        "sys.exit(code)\n"
    )
    probe = "tests/fixtures/claims/exercised_probe.py"
    done = subprocess.run(
        [sys.executable, "-c", script, probe],
        cwd=detect.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    by_node = json.loads(done.stdout.strip().splitlines()[-1])
    first, second = by_node[f"{probe}::test_first"], by_node[f"{probe}::test_second"]
    for exercised in (first, second):
        assert "ppo_core/gae.py" in exercised, exercised
        assert f"{probe}::deltas" in exercised, exercised
    assert f"{probe}::helper" in first and f"{probe}::helper" not in second
    outside = [e for e in first + second if not (detect.ROOT / e.partition("::")[0]).is_file()]
    assert not outside, f"not files of the repository: {outside}"
    assert "scripts/run_claims.py" not in first + second  # the recorder itself
