"""Command line of the course autograder: ``python -m autograder grade SUBMISSIONS --out OUT``,
``python -m autograder build-student-package --out DIR [--reveal LAB ...]`` (the library
without the answers, for a graded class: :mod:`autograder.student.package`), ``release`` (a
class's notebooks and student build: :mod:`autograder.student.release`) and ``model-answers``
(:mod:`autograder.student.model_answers`)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from autograder.grading.grade import (
    DEFAULT_SETTINGS,
    INTERRUPTED,
    GradingInterrupted,
    IsolationUnavailable,
    grade,
)
from autograder.grading.identity import NOT_ON_ROSTER
from autograder.grading.outdir import OutUnusable
from autograder.grading.roster import RosterError


def _jobs(text: str) -> int:
    """``--jobs``: a positive number, or ``auto`` (the CPU cores this process may use)."""
    if text == "auto":
        return (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)
        )
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"--jobs {text!r}: give a number of at least 1, or auto")
    return jobs


def _parser() -> argparse.ArgumentParser:
    """The commands: ``grade``, ``marks``, ``export``, ``gradescope``,
    ``build-student-package``, ``release`` and ``model-answers``."""
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Grade PPO-course lab notebooks with nbgrader, in parallel and in a sandbox.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_grade(sub.add_parser("grade", help="grade a folder or zip of submissions"))
    _add_gradescope(sub)
    b = sub.add_parser(
        "build-student-package",
        help="write the library without the answers (source tree and wheel) for a graded class",
    )
    b.add_argument("--out", required=True, help="a new or empty folder for src/ and dist/")
    b.add_argument(
        "--reveal",
        nargs="+",
        default=[],
        metavar="LAB",
        help="labs whose reference code the build keeps (e.g. lab2_gae, after its deadline)",
    )
    _add_release(sub)
    _add_marks(sub.add_parser("marks", help="hand marks of written answers: OUT/manual.csv"))
    _add_export(sub.add_parser("export", help="grades of one lab for the LMS's gradebook import"))
    return parser


def _add_grade(g: argparse.ArgumentParser) -> None:
    """The arguments of ``grade``."""
    g.add_argument(
        "submissions",
        help="nbgrader layout <student>/<lab>/<lab>.ipynb, or a folder "
        "or .zip of downloaded notebooks (only read)",
    )
    g.add_argument("--out", required=True, help="folder for grades.csv, cells.csv and feedback/")
    g.add_argument(
        "--course",
        metavar="PATH",
        help="the folder that holds the labs' nbgrader sources solutions/<lab>/<lab>.ipynb "
        "(default: the labs installed with the autograder, else its checkout)",
    )
    g.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        help="notebooks graded in parallel, or auto: one per CPU core (default 1)",
    )
    g.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_SETTINGS["timeout"],
        help="seconds a single cell may run (default %(default)s)",
    )
    g.add_argument(
        "--notebook-timeout",
        type=int,
        default=DEFAULT_SETTINGS["notebook_timeout"],
        help="seconds a whole notebook may run (default %(default)s)",
    )
    g.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT_SETTINGS["memory_mb"],
        help="address-space limit of a kernel in MB (default %(default)s)",
    )
    g.add_argument(
        "--fresh",
        action="store_true",
        help="grade everything again (default: resume, grading only new or changed submissions)",
    )
    g.add_argument(
        "--keep-stale",
        action="store_true",
        help="keep feedback folders of students or labs that are not in SUBMISSIONS",
    )
    g.add_argument(
        "--allow-unisolated",
        action="store_true",
        help="grade even where kernels cannot be isolated (namespaces, unprivileged "
        "uid): only on a machine with nothing to protect",
    )
    g.add_argument(
        "--roster",
        metavar="FILE.csv",
        help="the class list (columns lms_id, login, name, email) that resolves provisional "
        "student ids; with it, ids on no entry are flagged",
    )
    g.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_gradescope(sub) -> None:
    """The arguments of ``gradescope``."""
    g = sub.add_parser(
        "gradescope",
        help="write the autograder zip that Gradescope runs for each submission of one lab",
    )
    g.add_argument("lab", help="the lab to grade, e.g. lab1_rl_basics")
    g.add_argument("--out", required=True, metavar="FILE.zip", help="the zip to write")
    g.add_argument(
        "--course",
        metavar="PATH",
        help="the folder that holds solutions/<lab>/<lab>.ipynb (default: as for grade)",
    )


def gradescope_package(lab: str, out: str, course_root: str | None) -> int:
    """``gradescope``: build the zip, then say what to do with it."""
    from autograder.gradescope.build import build
    from autograder.gradescope.results import lab_cells, written_note
    from autograder.grading.course import CourseNotFound, find

    try:
        names = build(lab, out, course_root)
    except (ValueError, RuntimeError, CourseNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    source = os.path.join(find(course_root), "solutions", lab, f"{lab}.ipynb")
    cells = lab_cells(source)
    auto = sum(p for g, p in cells.points.items() if g not in cells.written)
    print(
        f"Wrote {out} ({len(names)} files): upload it as the autograder of a Gradescope "
        f"programming assignment for {lab} ({auto:g} autograded points). "
        + (written_note(cells).replace("your instructor marks", "mark") or "")
        + " Steps: docs/instructors.md, 'Gradescope'."
    )
    return 0


def build_student(out: str, reveal: list[str]) -> int:
    """``build-student-package``: build, then say what was written, withheld and revealed."""
    from autograder.student.build import LAB5
    from autograder.student.checkout import exercise_labs
    from autograder.student.package import LeakFound, build_student_package

    labs = sorted(set(exercise_labs().values()))
    unknown = sorted(set(reveal) - set(labs))
    if unknown:
        print(
            f"error: --reveal {' '.join(unknown)}: no such lab; the labs are {', '.join(labs)}",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    try:
        package = build_student_package(Path(out), reveal)
    except (FileExistsError, LeakFound, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    withheld_labs = [lab for lab in labs if lab not in package.revealed]
    key = (
        "with their answer key (lab5_diagnostics revealed)"
        if LAB5 in package.revealed
        else "under their labels only, the answer key stays with you"
    )
    print(
        f"Wrote {package.src} (the source tree) and {package.wheel} in "
        f"{time.monotonic() - started:.0f} s.\n"
        f"Withheld (labs {', '.join(withheld_labs) or 'none'}): "
        f"{', '.join(package.withheld) or 'nothing'}.\n"
        f"Revealed: {', '.join(package.revealed) or 'no lab'}.\n"
        f"Lab 5's recorded runs: {key}; the speed layer ppo_core.fast is left out.\n"
        f"The leak scan found no answer in the build. Publish src/ as a git branch or the "
        f"wheel (docs/instructors.md, 'Self-study or a graded class')."
    )
    return 0


def _add_release(sub) -> None:
    """The arguments of ``release`` (``make release``) and ``model-answers``."""
    r = sub.add_parser(
        "release",
        help="write your class's student notebooks (your repository, course, deadline in each "
        "lab's badge, install cell and header) and the student build",
    )
    r.add_argument("--out", required=True, help="a new or empty folder")
    r.add_argument(
        "--repo-url",
        required=True,
        help="your repository (https://github.com/<you>/<repo>) or student wheel (.whl) address",
    )
    r.add_argument("--course", required=True, help='the course name shown, e.g. "CS 999"')
    r.add_argument("--deadline", default="", help='shown in each header, e.g. "2027-03-01"')
    r.add_argument(
        "--reveal", nargs="+", default=[], metavar="LAB", help="as for build-student-package"
    )
    m = sub.add_parser(
        "model-answers",
        help="a lab's solutions as a notebook for learners (after its deadline): no hidden tests",
    )
    m.add_argument("lab", help="the lab, e.g. lab2_gae")
    m.add_argument("--out", required=True, help="folder for <lab>_model_answers.ipynb")
    m.add_argument("--course", metavar="PATH", help="as for grade")
    m.add_argument(
        "--repo-url",
        help="as for release: the Colab badge and install cell point there (default: this "
        "course's repository)",
    )


def release_class(args: argparse.Namespace) -> int:
    """``release``: the class's notebooks and student build, then what to publish."""
    from autograder.student.package import LeakFound
    from autograder.student.release import release

    started = time.monotonic()
    try:
        done = release(args.out, args.repo_url, args.course, args.deadline, args.reveal)
    except (ValueError, FileExistsError, LeakFound, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Wrote {len(done.notebooks)} notebooks under {args.out}/notebooks, the student "
        f"build (its source tree in {done.package.src}, its wheel {done.package.wheel}) in "
        f"{time.monotonic() - started:.0f} s, for {args.course} ({args.repo_url}). Publish "
        f"them (docs/instructors.md, 'Release for your class')."
    )
    return 0


