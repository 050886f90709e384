"""Linux namespaces for the grading kernel: its own PID space, /proc, /tmp, /dev/shm and uid.

Used by :mod:`autograder.sandbox` when the grader runs as root (the usual case on a course
server and in CI). :func:`isolate` puts the calling process into a new mount namespace and a new
PID namespace (the caller forks: the parent only waits, the child is PID 1 of the new space),
then, in the child:

* mounts a fresh ``/proc`` for the new PID space, so other processes -- the grader, its workers,
  other students' kernels -- have no ``/proc/<pid>`` entry to read (``environ``, ``cwd``...);
* mounts empty, size-capped tmpfs on ``/tmp`` and ``/dev/shm``: what one student writes there
  disappears with their kernel and is never seen by the next;
* hides every directory that other users may not traverse (``/root`` when the interpreter was
  installed by pyenv in root's home) behind an empty read-only tmpfs, and bind-mounts back,
  read-only and at the same paths, only the folders the kernel needs (the Python installation,
  the venv, the course packages);
* switches to the unprivileged ``uid`` with no supplementary groups and no capabilities.

Everything happens before the kernel command is exec-ed, so none of it can be undone by
student code (no capability is left to unmount or to change uid).
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import stat
import sys
from collections.abc import Sequence

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x10000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG = 1


# The read end of a pipe whose write end only the waiting parent holds (set in the child of
# enter_namespaces): it reads as closed once that parent is gone.
_parent_pipe: int | None = None


class IsolationError(RuntimeError):
    """A step of the isolation failed: the kernel must not start (unless explicitly allowed)."""


def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    return libc


def _mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    args = [s.encode() if s is not None else None for s in (source, target, fstype)]
    if _libc().mount(*args, flags, data.encode() if data is not None else None) != 0:
        err = ctypes.get_errno()
        raise IsolationError(f"mount {fstype or 'bind'} on {target} failed: {os.strerror(err)}")


def blocked_ancestor(path: str) -> str | None:
    """The outermost directory above ``path`` that other users cannot traverse, if any."""
    parts = os.path.realpath(path).split(os.sep)
    for i in range(2, len(parts)):
        folder = os.sep.join(parts[:i])
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return folder
    return None


def enter_namespaces(user_ns: bool = False) -> None:
    """New mount + PID namespaces. Only the child returns; the parent waits and exits with it.

    ``user_ns`` (not root): also a user namespace mapping only our own uid and gid, which gives
    the right to mount there and nothing outside it.
    """
    libc = _libc()
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | CLONE_NEWPID | (CLONE_NEWUSER if user_ns else 0)
    if libc.unshare(flags) != 0:
        raise IsolationError(
            f"unshare(mount, pid{', user' if user_ns else ''}) failed: "
            f"{os.strerror(ctypes.get_errno())}"
        )
    if user_ns:
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    global _parent_pipe
    read_end, write_end = os.pipe()  # close-on-exec: the kernel does not inherit either end
    pid = os.fork()
    if pid == 0:
        os.close(write_end)
        _parent_pipe = read_end
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the waiting parent
        exit_if_orphaned()
        return
    os.close(read_end)
    # The parent: Jupyter signals the whole process group (the child is in it); SIGINT is
    # for the kernel only, and a SIGTERM / SIGKILL of this process kills the child through
    # its parent-death signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, status = os.waitpid(pid, 0)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def private_mounts(keep: list[str], tmp_mb: int, mask: Sequence[str] = ()) -> None:
    """Fresh /proc, /tmp and /dev/shm; hide untraversable folders except the ``keep`` paths;
    cover each ``mask`` folder with an empty one (``keep`` paths below it stay)."""
    every = sorted({os.path.realpath(p) for p in keep if os.path.exists(p)})
    keep = _outermost(every)
    covers: dict[str, list[str]] = {}
    for top in ("/tmp", "/dev/shm"):  # a venv or course below /tmp must stay visible
        if os.path.isdir(top):
            covers[top] = [p for p in keep if p.startswith(top + os.sep)]
    for path in keep:
        blocked = blocked_ancestor(path)
        if blocked is not None and blocked not in covers:
            covers[blocked] = [p for p in keep if p.startswith(blocked + os.sep)]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing propagates back to the host
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for top, paths in sorted(covers.items()):
        shared = top in ("/tmp", "/dev/shm")
        _cover(
            top,
            paths,
            f"mode=1777,size={tmp_mb}m" if shared else "mode=0755,size=1m",
            readonly=not shared,
        )
    # Last, on top of what was bound back: the masked folders, with the kept folders below them
    # (a venv inside the checkout) bound back again.
    for top in _outermost(sorted({os.path.realpath(p) for p in mask if os.path.isdir(p)})):
        below = _outermost([p for p in every if p.startswith(top + os.sep)])
        _cover(top, below, "mode=0755,size=1m", readonly=True)


def _outermost(paths: list[str]) -> list[str]:
    """``paths`` without those inside another of them."""
    return [p for p in paths if not any(p.startswith(q + os.sep) for q in paths)]


def _cover(top: str, paths: list[str], data: str, readonly: bool) -> None:
    """Mount an empty tmpfs on ``top``, then bind ``paths`` (below it) back, read-only."""
    fds = {p: os.open(p, os.O_PATH | os.O_CLOEXEC) for p in paths}  # reachable after the cover
    try:
        _mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, data)
        for path, fd in fds.items():
            rel = os.path.relpath(path, top).split(os.sep)
            for i in range(1, len(rel) + 1):  # traversable parents, same names
                folder = os.path.join(top, *rel[:i])
                if not os.path.isdir(folder):
                    os.mkdir(folder, 0o755)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
        if readonly:
            _mount(None, top, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, data)
    finally:
        for fd in fds.values():
            os.close(fd)


def drop_to(uid: int, owned: list[str]) -> None:
    """Become ``uid`` (gid = uid, no groups, no capabilities); ``owned`` paths are chowned first."""
    for top in owned:
        for dirpath, _dirnames, filenames in os.walk(top):
            for name in [dirpath] + [os.path.join(dirpath, f) for f in filenames]:
                os.chown(name, uid, uid)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise IsolationError("setuid did not take effect")
    # The credential change cleared any parent-death signal: ask again, so the kernel dies
    # with the sandbox process Jupyter holds.
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    exit_if_orphaned()


def exit_if_orphaned() -> None:
    """Exit at once if the waiting parent died while no parent-death signal was set (between
    the fork and the ``prctl``, or across a credential change, which clears it): no signal
    would come, and the kernel would outlive the grader. As PID 1 of its namespace the child
    cannot tell by ``getppid`` (always 0), so it asks the pipe whose other end the parent
    holds."""
    if _parent_pipe is None:
        return
    readable, _, _ = select.select([_parent_pipe], [], [], 0)
    if readable:  # the parent never writes: readable means its end was closed
        os._exit(1)


def isolate(keep: list[str], tmp_mb: int, user_ns: bool = False, mask: Sequence[str] = ()) -> None:
    """Namespaces and private mounts; as root the caller then drops privileges (:func:`drop_to`).

    Raises :class:`IsolationError` (in the forked child, after a partial set-up) on failure.
    """
    if sys.platform != "linux":
        raise IsolationError("namespaces need Linux")
    enter_namespaces(user_ns)
    private_mounts(keep, tmp_mb, mask)
