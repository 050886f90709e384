"""A learner's functions carried between labs through ``my_ppo/`` (``autograder.checks.carry``).

The functions here are written as a learner writes them, in a "notebook" (a file compiled as
``__main__``, which is what a Jupyter cell is to ``inspect``), and the student build is played by
making the library report its references as withheld.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from autograder.checks import carry
from ppo_core import exercises, plug

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import labkit

LAB = "lab2_gae"


def notebook(tmp_path: Path, source: str) -> dict:
    """A namespace as a notebook's cells leave it, ``source`` run as ``__main__``."""
    cell = tmp_path / "cell.py"
    cell.write_text(source)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(source, str(cell), "exec"), namespace)
    return namespace


def reference(name: str) -> str:
    """The reference solution of ``name``, as a learner who solved it wrote it."""
    return re.sub(r"^ *### (BEGIN|END) SOLUTION\n", "", labkit.solution_source(name), flags=re.M)


HEADER = "import numpy as np\nimport torch\n\n"


@pytest.fixture
def withheld(monkeypatch, tmp_path):
    """The student build, as far as carry can tell: no reference anywhere; my_ppo in tmp."""
    monkeypatch.setattr(exercises, "reference_available", lambda name: False)
    monkeypatch.setattr(plug, "reference_available", lambda name: False)
    monkeypatch.setenv("PPO_MY_PPO", str(tmp_path / "my_ppo"))
    monkeypatch.delenv("PPO_GRADER_TOKEN", raising=False)
    return tmp_path / "my_ppo"


def test_correct_functions_are_saved_with_their_helpers_and_load_again(tmp_path, withheld):
    # compute_gae calls the learner's td_residuals through a helper of the learner's own
    gae = reference("compute_gae")
    source = HEADER + reference("td_residuals") + "\n\nSCALE = 1.0\n\n\n" + gae
    namespace = notebook(tmp_path, source)
    said = carry.save_my_functions(namespace, LAB)
    saved = withheld / f"{LAB}.py"
    assert saved.is_file() and str(saved) in said
    text = saved.read_text()
    assert "def td_residuals(" in text and "def compute_gae(" in text
    assert "import numpy as np" in text
    loaded = carry._learners(LAB, list(exercises.names(LAB)))
    assert set(loaded) == set(exercises.names(LAB))


@pytest.mark.parametrize(
    "stub",
    [
        "def compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam):\n"
        "    raise NotImplementedError()\n",
        "def compute_gae(rewards, values, next_values, terminated, truncated, gamma, lam):\n"
        "    return 0\n",
    ],
    ids=["raises", "returns_0"],
)
def test_a_stub_is_refused_where_it_is_first_offered(tmp_path, withheld, stub):
    namespace = notebook(tmp_path, HEADER + reference("td_residuals") + "\n\n" + stub)
    with pytest.raises(carry.NotSaved, match="compute_gae was not saved: it fails a check"):
        carry.save_my_functions(namespace, LAB)
    assert not withheld.exists() or not list(withheld.iterdir()), "nothing saved, no draft left"


def test_a_failing_change_keeps_what_was_saved_before(tmp_path, withheld):
    good = notebook(
        tmp_path, HEADER + reference("td_residuals") + "\n\n" + reference("compute_gae")
    )
    carry.save_my_functions(good, LAB)
    before = (withheld / f"{LAB}.py").read_text()
    good["compute_gae"] = notebook(tmp_path, "def compute_gae(*a):\n    return 0\n")["compute_gae"]
    with pytest.raises(carry.NotSaved):
        carry.save_my_functions(good, LAB)
    assert (withheld / f"{LAB}.py").read_text() == before
    assert sorted(p.name for p in withheld.iterdir()) == [f"{LAB}.py"]


def test_a_later_lab_says_which_lab_to_finish_first(withheld):
    with pytest.raises(carry.FinishEarlierLab, match=r"Finish Lab 2 first: .*compute_gae"):
        carry.use_my_functions({}, LAB)


def test_a_saved_file_edited_into_a_stub_is_refused_by_the_later_lab(tmp_path, withheld):
    namespace = notebook(
        tmp_path, HEADER + reference("td_residuals") + "\n\n" + reference("compute_gae")
    )
    carry.save_my_functions(namespace, LAB)
    path = withheld / f"{LAB}.py"
    path.write_text(
        path.read_text().replace("def compute_gae(", "def _old(")
        + ("\n\ndef compute_gae(*args, **kwargs):\n    return 0\n")
    )
    with pytest.raises(carry.FinishEarlierLab, match="Your compute_gae of Lab 2 .* fails a check"):
        carry.use_my_functions({}, LAB)


def test_a_global_that_cannot_be_written_is_named(tmp_path, withheld):
    source = HEADER + "TABLE = np.ones(3)\n\n\ndef td_residuals(*a):\n    return TABLE\n"
    namespace = notebook(tmp_path, source)
    with pytest.raises(carry.NotSaved, match="td_residuals uses TABLE, a ndarray"):
        carry.save_my_functions(namespace, LAB)


