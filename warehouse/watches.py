"""Watches (saved searches) and their hits: the SQL of `newswatch watch` and of each ingest batch's check.

A watch matches a story when one of the story's articles contains every word of the watch's query, as the
full-text index splits and stems them (warehouse/fulltext.py, the index `newswatch search` uses), and
the article and the story pass the watch's filters. The few stories to check are matched in a scratch copy
of that index (`fulltext.scratch_index`), so neither the warehouse nor its index is written to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.backend import retry_conflicts
from warehouse.bulk import Table, bulk_insert, bulk_merge
from warehouse.db import transaction
from warehouse.fulltext import INDEX_NAME, all_words, scratch_index, search_terms_sql

WATCHES = Table(
    name="watches",
    columns=(
        ("name", "VARCHAR"),
        ("query", "VARCHAR"),
        ("topic", "VARCHAR"),
        ("language", "VARCHAR"),
        ("source", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ),
    key=("name",),
)
WATCH_HITS = Table(
    name="watch_hits",
    columns=(
        ("watch", "VARCHAR"),
        ("story_id", "VARCHAR"),
        ("article_id", "VARCHAR"),
        ("outlets", "VARCHAR[]"),
        ("alerts", "INTEGER"),
        ("first_hit_at", "TIMESTAMP"),
        ("last_hit_at", "TIMESTAMP"),
        ("run_id", "VARCHAR"),
    ),
    key=("watch", "story_id"),
)
EMPTY_ARTICLES = pa.schema([("article_id", pa.string()), ("title", pa.string()), ("body", pa.string())])


@dataclass(frozen=True, kw_only=True)
class Watch:
    name: str
    query: str
    topic: str | None = None
    language: str | None = None
    source: str | None = None
    notify_block: str | None = None


@dataclass(frozen=True, kw_only=True)
class WatchMatch:
    watch: str
    story_id: str
    article_id: str  # the story's best-matching article
    score: float


@dataclass(frozen=True, kw_only=True)
class StoredHit:
    watch: str
    story_id: str
    article_id: str
    outlets: tuple[str, ...]
    alerts: int
    first_hit_at: datetime
    last_hit_at: datetime


def query_words(text: str) -> list[str]:
    """The words of a query that a watch requires (stopwords such as the "s" of "S-400" left out)."""
    with scratch_index(EMPTY_ARTICLES.empty_table()) as con:
        return all_words(con, text)


def any_watches(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any watch is saved. Every batch asks, and most warehouses have none: DuckLake (this version)
    re-reads the catalog's statistics of a table never written to for each column a query names, so the
    question names none."""
    try:
        return con.execute("SELECT 1 FROM watches LIMIT 1").fetchone() is not None
    except duckdb.CatalogException:
        return False


def list_watches(con: duckdb.DuckDBPyConnection) -> list[Watch]:
    """Every watch; none in a read copy published before the watches table existed."""
    try:
        rows = con.execute(
            "SELECT name, query, topic, language, source, notify_block FROM watches ORDER BY name"
        ).fetchall()
    except duckdb.CatalogException:
        return []
    return [Watch(name=r[0], query=r[1], topic=r[2], language=r[3], source=r[4], notify_block=r[5]) for r in rows]


def get_watch(con: duckdb.DuckDBPyConnection, name: str) -> Watch | None:
    return next((w for w in list_watches(con) if w.name == name), None)


@retry_conflicts
def add_watch(con: duckdb.DuckDBPyConnection, watch: Watch) -> bool:
    """Store a new watch; False when one of that name exists (it is left as it is)."""
    with transaction(con):
        if get_watch(con, watch.name) is not None:
            return False
        bulk_insert(
            con, WATCHES, [[watch.name, watch.query, watch.topic, watch.language, watch.source, datetime.now()]]
        )
    return True


