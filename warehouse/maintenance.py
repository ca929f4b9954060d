"""Database maintenance: an integrity check that also reads every table whole, Parquet export and import."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from warehouse.bulk import Table
from warehouse.db import migrate, transaction
from warehouse.load import TABLES
from warehouse.probe_keys import probe_key_sql
from warehouse.story_index import STORY_TABLES, TERM_DF

# Each check returns the offending keys; an empty result means the check passes.
INTEGRITY_CHECKS: dict[str, str] = {
    "aliases without article": "SELECT alias_url FROM article_aliases x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "fingerprints without article": "SELECT article_id FROM fingerprints x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "articles without fingerprint": "SELECT article_id FROM articles a"
    " WHERE NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.article_id = a.article_id)",
    # the dedup look-ups scan these keys (warehouse/probe_keys.py): a row without its key is found, slowly
    "fingerprints without probe keys": "SELECT article_id FROM fingerprints"
    f" WHERE text_key IS DISTINCT FROM {probe_key_sql('text_hash')}"
    f" OR article_key IS DISTINCT FROM {probe_key_sql('article_id')}",
    "articles without probe keys": "SELECT article_id FROM articles"
    f" WHERE article_key IS DISTINCT FROM {probe_key_sql('article_id')}",
    "story verdicts without probe keys": "SELECT article_id FROM article_stories"
    f" WHERE article_key IS DISTINCT FROM {probe_key_sql('article_id')}",
    "LSH bands without fingerprint": "SELECT DISTINCT article_id FROM lsh_bands x"
    " WHERE NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.article_id = x.article_id)",
    "raw pages without article": "SELECT article_id FROM raw_pages x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "tags without article": "SELECT DISTINCT article_id FROM topic_tags x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "duplicate rows without article": "SELECT article_id FROM duplicates x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "duplicates pointing at a missing article": "SELECT article_id FROM duplicates x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.matched_article_id)",
    "duplicates pointing at themselves": "SELECT article_id FROM duplicates WHERE article_id = matched_article_id",
}


def _repeated_keys(table: Table) -> str:
    return f"SELECT {table.key[0]} FROM {table.name} GROUP BY {', '.join(table.key)} HAVING count(*) > 1"


# The corpus tables have no primary keys (warehouse/schema/007): the loaders keep their keys unique.
INTEGRITY_CHECKS.update(
    {f"repeated keys in {t.name}": _repeated_keys(t) for t in [*TABLES.values(), *STORY_TABLES.values(), TERM_DF]}
)


@dataclass(frozen=True, kw_only=True)
class IntegrityProblem:
    check: str
    count: int = 0
    examples: tuple[str, ...] = ()
    error: str | None = None  # what DuckDB said when the check could not read its rows


def whole_table_scan(table: str, columns: list[str]) -> str:
    """SQL that reads every value of every column: a bare count may be answered from row-group metadata
    and `SELECT *` under a count is pruned away, but a hash of each row needs every byte stored."""
    values = ", ".join(quoted_identifier(c) for c in columns)
    return f"SELECT count(*), bit_xor(hash({values})) FROM {quoted_identifier(table)}"


def _failed(check: str, exc: duckdb.Error) -> IntegrityProblem:
    return IntegrityProblem(check=check, error=_first_line(exc))


def check_integrity(con: duckdb.DuckDBPyConnection, examples: int = 5) -> list[IntegrityProblem]:
    """Read every table whole (storage damage such as a failed block checksum is reported per table),
    then run the consistency checks; a check that cannot read its rows is reported, not raised."""
    problems = []
    for table, columns in schema_columns(con).items():
        try:
            con.execute(whole_table_scan(table, columns)).fetchall()
        except duckdb.Error as exc:
            problems.append(_failed(f"table {table} cannot be read", exc))
    for name, sql in INTEGRITY_CHECKS.items():
        try:
            keys = [str(r[0]) for r in con.execute(sql).fetchall()]
        except duckdb.Error as exc:
            problems.append(_failed(name, exc))
            continue
        if keys:
            problems.append(IntegrityProblem(check=name, count=len(keys), examples=tuple(keys[:examples])))
    return problems


MANIFEST = "newswatch-export.json"
# Tables the migration fills itself: an import keeps the new database's rows (one `write_claims` row,
# this schema's versions) rather than adding the export's.
MIGRATION_OWNED = frozenset({"schema_migrations", "write_claims"})
# DuckDB expands these in a file name passed to read_parquet, even in a parameter.
GLOB_CHARACTERS = frozenset("*?[")


class ExportRejected(ValueError):
    """An export names a table or column the current schema does not define, or a file outside its directory."""


def quoted_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each base table of the current database and its columns in order, from DuckDB's catalog."""
    rows = con.execute(
        "SELECT t.table_name, c.column_name FROM duckdb_tables() t"
        " JOIN duckdb_columns() c USING (database_name, schema_name, table_name)"
        " WHERE t.database_name = current_database() AND t.schema_name = 'main'"
        " AND NOT t.internal AND NOT t.temporary ORDER BY t.table_name, c.column_index"
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> list[Path]:
    """Write every table as one Parquet file, plus a manifest with row counts and schema versions."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty")
    counts: dict[str, int] = {}
    for table in schema_columns(con):
        target = directory / f"{table}.parquet"
        con.sql(f"FROM {quoted_identifier(table)}").write_parquet(str(target))
        # Counted in the file written, so the manifest agrees with it even if a writer came in between.
        counts[table] = pq.read_metadata(target).num_rows
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    manifest = {"format": 1, "schema_versions": versions, "tables": counts}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return sorted(directory.iterdir())


def _file_inside(directory: Path, name: str) -> Path:
    """`directory/name`, resolved, refused unless it is a regular file within `directory` itself."""
    root = directory.resolve()
    real = (directory / name).resolve()
    if not real.is_relative_to(root) or real == root:
        raise ExportRejected(f"{name!r} points outside the export directory {directory}")
    if GLOB_CHARACTERS & set(str(real)):
        raise ExportRejected(f"{real} holds one of {''.join(sorted(GLOB_CHARACTERS))}; rename the directory")
    if not real.is_file():
        raise ExportRejected(f"{name!r} is missing from the export {directory}")
    return real


def read_manifest(directory: Path) -> dict[str, int]:
    """The manifest's tables and row counts, refused unless it is a format-1 newswatch manifest."""
    if not (directory / MANIFEST).is_file():
        raise FileNotFoundError(f"{directory} holds no newswatch export ({MANIFEST} missing)")
    try:
        manifest = json.loads(_file_inside(directory, MANIFEST).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportRejected(f"{MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != 1 or not isinstance(manifest.get("tables"), dict):
        raise ExportRejected(f"{MANIFEST} is not a format-1 newswatch manifest")
    tables: dict[str, int] = {}
    for table, rows in manifest["tables"].items():
        if type(rows) is not int or rows < 0:
            raise ExportRejected(f"{MANIFEST} gives table {table!r} the row count {rows!r}")
        tables[table] = rows
    return tables


@dataclass(frozen=True, kw_only=True)
class _ImportFile:
    table: str
    path: Path
    columns: list[str]
    rows: int


def _checked_files(
    con: duckdb.DuckDBPyConnection, directory: Path, manifest: dict[str, int], schema: dict[str, list[str]]
) -> list[_ImportFile]:
    files = []
    for table, rows in manifest.items():
        if table not in schema:
            raise ExportRejected(f"the export names table {table!r}, which the current schema does not define")
        if table in MIGRATION_OWNED:
            continue
        path = _file_inside(directory, f"{table}.parquet")
        try:
            columns = con.read_parquet(str(path)).columns
        except duckdb.Error as exc:
            raise ExportRejected(f"{path.name} is not a readable Parquet file: {_first_line(exc)}") from None
        unknown = [c for c in columns if c not in schema[table]]
        if unknown:
            raise ExportRejected(f"{path.name} has column {unknown[0]!r}, which table {table} does not define")
        present = set(columns)
        known = [c for c in schema[table] if c in present]
        files.append(_ImportFile(table=table, path=path, columns=known, rows=rows))
    return files


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def import_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Load an export into an empty database: create the current schema, then insert each table by
    column name, so an export from an older schema version loads into the newer one.

    Nothing in the export is trusted: only tables and columns of the current schema are accepted
    (SQL names come from DuckDB's catalog, never from the files), and only files inside `directory`.
    Anything else raises `ExportRejected` naming it, before any row is inserted."""
    manifest = read_manifest(directory)
    if schema_columns(con):
        raise FileExistsError("the target database is not empty; import into a new file")
    migrate(con)
    files = _checked_files(con, directory, manifest, schema_columns(con))
    loaded: dict[str, int] = {}
    with transaction(con):
        for f in files:
            names = ", ".join(quoted_identifier(c) for c in f.columns)
            sql = f"INSERT INTO {quoted_identifier(f.table)} ({names}) SELECT {names} FROM read_parquet(?)"
            try:
                row = con.execute(sql, [str(f.path)]).fetchone()
            except duckdb.Error as exc:
                raise ExportRejected(f"{f.path.name} does not fit table {f.table}: {_first_line(exc)}") from None
            inserted = int(row[0]) if row else 0
            if inserted != f.rows:
                raise ExportRejected(f"{f.path.name} holds {inserted} rows; the manifest says {f.rows}")
            loaded[f.table] = inserted
    return loaded