def test_nothing_happens_with_the_open_library_or_under_the_grader(tmp_path, monkeypatch):
    monkeypatch.setenv("PPO_MY_PPO", str(tmp_path / "my_ppo"))
    monkeypatch.delenv("PPO_GRADER_TOKEN", raising=False)
    assert "nothing to save" in carry.save_my_functions({}, LAB)
    namespace: dict = {}
    print(carry.use_my_functions(namespace, LAB))
    assert namespace["compute_gae"] is exercises.library_function("compute_gae")
    monkeypatch.setattr(exercises, "reference_available", lambda name: False)
    monkeypatch.setenv("PPO_GRADER_TOKEN", "x")
    assert "Graded" in carry.save_my_functions({}, LAB)
    assert not (tmp_path / "my_ppo").exists()


def test_my_ppo_lies_beside_the_lab_folders(tmp_path, monkeypatch):
    monkeypatch.delenv("PPO_MY_PPO", raising=False)
    lab_folder = tmp_path / "course" / LAB
    lab_folder.mkdir(parents=True)
    monkeypatch.chdir(lab_folder)
    assert carry.folder() == tmp_path / "course" / "my_ppo"
    monkeypatch.chdir(tmp_path)  # Colab's /content: no lab folder
    assert carry.folder() == tmp_path / "my_ppo"


def test_in_colab_the_file_is_downloaded_then_asked_for(tmp_path, withheld, monkeypatch):
    """Colab runs each notebook on its own machine: the saving cell downloads the file, and the
    next lab (another machine, no my_ppo) asks for it and uses what the learner uploads."""
    import types

    downloaded, offered = [], {}
    files = types.ModuleType("google.colab.files")
    files.download = lambda path: downloaded.append(Path(path).read_bytes())
    files.upload = lambda: dict(offered)
    colab = types.ModuleType("google.colab")
    colab.files = files
    for name, module in (("google", types.ModuleType("google")), ("google.colab", colab)):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setitem(sys.modules, "google.colab.files", files)
    good = notebook(
        tmp_path, HEADER + reference("td_residuals") + "\n\n" + reference("compute_gae")
    )
    assert "Keep the downloaded file" in carry.save_my_functions(good, LAB)
    assert downloaded == [(withheld / f"{LAB}.py").read_bytes()]
    monkeypatch.setenv("PPO_MY_PPO", str(tmp_path / "next_machine"))
    with pytest.raises(carry.FinishEarlierLab, match="Finish Lab 2 first"):
        carry.use_my_functions({}, LAB)  # nothing uploaded
    offered[f"{LAB} (1).py"] = downloaded[0]  # as a browser names a second download
    namespace: dict = {}
    with carry.use_my_functions(namespace, LAB) as plugged:  # undone at the end of the test
        assert namespace["compute_gae"].__module__ == carry.PREFIX + LAB
        assert exercises.plugged("compute_gae") is namespace["compute_gae"]
        assert set(plugged.plugged) == set(exercises.names(LAB))


def test_a_default_argument_naming_another_function_is_saved_with_it(tmp_path, withheld):
    """``def td_residuals(..., scale=unit)``: the default is evaluated when the saved file is
    imported, so ``unit`` must be in it although the body never names it."""
    source = (
        "def unit(x):\n    return x\n\n\n"
        "def td_residuals(rewards, values, next_values, terminated, gamma, scale=unit):\n"
        "    return scale(rewards)\n"
    )
    namespace = notebook(tmp_path, source)
    saved = carry.module_source(namespace, ["td_residuals"], LAB)
    assert "def unit(" in saved
    exec(compile(saved, "saved", "exec"), {})  # the def of td_residuals finds unit


def test_the_presenter_brings_in_what_was_saved_and_names_what_was_not(tmp_path, withheld):
    """``use_saved_functions``: Lab 2 saved and correct is plugged in; a Lab 1 file whose
    function is a stub is not (and says why); the labs with no file are named."""
    namespace = notebook(
        tmp_path, HEADER + reference("td_residuals") + "\n\n" + reference("compute_gae")
    )
    carry.save_my_functions(namespace, LAB)
    lab1 = exercises.LABS[0]
    stub = "".join(
        f"def {n}(*args, **kwargs):\n    return 0\n\n\n" for n in exercises.names(lab1.id)
    )
    (withheld / f"{lab1.id}.py").write_text(stub)
    try:
        said = carry.use_saved_functions()
        assert exercises.plugged("compute_gae") is not None
        assert exercises.plugged("discounted_return") is None
    finally:
        for name in exercises.names():
            exercises.set_plugged(name, None)
    assert "Lab 2: the library now calls your td_residuals, compute_gae." in said, said
    assert "Not used: your discounted_return of Lab 1" in said, said
    rest = [lab.name for lab in exercises.LABS if lab.id not in (lab1.id, LAB)]
    assert f"Not saved yet: {', '.join(rest)}" in said, said


def test_the_presenter_reads_nothing_on_the_open_library(tmp_path, monkeypatch):
    monkeypatch.setenv("PPO_MY_PPO", str(tmp_path / "missing"))
    assert (
        carry.use_saved_functions() == "This copy of ppo_core has its own code of every exercise."
    )
