# Quick start: `make run` starts the local stack, `make test` runs the whole suite. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
REPORTS := reports
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core by default; a test file stays in one process, so its fixtures start once.
TEST_WORKERS ?= auto
SIMULATOR_PORT ?= 8900
PROFILE ?= smoke
LOCUST_ARGS ?=

.PHONY: run test load gates consumer venv clean

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

# The local stack: the vendor simulators on SIMULATOR_PORT, and the server (development mode) pointed at them.
run: $(INSTALLED)
	$(BIN)/sentia-testkit simulate --port $(SIMULATOR_PORT) -- $(BIN)/sentia-server dev

# The whole suite under coverage (branch mode, subprocesses included); writes reports/junit.xml and
# reports/coverage.json, which the tests and coverage gates read.
test: $(INSTALLED)
	@mkdir -p $(REPORTS)
	@$(BIN)/python -m coverage erase
	$(BIN)/python -m coverage run -m pytest --numprocesses $(TEST_WORKERS) --dist loadfile --junitxml=$(REPORTS)/junit.xml $(PYTEST_ARGS)
	@$(BIN)/python -m coverage combine -q
	@$(BIN)/python -m coverage json -q -o $(REPORTS)/coverage.json
	@echo "coverage (statements and branches): $$($(BIN)/python -m coverage report --format=total)%"

# One load profile (smoke, steady, step, spike, stress, soak) against the local stack, rate limits raised; writes
# reports/load_stats.csv (the load gate reads it), load.html, load_memory.csv. LOCUST_ARGS go to locust.
load: $(INSTALLED)
	$(BIN)/python scripts/load.py --profile $(PROFILE) --reports $(REPORTS) -- $(LOCUST_ARGS)

# Every quality gate, from the reports `make test` wrote plus the analyzers run now.
gates: $(INSTALLED)
	$(BIN)/quality-gates --produce-only --skip tests,coverage
	$(BIN)/quality-gates --from-reports $(REPORTS)

# The consumer example's tests and gates against the sentia wheel built from this checkout, in a fresh venv.
consumer:
	PYTHON=$(PYTHON) examples/consumer/run.sh

# Throughput of the full server against a bare MCP SDK echo server, same machine, uvicorn settings and client;
# prints both servers' calls/s and latency percentiles and their ratio, and writes reports/head_to_head.json.
HEAD_TO_HEAD_ARGS ?=
head-to-head: $(INSTALLED)
	$(BIN)/python -m benchmarks.head_to_head $(HEAD_TO_HEAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache $(REPORTS) htmlcov