def answers(args: argparse.Namespace) -> int:
    """``model-answers LAB``: the notebook of the lab's solutions for learners."""
    from autograder.grading.course import CourseNotFound
    from autograder.student.model_answers import write_model_answers

    try:
        path = write_model_answers(args.lab, Path(args.out), args.course, args.repo_url)
    except (ValueError, FileExistsError, CourseNotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {path}: {args.lab}'s solutions for learners, without the hidden tests.")
    return 0


def _add_marks(m: argparse.ArgumentParser) -> None:
    """The arguments of ``marks``."""
    m.add_argument("out", help="the --out folder of grade")
    m.add_argument(
        "--apply",
        action="store_true",
        help="merge the marks of OUT/manual.csv into cells.csv, grades.csv and the feedback "
        "(default: write OUT/manual.csv and OUT/marking/<lab>.html for the marker)",
    )
    m.add_argument("--course", metavar="PATH", help="as for grade")
    m.add_argument(
        "--repo-url",
        help="as for release: the Colab badge and install cell point there (default: this "
        "course's repository)",
    )


def hand_marks(out: str, apply: bool, course_root: str | None) -> int:
    """``marks OUT``: the marking files; ``marks OUT --apply``: merge the marks."""
    from autograder.grading import marks

    try:
        if apply:
            rows = marks.apply_marks(out, course_root)
            left = marks.pending(out, course_root)
            print(
                f"Applied {out}/{marks.MANUAL} to {len(rows)} row(s) of grades.csv, cells.csv "
                f"and the feedback pages; {len(left)} written answer(s) still to mark."
            )
            return 0
        added, open_marks = marks.update_manual(out, course_root)
        sheets = marks.write_marking_sheets(out, course_root)
    except marks.MarksError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{out}/{marks.MANUAL}: {added} row(s) added, {open_marks} without a mark. Marking "
        f"sheets: {', '.join(sheets) or 'none (no written answers)'}. Fill the column score, "
        f"then run python -m autograder marks {out} --apply."
    )
    return 0


