"""How fast `python -m autograder grade` is: submissions graded per minute with 1 and 2 jobs.

    .venv/bin/python benchmarks/grading_speed.py                  # 20 submissions of lab2_gae
    .venv/bin/python benchmarks/grading_speed.py --n 30 --jobs 2  # target: <= 60 s on 2 cores
    .venv/bin/python benchmarks/grading_speed.py --n 100 --lab lab2_gae --jobs 1 2
    .venv/bin/python benchmarks/grading_speed.py --full           # also: one student, all labs

Submissions are the release notebooks solved with the reference code (one in five with a wrong
function, so failing tests and their tracebacks are part of the cost). The numbers include
everything the command does: discovery, the working course (``generate_assignment``), worker
start-up, autograding and HTML feedback. The targets: 100 submissions of one lab in at most
5 minutes with 2 jobs (>= 20 per minute), and a full submission (every lab) in at most 60 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "tests", "fixtures", "autograder"))


def make_submissions(folder: str, lab: str, n: int) -> None:
    """``n`` submissions of ``lab`` under ``folder``/studentNNN/, one in five with its first
    exercise raising (built from the solution notebook by the test fixtures' builders)."""
    import builders

    exercises = builders.exercises(lab)
    for i in range(n):
        overrides = {}
        if i % 5 == 4:  # a wrong submission: the first exercise raises
            overrides[exercises[0]] = (
                f"def {exercises[0]}(*args, **kwargs):\n    raise ValueError('not done')\n"
            )
        builders.write(
            builders.solved(lab, overrides),
            os.path.join(folder, f"student{i:03d}", lab, f"{lab}.ipynb"),
        )


def _run(folder: str, jobs: int) -> tuple[float, list[dict]]:
    from autograder.grading.grade import grade

    out = tempfile.mkdtemp(prefix="ppo-bench-out-")
    t0 = time.monotonic()
    try:
        rows = grade(folder, out, jobs=jobs, progress=False)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return time.monotonic() - t0, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="lab2_gae")
    parser.add_argument("--n", type=int, default=20, help="submissions of --lab")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--full", action="store_true", help="also time one full submission")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (1 min)")
    folder = tempfile.mkdtemp(prefix="ppo-bench-")
    make_submissions(folder, args.lab, args.n)
    for jobs in args.jobs:
        seconds, rows = _run(folder, jobs)
        statuses = sorted({r["status"] for r in rows})
        print(
            f"{args.lab}: {args.n} submissions, --jobs {jobs}: {seconds:.1f} s -> "
            f"{60 * args.n / seconds:.1f} submissions/minute, "
            f"{60 * args.n / seconds / jobs:.1f} per core-minute "
            f"(100 would take {100 * seconds / args.n / 60:.1f} min; statuses {statuses})"
        )
    shutil.rmtree(folder, ignore_errors=True)
    if args.full:
        import builders

        from autograder.grading import course

        full = tempfile.mkdtemp(prefix="ppo-bench-full-")
        labs = course.labs(course.find())
        for lab in labs:
            builders.write(builders.solved(lab), os.path.join(full, "student", lab, f"{lab}.ipynb"))
        seconds, rows = _run(full, 1)
        shutil.rmtree(full, ignore_errors=True)
        print(
            f"full submission ({len(labs)} labs), --jobs 1: {seconds:.1f} s; "
            + ", ".join(
                f"{r['assignment_id']} {r['score']}/{r['max_score']} {r['status']}" for r in rows
            )
        )


if __name__ == "__main__":
    main()