@retry_conflicts
def remove_watch(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """Remove a watch and its hits; returns how many hits went, None when there was no such watch."""
    with transaction(con, keyed=False):
        if get_watch(con, name) is None:
            return None
        row = con.execute("SELECT count(*) FROM watch_hits WHERE watch = ?", [name]).fetchone()
        con.execute("DELETE FROM watch_hits WHERE watch = ?", [name])
        con.execute("DELETE FROM watches WHERE name = ?", [name])
    return int(row[0]) if row else 0


@retry_conflicts
def set_notify_block(con: duckdb.DuckDBPyConnection, name: str, block: str) -> None:
    with transaction(con, keyed=False):
        con.execute("UPDATE watches SET notify_block = ? WHERE name = ?", [block, name])


def source_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The sources the warehouse has registered: what `--source` may name."""
    return {r[0] for r in con.execute("SELECT name FROM sources").fetchall()}


def stories_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> list[str]:
    """The stories these articles belong to: those a batch that stored them created or grew."""
    if not article_ids:
        return []
    rows = con.execute(
        "SELECT DISTINCT story_id FROM article_stories WHERE list_contains(?, article_id) ORDER BY story_id",
        [list(article_ids)],
    ).fetchall()
    return [r[0] for r in rows]


def stories_seen_since(con: duckdb.DuckDBPyConnection, since: datetime) -> list[str]:
    """Stories that newswatch first saw, or saw a new article of, since `since`."""
    rows = con.execute(
        "SELECT DISTINCT s.story_id FROM article_stories s JOIN articles a USING (article_id)"
        " WHERE a.first_seen_at >= ? ORDER BY s.story_id",
        [since],
    ).fetchall()
    return [r[0] for r in rows]


def _story_articles(con: duckdb.DuckDBPyConnection, story_ids: list[str]) -> pa.Table:
    """Every article of these stories, with what the watches' filters read: language, source, the story's topics."""
    return con.execute(
        """
        WITH topics AS (
            SELECT story_id, list(topic ORDER BY topic) AS topics FROM story_topics
            WHERE list_contains($ids, story_id) GROUP BY story_id
        )
        SELECT a.article_id, coalesce(a.title, '') AS title, coalesce(a.body, '') AS body, a.language, a.source,
               m.story_id, coalesce(t.topics, []) AS topics
        FROM story_members m
        JOIN articles a ON a.article_id = m.article_id
        LEFT JOIN topics t ON t.story_id = m.story_id
        WHERE list_contains($ids, m.story_id)
        """,
        {"ids": story_ids},
    ).fetch_arrow_table()


# The query's words go through the same per-script stemming as the indexed terms.
MATCH_SQL = f"""
WITH query AS (SELECT {search_terms_sql("$words")} AS terms),
scored AS (
    SELECT story_id, article_id,
           {INDEX_NAME}.match_bm25(article_id, (SELECT terms FROM query), conjunctive := 1) AS score
    FROM articles
    WHERE ($language IS NULL OR language = $language)
      AND ($source IS NULL OR source = $source)
      AND ($topic IS NULL OR list_contains(topics, $topic))
)
SELECT story_id, arg_max(article_id, score), max(score)
FROM scored WHERE score IS NOT NULL
GROUP BY story_id ORDER BY story_id
"""


def match_watches(
    con: duckdb.DuckDBPyConnection, watches: Sequence[Watch], story_ids: Sequence[str]
) -> list[WatchMatch]:
    """Which of these stories each watch matches, with the best-matching article of each."""
    if not watches or not story_ids:
        return []
    rows = _story_articles(con, list(story_ids))
    if rows.num_rows == 0:
        return []
    matches: list[WatchMatch] = []
    with scratch_index(rows) as scratch:
        for watch in watches:
            words = all_words(scratch, watch.query)
            if not words:  # stopwords only: nothing to require, so nothing matches
                continue
            params = {"words": " ".join(words), "language": watch.language, "source": watch.source}
            rows_found = scratch.execute(MATCH_SQL, params | {"topic": watch.topic}).fetchall()
            for story_id, article_id, score in rows_found:
                matches.append(WatchMatch(watch=watch.name, story_id=story_id, article_id=article_id, score=score))
    return matches


def stored_hits(
    con: duckdb.DuckDBPyConnection, watch: str | None = None, story_ids: Sequence[str] | None = None
) -> list[StoredHit]:
    """Hits of one watch (or all), optionally of some stories only; newest first."""
    rows = con.execute(
        "SELECT watch, story_id, article_id, outlets, alerts, first_hit_at, last_hit_at FROM watch_hits"
        " WHERE ($watch IS NULL OR watch = $watch) AND ($ids IS NULL OR list_contains($ids, story_id))"
        " ORDER BY last_hit_at DESC, story_id",
        {"watch": watch, "ids": None if story_ids is None else list(story_ids)},
    ).fetchall()
    return [
        StoredHit(
            watch=r[0],
            story_id=r[1],
            article_id=r[2],
            outlets=tuple(r[3]),
            alerts=int(r[4]),
            first_hit_at=r[5],
            last_hit_at=r[6],
        )
        for r in rows
    ]


def record_hits(con: duckdb.DuckDBPyConnection, hits: Sequence[StoredHit], run_id: str | None) -> None:
    """Write hits in the caller's transaction: a new (watch, story) is inserted, a stored one gets the
    outlets, alert count and time given (its first article and first time stay)."""
    view = f"_bulk_{WATCH_HITS.name}"
    bulk_merge(
        con,
        WATCH_HITS,
        [
            [h.watch, h.story_id, h.article_id, list(h.outlets), h.alerts, h.first_hit_at, h.last_hit_at, run_id]
            for h in hits
        ],
        {
            "outlets": f"{view}.outlets",
            "alerts": f"{view}.alerts",
            "last_hit_at": f"{view}.last_hit_at",
            "run_id": f"{view}.run_id",
        },
    )


def hit_counts(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, datetime | None]]:
    """Per watch: stories hit, and when the last alert was."""
    try:
        rows = con.execute("SELECT watch, count(*), max(last_hit_at) FROM watch_hits GROUP BY watch").fetchall()
    except duckdb.CatalogException:  # a read copy published before the table existed
        return {}
    return {r[0]: (int(r[1]), r[2]) for r in rows}
