"""Database maintenance: Parquet export and import, and an integrity check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

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


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> list[Path]:
    """Write every table as Parquet plus the schema and load scripts DuckDB needs to import it."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty")
    con.execute(f"EXPORT DATABASE {_quoted(directory)} (FORMAT parquet)")
    return sorted(directory.iterdir())


def import_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    """Load an export into an empty database."""
    if not (directory / "schema.sql").is_file():
        raise FileNotFoundError(f"{directory} holds no newswatch export (schema.sql missing)")
    (tables,) = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchone() or (0,)
    if tables:
        raise FileExistsError("the target database is not empty; import into a new file")
    con.execute(f"IMPORT DATABASE {_quoted(directory)}")