def _add_export(e: argparse.ArgumentParser) -> None:
    """The arguments of ``export canvas`` and ``export moodle``."""
    lms = e.add_subparsers(dest="lms", required=True)
    c = lms.add_parser("canvas", help="OUT/exports/canvas_<lab>.csv for Canvas's gradebook import")
    c.add_argument("out", help="the --out folder of grade")
    c.add_argument(
        "--gradebook", required=True, help="the CSV of Canvas's Gradebook > Export (its columns)"
    )
    c.add_argument("--assignment", help='the assignment column, e.g. "Lab 1 (12345)"')
    mo = lms.add_parser("moodle", help="fill Moodle's offline grading worksheet")
    mo.add_argument("out", help="the --out folder of grade")
    mo.add_argument(
        "--worksheet", required=True, help="the worksheet CSV downloaded from the assignment"
    )
    for p in (c, mo):
        p.add_argument("--lab", required=True, help="the lab to export (e.g. lab1_rl_basics)")
        p.add_argument(
            "--allow-pending",
            action="store_true",
            help="export even with written answers not marked yet (they count 0)",
        )


def export(args: argparse.Namespace) -> int:
    """``export canvas|moodle``: 0 written, 2 bad input, 3 written but students unmatched."""
    from autograder.grading import lms_export

    try:
        result = lms_export.export(args)
    except lms_export.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    print(f"Wrote {result.path}: {result.rows} student(s) with a grade.")
    if result.unmatched:
        print(
            f"{len(result.unmatched)} student(s) not matched (see {result.unmatched_path}):\n  "
            + "\n  ".join(result.unmatched[:20]),
            file=sys.stderr,
        )
        return 3
    return 0


