"""Fixtures shared across the tiers. The HTTP client runs loopback-only in every test: no traffic leaves 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import SHARED_DATA

os.environ["NEWSWATCH_LOOPBACK_ONLY"] = "1"
# Politeness and backoff stay on in tests, with intervals small enough to keep the suite fast.
os.environ["NEWSWATCH_MIN_INTERVAL"] = "0.01"
os.environ["NEWSWATCH_BACKOFF_BASE"] = "0.01"
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(), temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A throwaway PostgreSQL (Debian's packages) on a free loopback port; skips where it cannot start."""
    from tests.support.postgres import LocalPostgres, PostgresUnavailable

    try:
        with LocalPostgres() as server:
            yield server
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL cannot start here: {exc}")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newswatch.duckdb"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"measurement data not present at {SHARED_DATA}")
    return SHARED_DATA
