"""The ingest flow: sources -> entries -> pages -> articles -> dedup -> tags -> DuckDB."""

from __future__ import annotations

import os
import socket
import uuid
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from extractors.analysis import analyze_article
from extractors.pipeline import load_seed_articles, unique_entries
from extractors.records import FeedResult, Source
from extractors.sources.poll_policy import FeedHealth
from extractors.sources.shards import ShardSpec, sources_in
from extractors.sources.source_list import load_sources
from extractors.tagging.entities import Gazetteer, load_gazetteer
from extractors.tagging.relevance import load_query
from extractors.tagging.topics import Taxonomy, load_taxonomy
from flows.http.capture_server import CAPTURE_SCHEME, CaptureServer
from flows.http.client import FetchSettings, HttpFetcher
from flows.ingest.analysis_pool import Analyzer
from flows.ingest.batches import (
    Batch,
    BatchFutures,
    BatchOutcome,
    advance,
    analyze_batch,
    drain,
    fetch_pages,
    store_analyzed,
)
from flows.ingest.poll import poll_source
from flows.ingest.poll_plan import poll_plan, update_health
from flows.ingest.screening import Screen, screen_entries
from flows.ops import progress
from flows.ops.db_lock import hold_database
from flows.retag import retag_if_versions_changed
from warehouse import backend, db, leases, load, lookups, source_health, stats

SEEDS_DIR = db.PROJECT_ROOT / "seeds"
DEFAULT_FEEDS = SEEDS_DIR / "feeds.toml"
DEFAULT_TOPICS = SEEDS_DIR / "topics.toml"
DEFAULT_ENTITIES = SEEDS_DIR / "entities.toml"
DEFAULT_RELEVANCE = SEEDS_DIR / "relevance.toml"
CORPUS_DIR = SEEDS_DIR / "corpus"
# Batches in flight beyond the one being stored: fetch and analysis of the next batches overlap the load.
PIPELINE_DEPTH = 2


@task(name="load-seed-corpus", cache_policy=NO_CACHE)
def load_seeds(
    con: duckdb.DuckDBPyConnection,
    corpus_dir: Path,
    taxonomy: Taxonomy,
    run_id: str,
    gazetteer: Gazetteer | None = None,
) -> int:
    """Load seeds not yet stored; they enter the dedup indexes before anything fetched."""
    present = lookups.seeds_loaded(con)
    missing = [a for a in load_seed_articles(corpus_dir) if a.url not in present]
    if missing:
        store_analyzed(con, [analyze_article(a, taxonomy, gazetteer) for a in missing], run_id)
    return len(missing)


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
    return results


@dataclass(kw_only=True)
class ShardLeases:
    """The shards this run holds, heartbeated between batches so other workers see it alive."""

    spec: ShardSpec | None
    holder: str
    held: set[int] = field(default_factory=set)
    taken_over: set[int] = field(default_factory=set)

    def claim(self, con: duckdb.DuckDBPyConnection, ttl: timedelta) -> None:
        if self.spec is not None:
            own, self.taken_over = leases.claim_shards(con, self.spec, self.holder, ttl)
            self.held = own | self.taken_over

    def select(self, sources: list[Source]) -> list[Source]:
        return sources if self.spec is None else sources_in(sources, self.held, self.spec.count)

    def beat(self, con: duckdb.DuckDBPyConnection, *, done: bool = False) -> None:
        if self.spec is not None:
            leases.heartbeat(con, self.held, self.spec.count, self.holder, done=done)


