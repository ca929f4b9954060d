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

# The dependencies pyproject.toml lists, with the extras named: pip installs them with its progress shown,
# then newswatch itself, without the notice setuptools prints for every editable install (pip shows it even
# with --quiet), so the first run prints no setuptools warning.
DEPENDENCIES = $(BIN)/python -c 'import sys, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + [d for extra in sys.argv[1:] for d in p["optional-dependencies"][extra]]))'

# A line per step; pip shows what it collects and its download bars for the long one.
$(STAMP): pyproject.toml constraints.txt
	@echo "newswatch: creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "newswatch: upgrading pip"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "newswatch: installing pinned dependencies (a few minutes the first time)..."
	$(DEPENDENCIES) dev > $(VENV)/requirements.txt
	$(BIN)/pip install --progress-bar on -c constraints.txt -r $(VENV)/requirements.txt
	PYTHONWARNINGS='ignore:Editable installation:UserWarning' $(BIN)/pip install --quiet --no-deps -c constraints.txt -e .
	touch $(STAMP)
	@echo "newswatch: installed in $(VENV)"

# Tests also cover the scale-out backends (DuckLake, Dask): the `scale` extra beside dev.
$(SCALE_STAMP): $(STAMP)
	@echo "newswatch: installing the scale extra (DuckLake, Dask) for the tests..."
	$(DEPENDENCIES) dev scale > $(VENV)/requirements-scale.txt
	$(BIN)/pip install --progress-bar on -c constraints.txt -r $(VENV)/requirements-scale.txt
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
