"""Fixtures for every tier, registered by tests/conftest.py (`pytest_plugins`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.paths import SHARED_DATA

if TYPE_CHECKING:
    from tests.support.postgres import LocalPostgres


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Prefect's test harness (a temporary database and API in process) for the whole session."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # A busy machine can take more than the default 30 s to start the harness server.
    with (
        prefect_test_harness(server_startup_timeout=180),
        temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
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
def lake_database(
    postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> str:
    """A new catalog database of its own for this test, the lake's data files under its tmp_path."""
    module = request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    name = re.sub(r"\W", "_", f"lake_{module[:16]}_{request.node.name.lower()}")[:63]
    postgres.create(name)
    monkeypatch.setenv("NEWSWATCH_LAKE_DATA", str(tmp_path / "lake-files"))
    return name


@pytest.fixture
def lake(postgres: LocalPostgres, lake_database: str) -> str:
    """The `ducklake:postgres:` location of this test's own lake (not migrated yet)."""
    return postgres.lake_location(lake_database)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's warehouse file goes (not created)."""
    return tmp_path / "newswatch.duckdb"


@pytest.fixture
def shared_data() -> Path:
    """The measurement data in ../shared/data; the test skips where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"measurement data not present at {SHARED_DATA}")
    return SHARED_DATA
