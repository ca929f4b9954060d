"""Reading stored article text back, and writing tag and entity rows for a new tagger or gazetteer version."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from extractors.records import Article, EntityCount, TopicTag
from warehouse.backend import retry_conflicts
from warehouse.bulk import bulk_insert
from warehouse.db import transaction
from warehouse.load import TABLES, entity_row, tag_row


def stored_article_batches(con: duckdb.DuckDBPyConnection, batch_size: int) -> Iterator[list[Article]]:
    """Every stored article, as stored (title and extracted body), a batch at a time."""
    ids = [row[0] for row in con.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]
    for start in range(0, len(ids), batch_size):
        rows = con.execute(
            "SELECT article_id, url, source, coalesce(title, ''), body, language, is_seed FROM articles"
            " WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id",
            [ids[start : start + batch_size]],
        ).fetchall()
        yield [
            Article(article_id=r[0], url=r[1], source=r[2], title=r[3], text=r[4], language=r[5], is_seed=r[6])
            for r in rows
        ]


def count_rows(con: duckdb.DuckDBPyConnection, table: str, version_column: str, version: str) -> int:
    if (table, version_column) not in {("topic_tags", "tagger_version"), ("article_entities", "gazetteer_version")}:
        raise ValueError(f"not a versioned table: {table}.{version_column}")
    row = con.execute(f"SELECT count(*) FROM {table} WHERE {version_column} = ?", [version]).fetchone()
    return int(row[0]) if row else 0


@retry_conflicts
def write_versioned_rows(con: duckdb.DuckDBPyConnection, tags: list[TopicTag], entities: list[EntityCount]) -> None:
    """Insert in one transaction; rows already present for the same version are left as they are."""
    with transaction(con):
        bulk_insert(con, TABLES["tags"], [tag_row(t) for t in tags])
        bulk_insert(con, TABLES["entities"], [entity_row(e) for e in entities])


def all_tagged_with(con: duckdb.DuckDBPyConnection, tagger_version: str, gazetteer_version: str | None) -> bool:
    """Whether a re-tag with these versions finished over every stored article."""
    row = con.execute(
        "SELECT count(*) FROM tagging_versions WHERE tagger_version = ? AND gazetteer_version = ?",
        [tagger_version, gazetteer_version or ""],
    ).fetchone()
    return bool(row and row[0])


@retry_conflicts
def record_all_tagged(con: duckdb.DuckDBPyConnection, tagger_version: str, gazetteer_version: str | None) -> None:
    with transaction(con):
        if not all_tagged_with(con, tagger_version, gazetteer_version):
            con.execute(
                "INSERT INTO tagging_versions (tagger_version, gazetteer_version) VALUES (?, ?)",
                [tagger_version, gazetteer_version or ""],
            )
