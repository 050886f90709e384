"""Run the slow claims of the register and keep their outcomes (``make claims``).

Runs every ``slow=True`` claim's test of ``tests/claims/register.py`` in one pytest session and
writes ``tests/claims/results.json``: per claim, the outcome, the hash of the entry and of its
test's code (``tests.claims.ledger.entry_hash``), the seconds the test took, and the date and
machine. ``make test`` then fails on a slow claim whose result is missing or stale. Exit status 1
when any of them failed.

    .venv/bin/python scripts/run_claims.py            # every slow claim
    .venv/bin/python scripts/run_claims.py lab4_reward_scaling ...   # some, by id
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.claims import ledger  # noqa: E402  (needs the repository on the path)
from tests.claims.register import CLAIMS  # noqa: E402


class Outcomes:
    """A pytest plugin that keeps each test's outcome and duration by node id."""

    def __init__(self) -> None:
        self.by_node: dict[str, tuple[str, float]] = {}

    def pytest_runtest_logreport(self, report) -> None:
        outcome, seconds = self.by_node.get(report.nodeid, ("passed", 0.0))
        if report.failed or (report.when == "call" and report.outcome != "passed"):
            outcome = report.outcome
        self.by_node[report.nodeid] = (outcome, seconds + report.duration)

    def of(self, node_id: str) -> tuple[str, float]:
        """The outcome of ``node_id``; for a parametrised test named without its ``[...]``, all
        of its cases together (each seed of a claim is one case): passed only if all passed."""
        cases = [v for k, v in self.by_node.items() if k == node_id or k.startswith(node_id + "[")]
        if not cases:
            return "not run", 0.0
        failed = [outcome for outcome, _ in cases if outcome != "passed"]
        return (failed[0] if failed else "passed"), sum(seconds for _, seconds in cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="claim ids (default: every slow claim)")
    args = parser.parse_args(argv)
    slow = [c for c in CLAIMS if c.slow and (not args.ids or c.id in args.ids)]
    unknown = set(args.ids) - {c.id for c in slow}
    if unknown:
        parser.error(f"not slow claims of the register: {sorted(unknown)}")
    if not slow:
        print("no slow claims to run")
        return 0
    outcomes = Outcomes()
    nodes = sorted({c.test for c in slow})
    pytest.main(["-q", "-p", "no:cacheprovider", *nodes], plugins=[outcomes])
    results = ledger.load_results()
    when = datetime.date.today().isoformat()
    machine = f"{platform.machine()} {platform.processor() or platform.system()}"
    failed = []
    for claim in slow:
        outcome, seconds = outcomes.of(claim.test)
        results[claim.id] = {
            "hash": ledger.entry_hash(claim),
            "outcome": outcome,
            "seconds": round(seconds, 1),
            "date": when,
            "machine": machine,
        }
        print(f"{claim.id}: {outcome} ({seconds:.0f} s)")
        if outcome != "passed":
            failed.append(claim.id)
    ledger.RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"{len(slow) - len(failed)} of {len(slow)} slow claims passed; kept in {ledger.RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
