"""Fast unit tests of the autograder's pieces: the sanitiser, discovery and the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import zipfile

import nbformat
import pytest

from autograder.grading import discover
from autograder.kernel import sanitize
from autograder.sandbox import run as sandbox

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESERVED = {"np": ("import", "numpy", "np"), "check_x": ("from", "autograder.checks", "check_x")}


def reduce(src: str):
    return sanitize.reduce_source(textwrap.dedent(src), ["compute_gae", "td_residuals"], RESERVED)


def test_keeps_definitions_imports_and_constants():
    out, notes, bound = reduce("""
        import numpy as np
        import torch
        GAMMA = 0.99
        SHAPE = (3, -4)
        @torch.no_grad()
        def compute_gae(rewards, values, gamma=GAMMA, dtype=np.float32):
            return rewards
        class Helper:
            scale = 2.0
            def f(self):
                return 1
    """)
    assert notes == []
    assert "def compute_gae" in out and "class Helper" in out and "GAMMA = 0.99" in out
    assert "@torch.no_grad()" in out
    assert bound >= {"np", "torch", "GAMMA", "compute_gae", "Helper"}


@pytest.mark.parametrize(
    "src, word",
    [
        ("np.allclose = lambda *a, **k: True", "only assignments"),
        ("print('hi')", "outside functions"),
        ("get_ipython().input_transformers_cleanup.append(f)", "outside functions"),
        ("for i in range(3):\n    pass", "outside functions"),
        ("X = compute()", "only assignments"),
        ("__builtins__ = {}", "only assignments"),
        ("from ppo_core import compute_gae", "reference implementation"),
        ("from ppo_core.gae import td_residuals as t", "reference implementation"),
        ("import ctypes", "not allowed"),
        ("from autograder.checks.lab2_gae import check_compute_gae", "not allowed"),
        ("import torch as np", "replace `np`"),
        ("def check_x(fn):\n    pass", "replace a name"),
        ("def f(x, _=setattr(a, 'b', 1)):\n    return x", "default values"),
        ("class C(metaclass=M):\n    pass", "metaclass"),
        ("@register\ndef f():\n    pass", "decorator removed"),
        ("%timeit f()", "magic"),
        ("def broken(:\n", "not valid Python"),
    ],
)
def test_removes_and_reports(src, word):
    _out, notes, _ = reduce(src)
    assert any(word in n for n in notes), notes


def _release():
    nb = nbformat.v4.new_notebook()
    setup = nbformat.v4.new_code_cell("import numpy as np\nfrom autograder.checks import check_x")
    sol = nbformat.v4.new_code_cell("def compute_gae(x):\n    raise NotImplementedError")
    sol.metadata["nbgrader"] = {
        "solution": True,
        "grade": False,
        "grade_id": "compute_gae",
        "locked": False,
        "schema_version": 3,
    }
    test = nbformat.v4.new_code_cell("check_x(compute_gae)")
    test.metadata["nbgrader"] = {
        "solution": False,
        "grade": True,
        "grade_id": "test_compute_gae_a",
        "locked": True,
        "points": 1,
        "schema_version": 3,
    }
    nb.cells = [setup, sol, test]
    return nb


def test_rebuild_uses_instructor_cells_and_learner_definitions():
    release = _release()
    sub = nbformat.v4.new_notebook()
    sub.cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nnp.allclose = None\ndef compute_gae(x):\n    return x"
        ),
        nbformat.v4.new_code_cell("pass  # my edited test"),
    ]
    sub.metadata["kernelspec"] = {"name": "evil"}
    nb, notes = sanitize.rebuild(sub, release, "lab2_gae")
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "check_x(compute_gae)" in sources  # the instructor's test cell, not the edit
    assert not any("pass  # my edited test" in s for s in sources)
    assert any("def compute_gae(x):\n    return x" in s for s in sources)
    assert not any("np.allclose = None" in s for s in sources)
    assert any("metadata was missing" in n for n in notes)  # matched by function name
    assert any("np.allclose" in n for n in notes)
    assert nb.metadata["kernelspec"]["name"] != "evil"
    assert not any("_ppo_grader" in s for s in sources)  # no harness: the checks run outside


@pytest.mark.parametrize(
    "name, lab",
    [
        ("Copy of lab2_gae.ipynb", "lab2_gae"),
        ("lab2_gae (1).ipynb", "lab2_gae"),
        ("LAB2-final.ipynb", "lab2_gae"),
        ("notes.ipynb", None),
    ],
)
def test_lab_from_name(name, lab):
    assert discover.lab_from_name(name, ["lab1_rl_basics", "lab2_gae"]) == lab


def test_discover_layouts_and_zip(tmp_path):
    nb = nbformat.v4.new_notebook()
    labs = ["lab1_rl_basics", "lab2_gae"]
    sig = {"lab1_rl_basics": {"discounted_return"}, "lab2_gae": {"compute_gae"}}
    (tmp_path / "alice" / "lab2_gae").mkdir(parents=True)
    nbformat.write(nb, str(tmp_path / "alice" / "lab2_gae" / "lab2_gae.ipynb"))
    (tmp_path / "bob").mkdir()
    nbformat.write(nb, str(tmp_path / "bob" / "Copy of lab2_gae.ipynb"))
    nbformat.write(nb, str(tmp_path / "bob" / "lab2_gae (1).ipynb"))
    os.utime(tmp_path / "bob" / "Copy of lab2_gae.ipynb", (1, 1))
    anon = nbformat.v4.new_notebook()
    anon.cells = [nbformat.v4.new_code_cell("def discounted_return(r, g):\n    pass")]
    (tmp_path / "carol").mkdir()
    nbformat.write(anon, str(tmp_path / "carol" / "Untitled.ipynb"))
    subs = discover.discover(str(tmp_path), labs, sig)
    got = {(s.student_id, s.lab): (os.path.basename(s.path or ""), s.problem) for s in subs}
    assert got[("alice", "lab2_gae")] == ("lab2_gae.ipynb", "")
    assert got[("bob", "lab2_gae")] == ("lab2_gae (1).ipynb", "")  # the newest copy
    assert got[("carol", "lab1_rl_basics")] == ("Untitled.ipynb", "")  # found by content
    assert got[("alice", "lab1_rl_basics")] == ("", "missing notebook")
    zpath = tmp_path.parent / "subs.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(
            tmp_path / "alice" / "lab2_gae" / "lab2_gae.ipynb", "alice/lab2_gae/lab2_gae.ipynb"
        )
        zf.writestr("../evil/lab2_gae.ipynb", "{}")
    subs = discover.discover(str(zpath), labs, sig, str(tmp_path.parent))
    got = [(s.student_id, s.lab, s.problem) for s in subs]
    assert ("alice", "lab2_gae", "") in got and len(got) == 2  # plus the refused ../evil
    [refused] = [s for s in subs if s.student_id != "alice"]
    assert refused.problem == "rejected file" and "leaves the archive" in refused.detail


def _sandboxed(code: str, **env):
    """Run ``code`` under the sandbox's own restrictions in a fresh interpreter."""
    script = (
        "import os, sys\n"
        "from autograder.sandbox import run as sandbox, seccomp_filter\n"
        f"ok = seccomp_filter.block_process_creation()\n"
        "ll = sandbox.apply_landlock(sandbox.SYSTEM_READ + sandbox._python_paths(), "
        f"[{str(env.get('work', '/nonexistent'))!r}])\n" + code
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
    )


