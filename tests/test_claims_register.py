"""The claims register (``tests/claims/register.py``) accounts for every sentence it covers.

Every candidate sentence (a number, a comparison or a cause; ``tests/claims/detect.py``) of a
registered source is a claim with its test or a not-a-claim with its reason; every entry's
quote is still in its source; every claim names a test that exists; every slow claim has a
fresh passing result from ``make claims``.
"""

from __future__ import annotations

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
    fresh = {"x": {"hash": ledger.entry_hash(claim), "outcome": "passed"}}
    assert ledger.stale([claim], fresh) == []
    edited = Claim("x", "README.md", "q", "measured", claim.test, margin="1%", slow=True)
    assert ledger.stale([edited], fresh) == ["x"]
