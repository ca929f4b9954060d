"""What a DuckLake warehouse (real PostgreSQL catalog) costs its workers: connecting writes nothing once the
lake is up to date; scheduled maintenance keeps the data and drops old snapshots and files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from extractors.analysis import analyze_article
from flows.seed_files import load_seed_articles, load_taxonomy
from flows.settings import DEFAULT_TOPICS
from tests.support.helpers import connect_lake, copy_of
from tests.support.paths import CORPUS
from tests.support.postgres import LocalPostgres

pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra: pip install -e '.[scale]'")


def _snapshots(postgres: LocalPostgres, database: str) -> int:
    return int(postgres.query(database, "SELECT count(*) FROM ducklake_snapshot")[0][0])


def test_connecting_to_an_up_to_date_lake_commits_nothing(postgres: LocalPostgres, lake_database: str) -> None:
    """Every worker connects at the start of every run; each view it made again was a catalog commit."""
    location = postgres.lake_location(lake_database)
    connect_lake(location).close()
    before = _snapshots(postgres, lake_database)
    for _ in range(2):
        con = connect_lake(location)
        try:
            assert con.execute("SELECT count(*) FROM unique_articles").fetchone() == (0,)
        finally:
            con.close()
    assert _snapshots(postgres, lake_database) == before


def test_the_maintenance_flow_keeps_every_row_and_drops_old_snapshots_and_files(
    prefect_harness: None, postgres: LocalPostgres, lake_database: str, tmp_path: Path
) -> None:
    from flows.ingest.batches import store_analyzed
    from flows.ops.lake_upkeep import maintain
    from warehouse.maintenance import check_integrity, schema_columns

    location = postgres.lake_location(lake_database)
    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    seeds = load_seed_articles(CORPUS)
    articles = [*seeds, *(copy_of(a, f"http://127.0.0.1/copy/{n}/{i}") for n in range(4) for i, a in enumerate(seeds))]
    analyzed = [analyze_article(a, taxonomy, None) for a in articles]
    con = connect_lake(location)
    try:
        for start in range(0, len(analyzed), 3):  # many small commits: a snapshot and small files each
            store_analyzed(con, analyzed[start : start + 3], "run-1")
        before = {t: _rows(con, t) for t in schema_columns(con)}
    finally:
        con.close()
    snapshots_before = {r[0] for r in postgres.query(lake_database, "SELECT snapshot_id FROM ducklake_snapshot")}
    files_before = _active_files(postgres, lake_database)

    done = maintain(db_path=location, keep="0m")

    assert done is not None and done["snapshots_expired"] >= len(snapshots_before) - 1
    snapshots_after = {r[0] for r in postgres.query(lake_database, "SELECT snapshot_id FROM ducklake_snapshot")}
    # Only the latest snapshot of before survives (the last one always stays), beside the maintenance's own.
    assert snapshots_before & snapshots_after <= {max(snapshots_before, key=int)}
    assert _active_files(postgres, lake_database) < files_before
    con = connect_lake(location)
    try:
        assert {t: _rows(con, t) for t in schema_columns(con)} == before
        assert check_integrity(con) == []
    finally:
        con.close()
    again = maintain(db_path=location, keep="0m")  # the files the first pass replaced go from disk now
    assert again is not None and again["files_deleted"] > 0
    named = {Path(p).name for p in _file_paths(postgres, lake_database)}
    assert {p.name for p in (tmp_path / "lake-files").rglob("*.parquet")} <= named


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    return sorted(con.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def _active_files(postgres: LocalPostgres, database: str) -> int:
    return int(postgres.query(database, "SELECT count(*) FROM ducklake_data_file WHERE end_snapshot IS NULL")[0][0])


def _file_paths(postgres: LocalPostgres, database: str) -> set[str]:
    """Every file the catalog still names: data and delete files, and those due for deletion at the next pass
    (the expiry of this pass put them there)."""
    sql = (
        "SELECT path FROM ducklake_data_file UNION ALL SELECT path FROM ducklake_delete_file"
        " UNION ALL SELECT path FROM ducklake_files_scheduled_for_deletion"
    )
    return {r[0] for r in postgres.query(database, sql)}
