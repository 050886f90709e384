"""Claims of ``docs/labs.md`` and ``docs/instructors.md`` that no other test asserted.

Each test asserts what a sentence of the docs states: the grader's option defaults, what it drops
from a submitted notebook, the cap on what one call prints, what replaces a function that ran out
of time, the kernel's uid and private /tmp, the labs whose functions a lab's earlier-functions
cell brings in, Lab 5's functions that Lab 4 needs, the diagnosis runs' configuration, and the
student build's size.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

import ppo_core
from autograder import cli
from autograder.grading import discover, grade, worker
from autograder.kernel import remote
from autograder.sandbox import run
from autograder.student.regions import regions
from ppo_core import exercises
from tests.claims.detect import ROOT
from tests.test_labs_student_build import LABS, earlier_labs, labkit

DOCS = ("docs/labs.md", "docs/instructors.md")


def _number(lab: str) -> int:
    return exercises.lab(lab).number


def _documented_earlier_labs(doc: str) -> dict[int, set[int]]:
    """``{lab: {earlier labs}}`` from the doc's "(Lab 2: Lab 1's; Lab 4: Labs 1, 2, 3 and 5...)"."""
    text = " ".join((ROOT / doc).read_text().split())
    inner = re.search(r"\((Lab \d+: Labs? \d[^)]*)\)", text).group(1)
    found = {}
    for part in inner.split(";"):
        lab, _, earlier = part.partition(":")
        numbers = [int(n) for n in re.findall(r"\d+", earlier)]
        if "-" in earlier:  # "Labs 1-4"
            numbers = list(range(numbers[0], numbers[1] + 1))
        found[int(re.search(r"\d+", lab).group())] = set(numbers)
    return found


@pytest.mark.parametrize("doc", DOCS)
def test_the_earlier_function_cells_bring_in_the_labs_the_docs_name(doc):
    """The labs with a "Your functions from earlier labs" cell, and the labs it names, are
    those the doc lists."""
    notebooks = {lab: nbformat.read(labkit.release_path(lab), as_version=4) for lab in LABS}
    built = {_number(lab): {_number(e) for e in earlier_labs(nb)} for lab, nb in notebooks.items()}
    assert {lab: earlier for lab, earlier in built.items() if earlier} == (
        _documented_earlier_labs(doc)
    )


def test_grade_options_have_the_documented_defaults():
    args = cli._parser().parse_args(["grade", "subs", "--out", "o"])
    assert (args.timeout, args.notebook_timeout, args.memory_mb) == (60, 240, 4096)
    assert cli._jobs("auto") == len(__import__("os").sched_getaffinity(0))


