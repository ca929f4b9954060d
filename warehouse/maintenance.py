"""Database maintenance: Parquet export and import, and an integrity check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.bulk import Table
from warehouse.db import migrate, transaction
from warehouse.load import TABLES
from warehouse.story_index import STORY_TABLES, TERM_DF

# Each check returns the offending keys; an empty result means the check passes.
INTEGRITY_CHECKS: dict[str, str] = {
    "aliases without article": "SELECT alias_url FROM article_aliases x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "fingerprints without article": "SELECT article_id FROM fingerprints x"
    " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = x.article_id)",
    "articles without fingerprint": "SELECT article_id FROM articles a"
    " WHERE NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.article_id = a.article_id)",
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
    count: int
    examples: tuple[str, ...]


def check_integrity(con: duckdb.DuckDBPyConnection, examples: int = 5) -> list[IntegrityProblem]:
    problems = []
    for name, sql in INTEGRITY_CHECKS.items():
        keys = [str(r[0]) for r in con.execute(sql).fetchall()]
        if keys:
            problems.append(IntegrityProblem(check=name, count=len(keys), examples=tuple(keys[:examples])))
    return problems


MANIFEST = "newswatch-export.json"


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> list[Path]:
    """Write every table as one Parquet file, plus a manifest with row counts and schema versions."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty")
    counts: dict[str, int] = {}
    for table in _tables(con):
        target = directory / f"{table}.parquet"
        con.execute(f"COPY {table} TO {_quoted(target)} (FORMAT parquet)")
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    manifest = {"format": 1, "schema_versions": versions, "tables": counts}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return sorted(directory.iterdir())


def import_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    """Load an export into an empty database: create the current schema, then insert each table by
    column name, so an export from an older schema version loads into the newer one."""
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{directory} holds no newswatch export ({MANIFEST} missing)")
    if _tables(con):
        raise FileExistsError("the target database is not empty; import into a new file")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    migrate(con)
    loaded: dict[str, int] = {}
    with transaction(con):
        for table, expected in manifest["tables"].items():
            if table == "schema_migrations":
                continue
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet({_quoted(directory / f'{table}.parquet')})"
            )
            loaded[table] = int(expected)
    return loaded
