"""Upgrading a database built by an older schema keeps its data and reaches the current schema."""

from pathlib import Path

import duckdb
import pytest

from warehouse import db

VERSIONS = [int(p.name[:3]) for p in db.schema_files()]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize("old_version", VERSIONS)
def test_upgrade_from_older_schema_keeps_rows(tmp_path: Path, old_version: int) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con, up_to=old_version)
    con.execute(
        "INSERT INTO articles (article_id, url, source, title, body, is_seed)"
        " VALUES ('a1', 'seed://x', 's', 't', 'b', true)"
    )
    con.close()

    upgraded = db.connect(path)
    applied = [r[0] for r in upgraded.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert applied == VERSIONS
    assert upgraded.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    fresh = db.connect(tmp_path / "fresh.duckdb")
    assert _tables(upgraded) == _tables(fresh)
    upgraded.close()
    fresh.close()


def test_migrate_twice_is_a_no_op(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "x.duckdb")
    assert db.migrate(con) == []
    con.close()
