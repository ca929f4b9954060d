"""Steps two and three of an ingest run: poll the planned sources, then select the entries to fetch
(new to the warehouse, and on the topic by their title and summary)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extractors.pipeline import unique_entries
from extractors.records import FeedEntry, FeedResult, Source
from extractors.sources.poll_policy import FeedHealth
from extractors.tagging.relevance import RelevanceQuery
from flows.http.capture_server import CAPTURE_SCHEME, CaptureServer
from flows.http.client import HttpFetcher
from flows.http.records import FetchSettings
from flows.ingest.plan import RunPlan
from flows.ingest.poll import poll_source
from flows.ingest.screening import ScreenedEntries, screen_entries
from flows.ops import progress
from warehouse import load, lookups, source_health


@contextmanager
def run_fetcher(sources: list[Source], options: FetchSettings) -> Iterator[HttpFetcher]:
    """The run's one HTTP client; the bundled capture is served only when a capture source is polled."""
    with ExitStack() as stack:
        uses_capture = any(s.url.startswith(CAPTURE_SCHEME) for s in sources)
        capture_server = stack.enter_context(CaptureServer()) if uses_capture else None
        yield stack.enter_context(HttpFetcher(options, capture_server.replay if capture_server else None))


@task(name="fetch-feeds", cache_policy=NO_CACHE)
def fetch_feeds(
    fetcher: HttpFetcher, sources: list[Source], health: dict[str, FeedHealth], now: datetime
) -> list[FeedResult]:
    """Poll each source once (conditional GET, body hash), several hosts at a time under the client's caps."""
    logger = get_run_logger()
    with ThreadPoolExecutor(max_workers=fetcher.settings.max_workers) as pool:
        results = list(pool.map(lambda s: poll_source(fetcher, s, health.get(s.name), now), sources))
    for r in results:
        if r.error:
            logger.warning("source %r failed: %s", r.source, r.error)
        elif r.warning:
            logger.info("source %r read with a warning: %s", r.source, r.warning)
    return results


def poll_sources(con: duckdb.DuckDBPyConnection, fetcher: HttpFetcher, plan: RunPlan) -> list[FeedResult]:
    results = fetch_feeds(fetcher, plan.sources, plan.health, plan.now)
    progress.advance("feeds", len(plan.sources), total=len(plan.sources))
    load.record_feed_results(con, results, plan.run_id)
    source_health.record_fetch_events(con, fetcher.drain_events(), plan.run_id)
    return results


@dataclass(frozen=True, kw_only=True)
class Selection:
    entries: int  # in the polled feeds
    already_stored: int
    new: list[tuple[str, FeedEntry]]  # (canonical URL, entry) not stored before, on topic or not
    screened: ScreenedEntries


def select_entries(
    con: duckdb.DuckDBPyConnection, results: list[FeedResult], query: RelevanceQuery | None, plan: RunPlan
) -> Selection:
    entries = [e for r in results for e in r.entries]
    candidates = unique_entries(entries)
    urls = [url for url, _ in candidates]
    seen = lookups.seen_urls(con, urls) | source_health.skipped_urls(con, urls)
    new = [(url, e) for url, e in candidates if url not in seen]
    screened = screen_entries(con, query, new, plan.run_id)
    get_run_logger().info(
        "%d sources ok, %d failing, %d not due; %d entries, %d already stored, %d off-topic, %d to fetch",
        sum(r.ok for r in results),
        sum(not r.ok for r in results),
        plan.not_due,
        len(entries),
        len(candidates) - len(new),
        screened.skipped,
        len(screened.todo),
    )
    return Selection(entries=len(entries), already_stored=len(candidates) - len(new), new=new, screened=screened)
