"""The first step of an ingest run: read the configuration, bring the warehouse up to date (re-tag, seeds),
take this worker's shards, and decide which sources to poll."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extractors.analysis import analyze_article
from extractors.records import Source
from extractors.sources.poll_policy import FeedHealth
from extractors.sources.shards import ShardSpec, sources_in
from extractors.tagging.entities import Gazetteer
from extractors.tagging.relevance import RelevanceQuery
from extractors.tagging.taxonomy import Taxonomy
from flows import seed_files, settings
from flows.config_check import require_valid
from flows.http.capture_server import CAPTURE_SCHEME
from flows.ingest.batches import store_analyzed
from flows.ingest.poll_plan import poll_plan
from flows.refresh_text import refingerprint_if_version_changed
from flows.retag import retag_if_versions_changed
from flows.story_reprofile import reprofile_if_version_changed
from warehouse import leases, load, lookups, source_health
from warehouse.read_copy import Publisher


@dataclass(frozen=True, kw_only=True)
class IngestConfig:
    """What the run was asked to do, with its seed files read."""

    sources: list[Source]
    tagging: seed_files.TaggingFiles
    query: RelevanceQuery | None
    capture: bool
    live: bool
    due_only: bool
    shard: ShardSpec | None
    lease_ttl: timedelta


def read_config(
    *,
    feeds_file: str | None,
    topics_file: str | None,
    entities_file: str | None,
    relevance_file: str | None,
    relevance: bool,
    capture: bool,
    live: bool,
    due_only: bool,
    shard: str | None,
    lease_ttl_s: float,
    topic_model: Path | None = None,
) -> IngestConfig:
    files = seed_files.seed_paths(
        feeds=feeds_file, topics=topics_file, entities=entities_file, relevance=relevance_file
    )
    if not relevance:
        del files["relevance"]
    require_valid(files)
    return IngestConfig(
        sources=seed_files.load_sources(files["feeds"]),
        tagging=seed_files.load_tagging(files["topics"], files["entities"], topic_model),
        query=seed_files.load_query(files["relevance"]) if relevance else None,
        capture=capture,
        live=live,
        due_only=due_only,
        shard=ShardSpec.parse(shard) if shard else None,
        lease_ttl=timedelta(seconds=lease_ttl_s),
    )


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


@dataclass(frozen=True, kw_only=True)
class RunPlan:
    run_id: str
    now: datetime
    sources: list[Source]  # to poll in this run
    not_due: int
    health: dict[str, FeedHealth]
    shards: ShardLeases
    seeds_loaded: int
    retagged_articles: int
    publisher: Publisher | None  # refreshes the analysts' read copy between batches

    def within_batch(self, con: duckdb.DuckDBPyConnection) -> None:
        """In each batch's transaction: the heartbeat commits with the batch, not as a commit of its own."""
        self.shards.beat(con)

    def after_batch(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.publisher is not None:
            self.publisher.maybe_publish(con)


def select_sources(sources: list[Source], *, capture: bool, live: bool) -> list[Source]:
    def wanted(s: Source) -> bool:
        is_capture = s.url.startswith(CAPTURE_SCHEME)
        return s.enabled and ((capture and is_capture) or (live and not is_capture))

    return [s for s in sources if wanted(s)]


@task(name="load-seed-corpus", cache_policy=NO_CACHE)
def load_seeds(
    con: duckdb.DuckDBPyConnection,
    corpus_dir: Path,
    run_id: str,
    taxonomy: Taxonomy,
    gazetteer: Gazetteer | None = None,
) -> int:
    """Load seeds not yet stored; they enter the dedup indexes before anything fetched."""
    present = lookups.seeds_loaded(con)
    missing = [a for a in seed_files.load_seed_articles(corpus_dir) if a.url not in present]
    if missing:
        store_analyzed(con, [analyze_article(a, taxonomy, gazetteer) for a in missing], run_id)
    return len(missing)


def plan_run(
    con: duckdb.DuckDBPyConnection,
    config: IngestConfig,
    run_id: str,
    holder: str,
    publisher: Publisher | None,
    *,
    workers: int = 1,
) -> RunPlan:
    logger = get_run_logger()
    load.start_run(con, run_id)
    load.register_sources(con, config.sources)
    if config.tagging.model_problem:
        logger.warning("%s", config.tagging.model_problem)
    if warning := config.tagging.model_warning():
        logger.warning("%s", warning)
    taxonomy, gazetteer = config.tagging.models()
    retagged = retag_if_versions_changed(con, taxonomy, gazetteer, tagging=config.tagging, workers=workers)
    if retagged is not None:
        logger.info(
            "taxonomy %s / gazetteer %s not yet applied to stored articles: re-tagged %d (%d tag rows written)",
            retagged.tagger_version,
            retagged.gazetteer_version,
            retagged.articles,
            retagged.tag_rows_written,
        )
    refingerprinted = refingerprint_if_version_changed(con)
    if refingerprinted is not None:
        logger.info("fingerprint version changed: fingerprinted %d stored articles again", refingerprinted)
    reprofiled = reprofile_if_version_changed(con, gazetteer)
    if reprofiled is not None:
        logger.info("story profile %s: profiled %d stored articles again", reprofiled.version, reprofiled.articles)
    seeds_added = load_seeds(con, settings.CORPUS_DIR, run_id, taxonomy, gazetteer)
    logger.info("seed corpus: %d new seed articles loaded", seeds_added)
    wanted = select_sources(config.sources, capture=config.capture, live=config.live)
    shards = ShardLeases(spec=config.shard, holder=holder)
    shards.claim(con, config.lease_ttl)
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
    sources, not_due = poll_plan(wanted, health, now, due_only=config.due_only)
    return RunPlan(
        run_id=run_id,
        now=now,
        sources=sources,
        not_due=len(not_due),
        health=health,
        shards=shards,
        seeds_loaded=seeds_added,
        retagged_articles=retagged.articles if retagged else 0,
        publisher=publisher,
    )
