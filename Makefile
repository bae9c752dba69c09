# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
WORKSPACE ?= mille-workspace

.PHONY: demo test lint install install-test system-deps clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP) $@

install: $(STAMP)
install-test: $(TSTAMP)

# Chromium and Java with apt-get when missing (or the exact command to run, and stop).
system-deps:
	@scripts/system-deps

demo: $(STAMP)
	$(BIN)/mille --workspace $(WORKSPACE) demo

lint: $(TSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache

test: $(TSTAMP) system-deps lint
	SPARK_LOCAL_IP=$${SPARK_LOCAL_IP:-127.0.0.1} $(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache build src/*.egg-info
