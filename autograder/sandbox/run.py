"""Start a Jupyter kernel in a sandbox: ``python -m autograder.sandbox -- KERNEL_CMD ...``.

Used by :class:`autograder.grading.preprocessors.SandboxedExecute` (through
:class:`SandboxKernelManager`) for every notebook the grader executes. Before ``exec``-ing the real
kernel command it:

* moves into a fresh, empty working directory (no course files, no submitted extra files, so a
  submitted ``numpy.py`` or ``ppo_core/`` cannot shadow anything) and points HOME, TMPDIR,
  IPYTHONDIR and MPLCONFIGDIR there;
* strips the environment (no PYTHONPATH, no JUPYTER_* paths, no NBGRADER_* except the execution
  flag) and pins the thread pools to one thread;
* sets resource limits: address space (RLIMIT_AS), CPU seconds (RLIMIT_CPU), processes and threads
  (RLIMIT_NPROC), size of a written file (RLIMIT_FSIZE), no core dumps;
* forbids new processes (threads stay allowed) with a seccomp filter
  (:func:`autograder.sandbox.seccomp_filter.block_process_creation`), which binds root too;
* when started as root, drops to an unprivileged uid (root ignores RLIMIT_NPROC and file
  permissions), with a uid per grading job so that parallel jobs do not share a process count;
* where the kernel supports Landlock (Linux >= 5.13), restricts the file system to reading the
  Python installation, the course library and system files, and writing the working directory.
  The course directory, the gradebook, ``solutions/`` and other students' submissions are then
  out of reach even through ``/proc/<parent>/cwd``.

Settings come from ``PPO_GRADER_*`` environment variables (see :data:`DEFAULTS`).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import sysconfig
import tempfile

from autograder.sandbox.seccomp_filter import block_process_creation, forbid_new_privileges

DEFAULTS = {
    "PPO_GRADER_MEMORY_MB": "4096",  # RLIMIT_AS of the kernel; torch alone maps ~1.5 GB
    "PPO_GRADER_CPU_S": "300",  # RLIMIT_CPU: a busy loop ignoring SIGINT dies here at the latest
    "PPO_GRADER_NPROC_MARGIN": "64",  # processes + threads above the uid's count at start
    "PPO_GRADER_FSIZE_MB": "64",
    "PPO_GRADER_LANDLOCK": "1",
    "PPO_GRADER_UID": "65534",  # the kernel's uid when the grader runs as root (nobody)
    "PPO_GRADER_TMP_MB": "256",  # size of the kernel's private /tmp and /dev/shm each
    "PPO_GRADER_ALLOW_UNISOLATED": "0",  # 1: run kernels even where isolation fails (loudly)
    "PPO_GRADER_NAMESPACES": "1",  # 0: do not try namespaces (tests of the refusal)
    # 1: where namespaces fail, run the kernel under the unprivileged uid alone (a container
    # such as Gradescope's, which lacks them); still refused when the kernel would stay root.
    "PPO_GRADER_UID_ONLY": "0",
    "PPO_GRADER_KERNEL_PATH": "",  # the lab's kernel tree (autograder.grading.kernel_build)
}

# Environment variables passed through to the kernel (everything else is dropped).
# PATH is rebuilt from the interpreter's folder and the system's.
# PPO_GRADER_TOKEN (one notebook) and PPO_GRADER_RUN (one grading run) mark the kernel's
# processes so that the grader can find and kill them (:func:`kill_marked`); neither is secret.
KEEP_ENV = (
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "NBGRADER_EXECUTION",
    "PPO_GRADER_TOKEN",
    "PPO_GRADER_RUN",
    "PPO_GRADER_LAB",
)


def _setting(name: str) -> str:
    return os.environ.get(name, DEFAULTS[name])


def kill_marked(name: str, value: str, sig: int = 9) -> int:
    """Send ``sig`` (SIGKILL) to every process whose environment holds ``name=value``."""
    if not value:
        return 0
    needle = f"{name}={value}".encode()
    killed = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    os.kill(int(pid), sig)
                    killed += 1
        except (OSError, ProcessLookupError):
            continue
    return killed


def count_tasks(uid: int) -> int:
    """Processes plus threads currently owned by ``uid`` (what RLIMIT_NPROC counts)."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                total += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            continue
    return total


