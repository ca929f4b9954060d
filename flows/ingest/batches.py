"""The batch stages of an ingest run as Prefect tasks: fetch pages, analyze them (worker processes or
Dask), then judge against the warehouse and load, one transaction per batch."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from extractors.dedup.story_links import link_batch as link_stories
from extractors.dedup.story_profile import story_profile
from extractors.pipeline import judge_analyzed
from extractors.records import AnalyzedArticle, FeedEntry, FetchedPage, FetchEvent, Rejection
from flows.alerts.events import WatchAlert
from flows.alerts.hits import batch_alerts, emit
from flows.http.client import HttpFetcher
from flows.ingest.analysis_pool import Analyzer
from flows.ingest.screening import Screen, ScreenedEntries, screen_articles
from flows.ops import progress
from warehouse import backend, load, lookups, source_health
from warehouse import story_index as warehouse_stories
from warehouse.db import transaction

T = TypeVar("T")
# Batches in flight beyond the one being stored: fetch and analysis of the next batches overlap the load.
PIPELINE_DEPTH = 2


@dataclass(kw_only=True)
class BatchOutcome:
    """What a batch did. Of the articles it stored, `new_articles` duplicate nothing stored earlier and
    `duplicates` (by kind) are copies: stored = new_articles + sum(duplicates.values())."""

    fetched: int = 0
    fetch_errors: int = 0
    rejected: int = 0
    stored: int = 0
    new_articles: int = 0
    skipped_off_topic: int = 0
    merged_into_stored: int = 0
    duplicates: Counter[str] = field(default_factory=Counter)
    tags: Counter[str] = field(default_factory=Counter)
    watch_alerts: int = 0  # stories new to a watch, or reaching new outlets: one newswatch.watch.hit event each
    stored_ids: frozenset[str] = frozenset()  # this batch's own articles (not summed by `add`)

    def add(self, other: BatchOutcome) -> None:
        self.fetched += other.fetched
        self.fetch_errors += other.fetch_errors
        self.rejected += other.rejected
        self.stored += other.stored
        self.new_articles += other.new_articles
        self.skipped_off_topic += other.skipped_off_topic
        self.merged_into_stored += other.merged_into_stored
        self.watch_alerts += other.watch_alerts
        self.duplicates.update(other.duplicates)
        self.tags.update(other.tags)


@backend.retry_conflicts
def store_analyzed(con: duckdb.DuckDBPyConnection, analyzed: list[AnalyzedArticle], run_id: str) -> BatchOutcome:
    """Judge against the warehouse and load, in one transaction per batch. When another worker's commit
    wins the race (DuckLake), the look-ups and the judgement are redone against what it stored."""
    known = lookups.known_fingerprints(con, [(a.article, a.fingerprint) for a in analyzed])
    processed = judge_analyzed(analyzed, known)
    profiles = [a.story_profile or story_profile(a.article) for a in analyzed]
    index = warehouse_stories.story_index(con, processed, profiles)
    processed = link_stories(processed, profiles, index)
    stored_ids = load.store_articles(con, processed, run_id, index.moved.values())
    outcome = BatchOutcome(stored=len(stored_ids), stored_ids=stored_ids)
    # Only what this batch stored counts: an article another writer stored first is neither new nor a copy here.
    for p in {p.article.article_id: p for p in processed if p.article.article_id in stored_ids}.values():
        if p.duplicate is None:
            outcome.new_articles += 1
        else:
            outcome.duplicates[p.duplicate.kind] += 1
        outcome.tags.update(t.topic for t in p.tags)
    return outcome


class Batch(Generic[T]):
    """Records handed from task to task. Prefect walks every task parameter recursively looking for
    futures; a plain wrapper stops that walk from visiting each page and article, a visible share
    of the flow thread's time under py-spy."""

    __slots__ = ("items",)

    def __init__(self, items: T) -> None:
        self.items = items


Analysis = tuple[list[AnalyzedArticle], list[Rejection]]


@task(name="fetch-pages", cache_policy=NO_CACHE)
def fetch_pages(fetcher: HttpFetcher, batch: Batch[list[tuple[str, FeedEntry]]]) -> Batch[list[FetchedPage]]:
    entries = batch.items
    responses = fetcher.get_many((entry.link for _, entry in entries), sources=(entry.source for _, entry in entries))
    return Batch(
        [
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
            for (url, entry), r in zip(entries, responses, strict=True)
        ]
    )


@task(name="extract-fingerprint-tag", cache_policy=NO_CACHE)
def analyze_batch(analyzer: Analyzer, pages: Batch[list[FetchedPage]]) -> Batch[Analysis]:
    return Batch(analyzer.analyze(pages.items))


