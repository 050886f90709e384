"""Run the slow claims of the register and keep their outcomes (``make claims``).

Runs every ``slow=True`` claim's test of ``tests/claims/register.py`` in one pytest session and
writes ``tests/claims/results.json``: per claim, the outcome, the hash of the entry and of its
test's code (``tests.claims.ledger.entry_hash``), the code the test exercised and its hash
(``ledger.code_hash``), the seconds the test took, and the date and machine. ``make test`` then
fails on a slow claim whose result is missing or stale. Exit status 1 when any of them failed.

    .venv/bin/python scripts/run_claims.py            # every slow claim
    .venv/bin/python scripts/run_claims.py lab4_reward_scaling ...   # some, by id
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.claims import ledger  # noqa: E402  (needs the repository on the path)
from tests.claims.register import CLAIMS  # noqa: E402


class Outcomes:
    """A pytest plugin that keeps each test's outcome and duration by node id; a parametrised
    test's cases are also summed under the id without parameters (failed if any failed)."""

    def __init__(self) -> None:
        self.by_node: dict[str, tuple[str, float]] = {}

    def _add(self, node: str, failed: bool, seconds: float) -> None:
        outcome, total = self.by_node.get(node, ("passed", 0.0))
        self.by_node[node] = (
            "failed" if failed or outcome == "failed" else outcome,
            total + seconds,
        )

    def pytest_runtest_logreport(self, report) -> None:
        failed = report.failed or (report.when == "call" and report.outcome != "passed")
        for node in {report.nodeid, report.nodeid.split("[")[0]}:
            self._add(node, failed, report.duration)


# A test that starts another process (a notebook's kernel, a build) exercises code this process
# cannot trace; it is taken to depend on every tracked module of these packages.
SPAWN_EVENTS = {"subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.system"}
PACKAGES = ("ppo_core", "ppo_viz", "autograder", "scripts")


class Exercised:
    """A pytest plugin that records, per test, the repository code it exercised: the files whose
    functions ran (a ``sys.settrace`` call hook, no line events) or that it opened, and under
    ``tests/`` the functions themselves. Kept by node id and, for a parametrised test, also
    under the id without parameters (the union)."""

    SPAWNED = "<spawned a process>"

    def __init__(self) -> None:
        self.by_node: dict[str, set[str]] = {}
        self.by_fixture: dict[str, set[str]] = {}
        self._current: set[str] | None = None
        self._fixtures: list[str] = []
        sys.addaudithook(self._audit)

    @staticmethod
    @functools.cache
    def _relative(filename: str) -> str | None:
        """The repository path of a file, or None outside it (in .venv and the like), for
        code made at run time (``<string>``, ``<frozen abc>``) and for this recorder."""
        if not os.path.isabs(filename):
            return None
        try:
            rel = Path(filename).resolve().relative_to(ROOT)
        except (ValueError, OSError):
            return None
        top = rel.parts[0] if rel.parts else ""
        if (
            top.startswith(".")
            or top == "__pycache__"
            or rel == Path(__file__).resolve().relative_to(ROOT)
        ):
            return None
        return rel.as_posix()

    def _trace(self, frame, event, arg):  # noqa: ANN001  (sys.settrace's signature)
        if self._current is not None and event == "call":
            code = frame.f_code
            rel = self._relative(code.co_filename)
            if rel is not None:
                under_tests = rel.startswith("tests/")
                if not under_tests:
                    self._current.add(rel)
                elif code.co_name != "<module>":
                    self._current.add(f"{rel}::{code.co_qualname}")
        return None

    def _audit(self, event: str, args: tuple) -> None:
        if self._current is None:
            return
        if event == "open" and isinstance(args[0], str | Path):
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            rel = self._relative(str(args[0]))
            if rel and "r" in mode and "+" not in mode and Path(ROOT / rel).is_file():
                if not rel.startswith("tests/") or not rel.endswith(".py"):
                    self._current.add(rel)
        elif event in SPAWN_EVENTS:
            self._current.add(self.SPAWNED)

    def _tracked_modules(self) -> set[str]:
        listed = subprocess.run(
            ["git", "ls-files", "--", *(f"{p}/*.py" for p in PACKAGES)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return set(listed.stdout.split())

    def pytest_runtest_protocol(self, item, nextitem):  # noqa: ANN001
        self._current, self._fixtures = set(), list(item.fixturenames)
        sys.settrace(self._trace)
        threading.settrace(self._trace)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):  # noqa: ANN001
        # A module-scoped fixture is set up during its first test only; what it exercised is
        # kept under its name and added to every test that requests it.
        outer, self._current = self._current, set()
        yield
        self.by_fixture.setdefault(fixturedef.argname, set()).update(self._current)
        self._current = outer

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:  # noqa: ANN001
        sys.settrace(None)
        threading.settrace(None)  # type: ignore[arg-type]
        found = set(self._current or ())
        for name in self._fixtures:
            found |= self.by_fixture.get(name, set())
        if self.SPAWNED in found:
            found = (found - {self.SPAWNED}) | self._tracked_modules()
        self._current = None
        for node in {nodeid, nodeid.split("[")[0]}:
            self.by_node.setdefault(node, set()).update(found)


def _machine() -> str:
    """The CPU model and core count (what a result's speed and float details depend on)."""
    cpuinfo = Path("/proc/cpuinfo")
    models = re.findall(r"model name\s*:\s*(.+)", cpuinfo.read_text()) if cpuinfo.exists() else []
    model = models[0].strip() if models else platform.processor() or platform.machine()
    return f"{model}, {os.cpu_count()} cores, {platform.system()}"


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
    outcomes, exercised = Outcomes(), Exercised()
    os.environ["PPO_RUN_SLOW_CLAIMS"] = "1"  # tests/conftest.py skips them otherwise
    nodes = sorted({c.test for c in slow})
    pytest.main(["-q", "-p", "no:cacheprovider", *nodes], plugins=[outcomes, exercised])
    results = ledger.load_results()
    when = datetime.date.today().isoformat()
    machine = _machine()
    failed = []
    for claim in slow:
        outcome, seconds = outcomes.by_node.get(claim.test, ("not run", 0.0))
        code = sorted(exercised.by_node.get(claim.test, set()))
        results[claim.id] = {
            "hash": ledger.entry_hash(claim),
            "code_hash": ledger.code_hash(code),
            "exercised": code,
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
