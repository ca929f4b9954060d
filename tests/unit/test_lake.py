"""The DuckLake dialect of the schema files (the backend itself is tested on PostgreSQL in tests/system)."""

from __future__ import annotations

from warehouse import backend, db


def test_lake_dialect_keeps_columns_and_drops_keys_and_indexes() -> None:
    sql = (db.SCHEMA_DIR / "001_core.sql").read_text(encoding="utf-8")
    lake_sql = backend.lake_dialect(sql)
    assert "PRIMARY KEY" not in lake_sql.upper()
    assert "CREATE INDEX" not in lake_sql.upper()
    assert lake_sql.count("CREATE TABLE") == sql.count("CREATE TABLE")
    assert "alias_url  VARCHAR NOT NULL" in lake_sql


def test_lake_dialect_drops_check_constraints_which_ducklake_refuses() -> None:
    ddl = "CREATE TABLE t (\n    verdict VARCHAR NOT NULL CHECK (verdict IN ('add', 'remove')),\n    n INTEGER\n);"
    assert backend.lake_dialect(ddl) == "CREATE TABLE t (\n    verdict VARCHAR NOT NULL,\n    n INTEGER\n);"
    for path in db.schema_files():
        statements = [
            line.split("--")[0] for line in backend.lake_dialect(path.read_text(encoding="utf-8")).splitlines()
        ]
        assert "CHECK" not in " ".join(statements).upper(), path.name


def test_a_lake_ingest_stores_bigger_batches_unless_told() -> None:
    """A DuckLake batch's catalog round trips hardly depend on its size: 100 pages a batch there, 25 on a file."""
    from flows.ingest.flow import batch_pages

    assert batch_pages("ducklake:postgres:dbname=nw host=127.0.0.1", None) == 100
    assert batch_pages("data/newswatch.duckdb", None) == 25
    assert batch_pages("ducklake:/srv/catalog.ducklake", 10) == 10
