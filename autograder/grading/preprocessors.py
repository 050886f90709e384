"""nbgrader preprocessors of the course's hardened autograding (wired in nbgrader_config.py).

* :class:`RebuildFromRelease` (first sanitize step of ``nbgrader autograde``): replaces the
  submitted notebook by the release notebook with the learner's reduced definitions in its
  solution cells (see :mod:`autograder.kernel.sanitize`); writes what it removed to
  ``<course root>/grader_notes/<student>/<assignment>/<notebook>.json`` for the CLI.
* :class:`SanitizeOutputs` (after execution): no output that can run script in a browser.
* :class:`SandboxedExecute` (replaces nbgrader's ``Execute``): starts the kernel through
  :mod:`autograder.sandbox` (resource limits, empty working directory, unprivileged uid,
  Landlock) with the lab's kernel tree (:mod:`autograder.grading.kernel_build`: the library
  without the lab's answers), runs every test cell's checks in this process
  (:mod:`autograder.grading.remote`: the learner's functions are called in the kernel, the
  verdict is decided here), caps the output a cell may produce, gives up on a notebook whose
  kernel ignores the interrupt after a timeout, and enforces a wall-clock budget for the whole
  notebook.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from queue import Empty
from typing import TYPE_CHECKING

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, DottedObjectName, Integer, Type, Unicode, default

from autograder.kernel import sanitize
from autograder.sandbox.run import kill_marked

if TYPE_CHECKING:
    from autograder.grading.kernel_link import KernelLink
    from autograder.grading.remote import KernelGone


def _remote():
    """:mod:`autograder.grading.remote`, imported where a kernel is run: it imports torch, which
    the grading run's main process (it reads this module's classes through the nbgrader config
    and executes nothing) would otherwise import for nothing, before any worker starts."""
    from autograder.grading import remote

    return remote


class RebuildFromRelease(NbGraderPreprocessor):
    """Execute the instructor's notebook with the learner's definitions, nothing else."""

    enabled = Bool(True, help="Rebuild submissions from the release before grading.").tag(
        config=True
    )
    release_root = Unicode(
        "",
        help="Folder holding <assignment>/<notebook>.ipynb releases; "
        "default: the course's release directory.",
    ).tag(config=True)

    def _release_path(self, assignment: str, notebook: str) -> str:
        coursedir = CourseDirectory(config=self.config)
        root = self.release_root or os.path.join(coursedir.root, coursedir.release_directory)
        return os.path.join(root, assignment, f"{notebook}.ipynb")

    def preprocess(self, nb, resources):
        if not self.enabled:
            return nb, resources
        info = resources.get("nbgrader", {})
        assignment, notebook = info.get("assignment"), info.get("notebook")
        student = info.get("student", "unknown")
        path = self._release_path(assignment, notebook)
        if not os.path.exists(path):
            self.log.warning("No release notebook %s: grading the submission as it is", path)
            return nb, resources
        release = nbformat.read(path, as_version=4)
        rebuilt, notes = sanitize.rebuild(nb, release, assignment)
        coursedir = CourseDirectory(config=self.config)
        notes_dir = os.path.join(coursedir.root, "grader_notes", student, assignment)
        os.makedirs(notes_dir, exist_ok=True)
        with open(os.path.join(notes_dir, f"{notebook}.json"), "w") as f:
            json.dump({"notes": notes}, f, indent=1)
        for note in notes:
            self.log.info("grader note: %s", note)
        return rebuilt, resources


class SanitizeOutputs(NbGraderPreprocessor):
    """After execution: outputs keep no script (HTML cleaned; JavaScript, SVG, widgets dropped).

    The executed notebook is what the feedback page and Formgrader render, in a browser.
    """

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                if "data" in output:
                    output["data"] = sanitize.clean_output_data(output["data"])
        return nb, resources


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback pages keep the hidden tests with the instructor (nbgrader issues #917, #1363).

    ``nbgrader autograde`` puts the hidden tests back into the test cells and
    ``generate_feedback`` renders them; this preprocessor (run by ``generate_feedback``) replaces
    each ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region with one comment line and
    shortens the traceback of a test cell that holds one (its frames quote the hidden call and
    its seed) to the error's type and message, which name the mistake. The score is unchanged.
    """

    begin = Unicode("### BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("### END HIDDEN TESTS").tag(config=True)
    show_messages = Bool(
        True,
        help="Keep a failed hidden test's message (it says what went wrong); False puts "
        "'a hidden test failed' in its place.",
    ).tag(config=True)
    placeholder = Unicode("# (hidden tests ran here; your instructor keeps them)").tag(config=True)

    def _without_hidden(self, source: str) -> tuple[str, bool]:
        """``source`` with each hidden region replaced by :attr:`placeholder`."""
        lines, out, inside, found = source.splitlines(), [], False, False
        for line in lines:
            if line.strip() == self.begin:
                inside, found = True, True
                out.append(line[: len(line) - len(line.lstrip())] + self.placeholder)
            elif line.strip() == self.end and inside:
                inside = False
            elif not inside:
                out.append(line)
        return "\n".join(out), found

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        cell.source, found = self._without_hidden(cell.source)
        if found:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    if not self.show_messages:
                        output["evalue"] = "a hidden test failed"
                    output["traceback"] = [
                        f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    ]
        return cell, resources


def _kill_marked(token: str) -> int:
    """SIGKILL every process whose environment carries PPO_GRADER_TOKEN=token."""
    return kill_marked("PPO_GRADER_TOKEN", token)


class SandboxKernelClient(AsyncKernelClient):
    """Jupyter's asynchronous kernel client, ready as soon as the kernel has answered."""

    # Pause that ends the start-up flush of IOPub. jupyter_client waits 0.2 s, idle time of every
    # notebook (about 3 s of a 30-notebook grading run); the messages it drains are the status
    # of the kernel_info request, and nbclient ignores any message not sent for the cell it runs.
    flush_s = 0.01

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """jupyter_client's ``wait_for_ready`` (kernel_info until answered, IOPub connected),
        then a flush of IOPub that stops after :attr:`flush_s` of silence instead of 0.2 s."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:  # a message on IOPub shows that it is connected; if not, ask again
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=self.flush_s)
            except Empty:
                break


class SandboxKernelManager(AsyncKernelManager):
    """Prefixes the kernel command with ``python -m autograder.sandbox --``; its clients are
    :class:`SandboxKernelClient`."""

    client_class = DottedObjectName("autograder.grading.preprocessors.SandboxKernelClient")
    client_factory = Type(SandboxKernelClient, klass=AsyncKernelClient)

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        return [sys.executable, "-m", "autograder.sandbox", "--", *cmd]


class SandboxedExecute(Execute):
    """nbgrader's Execute, with a sandboxed kernel, an output cap and a notebook time budget."""

    sandbox = Bool(True, help="Start kernels through autograder.sandbox.").tag(config=True)
    notebook_timeout = Integer(
        240, help="Seconds for a whole notebook; then the kernel is killed."
    ).tag(config=True)
    max_output_chars = Integer(
        200_000, help="Characters of output kept per cell; the rest is dropped."
    ).tag(config=True)
    remote_checks = Bool(
        True,
        help="Run the test cells' checks in the grader's process, calling the learner's "
        "functions in the kernel (False: the test cells run in the kernel, as nbgrader does).",
    ).tag(config=True)
    kernel_tree = Bool(
        True,
        help="Grade lab N in a kernel whose ppo_core leaves out lab N's reference "
        "implementations (autograder.grading.kernel_build).",
    ).tag(config=True)

    @default("shutdown_kernel")
    def _shutdown_kernel_default(self) -> str:
        """Kill the kernel after the last cell instead of asking it to shut down.

        Every output has been received by then and nothing of the kernel is needed; a graceful
        shutdown makes the kernel tear down torch and IPython (about 0.8 CPU-s and 1-2 s of
        waiting per notebook on the 2-core machine, a large part of a grading run's time).
        """
        return "immediate"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sandbox:
            self.kernel_manager_class = SandboxKernelManager
        self._stuck = False
        self._output_left: dict[int, int] = {}
        self._gone: str | None = None  # why the kernel is gone: later cells are not run
        self._link: KernelLink | None = None
        self._exercises: list[str] = []

    def preprocess(self, nb, resources=None, km=None):
        token = os.urandom(8).hex()
        os.environ["PPO_GRADER_TOKEN"] = token  # inherited by the kernel: lets us kill it all
        os.environ["PPO_GRADER_LAUNCHER"] = str(os.getpid())  # the sandbox's parent, checked
        # Without namespaces a kernel's folder is reached through real paths: the runner of
        # such a grader names a parent the kernel's uid may traverse (the default temporary
        # folder of a worker is its private one).
        parent = os.environ.get("PPO_GRADER_KERNEL_PARENT") or None
        kernel_root = tempfile.mkdtemp(prefix="ppo-kernels-", dir=parent)
        os.chmod(kernel_root, 0o711)  # an unprivileged kernel uid may enter, not list
        os.environ["PPO_GRADER_KERNEL_ROOT"] = kernel_root
        info = (resources or {}).get("nbgrader", {})
        lab = str(info.get("assignment", ""))
        os.environ["PPO_GRADER_LAB"] = lab
        self._prepare_lab(lab)
        self._stuck, self._output_left, self._gone = False, {}, None
        expired = threading.Event()

        def watchdog():
            if not done.wait(self.notebook_timeout):
                expired.set()
                self.log.error("notebook ran past %d s: killing its kernel", self.notebook_timeout)
                _kill_marked(token)

        done = threading.Event()
        thread = threading.Thread(target=watchdog, daemon=True)
        thread.start()
        started = time.monotonic()
        try:
            return super().preprocess(nb, resources, km=km)
        except Exception as exc:
            if expired.is_set():
                raise CellTimeoutError(
                    f"the notebook ran for more than {self.notebook_timeout} s "
                    f"({time.monotonic() - started:.0f} s)"
                ) from exc
            raise
        finally:
            done.set()
            if self._link is not None:
                self._link.close()
                self._link = None
            _kill_marked(token)  # the kernel and anything it started
            for name in (
                "PPO_GRADER_TOKEN",
                "PPO_GRADER_LAUNCHER",
                "PPO_GRADER_KERNEL_ROOT",
                "PPO_GRADER_KERNEL_PATH",
            ):
                os.environ.pop(name, None)
            shutil.rmtree(kernel_root, ignore_errors=True)

    def _prepare_lab(self, lab: str) -> None:
        """The lab's exercises (their stand-ins serve the root-cause search) and kernel tree."""
        from ppo_core import exercises

        known = {e.lab for e in exercises.EXERCISES}
        self._exercises = [e.name for e in exercises.EXERCISES if e.lab == lab]
        if self.kernel_tree and lab in known:
            from autograder.grading.kernel_build import tree_for

            os.environ["PPO_GRADER_KERNEL_PATH"] = tree_for(lab)

    # --- the test cells' checks, in this process -------------------------------------------

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if self._gone is not None:
            return self._not_run(cell)
        if self.remote_checks and self._link is None:
            await self._open_link()
        if self.remote_checks and _is_test_cell(cell):
            return await self._check_cell(cell)
        try:
            done = await super().async_execute_cell(
                cell, cell_index, execution_count=execution_count, store_history=store_history
            )
            if self.remote_checks and _is_solution_cell(cell) and self._exercises:
                await self._protect()
            return done
        except DeadKernelError:
            self._gone = f"the kernel died while running cell {cell_index + 1}"
            cell.outputs = [_error("DeadKernelError", self._gone + ".")]
            return cell

    execute_cell = run_sync(async_execute_cell)  # nbclient binds the synchronous one by name

    def _not_run(self, cell):
        if cell.cell_type == "code":
            cell.outputs = (
                [_error("DeadKernelError", f"not run: {self._gone}.")]
                if _is_test_cell(cell)
                else []
            )
        return cell

    async def _open_link(self) -> None:
        """The line for the checks' calls, and the kernel's side of them imported before the
        first cell runs (so that it holds its own references to builtins, numpy and torch)."""
        from autograder.grading.kernel_link import KernelLink

        remote = _remote()
        self._link = KernelLink(self.km, self.timeout or 60)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None, self._link, "", "__import__('autograder.kernel.remote') and 'ok'", 120.0
            )
        except remote.KernelGone as gone:
            self._gone = f"the kernel did not start ({gone.detail})"

    async def _protect(self) -> None:
        """The lab's functions, once defined, get the kernel's courtesies wherever they run
        (:func:`autograder.kernel.remote.protect`)."""
        remote = _remote()
        loop, link = asyncio.get_running_loop(), self._link
        assert link is not None  # noqa: S101 -- opened before the first cell
        protect = f"{remote.REMOTE}.protect({self._exercises!r})"
        try:
            await loop.run_in_executor(None, link, "", protect, 30.0)
        except remote.KernelGone as gone:
            self._gone = f"the kernel stopped answering ({gone.detail})"

    async def _check_cell(self, cell):
        """Run the cell's checks here; the learner's functions answer from the kernel."""
        remote = _remote()
        link = self._link
        assert link is not None  # noqa: S101 -- opened before the first cell
        loop = asyncio.get_running_loop()
        try:
            printed, error = await loop.run_in_executor(
                None, remote.run_test_cell, cell.source, link, self._exercises
            )
        except remote.KernelGone as gone:
            cell.outputs = _printed_output(link.take_printed())
            cell.outputs.append(await self._after_gone(gone))
            return cell
        cell.outputs = _printed_output(link.take_printed())
        if printed:
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=printed))
        if error is not None:
            cell.outputs.append(_check_error(error))
        return cell

    async def _after_gone(self, gone: KernelGone):
        """The error output of a cell whose call timed out or killed the kernel; an interrupted
        kernel that answers again keeps grading the later cells."""
        remote = _remote()
        link = self._link
        assert link is not None  # noqa: S101 -- opened before the first cell
        if gone.reason == "timeout":
            message = (
                f"your function did not return within {self.timeout} s (an infinite loop, or "
                f"a loop that waits forever): this test fails"
            )
            await self.km.interrupt_kernel()
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(None, link, "pass", "'ok'", 10.0)
                if gone.function:  # later cells do not wait for it again
                    disable = f"{remote.REMOTE}.disable({gone.function!r}, {self.timeout})"
                    await loop.run_in_executor(None, link, "", disable, 10.0)
            except remote.KernelGone:
                self._gone = "the kernel ignored the interrupt after a time-out"
                _kill_marked(os.environ.get("PPO_GRADER_TOKEN", ""))
            return _error("CellTimeoutError", message)
        self._gone = (
            "the kernel died during an earlier test (os._exit, a crash or the memory limit)"
        )
        return _error(
            "DeadKernelError",
            "the Python process running your notebook died while this test called your "
            "function (os._exit, a segmentation fault, or the memory limit): this test and the "
            "ones after it score zero",
        )

    async def _async_handle_timeout(self, timeout, cell=None):
        if self._stuck:  # the previous timeout's interrupt did not free the kernel: give up
            raise CellTimeoutError.error_from_timeout_and_cell(
                "Cell execution timed out and the kernel ignored the interrupt", timeout, cell
            )
        self._stuck = True
        return await super()._async_handle_timeout(timeout, cell)

    def on_cell_executed(self, **kwargs):
        reply = kwargs.get("execute_reply") or {}
        if reply.get("content", {}).get("ename") != "CellTimeoutError":
            self._stuck = False  # a cell completed after the interrupt: the kernel responds
        return super().on_cell_executed(**kwargs)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + len(json.dumps(content.get("data", {})))
        left = self._output_left.get(cell_index, self.max_output_chars)
        self._output_left[cell_index] = left - size
        if left - size < 0 and msg.get("msg_type") in ("stream", "display_data", "execute_result"):
            if left >= 0:
                self._output_left[cell_index] = -1
                note = nbformat.v4.new_output(
                    "stream",
                    name="stdout",
                    text=f"\n[output cut by the grader after {self.max_output_chars} characters]\n",
                )
                outs.append(note)
            return None
        return super().output(outs, msg, display_id, cell_index)


def _is_solution_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return cell.get("cell_type") == "code" and bool(meta.get("solution"))


def _is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _error(ename: str, evalue: str):
    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


def _printed_output(text: str) -> list:
    if not text:
        return []
    return [
        nbformat.v4.new_output(
            "stream", name="stdout", text="[printed by your function]\n" + text.rstrip() + "\n"
        )
    ]


def _check_error(error: BaseException):
    """A failed check as a test cell's error output: the learner's traceback (from the kernel),
    then the check's message."""
    cause, lines = error.__cause__, []
    kernel_tb = getattr(cause, "kernel_traceback", "") if cause is not None else ""
    if kernel_tb:
        lines.append("Traceback of your function (in your notebook's kernel):\n" + kernel_tb)
    ename = "AssertionError"
    evalue = str(error)
    lines.append(f"{ename}: {evalue}")
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=lines)