# --- Landlock (see Documentation/userspace-api/landlock.rst) ----------------------------------
_SYS_CREATE, _SYS_ADD_RULE, _SYS_RESTRICT = 444, 445, 446  # same on x86_64 and aarch64
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1, 2, 4, 8
_ALL_ABI1 = (1 << 13) - 1
_READ = _EXECUTE | _READ_FILE | _READ_DIR


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel, 0 when unavailable."""
    if not sys.platform.startswith("linux"):
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(_SYS_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(abi), 0)


def apply_landlock(read_paths: list[str], write_paths: list[str], list_paths=()) -> bool:
    """Restrict this process (and its children) to the given hierarchies. False if unsupported."""
    abi = landlock_abi()
    if abi < 1:
        return False
    handled = _ALL_ABI1
    if abi >= 2:
        handled |= 1 << 13  # REFER
    if abi >= 3:
        handled |= 1 << 14  # TRUNCATE
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # ABI >= 6: signals may only reach processes of the same sandbox (not the grader, not
    # other users' processes -- this matters when the grader runs as root).
    attr = _RulesetAttr(handled, 0, 2 if abi >= 6 else 0)
    size = ctypes.sizeof(attr) if abi >= 6 else (16 if abi >= 4 else 8)
    fd = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        return False
    try:
        rules = (
            [(p, _READ_DIR) for p in list_paths]
            + [(p, _READ) for p in read_paths]
            + [(p, handled) for p in write_paths]
        )
        for path, access in rules:
            try:
                pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):  # rules on files accept file rights only
                    access &= _EXECUTE | _WRITE_FILE | _READ_FILE | (1 << 14 if abi >= 3 else 0)
                rule = _PathBeneathAttr(access & handled, pfd)
                libc.syscall(
                    _SYS_ADD_RULE,
                    ctypes.c_int(fd),
                    ctypes.c_int(1),
                    ctypes.byref(rule),
                    ctypes.c_uint32(0),
                )
            finally:
                os.close(pfd)
        if not forbid_new_privileges():  # required by restrict_self
            return False
        return libc.syscall(_SYS_RESTRICT, ctypes.c_int(fd), ctypes.c_uint32(0)) == 0
    finally:
        os.close(fd)


def _reachable_by_others(path: str) -> bool:
    """True if a user other than the owner can traverse to and read ``path``."""
    import stat

    path = os.path.realpath(path)
    parts = path.split(os.sep)
    for i in range(2, len(parts) + 1):
        mode = os.stat(os.sep.join(parts[:i]) or os.sep).st_mode
        if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
            return False
    return bool(os.stat(path).st_mode & stat.S_IROTH)


# The course's own packages besides autograder: the library and its figures and widgets.
COURSE_PACKAGES = ("ppo_core", "ppo_viz")


def _course_package_dirs() -> list[str]:
    """The folders of ``autograder``, ``ppo_core`` and ``ppo_viz`` as this process imports them
    (in a checkout, or in site-packages)."""
    import importlib.util

    import autograder

    dirs = [os.path.dirname(os.path.abspath(autograder.__file__))]
    for package in COURSE_PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec and spec.origin:
            dirs.append(os.path.dirname(os.path.abspath(spec.origin)))
    return dirs


def masked_paths() -> list[str]:
    """What a kernel with a kernel tree must not see at all: the course packages as the grader
    imports them (answers, checks, the solutions a wheel carries) and the checkout they come
    from (``solutions/``, the notebooks, the git history)."""
    if not _setting("PPO_GRADER_KERNEL_PATH"):
        return []
    dirs = _course_package_dirs()
    root = os.path.dirname(dirs[0])
    if any(os.path.exists(os.path.join(root, n)) for n in ("pyproject.toml", "solutions", ".git")):
        if root not in sysconfig.get_paths().values():
            dirs.append(root)
    return dirs


def _python_paths() -> list[str]:
    """Directories a kernel must read: the interpreter, site-packages, the course packages."""
    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        os.path.dirname(sys.executable),
        os.path.dirname(os.path.realpath(sys.executable)),
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib", "include", "scripts", "data"):
        try:
            paths.add(sysconfig.get_paths()[key])
        except KeyError:
            pass
    # The course packages: the lab's kernel tree when there is one (the library without the
    # lab's answers); else the package folders themselves (an editable install points into the
    # repository), never the repository root with solutions/ and the gradebook.
    tree = _setting("PPO_GRADER_KERNEL_PATH")
    paths.update([tree] if tree else _course_package_dirs())
    return sorted(p for p in paths if p and os.path.exists(p))


def _listable_paths() -> list[str]:
    """sys.path entries: listing them is harmless (file names), reading is not granted."""
    here = os.getcwd()
    return [p for p in sys.path if p and p != here and os.path.isdir(p)]


SYSTEM_READ = [
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/bin",
    "/sbin",
    "/etc",
    "/opt",
    "/proc",
    "/sys",
    "/dev",
    "/run/systemd/resolve",
]


UNISOLATED = (
    "student kernels cannot be isolated on this machine ({reason}). Without isolation student "
    "code may read the grader's environment and files and other students' /tmp and /dev/shm"
    "{uid}."
)
REFUSAL = (
    "REFUSING TO START A STUDENT KERNEL: " + UNISOLATED + " Run the grader as root on "
    "Linux (namespaces and an unprivileged uid are then used), or, only on a machine "
    "where that is acceptable, pass --allow-unisolated."
)


def _read_connection_file(argv: list[str]) -> tuple[int | None, bytes]:
    """(index of the connection file in ``argv``, its content): read before mounts hide it."""
    for i, arg in enumerate(argv):
        if arg == "-f" and i + 1 < len(argv):
            with open(argv[i + 1], "rb") as f:
                return i + 1, f.read()
    return None, b""


def _write_connection_file(
    workdir: str, argv: list[str], where: int | None, data: bytes
) -> list[str]:
    """Put the connection file into the kernel's folder, the only place it may read from."""
    out = list(argv)
    if where is not None:
        dst = os.path.join(workdir, ".kernel-connection.json")
        fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        out[where] = dst
    return out


