"""Warehouse connection (embedded DuckDB file or DuckLake, see warehouse/backend.py) and idempotent migrations."""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import backend

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
VIEWS_DIR = Path(__file__).resolve().parent / "views"


def schema_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def location_label(location: str | Path) -> str:
    """What to show a user: the file path, or the DuckLake catalog without its connection options (and, in a
    URI, without its password)."""
    text = backend.redact(str(location))
    return text.split(" ", 1)[0] + " …" if backend.is_lake(text) and " " in text else text


@backend.retry_conflicts
def migrate(con: duckdb.DuckDBPyConnection, *, up_to: int | None = None) -> list[str]:
    """Apply schema files not yet applied, each in its own transaction; then (re)create views.

    `up_to` stops at that schema version (used to build older databases in upgrade tests). On DuckLake the
    same files run in `backend.lake_dialect`; workers starting together retry on the catalog conflict.
    """
    lake = backend.connection_is_lake(con)
    dialect = backend.lake_dialect if lake else str
    con.execute(
        dialect(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
    )
    if lake:
        # Row 0 is the migration lock: each migration bumps it, so two workers applying the same one
        # conflict at commit (DuckLake appends alone never do) and the later one re-reads what is applied.
        con.execute(
            "INSERT INTO schema_migrations (version, name) SELECT 0, 'migration lock'"
            " WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 0)"
        )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations WHERE version > 0").fetchall()}
    newly: list[str] = []
    for path in schema_files():
        version = int(path.name[:3])
        if version in applied or (up_to is not None and version > up_to):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if lake:
                con.execute("UPDATE schema_migrations SET applied_at = now() WHERE version = 0")
                # Another worker may have applied it since `applied` was read; this snapshot knows.
                if con.execute("SELECT count(*) FROM schema_migrations WHERE version = ?", [version]).fetchone() != (
                    0,
                ):
                    con.execute("ROLLBACK")
                    continue
            con.execute(dialect(path.read_text(encoding="utf-8")))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, path.name])
        except Exception:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")  # a failed commit ends the transaction itself: nothing left to roll back
        newly.append(path.name)
    if up_to is None:
        views = sorted(VIEWS_DIR.glob("*.sql"))
        # After a schema change every view is made again; otherwise only those whose file changed. On
        # DuckLake each view made is a catalog commit, and every worker connects at the start of every run.
        create_views(con, views if newly else changed_views(con, views))
    return newly


VIEW_MARK = "newswatch view file sha256:"


def _view_mark(sql: str) -> str:
    return VIEW_MARK + hashlib.sha256(sql.encode("utf-8")).hexdigest()


def changed_views(con: duckdb.DuckDBPyConnection, files: list[Path]) -> list[Path]:
    """The view files whose view is missing or was made from other text (its comment holds the file's digest)."""
    marks = dict(
        con.execute(
            "SELECT view_name, comment FROM duckdb_views() WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
    )
    return [f for f in files if marks.get(f.stem) != _view_mark(f.read_text(encoding="utf-8"))]


def create_views(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    """(Re)create views, one a file and named as the file, each with its file's digest as its comment; one
    that reads a view not made yet is retried after the others, so names need no order."""
    pending = files
    while pending:
        failed: list[Path] = []
        errors: list[duckdb.CatalogException] = []
        for view in pending:
            sql = view.read_text(encoding="utf-8")
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(sql)
                con.execute(f"COMMENT ON VIEW {view.stem} IS '{_view_mark(sql)}'")
            except duckdb.CatalogException as exc:
                con.execute("ROLLBACK")
                failed.append(view)
                errors.append(exc)
                continue
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        if len(failed) == len(pending):
            raise errors[0]
        pending = failed


def connect(
    location: Path | str, *, read_only: bool = False, options: backend.WarehouseOptions | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at `location` (a DuckDB file or `ducklake:...`), migrated unless read-only."""
    options = options or backend.WarehouseOptions()
    if backend.is_lake(location):
        con = backend.connect_lake(str(location), options, read_only=read_only)
        if not read_only:
            try:
                migrate(con)
            except BaseException:
                con.close()
                raise
        return con
    db_path = Path(location)
    if read_only:
        return duckdb.connect(str(db_path), read_only=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # DuckDB caches up to 80% of RAM by default; a bounded cache keeps a long-running ingest's memory flat.
    con = duckdb.connect(str(db_path), config={"memory_limit": options.memory_limit})
    migrate(con)
    return con


@dataclass
class _Open:
    """The transaction a connection has open through `transaction`, and whether it bumped the claims."""

    claimed: bool = False


# Per connection: DuckDB connections take no attributes, and a closed one must not keep an entry alive.
_open_transactions: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _Open] = weakref.WeakKeyDictionary()


def _claim(con: duckdb.DuckDBPyConnection, state: _Open) -> None:
    if not state.claimed and backend.connection_is_lake(con):
        con.execute("UPDATE write_claims SET claims = claims + 1")
        state.claimed = True


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, *, keyed: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction. `keyed`: it inserts rows whose keys must stay unique (anti-join inserts, merges).

    On DuckLake, two transactions that both append the same key would both commit, since appends never
    conflict there. A keyed transaction therefore also bumps the one-row `write_claims` table: of two
    overlapping keyed transactions the second then fails at commit, and `backend.retry_conflicts` re-runs
    its unit against the newer snapshot, where the anti-join sees the first one's rows.

    Called while the connection has one open, the statements join that transaction (a keyed one claims it
    once), so a unit of several writers commits once: on DuckLake every commit and every transaction's
    first look at a table are catalog round trips.
    """
    state = _open_transactions.get(con)
    if state is not None:
        if keyed:
            _claim(con, state)
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    state = _open_transactions[con] = _Open()
    try:
        if keyed:
            _claim(con, state)
        yield con
    except BaseException:
        del _open_transactions[con]
        con.execute("ROLLBACK")
        raise
    del _open_transactions[con]
    con.execute("COMMIT")
