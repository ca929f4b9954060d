"""What a DuckLake warehouse (real PostgreSQL catalog) costs its workers: connecting writes nothing once the
lake is up to date; scheduled maintenance keeps the data and drops old snapshots and files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.settings import load_settings
from tests.support.postgres import LocalPostgres
from warehouse import db

pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra: pip install -e '.[scale]'")


@pytest.fixture
def lake_database(
    postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> str:
    name = "scale_" + request.node.name.lower()[:40]
    postgres.create(name)
    monkeypatch.setenv("NEWSWATCH_LAKE_DATA", str(tmp_path / "lake-files"))
    return name


def _connect(location: str) -> duckdb.DuckDBPyConnection:
    return db.connect(location, options=load_settings().warehouse)


def _snapshots(postgres: LocalPostgres, database: str) -> int:
    return int(postgres.query(database, "SELECT count(*) FROM ducklake_snapshot")[0][0])


def test_connecting_to_an_up_to_date_lake_commits_nothing(postgres: LocalPostgres, lake_database: str) -> None:
    """Every worker connects at the start of every run; each view it made again was a catalog commit."""
    location = postgres.lake_location(lake_database)
    _connect(location).close()
    before = _snapshots(postgres, lake_database)
    for _ in range(2):
        con = _connect(location)
        try:
            assert con.execute("SELECT count(*) FROM unique_articles").fetchone() == (0,)
        finally:
            con.close()
    assert _snapshots(postgres, lake_database) == before
