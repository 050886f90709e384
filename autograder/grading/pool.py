"""The grading worker processes: a small pool that outlives the death of one of them.

``concurrent.futures.ProcessPoolExecutor`` marks every pending future broken when one of its
processes dies (``BrokenProcessPool``): one worker killed by the OOM killer failed every
submission in flight. Here each worker (a ``spawn`` process) holds one submission at a time,
the main process knows which, and watches every process's sentinel. A worker that dies is
replaced and only its submission is handed out again; a submission whose worker dies
:data:`MAX_TRIES` times is given to ``on_death`` instead of being graded.

Every worker dies with the main process (``PR_SET_PDEATHSIG``): a killed grading run leaves no
worker behind, and the sandboxes and kernels die with their worker in turn.
"""

from __future__ import annotations

import collections
import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

from autograder.sandbox import isolation

MAX_TRIES = 2  # a submission is handed out at most this often; a second death is its row
_READY = "ready"


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when the main process dies (checked after, in case it already did)."""
    ctypes.CDLL(None).prctl(isolation.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _serve(conn, parent: int, initializer: Callable, initargs: tuple, call: Callable) -> None:
    """A worker process: initialise, say so, then ``call(*task)`` for each task received."""
    _die_with_parent(parent)
    initializer(*initargs)
    conn.send(_READY)
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the main process closed the line: nothing more to do
            return
        conn.send(call(*task))


class _Worker:
    """One process, the main process's end of its line, and the task it holds."""

    def __init__(self, process, conn) -> None:
        self.process, self.conn = process, conn
        self.ready = False
        self.task: tuple[Any, tuple] | None = None  # (key, arguments of ``call``)


class WorkersFailToStart(RuntimeError):
    """Workers keep dying before they are ready (an error in the initializer, see stderr)."""


class Pool:
    """``jobs`` worker processes; slot ``i`` is initialised with ``initargs(i)``."""

    def __init__(
        self, jobs: int, initializer: Callable, initargs: Callable[[int], tuple], call: Callable
    ) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.initializer, self.initargs, self.call = initializer, initargs, call
        self.failed_starts = 0
        self.workers = {slot: self._start(slot) for slot in range(jobs)}

    def _start(self, slot: int) -> _Worker:
        mine, theirs = self.ctx.Pipe()
        process = self.ctx.Process(
            target=_serve,
            args=(theirs, os.getpid(), self.initializer, self.initargs(slot), self.call),
            # Not a daemon (as ProcessPoolExecutor's workers are not): a daemonic process may
            # not start multiprocessing children, which a lab's checks are free to do. The
            # grading run stops every worker itself (close, or kill_all in grade.py).
            daemon=False,
        )
        process.start()
        theirs.close()  # so that the worker's death reads as EOF here
        return _Worker(process, mine)

    def processes(self) -> list:
        """The worker processes now running (for stopping them)."""
        return [w.process for w in self.workers.values()]

    def run(
        self,
        tasks: list[tuple[Any, tuple]],
        on_result: Callable[[Any, tuple, Any], None],
        on_death: Callable[[Any, tuple], None],
        stopped: threading.Event,
    ) -> None:
        """Hand out ``tasks`` [(key, args)] one per ready worker until all are done or
        ``stopped`` is set; ``on_result(key, args, result)`` for each finished task,
        ``on_death(key, args)`` for one whose worker died :data:`MAX_TRIES` times."""
        queue = collections.deque(tasks)
        tries: collections.Counter = collections.Counter()
        while not stopped.is_set() and (queue or self._busy()):
            for w in self.workers.values():
                if w.ready and w.task is None and queue:
                    w.task = queue.popleft()
                    tries[w.task[0]] += 1
                    try:
                        w.conn.send(w.task[1])
                    except OSError:  # it died since it said it was ready: buried below
                        pass
            handles = [w.conn for w in self.workers.values()]
            handles += [w.process.sentinel for w in self.workers.values()]
            wait(handles, timeout=0.5)
            for slot, w in list(self.workers.items()):
                if self._read(w, on_result):
                    continue
                if w.process.is_alive() or stopped.is_set():
                    continue
                self._bury(slot, w, queue, tries, on_death)
        for w in self.workers.values():  # once stopped: keep the results already sent
            while self._read(w, on_result):
                pass

    def _busy(self) -> bool:
        return any(w.task is not None for w in self.workers.values())

    def _read(self, w: _Worker, on_result: Callable) -> bool:
        """Take what the worker sent, if anything; False when there was nothing to take."""
        try:
            if not w.conn.poll():
                return False
            message = w.conn.recv()
        except (EOFError, OSError):
            return False
        if message == _READY:
            w.ready = True
        elif w.task is not None:
            task, w.task = w.task, None
            on_result(task[0], task[1], message)
        return True

    def _bury(self, slot: int, w: _Worker, queue, tries, on_death: Callable) -> None:
        """A dead worker: its task goes back to the queue (or to ``on_death``); a new one."""
        w.conn.close()
        w.process.join()
        if not w.ready:
            self.failed_starts += 1
            if self.failed_starts > len(self.workers) + 2:
                raise WorkersFailToStart(
                    f"grading workers died while starting {self.failed_starts} times "
                    f"(last exit status {w.process.exitcode}): see the errors above"
                )
        if w.task is not None:
            if tries[w.task[0]] < MAX_TRIES:
                queue.appendleft(w.task)
            else:
                on_death(*w.task)
        if queue:
            self.workers[slot] = self._start(slot)
        else:  # nothing left to hand out: no replacement needed
            del self.workers[slot]

    def close(self) -> None:
        """Let every worker finish (they exit when their line closes); wait for them."""
        for w in self.workers.values():
            w.conn.close()
        for w in self.workers.values():
            w.process.join(10)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
