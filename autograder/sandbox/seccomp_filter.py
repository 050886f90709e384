"""Seccomp filters of the grading kernel: no new processes, then no new threads.

A seccomp filter is a classic-BPF program the Linux kernel runs at every system call of the
process; it reads the call's ``struct seccomp_data`` (number, architecture, arguments) and returns
what to do: let it through, fail it with an errno, or kill the process (see the kernel's
Documentation/userspace-api/seccomp_filter.rst). Filters stack and cannot be removed, so once
installed they hold for the rest of the process's life, whatever it runs later.

Two rule tables (:data:`NO_PROCESSES`, :data:`NO_THREADS`) say which calls are refused and why;
:func:`assemble` turns a table into the program, written with the kernel's own names
(``BPF_STMT`` / ``BPF_JUMP`` of linux/filter.h), and :func:`install` hands it to the kernel.

* :func:`block_process_creation` (:mod:`autograder.sandbox`, before the kernel starts): a learner
  cannot start processes, which could outlive the kernel, escape its limits or run other
  programs; threads still work.
* :func:`block_new_threads` (:mod:`autograder.kernel.remote`, before the grader's first call of
  a learner's function): no thread either, so nothing a learner's function leaves behind runs
  after it returned (e.g. a thread that would stop the notebook's later cells from running).

Libseccomp would build the same programs, but its Python bindings are not on PyPI (pyseccomp
wraps the C library, which a grading machine may lack); the programs are small enough to
assemble here.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from dataclasses import dataclass

# --- Classic BPF (linux/bpf_common.h) -------------------------------------------------------------
BPF_LD, BPF_JMP, BPF_RET = 0x00, 0x05, 0x06  # instruction classes: load, jump, return
BPF_W, BPF_ABS = 0x00, 0x20  # load a 32-bit word from a fixed offset of seccomp_data
BPF_JEQ, BPF_JGE, BPF_JSET = 0x10, 0x30, 0x40  # jump if A == k; if A >= k; if A & k != 0
BPF_K = 0x00  # the operand is the constant k

# --- struct seccomp_data (linux/seccomp.h): the offsets the programs load from --------------------
SECCOMP_DATA_NR = 0  # int nr: the system call's number
SECCOMP_DATA_ARCH = 4  # __u32 arch: an AUDIT_ARCH_* value
SECCOMP_DATA_ARG0 = 16  # __u64 args[0]: its low 32 bits here (little-endian x86_64 and aarch64)

# --- What a filter returns (linux/seccomp.h) ------------------------------------------------------
SECCOMP_RET_KILL_PROCESS = 0x80000000  # the whole process dies of SIGSYS (Linux >= 4.14)
SECCOMP_RET_ERRNO = 0x00050000  # | errno: the call fails with -1 and that errno
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_DATA = 0x0000FFFF  # the errno's bits of an SECCOMP_RET_ERRNO value

# --- Installing (linux/seccomp.h, linux/prctl.h) --------------------------------------------------
SECCOMP_SET_MODE_FILTER = 1  # seccomp(2)'s operation
SECCOMP_FILTER_FLAG_TSYNC = 1  # ... applied to every thread of the process, not only the caller
PR_SET_NO_NEW_PRIVS = 38  # required to install a filter (and a Landlock ruleset) without root

CLONE_THREAD = 0x00010000  # clone's flag for a thread of the same process (linux/sched.h)


@dataclass(frozen=True)
class Arch:
    """What the programs need to know of a processor architecture."""

    audit: int
    """Its AUDIT_ARCH_* value (linux/audit.h), which seccomp_data.arch holds."""
    syscalls: dict[str, int]
    """The numbers of the calls the rules name, and of seccomp itself (asm/unistd.h)."""
    other_abi_from: int = 0
    """Call numbers from this one on belong to another ABI with the same AUDIT_ARCH value
    (x86_64's x32, whose numbers carry __X32_SYSCALL_BIT); 0: none."""


ARCHES = {
    "x86_64": Arch(
        0xC000003E,
        {"clone": 56, "fork": 57, "vfork": 58, "seccomp": 317, "clone3": 435},
        other_abi_from=0x40000000,
    ),
    # No fork or vfork here: the C library makes processes with clone.
    "aarch64": Arch(0xC00000B7, {"clone": 220, "seccomp": 277, "clone3": 435}),
}


def deny(code: int) -> int:
    """The filter's return value that fails the call with ``errno`` ``code``."""
    return SECCOMP_RET_ERRNO | code


@dataclass(frozen=True)
class Rule:
    """One system call refused (where the architecture has it)."""

    syscall: str
    action: int
    """What the filter returns for it: ``deny(errno)``."""
    unless_flags: int = 0
    """When not 0: the call is allowed if its first argument has any of these bits."""


NO_PROCESSES = (
    # fork and vfork always make a process. EAGAIN is what they return at the process limit
    # (RLIMIT_NPROC), which callers already handle.
    Rule("fork", deny(errno.EAGAIN)),
    Rule("vfork", deny(errno.EAGAIN)),
    # clone3 passes its flags in a struct in memory, which a filter cannot read, so it cannot
    # tell a thread from a process. ENOSYS ("no such call") makes the C library fall back to
    # clone, whose flags it can read: threads keep working.
    Rule("clone3", deny(errno.ENOSYS)),
    # clone makes a thread with CLONE_THREAD and a process without it.
    Rule("clone", deny(errno.EAGAIN), unless_flags=CLONE_THREAD),
)
"""The sandbox's rules: no new process; threads are fine (torch, numpy and the kernel use them)."""

NO_THREADS = (
    Rule("clone3", deny(errno.ENOSYS)),  # as above: the C library then tries clone
    Rule("clone", deny(errno.EAGAIN)),  # any clone: a thread is refused like a process
)
"""The grading kernel's rules once the learner's functions are called: no clone at all. (fork
and vfork are already refused by the sandbox.)"""


def BPF_STMT(code: int, k: int) -> tuple[int, int, int, int]:
    """A BPF instruction that does not jump (named and written as linux/filter.h's macro)."""
    return (code, 0, 0, k)


def BPF_JUMP(code: int, k: int, jt: int, jf: int) -> tuple[int, int, int, int]:
    """A conditional jump (as linux/filter.h's macro): skip ``jt`` instructions if the test
    holds, ``jf`` if not."""
    return (code, jt, jf, k)


def _rule_block(rule: Rule, nr: int) -> list[tuple[int, int, int, int]]:
    """The instructions of one rule, with the call's number in A: if it is this call, they
    return; otherwise they skip themselves."""
    if rule.unless_flags:
        then = [
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARG0),
            BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, rule.unless_flags, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, rule.action),
        ]
    else:
        then = [BPF_STMT(BPF_RET | BPF_K, rule.action)]
    return [BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, len(then)), *then]


