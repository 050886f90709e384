"""The two ways to install the course ask for the same things: every runtime dependency of
pyproject.toml (pip, ``make setup``) is in environment.yml (conda) with the same extras and lower
bound, and torch's lower bound is the version CI installs (the Makefile's ``TORCH_SPEC``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml  # PyYAML comes with jupyterlab (through jupyter-events)
from packaging.requirements import Requirement
from packaging.version import Version

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from 3.11")

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"torch": "pytorch-cpu"}  # conda-forge's CPU-only build of torch


def pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {req.name: req for req in map(Requirement, project["dependencies"])}


def environment_requirements() -> dict[str, Requirement]:
    """environment.yml's conda and pip entries by name (not python, pip or the ``-e .``)."""
    entries = []
    for entry in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]:
        if isinstance(entry, dict):
            entries += [spec for spec in entry["pip"] if not spec.startswith("-")]
        elif entry.split("=")[0] not in ("python", "pip"):
            entries.append(entry)
    return {req.name: req for req in map(Requirement, entries)}


def lower_bound(requirement: Requirement) -> Version | None:
    bounds = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return max(bounds, default=None)


@pytest.mark.parametrize("name", list(pyproject_requirements()))
def test_environment_yml_has_each_runtime_dependency_with_its_lower_bound(name):
    wanted = pyproject_requirements()[name]
    conda_name = CONDA_NAMES.get(name, name)
    environment = environment_requirements()
    assert conda_name in environment, (
        f"environment.yml lacks {conda_name}: add '{conda_name}{wanted.specifier}' "
        f"(pyproject.toml has '{wanted}')"
    )
    found = environment[conda_name]
    assert lower_bound(wanted) is not None, f"pyproject.toml: give {name} a lower bound (>=)"
    assert lower_bound(found) == lower_bound(wanted), (
        f"environment.yml has '{found}', pyproject.toml '{wanted}': use the same lower bound"
    )
    assert found.extras == wanted.extras, f"environment.yml: '{found}' vs '{wanted}'"


def test_torchs_lower_bound_is_the_version_ci_installs():
    spec = re.search(r"^TORCH_SPEC \?= (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert spec, "the Makefile no longer sets TORCH_SPEC ?= torch==VERSION"
    [pin] = Requirement(spec.group(1)).specifier
    tested = Version(pin.version)
    bound = lower_bound(pyproject_requirements()["torch"])
    assert bound is not None and (bound.major, bound.minor) == (tested.major, tested.minor), (
        f"CI installs torch {tested}, pyproject.toml accepts torch >= {bound}: "
        f"raise the lower bound to {tested.major}.{tested.minor}"
    )
