"""Batch loaders. Every write is an idempotent upsert inside one transaction per batch."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from extractors.fingerprints import signature_to_bytes
from extractors.records import EntityCount, FeedResult, ProcessedArticle, Rejection, Source, TopicTag
from warehouse import stories
from warehouse.bulk import Table, bulk_insert
from warehouse.db import transaction


def register_sources(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    with transaction(con):
        con.executemany(
            "INSERT INTO sources (name, kind, url, enabled) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, url = excluded.url,"
            " enabled = excluded.enabled, updated_at = now()",
            [[s.name, s.kind, s.url, s.enabled] for s in sources],
        )


def record_feed_results(con: duckdb.DuckDBPyConnection, results: list[FeedResult], run_id: str) -> None:
    now = datetime.now()
    # Requests themselves go to fetch_events from the client's log (warehouse.feed_health.record_fetch_events).
    with transaction(con):
        for r in results:
            con.execute(
                "INSERT INTO feed_state (source, last_fetch_at, last_success_at, last_status, last_error,"
                " consecutive_failures, entries_last_fetch) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (source) DO UPDATE SET last_fetch_at = excluded.last_fetch_at,"
                " last_success_at = coalesce(excluded.last_success_at, feed_state.last_success_at),"
                " last_status = excluded.last_status, last_error = excluded.last_error,"
                " consecutive_failures = CASE WHEN excluded.last_error IS NULL THEN 0"
                "   ELSE feed_state.consecutive_failures + 1 END,"
                " entries_last_fetch = excluded.entries_last_fetch",
                [r.source, now, now if r.ok else None, r.status, r.error, 0 if r.ok else 1, len(r.entries)],
            )


def record_rejections(con: duckdb.DuckDBPyConnection, rejected: list[Rejection], run_id: str) -> None:
    if not rejected:
        return
    with transaction(con):
        con.executemany(
            "INSERT INTO rejected_pages (url, source, reason, run_id) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
            [[r.url, r.source, r.reason, run_id] for r in rejected],
        )


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
            ]
        )
        for alias in {a.url, *a.aliases}:
            rows["aliases"].append([alias, a.article_id])
        if item.raw_gzip:
            rows["raw"].append([a.article_id, "gzip", item.raw_gzip])
        rows["fps"].append([a.article_id, fp.text_hash, fp.title_key, signature_to_bytes(fp.minhash)])
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
        ),
        key=("article_id",),
    ),
    "aliases": Table(
        name="article_aliases", columns=(("alias_url", "VARCHAR"), ("article_id", "VARCHAR")), key=("alias_url",)
    ),
    "raw": Table(
        name="raw_pages",
        columns=(("article_id", "VARCHAR"), ("content_encoding", "VARCHAR"), ("body", "BLOB")),
        key=("article_id",),
    ),
    "fps": Table(
        name="fingerprints",
        columns=(("article_id", "VARCHAR"), ("text_hash", "VARCHAR"), ("title_key", "VARCHAR"), ("minhash", "BLOB")),
        key=("article_id",),
    ),
    "bands": Table(
        name="lsh_bands", columns=(("band_key", "VARCHAR"), ("article_id", "VARCHAR")), key=("band_key", "article_id")
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
    ),
}


def tag_row(t: TopicTag) -> list[Any]:
    return [t.article_id, t.topic, t.score, list(t.evidence), t.tagger_version]


def entity_row(e: EntityCount) -> list[Any]:
    return [e.article_id, e.entity, e.kind, e.mentions, e.in_title, list(e.aliases), e.gazetteer_version]


def load_articles(con: duckdb.DuckDBPyConnection, items: list[ProcessedArticle], run_id: str | None) -> int:
    """Load a batch in one transaction; return how many articles were new."""
    if not items:
        return 0
    rows = _article_rows(items, run_id)
    ids = [item.article.article_id for item in items]
    with transaction(con):
        stored = {
            r[0]
            for r in con.execute(
                "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        }
        for name, table in TABLES.items():
            bulk_insert(con, table, rows[name])
        stories.write_stories(con, items, set(ids) - stored)
    return len(set(ids)) - len(stored)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute("INSERT INTO runs (run_id, started_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [run_id, datetime.now()])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, summary: dict[str, Any]) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
        [datetime.now(), json.dumps(summary, default=str), run_id],
    )
