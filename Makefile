# One file drives set-up, tests and the course.  Every target creates .venv on demand.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# The torch that CI tests (pyproject.toml's lower bound). The pin chooses a version, not a build:
# it gets the CPU build only where one is already at hand (pip's cache or index, a local wheel)
# or PyPI's is CPU-only (macOS, Windows). On Linux PyPI serves the multi-GB CUDA build: pass
# TORCH_INDEX="--index-url https://download.pytorch.org/whl/cpu" for the CPU one.
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=

.PHONY: release setup lab test test-fast test-slow claims lint notebooks check-notebooks record-runs pretrained grade bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q $(TORCH_INDEX) "$(TORCH_SPEC)"
	$(PIP) install -q -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

# A second, small environment with Google Colab's ipywidgets 7.7.1 (torch, numpy, matplotlib,
# no gymnasium or Jupyter): the widget test runs the demos there too, so they keep working on
# Colab's front end.
W7 := .venv-ipywidgets7
$(W7)/.installed:
	$(PYTHON) -m venv $(W7)
	$(W7)/bin/python -m pip install -q $(TORCH_INDEX) "$(TORCH_SPEC)" "ipywidgets==7.7.1" matplotlib numpy pillow
	touch $@

lab: setup
	$(VENV)/bin/jupyter lab

# The whole suite: library, labs (sync check, execution, grading checks), autograder, widgets
# and the real-browser test of the presenter notebook (installs Debian's chromium if missing).
test: setup $(W7)/.installed lint
	bash scripts/install_browser.sh
	$(PY) scripts/sync_labs.py --check
	PPO_IPYWIDGETS7_PYTHON=$(W7)/bin/python $(PY) -m pytest -q --durations=15

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser"

# Run before closing a grading change: every bypass attempt on every lab it targets (also those
# without a positive control, see tests/fixtures/autograder/bypass.py), the grading benchmark
# (30 Lab 2 submissions with two jobs; the README's figure, target <= 60 s on 2 cores) and one
# full set of labs; the
# Gradescope package on Labs 1-3 (correct, wrong, hostile) and every other lab's correct notebook,
# and its requirements.txt resolved from PyPI in a fresh venv; every known-wrong implementation of
# the catalogue graded through the grader (make test checks them in process, and grades a few).
test-slow: setup
	PPO_BYPASS_ALL=1 $(PY) -m pytest -q tests/test_autograder_bypass.py
	PPO_GRADESCOPE_ALL=1 $(PY) -m pytest -q tests/test_gradescope.py
	PPO_CATALOGUE_ALL=1 $(PY) -m pytest -q tests/test_autograder_catalogue.py
	$(PY) benchmarks/grading_speed.py --n 30 --jobs 2 --full

# The register's slow claims (tests/claims/register.py): rerun their experiments and keep the
# outcomes in tests/claims/results.json (commit it); make test fails on a stale or missing one.
claims: setup
	$(PY) scripts/run_claims.py

# Regenerate solutions/ and notebooks/ from ppo_core + scripts/labs (commit the result).
notebooks: setup
	$(PY) scripts/sync_labs.py

check-notebooks: setup
	$(PY) scripts/sync_labs.py --check

# Real training runs behind the shipped artefacts (minutes each; commit what they write).
record-runs: setup
	$(PY) scripts/record_diagnosis_runs.py

pretrained: setup
	$(PY) scripts/make_pretrained.py

# Grade a folder or zip of submissions: make grade SUBMISSIONS=path/or.zip OUT=results
grade: setup
	$(PY) -m autograder grade "$(SUBMISSIONS)" --out "$(OUT)" --jobs 2

# The code's habits: one format (ruff format), the lint rules and the type check (mypy) of
# pyproject.toml.
LINTED := ppo_core ppo_viz autograder tests benchmarks scripts
lint: setup
	$(PY) -m ruff format --check $(LINTED)
	$(PY) -m ruff check $(LINTED)
	$(PY) -m mypy ppo_core autograder

# Your class's release: make release REPO_URL=https://github.com/<you>/<repo> COURSE="CS 999"
# OUT=release [DEADLINE=2027-03-01]: the student notebooks (your repository, course and deadline
# in each lab's Colab badge, install cell and header) and the student build, into a new or empty
# OUT (nothing in the checkout changes).
release: setup
	PYTHONDONTWRITEBYTECODE=1 $(PY) -m autograder release --out "$(OUT)" --repo-url "$(REPO_URL)" --course "$(COURSE)" \
		--deadline "$(DEADLINE)"

bench: setup
	$(PY) benchmarks/time_to_solve.py
	$(PY) benchmarks/time_to_solve.py --fast
	$(PY) benchmarks/sps_vs_sb3.py --repeats 3
	$(PY) benchmarks/widget_latency.py
	$(PY) benchmarks/grading_speed.py --n 20 --full

clean:
	rm -rf $(VENV) $(W7) .pytest_cache .mypy_cache build *.egg-info
