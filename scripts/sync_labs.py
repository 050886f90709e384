"""Keep ppo_core -> solutions/ -> notebooks/ in step (the course's single source of truth).

    python scripts/sync_labs.py [--check] [LAB ...]

For each lab (default: every one of labkit.LABS that exists, as a lab definition
``scripts/labs/<lab>.py`` or as ``solutions/<lab>/<lab>.ipynb``):

1. the source notebook is built from its lab definition, if it has one, else read from disk;
2. every solution cell whose nbgrader ``grade_id`` names a ppo_core contract function gets that
   function's source (``labkit.solution_source``: signature, docstring, and the learner's part
   between nbgrader's solution markers; the library's input checks dropped);
3. the notebook is normalised (no outputs, stable ids and metadata) -> ``solutions/<lab>/``;
4. real ``nbgrader generate_assignment`` runs on it in a temporary course directory with the
   course configuration (autograder/nbgrader_config.py); its release, normalised the same way,
   -> ``notebooks/<lab>/``.

``--check`` writes nothing: it exits 1 and lists every file that differs from what the steps
above would write (ppo_core vs solutions, lab definition vs solutions, solutions vs release).
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # labkit and labs/ live next to us

import labkit
from labkit import ROOT


def existing_labs() -> list[str]:
    return [
        lab
        for lab in labkit.LABS
        if labkit.definition_path(lab).exists() or labkit.solution_path(lab).exists()
    ]


def expected_source(lab: str, release: labkit.Release | None = None):
    """The normalised source notebook of ``lab`` with its solution cells from ppo_core, its
    header and install cell for ``release`` (by default this repository's, as committed)."""
    nb = labkit.build_solution(lab)
    if nb is None:
        nb = labkit.read(labkit.solution_path(lab))
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if (
            cell.cell_type == "code"
            and meta.get("solution")
            and meta.get("grade_id") in labkit.CONTRACT_FUNCTIONS
        ):
            cell.source = labkit.solution_source(meta["grade_id"])
    return labkit.normalise(labkit.with_release(nb, lab, release or labkit.Release()))


def generate_releases(sources: dict[str, str], workdir: Path) -> dict[str, dict[str, bytes]]:
    """Run ``nbgrader generate_assignment`` on the given source texts; return the release files.

    Returns ``{lab: {relative_path: content}}`` for everything nbgrader put in the release
    folder of each lab (the notebook normalised).
    """
    (workdir / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(ROOT / 'autograder' / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(workdir)!r}\n"
    )
    for lab, text in sources.items():
        src_dir = workdir / "solutions" / lab
        original = ROOT / "solutions" / lab
        if original.is_dir():  # data files that travel with the lab
            shutil.copytree(
                original,
                src_dir,
                ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints", "__pycache__"),
            )
        src_dir.mkdir(parents=True, exist_ok=True)
        (src_dir / f"{lab}.ipynb").write_text(text)
    # One nbgrader run for all labs: the assignment id is a glob over the temporary source dir.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            "generate_assignment",
            "*",
            "--force",
            "--no-db",
            "--log-level=WARN",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader generate_assignment failed:\n{proc.stdout}{proc.stderr}")
    releases = {}
    for lab in sources:
        rel_dir = workdir / "notebooks" / lab
        files = {}
        for path in sorted(rel_dir.rglob("*")):
            if path.is_file():
                rel = path.relative_to(rel_dir).as_posix()
                if path.name == f"{lab}.ipynb":
                    files[rel] = labkit.dumps(labkit.normalise(labkit.read(path))).encode()
                else:
                    files[rel] = path.read_bytes()
        releases[lab] = files
    return releases


def _diff(path: Path, new: bytes) -> list[str]:
    old = path.read_bytes() if path.exists() else b""
    if old == new:
        return []
    if not path.exists():
        return [f"missing: {path.relative_to(ROOT)}"]
    lines = list(
        difflib.unified_diff(
            old.decode(errors="replace").splitlines(),
            new.decode(errors="replace").splitlines(),
            f"{path.relative_to(ROOT)} (committed)",
            f"{path.relative_to(ROOT)} (regenerated)",
            lineterm="",
            n=1,
        )
    )
    lines = [line if len(line) <= 300 else line[:300] + " ..." for line in lines]
    shown = lines[:40] + ([f"... {len(lines) - 40} more diff lines"] if len(lines) > 40 else [])
    return [f"differs: {path.relative_to(ROOT)}"] + ["    " + line for line in shown]


def sync(labs: list[str], check: bool) -> list[str]:
    """Regenerate (or, with ``check``, only compare) the given labs; return the differences."""
    problems: list[str] = []
    sources = {lab: labkit.dumps(expected_source(lab)) for lab in labs}
    for lab, text in sources.items():
        path = labkit.solution_path(lab)
        found = _diff(path, text.encode())
        problems += found
        if found and not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    with tempfile.TemporaryDirectory(prefix="sync_labs_") as tmp:
        releases = generate_releases(sources, Path(tmp))
    for lab, files in releases.items():
        rel_dir = labkit.release_path(lab).parent
        for rel, content in files.items():
            found = _diff(rel_dir / rel, content)
            problems += found
            if found and not check:
                (rel_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                (rel_dir / rel).write_bytes(content)
        if rel_dir.is_dir():  # files in the release that nbgrader would not produce
            for path in sorted(rel_dir.rglob("*")):
                rel = path.relative_to(rel_dir).as_posix()
                if path.is_file() and rel not in files and ".ipynb_checkpoints" not in rel:
                    problems.append(
                        f"stale: {path.relative_to(ROOT)} (not in the generated release)"
                    )
                    if not check:
                        path.unlink()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labs", nargs="*", help="labs to sync (default: every lab that exists)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 listing every difference"
    )
    args = parser.parse_args(argv)
    available = existing_labs()
    labs = args.labs or available
    unknown = [lab for lab in labs if lab not in available]
    if unknown:
        parser.error(
            f"no lab definition or solutions notebook for {unknown}; available: {available}"
        )
    problems = sync(labs, args.check)
    if args.check:
        if problems:
            print("\n".join(problems))
            print(
                f"\n{sum(not p.startswith(' ') for p in problems)} file(s) out of sync: "
                f"run `python scripts/sync_labs.py` and commit the result"
            )
            return 1
        print(f"in sync: {', '.join(labs)}")
        return 0
    changed = [p for p in problems if not p.startswith(" ")]
    print("\n".join(changed) if changed else "nothing to change")
    print(f"synced: {', '.join(labs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
