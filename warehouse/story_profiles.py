"""Stored story terms made again for a new story-profile version: read the originals, replace the terms
and their document frequencies, record the version. Story ids are kept: only the terms future articles are
compared with change."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import duckdb

from extractors.records import Article
from warehouse.backend import retry_conflicts
from warehouse.bulk import bulk_insert
from warehouse.db import transaction
from warehouse.story_index import DOCUMENT_COUNT_TERM, STORY_TABLES, TERM_DF

ORIGINALS = "SELECT article_id FROM articles WHERE article_id NOT IN (SELECT article_id FROM duplicates)"


def recorded_version(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(
        "SELECT profile_version FROM story_profile_versions ORDER BY completed_at DESC LIMIT 1"
    ).fetchone()
    return str(row[0]) if row else None


def has_articles(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM articles").fetchone()
    return bool(row and row[0])


def original_batches(con: duckdb.DuckDBPyConnection, batch_size: int) -> Iterator[list[Article]]:
    """Every stored article that is not a copy, as stored, a batch at a time."""
    ids = [row[0] for row in con.execute(f"{ORIGINALS} ORDER BY article_id").fetchall()]
    for start in range(0, len(ids), batch_size):
        rows = con.execute(
            "SELECT article_id, url, source, coalesce(title, ''), body, language, published, is_seed,"
            " first_seen_at::DATE FROM articles"
            " WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id",
            [ids[start : start + batch_size]],
        ).fetchall()
        yield [
            Article(
                article_id=r[0],
                url=r[1],
                source=r[2],
                title=r[3],
                text=r[4],
                language=r[5],
                published=r[6],
                is_seed=r[7],
                seen_on=r[8],
            )
            for r in rows
        ]


@retry_conflicts
def replace_story_terms(
    con: duckdb.DuckDBPyConnection,
    batches: Callable[[], Iterable[list[list[Any]]]],
    document_frequency: dict[str, int],
    documents: int,
    version: str,
) -> bool:
    """In one transaction: story_terms become the rows `batches()` gives (term, article_id, count, published,
    language), story_term_df these frequencies over `documents` indexed articles, and `version` is recorded.

    A write unit: on DuckLake it waits for its turn and reruns whole on a lost commit, which is why it takes
    a way to make the rows again rather than rows it could read only once. False, writing nothing, when
    `version` was recorded meanwhile: another worker, starting at the same time, made the same terms."""
    with transaction(con):
        if recorded_version(con) == version:
            return False
        con.execute("DELETE FROM story_terms")
        for rows in batches():
            bulk_insert(con, STORY_TABLES["terms"], rows, {r[1] for r in rows})
        con.execute("DELETE FROM story_term_df")
        df_rows = [[DOCUMENT_COUNT_TERM, documents], *([t, n] for t, n in sorted(document_frequency.items()))]
        bulk_insert(con, TERM_DF, df_rows)
        con.execute(
            "INSERT INTO story_profile_versions (profile_version, articles) VALUES (?, ?)", [version, documents]
        )
    return True


@retry_conflicts
def record_version(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """An empty warehouse has nothing to profile again: its articles will all be made with `version`."""
    with transaction(con):
        con.execute("INSERT INTO story_profile_versions (profile_version, articles) VALUES (?, 0)", [version])
