"""The environment every test runs in, the tier markers, and the fixtures for all tiers (tests/support/fixtures.py).
The HTTP client runs loopback-only in every test: no traffic leaves 127.0.0.1.

Each test lives in one tier directory, and that directory is its marker (`pytest -m unit` = `pytest tests/unit`):
- unit: pure functions of extractors/ and pure flows helpers on bundled files; no server, network or DuckDB file;
- integration: DuckDB files, HTTP servers on 127.0.0.1, the Prefect test harness, the CLI in process;
- system: a browser, PostgreSQL, Dask, a started Prefect server, the CLI as a subprocess.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "integration", "system")
# prefect_harness, postgres, db_path, shared_data
pytest_plugins = ["tests.support.fixtures"]

os.environ["NEWSWATCH_LOOPBACK_ONLY"] = "1"
# Politeness and backoff stay on in tests, with intervals small enough to keep the suite fast.
os.environ["NEWSWATCH_MIN_INTERVAL"] = "0.01"
os.environ["NEWSWATCH_BACKOFF_BASE"] = "0.01"
os.environ.pop("PREFECT_API_URL", None)
# Every run writes Atom feeds; a test's runs must not overwrite the checkout's reports/feeds/.
os.environ["NEWSWATCH_ATOM_DIR"] = tempfile.mkdtemp(prefix="newswatch-test-feeds-")
atexit.register(shutil.rmtree, os.environ["NEWSWATCH_ATOM_DIR"], ignore_errors=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier directory's name; a test outside the tiers, or marked with another tier
    by hand, is a usage error."""
    for item in items:
        parts = Path(item.path).resolve().relative_to(TESTS).parts
        tier = parts[0] if len(parts) > 1 else None
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in tests/{{{','.join(TIERS)}}}/")
        others = {m.name for m in item.iter_markers() if m.name in TIERS} - {tier}
        if others:
            raise pytest.UsageError(f"{item.nodeid}: in tests/{tier}/ but marked {', '.join(sorted(others))}")
        item.add_marker(tier)
