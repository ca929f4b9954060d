"""The ingest flow: sources -> entries -> pages -> articles -> dedup -> tags -> DuckDB."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from extractors.feeds import FeedParseError, parse_feed
from extractors.fingerprints import fingerprint_batch
from extractors.pipeline import extract_batch, load_seed_articles, process_articles, unique_entries
from extractors.records import Article, FeedEntry, FeedResult, FetchedPage, Source
from extractors.sources import load_sources
from extractors.stories import link_batch as link_stories
from extractors.stories import profile_batch as story_profiles
from extractors.topics import Taxonomy, load_taxonomy
from flows.capture import CAPTURE_SCHEME, CaptureServer
from flows.fetch import FetchSettings, HttpFetcher
from warehouse import db, load, lookups, stats
from warehouse import stories as warehouse_stories

SEEDS_DIR = db.PROJECT_ROOT / "seeds"
DEFAULT_FEEDS = SEEDS_DIR / "feeds.toml"
DEFAULT_TOPICS = SEEDS_DIR / "topics.toml"
CORPUS_DIR = SEEDS_DIR / "corpus"


@dataclass(kw_only=True)
class BatchOutcome:
    fetched: int = 0
    fetch_errors: int = 0
    rejected: int = 0
    new_articles: int = 0
    duplicates: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)

    def add(self, other: BatchOutcome) -> None:
        self.fetched += other.fetched
        self.fetch_errors += other.fetch_errors
        self.rejected += other.rejected
        self.new_articles += other.new_articles
        self.duplicates.update(other.duplicates)
        self.tags.update(other.tags)


def _store(con: duckdb.DuckDBPyConnection, articles: list[Article], taxonomy: Taxonomy, run_id: str) -> BatchOutcome:
    fps = fingerprint_batch(articles)
    items = list(zip(articles, fps, strict=True))
    known = lookups.known_fingerprints(con, items)
    processed = process_articles(articles, fps, known, taxonomy)
    profiles = story_profiles(processed)
    processed = link_stories(processed, profiles, warehouse_stories.story_index(con, processed, profiles))
    outcome = BatchOutcome(new_articles=load.load_articles(con, processed, run_id))
    for p in processed:
        if p.duplicate is not None:
            outcome.duplicates[p.duplicate.kind] += 1
        outcome.tags.update(t.topic for t in p.tags)
    return outcome


@task(name="load-seed-corpus", cache_policy=NO_CACHE)
def load_seeds(con: duckdb.DuckDBPyConnection, corpus_dir: Path, taxonomy: Taxonomy, run_id: str) -> int:
    """Load seeds not yet stored; they enter the dedup indexes before anything fetched."""
    present = lookups.seeds_loaded(con)
    missing = [a for a in load_seed_articles(corpus_dir) if a.url not in present]
    if missing:
        _store(con, missing, taxonomy, run_id)
    return len(missing)


@task(name="fetch-feeds", cache_policy=NO_CACHE)
def fetch_feeds(fetcher: HttpFetcher, sources: list[Source]) -> list[FeedResult]:
    logger = get_run_logger()
    results = []
    for source, response in zip(sources, fetcher.get_many(s.url for s in sources), strict=True):
        entries: list[FeedEntry] = []
        error, warning = response.error, None
        if response.ok:
            try:
                entries, warning = parse_feed(response.body, source=source.name, content_type=response.content_type)
            except FeedParseError as exc:
                error = f"unreadable feed: {exc}"
        if error:
            logger.warning("source %r failed: %s", source.name, error)
        results.append(
            FeedResult(
                source=source.name,
                url=source.url,
                status=response.status,
                entries=tuple(entries),
                error=error,
                warning=warning,
                bytes=len(response.body),
                duration_ms=response.duration_ms,
            )
        )
    return results


@task(name="fetch-pages", cache_policy=NO_CACHE)
def fetch_pages(fetcher: HttpFetcher, batch: list[tuple[str, FeedEntry]]) -> list[FetchedPage]:
    responses = fetcher.get_many(entry.link for _, entry in batch)
    return [
        FetchedPage(
            entry=entry,
            canonical_url=url,
            final_url=r.final_url,
            status=r.status,
            html=r.body,
            content_type=r.content_type,
            error=r.error,
            duration_ms=r.duration_ms,
        )
        for (url, entry), r in zip(batch, responses, strict=True)
    ]


@task(name="extract-dedup-tag-load", cache_policy=NO_CACHE)
def process_pages(
    con: duckdb.DuckDBPyConnection, pages: list[FetchedPage], taxonomy: Taxonomy, run_id: str
) -> BatchOutcome:
    load.record_page_events(con, pages, run_id)
    articles, rejected = extract_batch(pages)
    load.record_rejections(con, rejected, run_id)
    outcome = _store(con, articles, taxonomy, run_id)
    outcome.fetched = sum(1 for p in pages if p.ok)
    outcome.fetch_errors = sum(1 for p in pages if not p.ok)
    outcome.rejected = len(rejected)
    return outcome


def select_sources(sources: list[Source], *, capture: bool, live: bool) -> list[Source]:
    def wanted(s: Source) -> bool:
        is_capture = s.url.startswith(CAPTURE_SCHEME)
        return s.enabled and ((capture and is_capture) or (live and not is_capture))

    return [s for s in sources if wanted(s)]


@flow(name="newswatch-ingest", log_prints=True)
def ingest(
    db_path: str | None = None,
    feeds_file: str | None = None,
    topics_file: str | None = None,
    capture: bool = True,
    live: bool = True,
    batch_size: int = 25,
) -> dict[str, Any]:
    """Fetch every enabled source once and store what is new."""
    logger = get_run_logger()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    taxonomy = load_taxonomy(Path(topics_file) if topics_file else DEFAULT_TOPICS)
    all_sources = load_sources(Path(feeds_file) if feeds_file else DEFAULT_FEEDS)
    sources = select_sources(all_sources, capture=capture, live=live)
    con = db.connect(Path(db_path) if db_path else None)
    try:
        load.start_run(con, run_id)
        load.register_sources(con, all_sources)
        seeds_added = load_seeds(con, CORPUS_DIR, taxonomy, run_id)
        logger.info("seed corpus: %d new seed articles loaded", seeds_added)
        with (
            CaptureServer() as capture_server,
            HttpFetcher(FetchSettings.from_env(), capture_server.replay) as fetcher,
        ):
            feed_results = fetch_feeds(fetcher, sources)
            load.record_feed_results(con, feed_results, run_id)
            entries = [e for r in feed_results for e in r.entries]
            candidates = unique_entries(entries)
            seen = lookups.seen_urls(con, [url for url, _ in candidates])
            todo = [(url, e) for url, e in candidates if url not in seen]
            logger.info(
                "%d sources ok, %d failing; %d entries, %d already stored, %d to fetch",
                sum(r.ok for r in feed_results),
                sum(not r.ok for r in feed_results),
                len(entries),
                len(candidates) - len(todo),
                len(todo),
            )
            total = BatchOutcome()
            for start in range(0, len(todo), batch_size):
                pages = fetch_pages(fetcher, todo[start : start + batch_size])
                total.add(process_pages(con, pages, taxonomy, run_id))
        summary = {
            "run_id": run_id,
            "sources_ok": sum(r.ok for r in feed_results),
            "sources_failing": sum(not r.ok for r in feed_results),
            "failing": {r.source: r.error for r in feed_results if not r.ok},
            "entries": len(entries),
            "already_stored": len(candidates) - len(todo),
            "seeds_loaded": seeds_added,
            "fetched": total.fetched,
            "fetch_errors": total.fetch_errors,
            "rejected": total.rejected,
            "new_articles": total.new_articles,
            "duplicates": dict(total.duplicates),
            "tags": dict(total.tags),
            "totals": stats.collect_stats(con),
        }
        load.finish_run(con, run_id, summary)
        logger.info(
            "run done: %d new articles, duplicates %s, tags %s",
            total.new_articles,
            dict(total.duplicates),
            dict(total.tags),
        )
        return summary
    finally:
        con.close()