_TO_KILL = -1  # a jump to the program's last instruction, resolved by assemble


def assemble(rules: tuple[Rule, ...], arch: Arch) -> list[tuple[int, int, int, int]]:
    """The filter for ``rules`` on ``arch``: ``(code, jt, jf, k)`` per instruction.

    A call made with another numbering kills the process: the rules name calls by ``arch``'s
    numbers, and the same call under another number (fork is 2 through the 32-bit ``int 0x80``
    entry of x86_64, 57 through ``syscall``) would pass them. Only machine code written to get
    around the filter makes such a call, so it gets no answer. Then each rule whose call
    ``arch`` has gets a block; every other call is allowed.
    """
    rules = tuple(rule for rule in rules if rule.syscall in arch.syscalls)
    program = [
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch.audit, 0, _TO_KILL),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
    ]
    if arch.other_abi_from:
        program.append(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, arch.other_abi_from, _TO_KILL, 0))
    for rule in rules:
        program += _rule_block(rule, arch.syscalls[rule.syscall])
    program.append(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW))
    program.append(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS))
    last = len(program) - 1
    return [
        (code, last - i - 1 if jt == _TO_KILL else jt, last - i - 1 if jf == _TO_KILL else jf, k)
        for i, (code, jt, jf, k) in enumerate(program)
    ]


class SockFilter(ctypes.Structure):
    """``struct sock_filter`` (linux/filter.h): one instruction."""

    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class SockFprog(ctypes.Structure):
    """``struct sock_fprog``: the program as seccomp(2) takes it."""

    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def encode(program: list[tuple[int, int, int, int]]) -> ctypes.Array[SockFilter]:
    """The program as the array of ``struct sock_filter`` the kernel reads."""
    return (SockFilter * len(program))(*[SockFilter(*instruction) for instruction in program])


def forbid_new_privileges() -> bool:
    """``PR_SET_NO_NEW_PRIVS``: no exec of this process may gain privileges (a set-uid program);
    the kernel asks for it before it accepts a filter or a Landlock ruleset from a process
    without CAP_SYS_ADMIN."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0


def install(program: list[tuple[int, int, int, int]]) -> bool:
    """Add ``program`` to the filters of every thread of this process (and of their future
    children). False where refused or unsupported.

    Every thread: prctl(PR_SET_SECCOMP) would filter only the calling thread, and a kernel
    already runs others (ipykernel's control and IOPub threads, IPython's history thread) to
    which a learner's code can hand work that starts a thread.
    """
    arch = _native_arch()
    if arch is None or not forbid_new_privileges():
        return False
    filters = encode(program)
    fprog = SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return (
        libc.syscall(
            ctypes.c_long(arch.syscalls["seccomp"]),
            ctypes.c_uint(SECCOMP_SET_MODE_FILTER),
            ctypes.c_uint(SECCOMP_FILTER_FLAG_TSYNC),
            ctypes.byref(fprog),
        )
        == 0
    )


def _native_arch() -> Arch | None:
    """This machine's :class:`Arch`; None off Linux or on an architecture not listed."""
    if not sys.platform.startswith("linux"):
        return None
    return ARCHES.get(os.uname().machine)


def block_process_creation() -> bool:
    """Make fork, vfork and clone without CLONE_THREAD fail with EAGAIN (clone3: ENOSYS, so the
    C library falls back to clone). Works for root too, unlike RLIMIT_NPROC. False where
    unsupported."""
    arch = _native_arch()
    return arch is not None and install(assemble(NO_PROCESSES, arch))


def block_new_threads() -> bool:
    """From now on no clone at all: neither processes nor threads (used by
    :mod:`autograder.kernel.remote` once the notebook's setup has run, so a learner's function
    cannot leave a thread behind). False where unsupported."""
    arch = _native_arch()
    return arch is not None and install(assemble(NO_THREADS, arch))
