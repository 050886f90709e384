"""CPU seconds per stage of `python -m autograder grade`, per notebook and fixed.

    .venv/bin/python benchmarks/grading_profile.py                 # 5 submissions of lab2_gae
    .venv/bin/python benchmarks/grading_profile.py --n 10 --lab lab3_clipped_loss

Wall-clock time on a shared machine says little (other jobs take the cores); CPU seconds depend
on it much less, so this is the figure to compare before and after a change to the grader, and
``grading_speed.py`` the one to take on a quiet machine. One grading worker runs in this process,
as in each worker process of ``grade``, over submissions built like ``grading_speed.py``'s (one in
five wrong). Per notebook: the worker's CPU in nbgrader's ``autograde`` (rebuild, gradebook,
kernel client) and in the feedback page, and the kernel's (the sandbox and the kernel process),
read from /proc before its shutdown and, while it shuts down, until it exits (the CPU time of a
killed process never reaches its parent). Fixed costs: importing the grading modules in a new
process (main process and each worker) and building the course template.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)
sys.path.insert(0, HERE)

TICKS = os.sysconf("SC_CLK_TCK")
IMPORTS = "import autograder.grading.grade, autograder.grading.worker, nbgrader.apps"


def marked_cpu_seconds(token: str) -> float:
    """User + system CPU seconds of the processes whose environment holds this kernel's token."""
    needle, total = f"PPO_GRADER_TOKEN={token}".encode(), 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


class ShutdownSampler(threading.Thread):
    """Polls the kernel's CPU while it shuts down: its last reading before it exits."""

    def __init__(self, token: str, before: float) -> None:
        super().__init__(daemon=True)
        self.token, self.peak, self.cpu = token, before, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, marked_cpu_seconds(self.token))
        self.cpu = time.thread_time()

    def __enter__(self) -> ShutdownSampler:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.join()


def import_seconds() -> float:
    """CPU seconds of a new Python that imports what a grading process imports."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", IMPORTS], check=True, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def instrument(stages: dict[str, float]) -> None:
    """Count the worker's CPU in autograde and feedback, and the kernel's before its kill."""
    from nbclient import NotebookClient

    from autograder.grading import worker

    def timed(name: str, fn):
        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.process_time() - start

        return wrapper

    cleanup = NotebookClient._cleanup_kernel

    def sampled_cleanup(self, *args, **kwargs):
        token = os.environ.get("PPO_GRADER_TOKEN", "")
        before = marked_cpu_seconds(token)
        stages["kernel: to the last cell"] = stages.get("kernel: to the last cell", 0.0) + before
        with ShutdownSampler(token, before) as sampler:
            result = cleanup(self, *args, **kwargs)
        stages["kernel: shutdown"] = stages.get("kernel: shutdown", 0.0) + sampler.peak - before
        # the sampler's own CPU is this process's, inside autograde: not the grader's work
        stages["worker: autograde"] = stages.get("worker: autograde", 0.0) - sampler.cpu
        return result

    NotebookClient._cleanup_kernel = sampled_cleanup
    worker._autograde = timed("worker: autograde", worker._autograde)
    worker._feedback = timed("worker: feedback page", worker._feedback)


def profile(lab: str, n: int, workdir: str) -> tuple[dict[str, float], list[dict], float]:
    """(CPU seconds per stage over the n notebooks, their rows, the template's CPU seconds)."""
    from grading_speed import make_submissions

    from autograder.grading import course, discover, grade, worker

    settings = dict(grade.DEFAULT_SETTINGS, course_root=REPO)
    bindir = os.path.dirname(sys.executable)  # nbgrader runs this environment's `alembic`
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    os.environ["PPO_GRADER_RUN"] = f"profile-{os.getpid()}"
    submissions, out = os.path.join(workdir, "submissions"), os.path.join(workdir, "out")
    make_submissions(submissions, lab, n)
    labs = course.labs(REPO)
    subs = discover.discover(submissions, labs, grade.lab_signatures(REPO, labs), workdir)
    start = time.process_time()
    template = grade.build_template(workdir, [lab], settings)
    template_seconds = time.process_time() - start
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    worker.init_worker(template, workdir, settings, 0)
    signal.signal(signal.SIGINT, handlers[0])
    signal.signal(signal.SIGTERM, handlers[1])
    stages: dict[str, float] = {}
    instrument(stages)
    worker.grade_one(subs[0], out)  # warm-up: the worker's first notebook imports nbconvert etc.
    stages.clear()
    rows = [worker.grade_one(sub, out)[0] for sub in subs[1:]]
    return stages, rows, template_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="lab2_gae")
    parser.add_argument("--n", type=int, default=5, help="notebooks measured (after one warm-up)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (1 min)")
    imports = import_seconds()
    workdir = tempfile.mkdtemp(prefix="ppo-profile-")
    cwd = os.getcwd()
    try:
        stages, rows, template = profile(args.lab, args.n + 1, workdir)
    finally:
        os.chdir(cwd)
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"fixed: imports of a grading process {imports:.2f} CPU-s (main and each worker), "
        f"course template {template:.2f} CPU-s"
    )
    for name, seconds in sorted(stages.items()):
        print(f"per notebook: {name:26s} {seconds / len(rows):.2f} CPU-s")
    print(
        f"per notebook: {'total':26s} {sum(stages.values()) / len(rows):.2f} CPU-s "
        f"({len(rows)} notebooks; statuses {sorted({r['status'] for r in rows})})"
    )


if __name__ == "__main__":
    main()
