"""Feed health, polls, the request log and skipped entries: loaders and the `newswatch feeds` read-out."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

import duckdb

from extractors.records import FetchEvent
from extractors.sources.poll_policy import FeedHealth
from warehouse.backend import retry_conflicts
from warehouse.bulk import Table, bulk_insert, bulk_merge
from warehouse.db import transaction
from warehouse.probe_keys import stored_articles

HEALTH_COLUMNS = [f.name for f in fields(FeedHealth)]
HEALTH_TYPES = {
    "source": "VARCHAR",
    "etag": "VARCHAR",
    "last_modified": "VARCHAR",
    "body_hash": "VARCHAR",
    "failure_score": "DOUBLE",
    "disabled_at": "TIMESTAMP",
    "disabled_reason": "VARCHAR",
    "probe_interval_s": "INTEGER",
    "poll_interval_s": "INTEGER",
    "next_poll_at": "TIMESTAMP",
    "last_success_at": "TIMESTAMP",
}
FEED_HEALTH = Table(name="feed_health", columns=tuple((c, HEALTH_TYPES[c]) for c in HEALTH_COLUMNS), key=("source",))
SKIPPED = Table(
    name="skipped_entries",
    columns=tuple((c, "VARCHAR") for c in ("url", "source", "title", "stage", "reason", "query", "run_id")),
    key=("url",),
)
ALIASES = Table(
    name="article_aliases", columns=(("alias_url", "VARCHAR"), ("article_id", "VARCHAR")), key=("alias_url",)
)


def load_health(con: duckdb.DuckDBPyConnection, sources: list[str]) -> dict[str, FeedHealth]:
    if not sources:
        return {}
    rows = con.execute(
        f"SELECT {', '.join(HEALTH_COLUMNS)} FROM feed_health WHERE source IN (SELECT unnest(?))", [sources]
    ).fetchall()
    return {row[0]: FeedHealth(**dict(zip(HEALTH_COLUMNS, row, strict=True))) for row in rows}


@retry_conflicts
def save_health(con: duckdb.DuckDBPyConnection, states: list[FeedHealth]) -> None:
    if not states:
        return
    updates = {c: f"_bulk_feed_health.{c}" for c in HEALTH_COLUMNS[1:]} | {"updated_at": "now()"}
    with transaction(con):
        bulk_merge(con, FEED_HEALTH, [[getattr(s, c) for c in HEALTH_COLUMNS] for s in states], updates)


@retry_conflicts
def record_polls(con: duckdb.DuckDBPyConnection, rows: list[list[Any]], run_id: str) -> None:
    """rows: [polled_at, source, outcome, status, entries, new_items, failure_weight, error].

    Appends take their turn too: DuckLake failed an insert into a table whose inlined rows another
    transaction had deleted meanwhile (tests/system/test_lake_turns.py), and a maintenance flush moves inlined
    rows out of their table."""
    if not rows:
        return
    with transaction(con, keyed=False):
        con.executemany(
            "INSERT INTO feed_polls (run_id, polled_at, source, outcome, status, entries, new_items,"
            " failure_weight, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[run_id, *row] for row in rows],
        )


FETCH_EVENTS = Table(
    name="fetch_events",
    columns=(
        ("run_id", "VARCHAR"),
        ("fetched_at", "TIMESTAMP"),
        ("source", "VARCHAR"),
        ("target", "VARCHAR"),
        ("url", "VARCHAR"),
        ("status", "INTEGER"),
        ("bytes", "BIGINT"),
        ("duration_ms", "INTEGER"),
        ("error", "VARCHAR"),
    ),
    key=(),
)


@retry_conflicts
def record_fetch_events(con: duckdb.DuckDBPyConnection, events: list[FetchEvent], run_id: str) -> None:
    if not events:
        return
    with transaction(con, keyed=False):
        bulk_insert(
            con,
            FETCH_EVENTS,
            [
                [run_id, e.fetched_at, e.source, e.purpose, e.url, e.status, e.bytes, e.duration_ms, e.error]
                for e in events
            ],
        )


@retry_conflicts
def record_skipped(con: duckdb.DuckDBPyConnection, rows: list[list[Any]], run_id: str) -> None:
    """rows: [canonical url, source, title, stage, reason, query]. The first verdict on a URL stands."""
    if not rows:
        return
    with transaction(con):
        bulk_insert(con, SKIPPED, [[*row, run_id] for row in rows])


def skipped_urls(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[str]:
    if not urls:
        return set()
    rows = con.execute("SELECT url FROM skipped_entries WHERE url IN (SELECT unnest(?))", [urls]).fetchall()
    return {r[0] for r in rows}


def stored_article_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    return stored_articles(con, ids) if ids else set()


@retry_conflicts
def add_aliases(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]) -> None:
    """(alias URL, article_id) for pages that turned out to be an article already stored."""
    if not pairs:
        return
    with transaction(con):
        bulk_insert(con, ALIASES, [list(p) for p in pairs])


def feeds_overview(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per source: status, last success, new items in the last 7 days, failures."""
    cursor = con.execute(
        """
        SELECT s.name, s.kind, s.enabled,
               CASE WHEN NOT s.enabled THEN 'off'
                    WHEN h.disabled_at IS NOT NULL THEN 'disabled'
                    WHEN f.last_error IS NOT NULL THEN 'failing'
                    WHEN f.source IS NULL THEN 'new'
                    ELSE 'ok' END AS status,
               coalesce(h.last_success_at, f.last_success_at) AS last_success,
               coalesce((SELECT sum(p.new_items) FROM feed_polls p
                         WHERE p.source = s.name AND p.polled_at >= ? - INTERVAL 7 DAY), 0) AS new_items_7d,
               coalesce(f.consecutive_failures, 0) AS consecutive_failures,
               coalesce(h.failure_score, 0) AS failure_score,
               h.poll_interval_s, h.next_poll_at, f.last_error, h.disabled_reason
        FROM sources s
        LEFT JOIN feed_state f ON f.source = s.name
        LEFT JOIN feed_health h ON h.source = s.name
        ORDER BY status = 'ok', s.name
        """,
        [now or datetime.now()],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