def kernel_env(workdir: str) -> dict[str, str]:
    """The kernel's whole environment: nothing of the grader's except locale and grader flags."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    bindir = os.path.dirname(sys.executable)
    env.update(
        PATH=os.pathsep.join([bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
        HOME=workdir,
        TMPDIR=workdir,
        IPYTHONDIR=os.path.join(workdir, ".ipython"),
        MPLCONFIGDIR=os.path.join(workdir, ".mpl"),
        MPLBACKEND="Agg",
        JUPYTER_CONFIG_DIR=os.path.join(workdir, ".jupyter"),
        JUPYTER_DATA_DIR=os.path.join(workdir, ".jupyter-data"),
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        PYTHONWARNINGS="ignore",
        PPO_GRADER_KERNEL="1",  # this process is a sandboxed grading kernel
    )
    if _setting("PPO_GRADER_KERNEL_PATH"):  # first on sys.path: its ppo_core, not the checkout's
        env["PYTHONPATH"] = _setting("PPO_GRADER_KERNEL_PATH")
    return env


def _set_rlimits() -> None:
    """Core dumps off; address space, CPU seconds and written-file size capped."""
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    memory = int(_setting("PPO_GRADER_MEMORY_MB"))
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory * mb, memory * mb))
    cpu = int(_setting("PPO_GRADER_CPU_S"))
    if cpu > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    fsize = int(_setting("PPO_GRADER_FSIZE_MB"))
    if fsize > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize * mb, fsize * mb))


def _isolate() -> bool:
    """Enter namespaces (see :mod:`autograder.sandbox.isolation`); False when allowed to run
    without.

    Exits with a loud message when isolation fails and PPO_GRADER_ALLOW_UNISOLATED is not 1.
    """
    from autograder.sandbox import isolation

    if _setting("PPO_GRADER_NAMESPACES") != "1":
        return _unisolated("namespaces switched off (PPO_GRADER_NAMESPACES=0)")
    keep = _python_paths() + _listable_paths()  # never the current (course) folder
    try:
        isolation.isolate(
            keep,
            int(_setting("PPO_GRADER_TMP_MB")),
            user_ns=os.geteuid() != 0,
            mask=masked_paths(),
        )
        return True
    except (isolation.IsolationError, OSError) as exc:
        return _unisolated(f"{type(exc).__name__}: {exc}")


def can_drop() -> bool:
    """True if a kernel started as an unprivileged uid can run this interpreter: the file
    (a venv's link resolved) and the folders of the path the kernel is started by."""
    import stat

    folder = os.path.dirname(os.path.abspath(sys.executable))
    while folder != os.path.dirname(folder):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
        folder = os.path.dirname(folder)
    return _reachable_by_others(sys.executable) and _reachable_by_others(
        os.path.join(sysconfig.get_paths()["stdlib"], "os.py")
    )


def _uid_only(reason: str) -> bool:
    """PPO_GRADER_UID_ONLY=1 and this process can hand the kernel to the unprivileged uid."""
    if _setting("PPO_GRADER_UID_ONLY") != "1" or os.geteuid() != 0 or not can_drop():
        return False
    print(
        f"NOTE: no namespaces here ({reason}); the kernel runs as uid "
        f"{_setting('PPO_GRADER_UID')} with resource limits, seccomp and Landlock where the "
        f"kernel has it (PPO_GRADER_UID_ONLY=1).",
        file=sys.stderr,
        flush=True,
    )
    return True


def _unisolated(reason: str) -> bool:
    """Refuse loudly (exit 78), or warn and go on when PPO_GRADER_ALLOW_UNISOLATED=1; with
    PPO_GRADER_UID_ONLY=1, go on quietly when the kernel can drop to the unprivileged uid."""
    if _uid_only(reason):
        return False
    uid_note = (
        ""
        if os.geteuid() != 0 or can_drop()
        else ", and it runs as root: the interpreter is in a folder other users cannot "
        "read, so the kernel cannot switch to an unprivileged uid"
    )
    if _setting("PPO_GRADER_ALLOW_UNISOLATED") != "1":
        print(REFUSAL.format(reason=reason, uid=uid_note), file=sys.stderr, flush=True)
        os._exit(78)  # EX_CONFIG; in a forked child SystemExit would run the parent's cleanup
    print(
        "WARNING (--allow-unisolated): " + UNISOLATED.format(reason=reason, uid=uid_note),
        file=sys.stderr,
        flush=True,
    )
    return False


def _prepare(isolated: bool) -> tuple[str, bool]:
    """(the kernel's working folder, whether to drop to the unprivileged uid)."""
    if isolated:  # /tmp is this kernel's own tmpfs now
        workdir = os.path.join("/tmp", "kernel")
        os.mkdir(workdir, 0o700)
        return workdir, os.geteuid() == 0
    parent = os.environ.get("PPO_GRADER_KERNEL_ROOT") or None  # removed by the grader
    workdir = tempfile.mkdtemp(prefix="ppo-kernel-", dir=parent)
    return workdir, os.geteuid() == 0 and can_drop()


def start(argv: list[str]) -> tuple[str, list[str], dict[str, str]]:
    """Everything up to the exec: (working folder, kernel command, kernel environment)."""
    from autograder.sandbox import isolation

    # If the worker that started this kernel dies, so does this process (and with it, through
    # its own parent-death signal, the kernel in the namespaces).
    ctypes.CDLL(None).prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    launcher = os.environ.get("PPO_GRADER_LAUNCHER", "")
    if launcher.isdigit() and os.getppid() != int(launcher):
        os._exit(1)  # the worker died before the signal was asked for: nothing would kill us
    uid = int(_setting("PPO_GRADER_UID"))
    where, connection = _read_connection_file(argv)
    nproc = count_tasks(uid if os.geteuid() == 0 else os.getuid())  # before /proc is private
    isolated = _isolate()
    workdir, drop = _prepare(isolated)
    argv = _write_connection_file(workdir, argv, where, connection)
    env = kernel_env(workdir)
    _set_rlimits()
    read_paths = SYSTEM_READ + _python_paths()
    listable = _listable_paths()
    if drop:
        isolation.drop_to(uid, [workdir])
    if os.environ.get("PPO_GRADER_NO_FORK", "1") == "1":
        block_process_creation()
    _apply_nproc_limit(nproc + int(_setting("PPO_GRADER_NPROC_MARGIN")))
    if _setting("PPO_GRADER_LANDLOCK") == "1":
        writable = [workdir, "/dev/null", "/dev/shm"] + (["/tmp"] if isolated else [])
        apply_landlock(read_paths, writable, listable)
    os.chdir(workdir)
    return workdir, argv, env


def _apply_nproc_limit(limit: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))


def probe() -> None:
    """``--probe``: isolate and drop privileges as for a kernel, then report and exit."""
    _workdir, _argv, _env = start([])
    print(f"isolated uid={os.getuid()} pid={os.getpid()}", flush=True)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--probe"]:
        probe()
        return
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        raise SystemExit("usage: python -m autograder.sandbox -- KERNEL_COMMAND ...")
    _workdir, argv, env = start(argv)
    if os.environ.get("PPO_GRADER_KERNEL_LOG") != "1":  # the kernel's chatter, not the learner's
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    main(sys.argv[1:])
