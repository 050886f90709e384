# One file drives set-up, tests and the course.  Every target creates .venv on demand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# The CPU wheel of torch. An unpinned torch would pull a multi-GB CUDA build on Linux.
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=

.PHONY: setup lab test test-fast lint notebooks check-notebooks bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(TORCH_INDEX) "$(TORCH_SPEC)"
	$(PIP) install -q -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

test: setup
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

lint: setup
	$(PY) -m ruff check ppo_core autograder tests benchmarks scripts

bench: setup
	$(PY) benchmarks/time_to_solve.py
	$(PY) benchmarks/sps_vs_sb3.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