def test_a_submitted_notebook_loses_its_outputs_and_attachments(tmp_path):
    """Outputs and attachments are dropped before execution; the size cap is 100 MB."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(1)", execution_count=3)
    code.outputs = [nbformat.v4.new_output("stream", text="x" * 10_000)]
    note = nbformat.v4.new_markdown_cell("![plot](attachment:p.png)")
    note.attachments = {"p.png": {"image/png": "iVBORw0KGgo="}}
    nb.cells = [code, note]
    path = tmp_path / "lab.ipynb"
    nbformat.write(nb, path)
    loaded = worker.load_notebook(str(path))
    assert loaded.cells[0].outputs == [] and loaded.cells[0].execution_count is None
    assert "attachments" not in loaded.cells[1]
    assert loaded.cells[0].source == "print(1)"
    assert discover.MAX_NOTEBOOK_BYTES == 100 * 1024 * 1024


def test_what_one_call_prints_is_capped_at_20000_characters():
    kept = io.StringIO()
    capped = remote._Capped(kept)
    for _ in range(30):
        capped.write("x" * 1000)
    assert kept.getvalue().count("x") == 20_000 == remote.PRINT_LIMIT
    assert "output cut after 20000 characters" in kept.getvalue()


def test_the_kernel_uid_and_private_tmp():
    """61000 + the job's slot when ``grade`` runs it, 65534 under plain nbgrader autograde;
    /tmp and /dev/shm of 256 MB each."""
    assert grade.DEFAULT_SETTINGS["uid_base"] == 61000
    assert run.DEFAULTS["PPO_GRADER_UID"] == "65534"
    assert run.DEFAULTS["PPO_GRADER_TMP_MB"] == "256"
    source = Path(worker.__file__).read_text()
    assert 'PPO_GRADER_UID=str(settings["uid_base"] + slot)' in source


@pytest.mark.slow
def test_the_student_build_s_size(student_package):
    """The tree about 3.2 MB, the wheel about 1.7 MB, 1.0 MB of it the stored numbers."""
    tree = sum(p.stat().st_size for p in student_package.src.rglob("*") if p.is_file())
    wheel = student_package.wheel.stat().st_size
    with zipfile.ZipFile(student_package.wheel) as archive:
        (numbers,) = [i for i in archive.infolist() if i.filename.endswith("/visible_cases.npz")]
    assert 2.8e6 < tree < 3.6e6, tree
    assert 1.5e6 < wheel < 1.95e6, wheel
    assert 0.85e6 < numbers.compress_size < 1.2e6, numbers.compress_size


def test_the_diagnosis_baseline_and_faults_are_what_the_docs_say():
    """reward scale 0.1, learning rate 1e-3 annealed, 16 envs x 128 steps, 16 minibatches x 6
    epochs, 307,200 steps (150 updates); each fault one change: learning rate 3e-2, entropy
    coefficient 0.1, advantages not normalised, the leaky GAE, value-loss coefficient 0."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import record_diagnosis_runs as rdr

    base = rdr.make_config()
    assert (base.reward_scale, base.learning_rate, base.anneal_lr) == (0.1, 1e-3, True)
    assert (base.num_envs, base.num_steps, base.num_minibatches, base.update_epochs) == (
        16,
        128,
        16,
        6,
    )
    assert base.total_timesteps == 307_200 == 150 * base.num_envs * base.num_steps
    changes = {name: (f.overrides, f.gae_fn) for name, f in rdr.FAULTS.items() if name != "healthy"}
    assert changes == {
        "lr_too_high": ({"learning_rate": 3e-2}, None),
        "ent_coef_too_high": ({"ent_coef": 0.1}, None),
        "no_adv_norm": ({"norm_adv": False}, None),
        "gae_leak": ({}, rdr.leaky_gae),
        "critic_not_trained": ({"vf_coef": 0.0}, None),
    }


def test_lab5s_first_three_exercises_are_a_few_lines_each_independent_of_lab4():
    """What Lab 4's update calls of Lab 5 is written in a few lines, with no Lab 4 function."""
    first = [e for e in exercises.EXERCISES if _number(e.lab) == 5][:3]
    assert all(any(c.startswith("update.") for c in e.called_by) for e in first)
    assert not [u for e in first for u in e.uses if _number(exercises.lab_of(u).id) == 4]
    for e in first:
        source = (Path(ppo_core.__file__).parent / f"{e.module}.py").read_text()
        (region,) = [r for r in regions(source, e.module) if r.name == e.name]
        assert region.last - region.first + 1 <= 8, (e.name, region)


def test_a_function_out_of_time_is_replaced_by_one_that_says_so(monkeypatch):
    """Only that function: the notebook's others stay as they were, and later calls of it fail
    at once with the reason instead of running the loop again."""

    def other(x):
        return x

    namespace = {"stuck": lambda x: x, "other": other}
    monkeypatch.setattr(remote, "_namespace", lambda: namespace)
    assert remote.disable("stuck", 60) == "ok"
    with pytest.raises(TimeoutError, match="did not return within 60 s"):
        namespace["stuck"](1)
    assert namespace["other"] is other
