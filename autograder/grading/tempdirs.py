"""The private temporary folder of a grading run, and what killed runs left behind.

A run works in ``$TMPDIR/ppo-grade-*`` (mode 700: the working course, its gradebooks and the
lab solutions) and removes it when it ends, also on Ctrl-C. A run killed with SIGKILL cannot:
its folder stays. Each folder therefore records its owner (pid and the process's start time,
which tells a reused pid apart) and :func:`sweep` removes the folders whose owner is gone.
A folder of a live run, one without an owner record (being created, or of another version) and
one of another user are never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile

PREFIX = "ppo-grade-"
OWNER = "owner.json"


def start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks after boot), or None if there is none."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    # Field 22 of proc(5); the command name (field 2) may hold spaces and parentheses.
    return text.rpartition(")")[2].split()[19]


def make() -> str:
    """A new private folder for this run, with its owner recorded in it."""
    workdir = tempfile.mkdtemp(prefix=PREFIX)  # mode 700
    record = {"pid": os.getpid(), "start": start_time(os.getpid())}
    tmp = os.path.join(workdir, OWNER + ".partial")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f)
    os.replace(tmp, os.path.join(workdir, OWNER))
    return workdir


def _owner_gone(folder: str) -> bool:
    """True only when the folder's owner record names a process that no longer runs."""
    try:
        with open(os.path.join(folder, OWNER), encoding="utf-8") as f:
            record = json.load(f)
        pid, started = int(record["pid"]), record["start"]
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no proof that it is abandoned
    now = start_time(pid)
    return now is None if started is None else now != started


def sweep(parent: str | None = None) -> list[str]:
    """Remove the ``ppo-grade-*`` folders of this user in ``parent`` (the temporary folder)
    whose run is gone; the folders removed."""
    parent = parent or tempfile.gettempdir()
    removed = []
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return []
    for name in names:
        folder = os.path.join(parent, name)
        try:
            info = os.lstat(folder)
        except OSError:
            continue
        if not name.startswith(PREFIX) or not stat.S_ISDIR(info.st_mode):
            continue  # links included: never followed
        if info.st_uid != os.getuid() or not _owner_gone(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
