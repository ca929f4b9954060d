"""Reading stored article text back, and writing tag and entity rows for a new tagger or gazetteer version."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb

from extractors.records import Article, EntityCount, TopicTag
from warehouse.backend import retry_conflicts
from warehouse.bulk import bulk_insert
from warehouse.db import transaction
from warehouse.load import TABLES, entity_row, tag_row


def articles_after(con: duckdb.DuckDBPyConnection, after: str | None) -> list[str]:
    """The ids of stored articles after `after` (all of them when None), in article_id order."""
    sql = "SELECT article_id FROM articles WHERE ? IS NULL OR article_id > ? ORDER BY article_id"
    return [row[0] for row in con.execute(sql, [after, after]).fetchall()]


def stored_article_batches(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str], batch_size: int
) -> Iterator[list[Article]]:
    """The articles `ids`, as stored (title and extracted body), a batch at a time in the order given."""
    for start in range(0, len(ids), batch_size):
        rows = con.execute(
            "SELECT article_id, url, source, coalesce(title, ''), body, language, is_seed FROM articles"
            " WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id",
            [list(ids[start : start + batch_size])],
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


@dataclass(frozen=True, kw_only=True)
class RetagProgress:
    tagger_version: str
    gazetteer_version: str | None
    last_article_id: str
    articles: int  # articles re-tagged so far by this re-tag, over all its runs


def resume_point(
    con: duckdb.DuckDBPyConnection, tagger_version: str, gazetteer_version: str | None
) -> RetagProgress | None:
    """Where an unfinished re-tag with these versions stopped; None if none was started."""
    row = con.execute(
        "SELECT last_article_id, articles FROM retag_progress WHERE tagger_version = ? AND gazetteer_version = ?",
        [tagger_version, gazetteer_version or ""],
    ).fetchone()
    if row is None:
        return None
    return RetagProgress(
        tagger_version=tagger_version, gazetteer_version=gazetteer_version, last_article_id=row[0], articles=row[1]
    )


@retry_conflicts
def write_versioned_rows(
    con: duckdb.DuckDBPyConnection,
    tags: list[TopicTag],
    entities: list[EntityCount],
    progress: RetagProgress | None = None,
) -> None:
    """Insert in one transaction, with how far the re-tag got; rows already present for the same version are
    left as they are."""
    with transaction(con):
        bulk_insert(con, TABLES["tags"], [tag_row(t) for t in tags])
        bulk_insert(con, TABLES["entities"], [entity_row(e) for e in entities])
        if progress is not None:
            versions = [progress.tagger_version, progress.gazetteer_version or ""]
            con.execute("DELETE FROM retag_progress WHERE tagger_version = ? AND gazetteer_version = ?", versions)
            con.execute(
                "INSERT INTO retag_progress (tagger_version, gazetteer_version, last_article_id, articles)"
                " VALUES (?, ?, ?, ?)",
                [*versions, progress.last_article_id, progress.articles],
            )


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
        con.execute(
            "DELETE FROM retag_progress WHERE tagger_version = ? AND gazetteer_version = ?",
            [tagger_version, gazetteer_version or ""],
        )
        if not all_tagged_with(con, tagger_version, gazetteer_version):
            con.execute(
                "INSERT INTO tagging_versions (tagger_version, gazetteer_version) VALUES (?, ?)",
                [tagger_version, gazetteer_version or ""],
            )