def test_sandbox_blocks_processes_but_not_threads():
    proc = _sandboxed(
        "import threading\nt = threading.Thread(target=print, args=('thread',))\n"
        "t.start(); t.join()\n"
        "try:\n    os.fork(); print('FORKED')\nexcept OSError as e:\n"
        "    print('blocked', e.errno)\n"
    )
    assert "thread" in proc.stdout
    assert "FORKED" not in proc.stdout and "blocked 11" in proc.stdout, proc.stderr


@pytest.mark.skipif(sandbox.landlock_abi() < 1, reason="Landlock is not available here")
def test_sandbox_hides_course_files(tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("secret")
    solution = os.path.join(REPO, "solutions")
    proc = _sandboxed(
        f"for p in [{str(secret)!r}, {solution!r} + '/lab1_rl_basics/lab1_rl_basics.ipynb']:\n"
        "    try:\n        open(p).read(); print('READ', p)\n"
        "    except OSError as e:\n        print('denied', e.errno)\n"
        "import numpy, autograder.checks\nprint('imports ok')\n",
        work=str(tmp_path / "w"),
    )
    assert "READ" not in proc.stdout, proc.stdout
    assert proc.stdout.count("denied") == 2 and "imports ok" in proc.stdout, proc.stderr


def test_gradebook_stamp_read_in_process_equals_nbgrader_s(monkeypatch):
    """The grader stamps its gradebook with alembic's head read in-process; nbgrader's own way
    (the ``alembic heads`` command) must give the same version."""
    import nbgrader.api

    from autograder.grading.gradebook import alembic_head

    bindir = os.path.dirname(sys.executable)  # where this environment's `alembic` script lives
    monkeypatch.setenv("PATH", bindir + os.pathsep + os.environ.get("PATH", ""))
    assert alembic_head() == nbgrader.api.get_alembic_version()


@pytest.mark.parametrize("module", ["autograder.grading.grade", "autograder.grading.worker"])
def test_grading_processes_skip_the_slow_optional_import(module):
    """A grading process imports nbformat without jsonschema's optional rfc3987_syntax (a 1.6
    CPU-s grammar build per process, see autograder/grading/lean_imports.py), and still
    validates."""
    code = (
        f"import sys, importlib.util, {module}, nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "print('loaded' if sys.modules.get('rfc3987_syntax') else 'skipped')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.stdout.strip() == "skipped", proc.stderr


def test_kernel_is_killed_after_the_last_cell():
    """The grading kernel is killed once every output is in, not asked to shut down (a graceful
    shutdown costs about 0.8 CPU-s and 1-2 s per notebook, a large part of grading time)."""
    from autograder.grading.preprocessors import SandboxedExecute

    assert SandboxedExecute().shutdown_kernel == "immediate"


def test_scratch_gradebooks_skip_fsync_only_inside(tmp_path):
    """The template's gradebook commits without fsync; other databases of the process keep
    SQLite's default (FULL, 2) once the block is left."""
    from sqlalchemy import create_engine

    from autograder.grading.gradebook import scratch_gradebooks

    def synchronous(name: str) -> int:
        engine = create_engine(f"sqlite:///{tmp_path / name}")
        with engine.connect() as conn:
            value = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        engine.dispose()
        return value

    with scratch_gradebooks():
        assert synchronous("scratch.db") == 0
    assert synchronous("other.db") == 2


def test_feedback_exporter_compiles_once_and_renders_the_same_bytes(monkeypatch):
    """FeedbackHTMLExporter's pages are byte for byte nbconvert's; a second exporter (nbgrader
    makes one per notebook) compiles no template."""
    import jinja2
    from nbconvert.exporters import HTMLExporter

    from autograder.grading.feedback_html import TEMPLATE_CACHE, FeedbackHTMLExporter

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title\nSome *text* and $x^2$."),
            nbformat.v4.new_code_cell(
                "print(1)", outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")]
            ),
        ]
    )
    expected, _ = HTMLExporter().from_notebook_node(nb)
    TEMPLATE_CACHE.codes.clear()
    first, _ = FeedbackHTMLExporter().from_notebook_node(nb)
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(
        jinja2.Environment,
        "compile",
        lambda self, *a, **k: compiled.append(a[1]) or original(self, *a, **k),
    )
    second, _ = FeedbackHTMLExporter().from_notebook_node(nb)
    assert first == expected and second == expected
    assert TEMPLATE_CACHE.codes and compiled == []


