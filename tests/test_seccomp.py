"""The seccomp filters of the grading kernel (autograder/sandbox/seccomp_filter.py).

Each rule, in a real process: with the filter the call gets the rule's answer, without it the
same call succeeds. And the assembled program, decoded from the bytes the kernel reads and run
by a small BPF interpreter, answers every call as the rule tables say, on every architecture
listed.
"""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.sandbox import seccomp_filter as sf

CHILD = Path(__file__).resolve().parent / "fixtures" / "seccomp" / "child.py"
MACHINE = os.uname().machine
NATIVE = sf.ARCHES.get(MACHINE)
AUDIT_ARCH_I386 = 0x40000003  # x86_64's 32-bit entry (int 0x80)
TABLES = {"NO_PROCESSES": sf.NO_PROCESSES, "NO_THREADS": sf.NO_THREADS}

needs_seccomp = pytest.mark.skipif(
    not sys.platform.startswith("linux") or NATIVE is None,
    reason="seccomp filters are built for Linux on x86_64 and aarch64",
)


def child(table: str, call: str) -> subprocess.CompletedProcess:
    """Run ``call`` in a fresh process with the filter ``table`` (``"none"``: no filter)."""
    return subprocess.run(
        [sys.executable, str(CHILD), table, call],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _native_rules() -> list[tuple[str, sf.Rule]]:
    if NATIVE is None:
        return []
    return [
        (name, rule)
        for name, rules in TABLES.items()
        for rule in rules
        if rule.syscall in NATIVE.syscalls
    ]


@needs_seccomp
@pytest.mark.parametrize(
    "table,rule", _native_rules(), ids=lambda x: x if isinstance(x, str) else x.syscall
)
def test_each_rule_refuses_its_call_which_succeeds_without_it(table, rule):
    if rule.syscall == "vfork" and MACHINE != "x86_64":
        pytest.skip("the vfork child is x86_64 machine code")
    control = child("none", rule.syscall)
    assert control.stdout.strip() == "ok", control.stderr
    refused = child(table, rule.syscall)
    assert refused.stdout.strip() == f"errno {rule.action & sf.SECCOMP_RET_DATA}", refused.stderr


@needs_seccomp
@pytest.mark.parametrize(
    "table,answer", [("none", "ok"), ("NO_PROCESSES", "ok"), ("NO_THREADS", "refused")]
)
def test_threads_start_under_no_processes_only(table, answer):
    """clone with CLONE_THREAD is the NO_PROCESSES rule's exception (after clone3 was refused
    with ENOSYS, the C library makes threads with clone)."""
    proc = child(table, "thread")
    assert proc.stdout.strip() == answer, proc.stderr


@needs_seccomp
@pytest.mark.parametrize("table,answer", [("none", "ok"), ("NO_THREADS", "refused")])
def test_the_filter_binds_threads_that_ran_before_it(table, answer):
    """A kernel already runs threads when NO_THREADS is installed; a learner's code could
    hand one of them the work of starting a thread."""
    proc = child(table, "thread_from_older_thread")
    assert proc.stdout.strip() == answer, proc.stderr


@pytest.mark.skipif(MACHINE != "x86_64", reason="the other numberings are x86_64's")
@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("call", ["i386_getpid", "x32_getpid"])
def test_calls_with_another_numbering_kill_the_process(table, call):
    """fork is 2 through x86_64's 32-bit entry (int 0x80) and 57 | 0x40000000 for x32: calls
    under another numbering would get past the rules, so any such call kills."""
    control = child("none", call)
    if control.returncode != 0:
        pytest.skip(f"{call} does not run on this kernel: {control.stderr[-200:]}")
    assert control.stdout.strip() == "ok"
    killed = child(table, call)
    assert killed.returncode == -signal.SIGSYS, (killed.returncode, killed.stderr[-500:])


# --- The program, decoded and interpreted ---------------------------------------------------

LOAD = sf.BPF_LD | sf.BPF_W | sf.BPF_ABS
JEQ = sf.BPF_JMP | sf.BPF_JEQ | sf.BPF_K
JGE = sf.BPF_JMP | sf.BPF_JGE | sf.BPF_K
JSET = sf.BPF_JMP | sf.BPF_JSET | sf.BPF_K
RET = sf.BPF_RET | sf.BPF_K


def decode(program: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """``(code, jt, jf, k)`` of each ``struct sock_filter`` in the bytes the kernel gets."""
    raw = bytes(sf.encode(program))
    assert len(raw) == 8 * len(program)
    return list(struct.iter_unpack("=HBBI", raw))


def run_bpf(program, nr: int, arch: int, arg0: int = 0) -> int:
    """What ``program`` returns for a call (only the instructions the filters may use)."""
    data = {sf.SECCOMP_DATA_NR: nr, sf.SECCOMP_DATA_ARCH: arch, sf.SECCOMP_DATA_ARG0: arg0}
    pc, a = 0, 0
    while True:
        assert 0 <= pc < len(program), f"jumped out of the program at {pc}"
        code, jt, jf, k = program[pc]
        if code == LOAD:
            a, pc = data[k], pc + 1
        elif code == JEQ:
            pc += 1 + (jt if a == k else jf)
        elif code == JGE:
            pc += 1 + (jt if a >= k else jf)
        elif code == JSET:
            pc += 1 + (jt if a & k else jf)
        elif code == RET:
            return k
        else:
            raise AssertionError(f"instruction {pc}: unexpected code {code:#x}")


def expected(rules, arch: sf.Arch, audit: int, nr: int, arg0: int) -> int:
    """What the rule table says about call number ``nr`` of the numbering ``audit``."""
    if audit != arch.audit or (arch.other_abi_from and nr >= arch.other_abi_from):
        return sf.SECCOMP_RET_KILL_PROCESS
    for rule in rules:
        if arch.syscalls.get(rule.syscall) == nr:
            return sf.SECCOMP_RET_ALLOW if arg0 & rule.unless_flags else rule.action
    return sf.SECCOMP_RET_ALLOW


@pytest.mark.parametrize("arch_name", sorted(sf.ARCHES))
@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_decoded_program_answers_every_call_as_the_table_says(table, arch_name):
    arch, rules = sf.ARCHES[arch_name], TABLES[table]
    program = decode(sf.assemble(rules, arch))
    assert program == sf.assemble(rules, arch)
    assert program[-1][0] == RET  # the kernel refuses a program that can run off its end
    named = {n for rule in rules for n in [arch.syscalls.get(rule.syscall)] if n is not None}
    assert named, "no rule applies on this architecture"
    numbers = named | set(range(0, 512, 7))
    numbers |= {n | 0x40000000 for n in numbers}  # x32's numbers of the same calls
    audits = [arch.audit, AUDIT_ARCH_I386] + [other.audit for other in sf.ARCHES.values()]
    for audit in audits:
        for nr in sorted(numbers):
            for arg0 in (0, sf.CLONE_THREAD, signal.SIGCHLD, sf.CLONE_THREAD | 0x0F00):
                got = run_bpf(program, nr, audit, arg0)
                assert got == expected(rules, arch, audit, nr, arg0), (hex(audit), nr, hex(arg0))


def test_the_interpreter_sees_a_rule_go_missing():
    """The interpreted check fails for a program that lost a rule (it can fail)."""
    arch = sf.ARCHES["x86_64"]
    program = decode(sf.assemble(sf.NO_PROCESSES[1:], arch))  # without fork
    fork = arch.syscalls["fork"]
    assert run_bpf(program, fork, arch.audit) != expected(
        sf.NO_PROCESSES, arch, arch.audit, fork, 0
    )
