"""The grader's line to a grading kernel for the checks' calls (:mod:`autograder.grading.remote`).

A blocking Jupyter client of its own on the kernel nbclient started: it executes one small
statement per call of a learner's function and reads one user expression back. What the
learner's function prints on the way is kept (capped) for the test cell's output. The kernel
process is watched while waiting, so a kernel that dies (``os._exit``, a segfault, the memory
limit) is noticed at once, not after the time limit.
"""

from __future__ import annotations

import time
from queue import Empty

from autograder.grading.remote import KernelGone
from autograder.kernel.remote import PRINT_LIMIT


class KernelLink:
    """``link(code, expression) -> str`` over a kernel manager's connection (see the module)."""

    def __init__(self, km, timeout: float) -> None:
        self.km, self.timeout = km, timeout
        self.client = km.blocking_client()
        self.client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
        self.printed: list[str] = []
        self._printed_chars = 0

    def alive(self) -> bool:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is None or process.poll() is None

    def take_printed(self) -> str:
        text, self.printed, self._printed_chars = "".join(self.printed), [], 0
        return text

    def __call__(self, code: str, expression: str, timeout: float | None = None) -> str:
        msg_id = self.client.execute(
            code,
            silent=False,
            store_history=False,
            user_expressions={"r": expression},
            allow_stdin=False,
            stop_on_error=False,
        )
        reply = self._reply(msg_id, self.timeout if timeout is None else timeout)
        self._drain(msg_id)
        value = reply.get("content", {}).get("user_expressions", {}).get("r", {})
        if value.get("status") != "ok":
            return ""
        return str(value.get("data", {}).get("text/plain", ""))

    def _reply(self, msg_id: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise KernelGone("timeout", f"no answer within {timeout:.0f} s")
            try:
                msg = self.client.get_shell_msg(timeout=0.2)
            except Empty:
                if not self.alive():
                    raise KernelGone("died", "the kernel process ended") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def _drain(self, msg_id: str) -> None:
        """Read IOPub up to the kernel's idle status for ``msg_id``, keeping what was printed."""
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=0.5)
            except Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "status" and content.get("execution_state") == "idle":
                return
            if kind == "stream":
                self.keep(str(content.get("text", "")))

    def keep(self, text: str) -> None:
        left = PRINT_LIMIT - self._printed_chars
        if left <= 0:
            return
        if len(text) > left:
            text = text[:left] + f"\n[output cut by the grader after {PRINT_LIMIT} characters]\n"
        self.printed.append(text)
        self._printed_chars += len(text)

    def close(self) -> None:
        try:
            self.client.stop_channels()
        except Exception:  # noqa: BLE001, S110 -- closing a client of a dead kernel
            pass
