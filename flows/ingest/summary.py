"""The last step of an ingest run: what it did, as one typed record, stored with the run and shown by the CLI."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import duckdb

from extractors.records import FeedResult
from flows.ingest.batches import BatchOutcome
from flows.ingest.plan import RunPlan
from flows.ingest.select import Selection
from warehouse import lake_turns, stats


@dataclass(frozen=True, kw_only=True)
class RunSummary:
    run_id: str
    sources_ok: int
    sources_failing: int
    failing: dict[str, str | None]  # source name -> its error
    feeds: dict[str, int]  # poll outcome -> sources
    sources_not_due: int
    entries: int
    already_stored: int
    skipped_off_topic: int
    merged_into_stored: int
    seeds_loaded: int
    retagged_articles: int
    shards: list[int]
    shards_taken_over: list[int]
    fetched: int
    fetch_errors: int
    rejected: int
    stored_articles: int  # new_articles + the duplicates: every article this run stored, seeds aside
    new_articles: int  # stored and a copy of nothing stored before (what the report calls new)
    duplicates: dict[str, int]  # kind -> stored articles that copy one stored before
    tags: dict[str, int]  # topic -> articles
    watch_alerts: int  # watch alerts (a new watch_hits row, or a row reaching new outlets): one event each
    topic_spikes: list[str]  # topics whose spike was announced by this run
    totals: dict[str, Any]  # warehouse.stats.collect_stats after the run
    # DuckLake: write units that took the turn, seconds waited for it, units rerun after a lost commit
    write_turns: dict[str, float]

    @property
    def duplicate_articles(self) -> int:
        return sum(self.duplicates.values())

    def as_record(self) -> dict[str, Any]:
        return asdict(self)


def summarize(
    con: duckdb.DuckDBPyConnection,
    plan: RunPlan,
    results: list[FeedResult],
    selection: Selection,
    stored: BatchOutcome,
    spikes: list[str],
) -> RunSummary:
    return RunSummary(
        run_id=plan.run_id,
        sources_ok=sum(r.ok for r in results),
        sources_failing=sum(not r.ok for r in results),
        failing={r.source: r.error for r in results if not r.ok},
        feeds=dict(Counter(r.outcome for r in results)),
        sources_not_due=plan.not_due,
        entries=selection.entries,
        already_stored=selection.already_stored,
        skipped_off_topic=selection.screened.skipped + stored.skipped_off_topic,
        merged_into_stored=stored.merged_into_stored,
        seeds_loaded=plan.seeds_loaded,
        retagged_articles=plan.retagged_articles,
        shards=sorted(plan.shards.held),
        shards_taken_over=sorted(plan.shards.taken_over),
        fetched=stored.fetched,
        fetch_errors=stored.fetch_errors,
        rejected=stored.rejected,
        stored_articles=stored.stored,
        new_articles=stored.new_articles,
        duplicates=dict(stored.duplicates),
        tags=dict(stored.tags),
        watch_alerts=stored.watch_alerts,
        topic_spikes=spikes,
        totals=stats.collect_stats(con),
        write_turns=lake_turns.turn_counts(con).as_record(),
    )
