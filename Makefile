# newswatch: `make run` sets up and ingests; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE_STAMP := $(VENV)/.installed-scale

.PHONY: run test test-fast lint serve bench-deps help

help:
	@echo "make run       - create .venv, install pinned deps, run the ingest flow once"
	@echo "make test      - install dev deps, lint, and run every test tier (unit, integration, system)"
	@echo "make test-fast - the unit tier only (tests/unit: pure functions, no server or database; under a minute)"
	@echo "make lint      - ruff and mypy"
	@echo "make serve     - Prefect server on 127.0.0.1:4200, the prefect.yaml schedules, the story browser on 127.0.0.1:8400"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Tests also cover the scale-out backends (DuckLake, Dask): the `scale` extra beside dev.
$(SCALE_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,scale]'
	touch $(SCALE_STAMP)

run: $(STAMP)
	$(BIN)/newswatch run

test: $(SCALE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The unit tier needs no scale extra: it starts no server and opens no database.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m unit tests/unit

lint: $(SCALE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench-deps: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'

serve: $(STAMP)
	$(BIN)/newswatch serve