def test_kernel_client_flushes_start_up_messages_without_a_long_pause():
    """The sandboxed kernels' clients stop draining IOPub after a short silence, not after
    jupyter_client's 0.2 s of idle time per notebook."""
    from autograder.grading.preprocessors import SandboxKernelClient, SandboxKernelManager

    client = SandboxKernelManager().client()
    assert isinstance(client, SandboxKernelClient) and client.flush_s < 0.05


_ORPHAN_PROBE = """
import ctypes, os, sys, time
from autograder.sandbox import isolation
folder, kill_parent = sys.argv[1], sys.argv[2] == "1"
isolation.enter_namespaces()
# The child, PID 1 of the new space: no parent-death signal, as between the fork and the prctl
# or across a credential change; the test SIGKILLs the waiting parent meanwhile.
ctypes.CDLL(None).prctl(isolation.PR_SET_PDEATHSIG, 0, 0, 0, 0)
open(os.path.join(folder, "ready"), "w").close()
deadline = time.monotonic() + 20
while kill_parent and not os.path.exists(os.path.join(folder, "killed")):
    time.sleep(0.02)
    assert time.monotonic() < deadline
isolation.exit_if_orphaned()
open(os.path.join(folder, "survived"), "w").close()
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="namespaces without a user namespace need root")
@pytest.mark.parametrize("kill_parent", [False, True])
def test_a_namespace_child_orphaned_without_its_death_signal_exits(tmp_path, kill_parent):
    """The kernel side of the sandbox never outlives the process Jupyter holds, even when that
    process dies in a window where no parent-death signal is set (``kill_parent=False`` is the
    control: the same child, parent alive, carries on)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_PROBE, str(tmp_path), "1" if kill_parent else "0"],
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the child never started"
        time.sleep(0.02)
    if kill_parent:
        proc.kill()
        proc.wait(timeout=30)
        (tmp_path / "killed").touch()
    else:
        assert proc.wait(timeout=30) == 0
    deadline = time.monotonic() + 2  # the child checks at once; it is given 2 s
    while time.monotonic() < deadline and not (tmp_path / "survived").exists():
        time.sleep(0.05)
    assert (tmp_path / "survived").exists() == (not kill_parent)
