"""DuckDB connection and idempotent schema migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
VIEWS_DIR = Path(__file__).resolve().parent / "views"
DB_ENV = "NEWSWATCH_DB"


def default_db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or PROJECT_ROOT / "data" / "newswatch.duckdb")


def schema_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(con: duckdb.DuckDBPyConnection, *, up_to: int | None = None) -> list[str]:
    """Apply schema files not yet applied, each in its own transaction; then (re)create views.

    `up_to` stops at that schema version (used to build older databases in upgrade tests).
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    newly: list[str] = []
    for path in schema_files():
        version = int(path.name[:3])
        if version in applied or (up_to is not None and version > up_to):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        newly.append(path.name)
    if up_to is None:
        create_views(con, sorted(VIEWS_DIR.glob("*.sql")))
    return newly


def create_views(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """(Re)create views; one that reads a view not made yet is retried after the others, so names need no order."""
    pending = files
    while pending:
        failed: list[Path] = []
        errors: list[duckdb.CatalogException] = []
        for view in pending:
            try:
                con.execute(view.read_text(encoding="utf-8"))
            except duckdb.CatalogException as exc:
                failed.append(view)
                errors.append(exc)
        if len(failed) == len(pending):
            raise errors[0]
        pending = failed


def connect(path: Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db_path = path or default_db_path()
    if read_only:
        return duckdb.connect(str(db_path), read_only=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    migrate(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
