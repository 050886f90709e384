"""The library a grading kernel imports: ``ppo_core`` without the graded lab's answers.

Lab N is graded in a kernel whose ``ppo_core`` is the full library except the reference
implementations of Lab N's exercises, withheld by the same step as the student build
(:func:`autograder.student.build.write_library` with every other lab revealed), so each lab is
graded on its own work and its library code (networks, rollout, the other labs' functions) still
runs. Beside it: ``ppo_viz``, and of ``autograder`` only what a kernel needs, the kernel's side of
the calls (:mod:`autograder.kernel.remote`, :mod:`~autograder.kernel.wire`,
:mod:`~autograder.kernel.spies`) and an ``autograder.checks`` that holds no check (the labs'
setup cells import it; when a class is graded the checks run in the grader's process).

The sandbox puts the tree first on the kernel's ``sys.path`` and masks the installed course
packages and the checkout (:mod:`autograder.sandbox.run`). Trees are cached by the content of
everything they are made from, under ``$PPO_GRADER_CACHE`` (default
``~/.cache/ppo-course/kernels``), so a grading run builds each lab's tree once (about 2 s).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from autograder.student.checkout import REPO_ROOT, exercise_labs

KERNEL_MODULES = ("__init__.py", "wire.py", "remote.py", "spies.py")
"""The files of ``autograder/kernel`` a grading kernel imports."""
SANDBOX_MODULES = ("__init__.py", "seccomp_filter.py")
"""The files of ``autograder/sandbox`` it imports (the filter that stops new threads)."""
_SITECUSTOMIZE = '''"""Start-up of a grading kernel (Python imports ``sitecustomize`` from its
path): the course is imported from this tree only. An editable install of the course registers
an import finder that maps ``autograder``, ``ppo_core`` and ``ppo_viz`` to its checkout; it is
dropped here, so that no module of the checkout (the checks, the grader) is importable. (The
sandbox also masks the checkout's files.)"""

import sys

sys.meta_path[:] = [
    f for f in sys.meta_path if not str(getattr(f, "__module__", "")).startswith("__editable__")
]
'''
_CHECKS_STUB = '''"""The course's checks. When a class is graded they run in the grader's own
process, not in this kernel: this package holds none of them (the labs' setup cells import
it), only ``carry``, whose locked cells (saving and using ``my_ppo``) do nothing when grading."""
'''
CHECKS_MODULES = ("carry.py",)
"""The files of ``autograder/checks`` a grading kernel imports (the labs' locked cells do)."""


def _sources() -> list[Path]:
    """Every file a tree is made from (the hash covers them all)."""
    kernel = Path(__file__).resolve().parents[1] / "kernel"
    files = [kernel / name for name in KERNEL_MODULES]
    files += [kernel.parent / "sandbox" / name for name in SANDBOX_MODULES]
    files += [kernel.parent / "checks" / name for name in CHECKS_MODULES]
    student = Path(__file__).resolve().parents[1] / "student"
    files += [student / "build.py", student / "regions.py"]  # they write the library's copy
    for package in ("ppo_core", "ppo_viz"):
        folder = REPO_ROOT / package
        files += sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    return files


def digest(lab: str) -> str:
    """The content hash naming ``lab``'s tree."""
    h = hashlib.sha256(lab.encode())
    for path in _sources():
        h.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:20]


def cache_root() -> Path:
    default = Path.home() / ".cache" / "ppo-course" / "kernels"
    return Path(os.environ.get("PPO_GRADER_CACHE") or default)


def write_tree(dest: Path, lab: str) -> None:
    """Write ``lab``'s kernel tree into the empty folder ``dest``."""
    from autograder.student.build import write_library

    labs = sorted(set(exercise_labs().values()))
    write_library(dest, reveal=[other for other in labs if other != lab])
    shutil.copytree(
        REPO_ROOT / "ppo_viz", dest / "ppo_viz", ignore=shutil.ignore_patterns("__pycache__")
    )
    package = dest / "autograder"
    (package / "checks").mkdir(parents=True)
    (package / "kernel").mkdir()
    (package / "__init__.py").write_text('"""What a grading kernel has of the autograder."""\n')
    (package / "checks" / "__init__.py").write_text(_CHECKS_STUB)
    (dest / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    source = Path(__file__).resolve().parents[1]
    for name in KERNEL_MODULES:
        shutil.copy(source / "kernel" / name, package / "kernel" / name)
    (package / "sandbox").mkdir()
    for name in SANDBOX_MODULES:
        shutil.copy(source / "sandbox" / name, package / "sandbox" / name)
    for name in CHECKS_MODULES:
        shutil.copy(source / "checks" / name, package / "checks" / name)


def tree_for(lab: str) -> str:
    """The folder to put first on the grading kernel's ``sys.path`` for ``lab`` (built once per
    content hash; readable by the kernel's unprivileged uid)."""
    final = cache_root() / digest(lab) / lab
    if (final / ".complete").exists():
        return str(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{lab}-", dir=final.parent))
    write_tree(work, lab)
    (work / ".complete").write_text("")
    for path in [work, *work.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    try:
        os.rename(work, final)  # atomic; another worker may have won the race
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (final / ".complete").exists():
            raise
    for folder in (final.parent, final.parent.parent):
        folder.chmod(0o755)
    return str(final)
