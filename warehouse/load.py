"""Batch loaders. Every write is an idempotent upsert inside one transaction per batch."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

import duckdb

from extractors.dedup.signatures import signature_to_bytes
from extractors.records import (
    EntityCount,
    FeedResult,
    Fingerprint,
    ProcessedArticle,
    Rejection,
    Source,
    StoryLink,
    TopicTag,
)
from warehouse import story_index
from warehouse.backend import retry_conflicts
from warehouse.bulk import Table, bulk_insert, bulk_merge
from warehouse.db import transaction
from warehouse.probe_keys import probe_key, stored_articles

SOURCES = Table(
    name="sources",
    columns=(("name", "VARCHAR"), ("kind", "VARCHAR"), ("url", "VARCHAR"), ("enabled", "BOOLEAN")),
    key=("name",),
)
FEED_STATE = Table(
    name="feed_state",
    columns=(
        ("source", "VARCHAR"),
        ("last_fetch_at", "TIMESTAMP"),
        ("last_success_at", "TIMESTAMP"),
        ("last_status", "INTEGER"),
        ("last_error", "VARCHAR"),
        ("consecutive_failures", "INTEGER"),
        ("entries_last_fetch", "INTEGER"),
    ),
    key=("source",),
)
REJECTED = Table(
    name="rejected_pages",
    columns=(("url", "VARCHAR"), ("source", "VARCHAR"), ("reason", "VARCHAR"), ("run_id", "VARCHAR")),
    key=("url",),
)
RUNS = Table(name="runs", columns=(("run_id", "VARCHAR"), ("started_at", "TIMESTAMP")), key=("run_id",))


@retry_conflicts
def register_sources(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    new = "_bulk_sources"
    with transaction(con):
        bulk_merge(
            con,
            SOURCES,
            [[s.name, s.kind, s.url, s.enabled] for s in sources],
            {"kind": f"{new}.kind", "url": f"{new}.url", "enabled": f"{new}.enabled", "updated_at": "now()"},
        )


@retry_conflicts
def record_feed_results(con: duckdb.DuckDBPyConnection, results: list[FeedResult], run_id: str) -> None:
    now = datetime.now()
    new = "_bulk_feed_state"
    # Requests themselves go to fetch_events from the client's log (warehouse.feed_health.record_fetch_events).
    with transaction(con):
        bulk_merge(
            con,
            FEED_STATE,
            [
                [r.source, now, now if r.ok else None, r.status, r.error, 0 if r.ok else 1, len(r.entries)]
                for r in results
            ],
            {
                "last_fetch_at": f"{new}.last_fetch_at",
                "last_success_at": f"coalesce({new}.last_success_at, feed_state.last_success_at)",
                "last_status": f"{new}.last_status",
                "last_error": f"{new}.last_error",
                "consecutive_failures": f"CASE WHEN {new}.last_error IS NULL THEN 0"
                " ELSE feed_state.consecutive_failures + 1 END",
                "entries_last_fetch": f"{new}.entries_last_fetch",
            },
        )


@retry_conflicts
def record_rejections(con: duckdb.DuckDBPyConnection, rejected: list[Rejection], run_id: str) -> None:
    if not rejected:
        return
    with transaction(con):
        bulk_insert(con, REJECTED, [[r.url, r.source, r.reason, run_id] for r in rejected])


def _article_rows(items: list[ProcessedArticle], run_id: str | None) -> dict[str, list[list[Any]]]:
    rows: dict[str, list[list[Any]]] = {
        k: [] for k in ("articles", "aliases", "raw", "fps", "bands", "dups", "tags", "entities")
    }
    for item in items:
        a, fp = item.article, item.fingerprint
        rows["articles"].append(
            [
                a.article_id,
                a.url,
                a.source,
                a.title,
                a.author,
                a.published,
                a.language,
                a.site,
                a.text,
                a.is_seed,
                run_id,
                probe_key(a.article_id),
            ]
        )
        for alias in {a.url, *a.aliases}:
            rows["aliases"].append([alias, a.article_id])
        if item.raw_gzip:
            rows["raw"].append([a.article_id, "gzip", item.raw_gzip])
        rows["fps"].append(fingerprint_row(a.article_id, fp))
        rows["bands"].extend([key, a.article_id] for key in fp.band_keys)
        if item.duplicate is not None:
            d = item.duplicate
            rows["dups"].append([d.article_id, d.kind, d.score, d.matched_article_id, d.detail])
        rows["tags"].extend(tag_row(t) for t in item.tags)
        rows["entities"].extend(entity_row(e) for e in item.entities)
    return rows


TABLES = {
    "articles": Table(
        name="articles",
        columns=(
            ("article_id", "VARCHAR"),
            ("url", "VARCHAR"),
            ("source", "VARCHAR"),
            ("title", "VARCHAR"),
            ("author", "VARCHAR"),
            ("published", "DATE"),
            ("language", "VARCHAR"),
            ("site", "VARCHAR"),
            ("body", "VARCHAR"),
            ("is_seed", "BOOLEAN"),
            ("run_id", "VARCHAR"),
            ("article_key", "BIGINT"),
        ),
        key=("article_id",),
        owner="article_id",
    ),
    "aliases": Table(
        name="article_aliases", columns=(("alias_url", "VARCHAR"), ("article_id", "VARCHAR")), key=("alias_url",)
    ),
    "raw": Table(
        name="raw_pages",
        columns=(("article_id", "VARCHAR"), ("content_encoding", "VARCHAR"), ("body", "BLOB")),
        key=("article_id",),
        owner="article_id",
    ),
    "fps": Table(
        name="fingerprints",
        columns=(
            ("article_id", "VARCHAR"),
            ("text_hash", "VARCHAR"),
            ("title_key", "VARCHAR"),
            ("minhash", "BLOB"),
            ("text_key", "BIGINT"),
            ("article_key", "BIGINT"),
        ),
        key=("article_id",),
        owner="article_id",
    ),
    "bands": Table(
        name="lsh_bands",
        columns=(("band_key", "BIGINT"), ("article_id", "VARCHAR")),
        key=("band_key", "article_id"),
        owner="article_id",
    ),
    "dups": Table(
        name="duplicates",
        columns=(
            ("article_id", "VARCHAR"),
            ("kind", "VARCHAR"),
            ("score", "DOUBLE"),
            ("matched_article_id", "VARCHAR"),
            ("detail", "VARCHAR"),
        ),
        key=("article_id",),
        owner="article_id",
    ),
    "tags": Table(
        name="topic_tags",
        columns=(
            ("article_id", "VARCHAR"),
            ("topic", "VARCHAR"),
            ("score", "DOUBLE"),
            ("evidence", "VARCHAR[]"),
            ("tagger_version", "VARCHAR"),
        ),
        key=("article_id", "topic", "tagger_version"),
        owner="article_id",
    ),
    "entities": Table(
        name="article_entities",
        columns=(
            ("article_id", "VARCHAR"),
            ("entity", "VARCHAR"),
            ("kind", "VARCHAR"),
            ("mentions", "INTEGER"),
            ("in_title", "BOOLEAN"),
            ("aliases", "VARCHAR[]"),
            ("gazetteer_version", "VARCHAR"),
        ),
        key=("article_id", "entity", "gazetteer_version"),
        owner="article_id",
    ),
}


def fingerprint_row(article_id: str, fp: Fingerprint) -> list[Any]:
    """A fingerprints row, with the probe keys the look-ups scan (warehouse/probe_keys.py)."""
    return [
        article_id,
        fp.text_hash,
        fp.title_key,
        signature_to_bytes(fp.minhash),
        probe_key(fp.text_hash),
        probe_key(article_id),
    ]


def tag_row(t: TopicTag) -> list[Any]:
    return [t.article_id, t.topic, t.score, list(t.evidence), t.tagger_version]


def entity_row(e: EntityCount) -> list[Any]:
    return [e.article_id, e.entity, e.kind, e.mentions, e.in_title, list(e.aliases), e.gazetteer_version]


def load_articles(
    con: duckdb.DuckDBPyConnection,
    items: list[ProcessedArticle],
    run_id: str | None,
    story_moves: Collection[StoryLink] = (),
) -> int:
    """Load a batch in one transaction; return how many articles were not stored before."""
    return len(store_articles(con, items, run_id, story_moves))


@retry_conflicts
def store_articles(
    con: duckdb.DuckDBPyConnection,
    items: list[ProcessedArticle],
    run_id: str | None,
    story_moves: Collection[StoryLink] = (),
) -> frozenset[str]:
    """Load a batch in one transaction, with the stored articles its story linking moved; return the ids of
    the articles it stored (those not stored before)."""
    if not items:
        return frozenset()
    rows = _article_rows(items, run_id)
    ids = [item.article.article_id for item in items]
    with transaction(con):
        stored = stored_articles(con, ids)
        new_ids = set(ids) - stored
        for name, table in TABLES.items():
            bulk_insert(con, table, rows[name], new_ids)
        story_index.write_stories(con, items, new_ids, story_moves)
    return frozenset(new_ids)


@retry_conflicts
def start_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    with transaction(con):
        bulk_insert(con, RUNS, [[run_id, datetime.now()]])


@retry_conflicts
def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, summary: dict[str, Any]) -> None:
    with transaction(con, keyed=False):
        con.execute(
            "UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
            [datetime.now(), json.dumps(summary, default=str), run_id],
        )
