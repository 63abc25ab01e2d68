# Two commands for a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= config.example.toml

.PHONY: install install-dev demo test test-fast lint check clean bench

## What a coordinator's machine needs: the runtime set (requirements.txt) and the package.
install: $(VENV)/.runtime

## Everything for development: the runtime set, then the test and lint tools.
install-dev: $(VENV)/.dev

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

# The runtime set only (requirements.txt) and the package: what the demo and a coordinator's
# machine need.
$(VENV)/.runtime: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 eller senare behövs (hittade: $(PYTHON))"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	@touch $@

# The test and lint tools on top (requirements-dev.txt).
$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	@touch $@

## Build the demo workbook if it is missing, run the daily routine on it, write the emails to outbox/.
## (CI and GITHUB_ACTIONS are blanked for the demo only: its workbook holds invented people, and
## the scripts refuse an xlsx workbook in CI, where a real one must never be. The demo is a
## simulation: MEDLEMSRUTINER_SIMULATION=1 would let it replay a day to come with --today.)
DEMO_ENV := CI= GITHUB_ACTIONS= MEDLEMSRUTINER_SIMULATION=1
demo: $(VENV)/.runtime
	@test -f demo/medlemsrutiner.xlsx || $(DEMO_ENV) $(BIN)/python scripts/make_demo.py --config $(CONFIG)
	@# Exit 1 means "done, some rows need a person": the demo has such rows on purpose.
	@$(DEMO_ENV) $(BIN)/python scripts/run_daily.py --config $(CONFIG); status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi
	@$(DEMO_ENV) $(BIN)/python scripts/weekly_summary.py --config $(CONFIG)
	@echo "Breven ligger i outbox/, arbetsboken är demo/medlemsrutiner.xlsx."

## Run the whole test suite, on two processes (pytest-xdist; TEST_JOBS=1 for one).
TEST_JOBS ?= 2
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_JOBS)

## Everything but the slow year-long, replay and crash tests (marked `slow`): about a minute.
test-fast: install-dev
	$(BIN)/python -m pytest -n $(TEST_JOBS) -q -m "not slow"

## Every benchmark, one markdown table each (takes a while: the scale benchmark alone ~10 min, the crash matrix a few).
bench: install-dev
	@echo "### Crash matrix: the daily run stopped at every I/O point (benchmarks/crash_matrix.py)"
	@$(BIN)/python benchmarks/crash_matrix.py
	@echo
	@echo "### Real kills: the scripts killed with SIGKILL at random moments (benchmarks/kill.py)"
	@$(BIN)/python benchmarks/kill.py --kills 100
	@echo
	@echo "### Scale: the daily run against the floor (benchmarks/scale.py)"
	@$(BIN)/python benchmarks/scale.py
	@echo
	@echo "### Two years of the demo, a daily run a day (benchmarks/replay.py)"
	@$(BIN)/python benchmarks/replay.py
	@echo
	@echo "### Faults (benchmarks/faults.py)"
	@$(BIN)/python benchmarks/faults.py
	@echo
	@echo "### Google Sheets API requests (benchmarks/api_requests.py)"
	@$(BIN)/python benchmarks/api_requests.py
	@echo
	@echo "### SMTP (benchmarks/smtp.py)"
	@$(BIN)/python benchmarks/smtp.py
	@echo
	@echo "### Concurrent edits and any value in any cell, property-based (bench profile)"
	@HYPOTHESIS_PROFILE=bench $(BIN)/python -m pytest -q tests/adapters/test_concurrent_edits.py tests/routines/test_any_cell.py

## ruff, mypy, and zizmor on the workflows (any finding fails; the auditor persona's too,
## unless the workflow suppresses it with a reason).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/zizmor --offline --quiet .github/workflows
	$(BIN)/zizmor --offline --quiet --persona auditor .github/workflows

check: lint test

clean:
	rm -rf $(VENV) demo outbox preview .pytest_cache .mypy_cache .ruff_cache
