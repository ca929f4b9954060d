# newswatch: `make run` sets up and ingests; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCALE_STAMP := $(VENV)/.installed-scale

.PHONY: run test lint serve bench-deps help

help:
	@echo "make run    - create .venv, install pinned deps, run the ingest flow once"
	@echo "make test   - install dev deps, lint, and run the test suite"
	@echo "make lint   - ruff and mypy"
	@echo "make serve  - Prefect server on 127.0.0.1:4200 and the prefect.yaml schedules (Ctrl-C stops)"

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

lint: $(SCALE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench-deps: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'

serve: $(STAMP)
	$(BIN)/newswatch serve