def summary(rows: list[dict], seconds: float) -> str:
    """One line: graded, failed, interrupted, resumed, time per notebook graded now."""
    counts = {"graded": 0, "failed": 0, "interrupted": 0}
    for r in rows:
        kind = (
            "graded"
            if r["status"] == "graded"
            else "interrupted"
            if r["status"] == INTERRUPTED
            else "failed"
        )
        counts[kind] += 1
    new = sum(1 for r in rows if r.get("_new"))
    resumed = sum(1 for r in rows if r["status"] != INTERRUPTED and not r.get("_new"))
    per = f"{seconds / new:.1f} s per notebook graded now" if new else "nothing graded now"
    return (
        f"{len(rows)} submission(s): {counts['graded']} graded, {counts['failed']} not "
        f"graded normally (see status), {counts['interrupted']} interrupted, {resumed} from "
        f"the journal; {seconds:.0f} s, {per}."
    )


def _grader_failures(rows: list[dict]) -> list[str]:
    """Submissions that have no grade because the grader failed on them."""
    reasons = []
    for status, what in (
        ("worker died", "their grading process was killed twice (e.g. out of memory)"),
        ("grader error", "the grader failed on them (see the message of each row)"),
    ):
        ids = [f"{r['student_id']}/{r['assignment_id']}" for r in rows if r.get("status") == status]
        if ids:
            reasons.append(
                f"{len(ids)} submission(s) not graded, {what}: {', '.join(ids[:10])}"
                + (" ..." if len(ids) > 10 else "")
                + "; run the same command again to grade them"
            )
    return reasons


def needs_attention(rows: list[dict]) -> list[str]:
    """What the instructor must look at after a run (exit status 3): one sentence per reason
    ([] when nothing). Rows may carry their own reason in ``_attention`` (hand marks that could
    not be merged)."""
    reasons = sorted({r["_attention"] for r in rows if r.get("_attention")})
    reasons += _grader_failures(rows)
    off = sorted({r["student_id"] for r in rows if r.get("flag") == NOT_ON_ROSTER})
    flagged = sorted({r["student_id"] for r in rows if r.get("flag")} - set(off))
    if flagged:
        reasons.append(
            f"{len(flagged)} student id(s) are provisional ({_some(flagged)}): see the flag "
            f"column of grades.csv and ids.csv, then re-run with --roster FILE.csv (columns "
            f"lms_id, login, name, email)"
        )
    if off:
        reasons.append(
            f"{len(off)} student id(s) are not on the roster ({_some(off)}): add them to it, "
            f"or see in ids.csv which files they came from"
        )
    return reasons


def _some(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")


COMMANDS = {
    "build-student-package": lambda args: build_student(args.out, args.reveal),
    "release": release_class,
    "model-answers": answers,
    "marks": lambda args: hand_marks(args.out, args.apply, args.course),
    "export": export,
    "gradescope": lambda args: gradescope_package(args.lab, args.out, args.course),
}
"""The commands other than ``grade``, each run with the parsed arguments."""


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status (0 done, 2 bad input or OUT in use by another run,
    3 graded but something needs the instructor, see :func:`needs_attention`; 130
    interrupted)."""
    args = _parser().parse_args(argv)
    if args.command in COMMANDS:
        return COMMANDS[args.command](args)
    started = time.monotonic()
    code = 0
    try:
        rows = grade(
            args.submissions,
            args.out,
            jobs=args.jobs,
            progress=not args.no_progress,
            course_root=args.course,
            timeout=args.timeout,
            notebook_timeout=args.notebook_timeout,
            memory_mb=args.memory_mb,
            fresh=args.fresh,
            keep_stale=args.keep_stale,
            allow_unisolated=args.allow_unisolated,
            roster_csv=args.roster,
        )
    except (FileNotFoundError, IsolationUnavailable, OutUnusable, RosterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except GradingInterrupted as exc:
        rows, code = exc.rows, 130
    reasons = needs_attention(rows) if code == 0 else []
    print(
        summary(rows, time.monotonic() - started)
        + f" Wrote {args.out}/grades.csv, cells.csv, ids.csv, feedback/"
        + (f" Needs your attention: {len(reasons)} thing(s), below." if reasons else ""),
        flush=True,
    )
    for reason in reasons:
        print(f"needs attention: {reason}", file=sys.stderr)
    if reasons:
        code = 3
    if code == 130:  # exit now: a second Ctrl-C during interpreter shutdown would kill us by
        sys.stderr.flush()  # signal (handlers are reset there), not with status 130
        os._exit(130)
    return code


if __name__ == "__main__":
    sys.exit(main())