def worker_id() -> str:
    return os.environ.get("NEWSWATCH_WORKER_ID") or f"{socket.gethostname()}:{os.getpid()}"


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
    entities_file: str | None = None,
    capture: bool = True,
    live: bool = True,
    batch_size: int = 25,
    lock_wait_s: float = 300.0,
    due_only: bool = False,
    relevance_file: str | None = None,
    relevance: bool = True,
    shard: str | None = None,
    lease_ttl_s: float = 3600.0,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Fetch every enabled source once and store what is new. One ingest at a time per DuckDB file; on a
    DuckLake warehouse (db_path `ducklake:...`) many at once.

    due_only: poll only sources whose adaptive interval has passed (scheduled runs); auto-disabled sources are
    polled only when their revival probe is due, either way. relevance: apply the topic query (seeds/relevance.toml).
    shard: 'i/N' polls only this worker's shard of the sources, plus shards whose holder stopped heartbeating
    for lease_ttl_s (which must exceed the schedule interval). dask_address: run extraction on that Dask
    scheduler through prefect-dask (default: $NEWSWATCH_DASK_ADDRESS, else local processes).
    """
    logger = get_run_logger()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    taxonomy = load_taxonomy(Path(topics_file) if topics_file else DEFAULT_TOPICS)
    gazetteer = load_gazetteer(Path(entities_file) if entities_file else DEFAULT_ENTITIES)
    all_sources = load_sources(Path(feeds_file) if feeds_file else DEFAULT_FEEDS)
    wanted = select_sources(all_sources, capture=capture, live=live)
    screen = Screen(
        query=load_query(Path(relevance_file) if relevance_file else DEFAULT_RELEVANCE) if relevance else None
    )
    location = db_path or db.default_location()
    shards = ShardLeases(spec=ShardSpec.parse(shard) if shard else None, holder=worker_id())
    lock = ExitStack()
    if not backend.is_lake(location):
        lock.enter_context(hold_database(Path(location), "ingest", wait_s=lock_wait_s))
    try:
        con = db.connect(location)
    except BaseException:
        lock.close()
        raise
    try:
        load.start_run(con, run_id)
        load.register_sources(con, all_sources)
        retagged = retag_if_versions_changed(con, taxonomy, gazetteer)
        if retagged is not None:
            logger.info(
                "taxonomy %s / gazetteer %s not yet applied to stored articles: re-tagged %d (%d tag rows written)",
                retagged.tagger_version,
                retagged.gazetteer_version,
                retagged.articles,
                retagged.tag_rows_written,
            )
        seeds_added = load_seeds(con, CORPUS_DIR, taxonomy, run_id, gazetteer)
        logger.info("seed corpus: %d new seed articles loaded", seeds_added)
        shards.claim(con, timedelta(seconds=lease_ttl_s))
        if shards.spec is not None:
            wanted = shards.select(wanted)
            logger.info(
                "shard %s: holding shards %s (taken over: %s), %d sources",
                shards.spec,
                sorted(shards.held),
                sorted(shards.taken_over),
                len(wanted),
            )
        now = datetime.now()
        health = source_health.load_health(con, [s.name for s in wanted])
        sources, not_due = poll_plan(wanted, health, now, due_only=due_only)
        with ExitStack() as servers:
            # The bundled capture is served only when a capture source is polled in this run.
            uses_capture = any(s.url.startswith(CAPTURE_SCHEME) for s in sources)
            capture_server = servers.enter_context(CaptureServer()) if uses_capture else None
            fetcher = servers.enter_context(
                HttpFetcher(FetchSettings.from_env(), capture_server.replay if capture_server else None)
            )
            feed_results = fetch_feeds(fetcher, sources, health, now)
            progress.advance("feeds", len(sources), total=len(sources))
            load.record_feed_results(con, feed_results, run_id)
            source_health.record_fetch_events(con, fetcher.drain_events(), run_id)
            entries = [e for r in feed_results for e in r.entries]
            candidates = unique_entries(entries)
            urls = [url for url, _ in candidates]
            seen = lookups.seen_urls(con, urls) | source_health.skipped_urls(con, urls)
            new = [(url, e) for url, e in candidates if url not in seen]
            todo = screen_entries(con, screen, new, run_id)
            logger.info(
                "%d sources ok, %d failing, %d not due; %d entries, %d already stored, %d off-topic, %d to fetch",
                sum(r.ok for r in feed_results),
                sum(not r.ok for r in feed_results),
                len(not_due),
                len(entries),
                len(candidates) - len(new),
                len(new) - len(todo),
                len(todo),
            )
            total = BatchOutcome()
            with Analyzer(
                taxonomy,
                gazetteer,
                topics_file=Path(topics_file) if topics_file else DEFAULT_TOPICS,
                entities_file=Path(entities_file) if entities_file else DEFAULT_ENTITIES,
                expected_pages=len(todo),
                dask_address=dask_address,
            ) as analyzer:
                in_flight: deque[BatchFutures] = deque()
                for start in range(0, len(todo), batch_size):
                    pages_future = fetch_pages.submit(fetcher, Batch(todo[start : start + batch_size]))
                    in_flight.append((pages_future, analyze_batch.submit(analyzer, pages_future, return_state=False)))
                    if len(in_flight) > PIPELINE_DEPTH:
                        advance(total, drain(con, fetcher, in_flight.popleft(), run_id, screen), len(todo))
                        shards.beat(con)
                while in_flight:
                    advance(total, drain(con, fetcher, in_flight.popleft(), run_id, screen), len(todo))
                    shards.beat(con)
            source_health.record_fetch_events(con, fetcher.drain_events(), run_id)
            # Only now: the saved validators and body hash make the next poll skip an unchanged feed, so
            # saving them before every entry is stored would lose the rest of the feed to a crash.
            update_health(con, sources, feed_results, health, new, now, run_id)
        summary = {
            "run_id": run_id,
            "sources_ok": sum(r.ok for r in feed_results),
            "sources_failing": sum(not r.ok for r in feed_results),
            "failing": {r.source: r.error for r in feed_results if not r.ok},
            "feeds": dict(Counter(r.outcome for r in feed_results)),
            "sources_not_due": len(not_due),
            "entries": len(entries),
            "already_stored": len(candidates) - len(new),
            "skipped_off_topic": screen.skipped,
            "merged_into_stored": screen.merged,
            "seeds_loaded": seeds_added,
            "retagged_articles": retagged.articles if retagged else 0,
            "shards": sorted(shards.held),
            "shards_taken_over": sorted(shards.taken_over),
            "fetched": total.fetched,
            "fetch_errors": total.fetch_errors,
            "rejected": total.rejected,
            "new_articles": total.new_articles,
            "duplicates": dict(total.duplicates),
            "tags": dict(total.tags),
            "totals": stats.collect_stats(con),
        }
        load.finish_run(con, run_id, summary)
        shards.beat(con, done=True)
        logger.info(
            "run done: %d new articles, duplicates %s, tags %s",
            total.new_articles,
            dict(total.duplicates),
            dict(total.tags),
        )
        return summary
    finally:
        con.close()
        lock.close()