@backend.retry_conflicts
def _store_unit(
    con: duckdb.DuckDBPyConnection,
    events: list[FetchEvent],
    analysis: Analysis,
    run_id: str,
    screen: Screen,
    within: Callable[[duckdb.DuckDBPyConnection], None],
) -> tuple[BatchOutcome, list[WatchAlert]]:
    """Everything a batch writes, in one transaction: its requests, rejections, screening, look-ups and
    judgement, load, watch hits and `within` (the shard heartbeat). The look-ups read the snapshot the load
    commits on, so another worker's commit in between fails this one and the whole unit reruns."""
    analyzed, rejected = analysis
    with transaction(con):
        source_health.record_fetch_events(con, events, run_id)
        load.record_rejections(con, rejected, run_id)
        screened = screen_articles(con, screen, analyzed, run_id)
        outcome = store_analyzed(con, screened.fresh, run_id)
        alerts = batch_alerts(con, sorted(outcome.stored_ids), run_id)
        within(con)
    outcome.skipped_off_topic, outcome.merged_into_stored = screened.skipped, screened.merged
    outcome.rejected = len(rejected)
    return outcome, alerts


def _no_heartbeat(con: duckdb.DuckDBPyConnection) -> None:
    return None


@task(name="dedup-load", cache_policy=NO_CACHE)
def store_batch(
    con: duckdb.DuckDBPyConnection,
    pages: Batch[list[FetchedPage]],
    analysis: Batch[Analysis],
    run_id: str,
    screen: Screen,
    events: Batch[list[FetchEvent]] | None = None,
    within: Callable[[duckdb.DuckDBPyConnection], None] = _no_heartbeat,
) -> BatchOutcome:
    outcome, alerts = _store_unit(con, events.items if events else [], analysis.items, run_id, screen, within)
    emit(alerts)  # only once the rows are committed: a rerun unit must not have announced them already
    outcome.watch_alerts = len(alerts)
    outcome.fetched = sum(1 for p in pages.items if p.ok)
    outcome.fetch_errors = sum(1 for p in pages.items if not p.ok)
    return outcome


BatchFutures = tuple[PrefectFuture[Batch[list[FetchedPage]]], PrefectFuture[Batch[Analysis]]]


def drain(
    con: duckdb.DuckDBPyConnection,
    fetcher: HttpFetcher,
    futures: BatchFutures,
    run_id: str,
    screen: Screen,
    within: Callable[[duckdb.DuckDBPyConnection], None],
) -> BatchOutcome:
    pages_future, analysis_future = futures
    pages, analysis = pages_future.result(), analysis_future.result()
    outcome = store_batch(con, pages, analysis, run_id, screen, Batch(fetcher.drain_events()), within)
    # Prefect keeps every task's return value for the length of the flow run; emptying the wrappers
    # once the batch is stored keeps memory flat however many pages a run ingests.
    pages.items, analysis.items = [], ([], [])
    return outcome


def advance(total: BatchOutcome, batch: BatchOutcome, expected: int) -> None:
    total.add(batch)
    progress.advance("articles", batch.fetched + batch.fetch_errors, total=expected)


def run_batches(
    con: duckdb.DuckDBPyConnection,
    fetcher: HttpFetcher,
    analyzer: Analyzer,
    screened: ScreenedEntries,
    batch_size: int,
    run_id: str,
    after_batch: Callable[[duckdb.DuckDBPyConnection], None],
    within_batch: Callable[[duckdb.DuckDBPyConnection], None] = _no_heartbeat,
) -> BatchOutcome:
    """Fetch, analyze and store the screened entries batch by batch, the next batches' fetch and analysis
    overlapping the load; `within_batch` runs in each batch's transaction (shard heartbeats), `after_batch`
    after it is committed (the analysts' read copy)."""
    todo, screen = screened.todo, screened.screen
    total = BatchOutcome()
    in_flight: deque[BatchFutures] = deque()
    for start in range(0, len(todo), batch_size):
        pages_future = fetch_pages.submit(fetcher, Batch(todo[start : start + batch_size]))
        in_flight.append((pages_future, analyze_batch.submit(analyzer, pages_future, return_state=False)))
        if len(in_flight) > PIPELINE_DEPTH:
            advance(total, drain(con, fetcher, in_flight.popleft(), run_id, screen, within_batch), len(todo))
            after_batch(con)
    while in_flight:
        advance(total, drain(con, fetcher, in_flight.popleft(), run_id, screen, within_batch), len(todo))
        after_batch(con)
    return total
