"""Batch loaders. Every write is an idempotent upsert inside one transaction per batch."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from typing import Any

import duckdb

from extractors.records import FeedResult, FetchedPage, ProcessedArticle, Source
from warehouse import stories
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
    with transaction(con):
        for r in results:
            con.execute(
                "INSERT INTO fetch_events (run_id, fetched_at, source, target, url, status, bytes, duration_ms, error)"
                " VALUES (?, ?, ?, 'feed', ?, ?, ?, ?, ?)",
                [run_id, now, r.source, r.url, r.status, r.bytes, r.duration_ms, r.error],
            )
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


def record_page_events(con: duckdb.DuckDBPyConnection, pages: list[FetchedPage], run_id: str) -> None:
    with transaction(con):
        con.executemany(
            "INSERT INTO fetch_events (run_id, fetched_at, source, target, url, status, bytes, duration_ms, error)"
            " VALUES (?, ?, ?, 'page', ?, ?, ?, ?, ?)",
            [
                [
                    run_id,
                    p.fetched_at,
                    p.entry.source,
                    p.canonical_url,
                    p.status,
                    len(p.html),
                    p.duration_ms,
                    p.error,
                ]
                for p in pages
            ],
        )


def record_rejections(con: duckdb.DuckDBPyConnection, rejected: list[tuple[FetchedPage, str]], run_id: str) -> None:
    if not rejected:
        return
    with transaction(con):
        con.executemany(
            "INSERT INTO rejected_pages (url, source, reason, run_id) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING",
            [[p.canonical_url, p.entry.source, reason, run_id] for p, reason in rejected],
        )


def _article_rows(items: list[ProcessedArticle], run_id: str | None) -> dict[str, list[list[Any]]]:
    rows: dict[str, list[list[Any]]] = {k: [] for k in ("articles", "aliases", "raw", "fps", "bands", "dups", "tags")}
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
        if a.raw_html:
            rows["raw"].append([a.article_id, "gzip", gzip.compress(a.raw_html, compresslevel=6)])
        rows["fps"].append([a.article_id, fp.text_hash, fp.title_key, list(fp.minhash)])
        rows["bands"].extend([key, a.article_id] for key in fp.band_keys)
        if item.duplicate is not None:
            d = item.duplicate
            rows["dups"].append([d.article_id, d.kind, d.score, d.matched_article_id, d.detail])
        rows["tags"].extend([t.article_id, t.topic, t.score, list(t.evidence), t.tagger_version] for t in item.tags)
    return rows


INSERTS = {
    "articles": "INSERT INTO articles (article_id, url, source, title, author, published, language, site, body,"
    " is_seed, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO NOTHING",
    "aliases": "INSERT INTO article_aliases (alias_url, article_id) VALUES (?, ?) ON CONFLICT (alias_url) DO NOTHING",
    "raw": "INSERT INTO raw_pages (article_id, content_encoding, body) VALUES (?, ?, ?)"
    " ON CONFLICT (article_id) DO NOTHING",
    "fps": "INSERT INTO fingerprints (article_id, text_hash, title_key, minhash) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (article_id) DO NOTHING",
    "dups": "INSERT INTO duplicates (article_id, kind, score, matched_article_id, detail) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (article_id) DO NOTHING",
    "tags": "INSERT INTO topic_tags (article_id, topic, score, evidence, tagger_version) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING",
}
# Band rows are 32 per article: one columnar insert instead of executemany (about 2.5 ms a row in duckdb 1.5.5).
BAND_INSERT = "INSERT INTO lsh_bands (band_key, article_id) SELECT unnest(?), unnest(?) ON CONFLICT DO NOTHING"


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
        for table, sql in INSERTS.items():
            if rows[table]:
                con.executemany(sql, rows[table])
        if rows["bands"]:
            con.execute(BAND_INSERT, [list(col) for col in zip(*rows["bands"], strict=True)])
        stories.write_stories(con, items, set(ids) - stored)
    return len(set(ids)) - len(stored)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute("INSERT INTO runs (run_id, started_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [run_id, datetime.now()])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, summary: dict[str, Any]) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
        [datetime.now(), json.dumps(summary, default=str), run_id],
    )
