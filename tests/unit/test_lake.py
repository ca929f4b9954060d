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
    for path in db.schema_files():
        lake_sql = backend.lake_dialect(path.read_text(encoding="utf-8"))
        assert "CHECK" not in lake_sql.upper().replace("CHECKED", ""), path.name
    feedback = backend.lake_dialect((db.SCHEMA_DIR / "010_tag_feedback.sql").read_text(encoding="utf-8"))
    assert "verdict    VARCHAR NOT NULL," in feedback
