"""Command line of the course autograder: ``python -m autograder grade SUBMISSIONS --out OUT``."""

from __future__ import annotations

import argparse
import sys

from autograder.grade import DEFAULT_SETTINGS, grade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Grade PPO-course lab notebooks with nbgrader, in parallel and in a sandbox.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade a folder or zip of submissions")
    g.add_argument("submissions", help="nbgrader layout <student>/<lab>/<lab>.ipynb, or a folder "
                                       "or .zip of downloaded notebooks (only read)")
    g.add_argument("--out", required=True, help="folder for grades.csv, cells.csv and feedback/")
    g.add_argument("--jobs", type=int, default=1, help="students graded in parallel (default 1)")
    g.add_argument("--timeout", type=int, default=DEFAULT_SETTINGS["timeout"],
                   help="seconds a single cell may run (default %(default)s)")
    g.add_argument("--notebook-timeout", type=int, default=DEFAULT_SETTINGS["notebook_timeout"],
                   help="seconds a whole notebook may run (default %(default)s)")
    g.add_argument("--memory-mb", type=int, default=DEFAULT_SETTINGS["memory_mb"],
                   help="address-space limit of a kernel in MB (default %(default)s)")
    g.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        rows = grade(args.submissions, args.out, jobs=args.jobs, progress=not args.no_progress,
                     timeout=args.timeout, notebook_timeout=args.notebook_timeout,
                     memory_mb=args.memory_mb)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    print(f"{len(rows)} submission(s): {summary}. Wrote {args.out}/grades.csv, cells.csv, "
          f"feedback/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
