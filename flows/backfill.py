"""Backfill from WARC files (such as CC-NEWS): the same extract, relevance, dedup, tag and load path as feeds.

Most pages of a news archive are off the topic, so relevance is decided before extraction where it can be:
the markup screen (extractors/tagging/markup_screen.py) turns away, unextracted, the pages whose markup
cannot hold every group of the query; the rest are extracted and judged on their full text, as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from extractors.records import FetchedPage, Rejection
from extractors.screened_analysis import ScreenedAnalysis
from extractors.sources.warc import WarcFault, iter_warc_pages
from extractors.tagging.relevance import RelevanceQuery
from flows import seed_files, settings
from flows.ingest.analysis_pool import Analyzer, PendingScreen
from flows.ingest.batches import Batch, BatchOutcome, store_batch
from flows.ingest.plan import load_seeds
from flows.ingest.screening import Screen
from flows.ops import progress
from flows.ops.log_redaction import redact_run_logs
from flows.ops.open_db import open_for_writing
from warehouse import load, lookups, source_health

LOG_EVERY_RECORDS = 5000
# A gzipped CC-NEWS record, roughly: enough to tell a backfill worth worker processes from a small one.
BYTES_PER_RECORD = 30_000


@dataclass(frozen=True, kw_only=True)
class BackfillSummary:
    run_id: str
    records: int  # HTML responses read
    already_stored: int
    skipped_off_topic: int  # on the markup screen or the full text
    skipped_unextracted: int  # of those, on the markup screen, before extraction
    rejected: int  # no article in the page, a failed response, or an unreadable WARC record
    unreadable_records: int
    stored_articles: int  # new_articles + the duplicates
    new_articles: int  # stored and a copy of nothing stored before
    duplicates: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)


@dataclass(kw_only=True)
class Tally:
    records: int = 0
    already: int = 0
    off_topic: int = 0
    unextracted: int = 0
    faults: int = 0
    failed: int = 0
    outcome: BatchOutcome = field(default_factory=BatchOutcome)


def _batches(path: str, source: str, batch_size: int) -> Iterator[tuple[list[FetchedPage], list[WarcFault]]]:
    with open(path, "rb") as stream:
        pages: list[FetchedPage] = []
        faults: list[WarcFault] = []
        for item in iter_warc_pages(stream, source=source):
            if isinstance(item, WarcFault):
                faults.append(item)
                continue
            pages.append(item)
            if len(pages) >= batch_size:
                yield pages, faults
                pages, faults = [], []
        if pages or faults:
            yield pages, faults


def _fault_rejection(path: str, source: str, fault: WarcFault) -> Rejection:
    # A record whose URL is unreadable is named by its place in the file, so that it is recorded too.
    return Rejection(url=fault.url or f"{Path(path).name}#offset={fault.offset}", source=source, reason=fault.reason)


def _pages_to_read(
    con: duckdb.DuckDBPyConnection, batch: list[FetchedPage], run_id: str, tally: Tally
) -> list[FetchedPage]:
    """The batch less what an earlier run stored or skipped; failed responses are recorded as rejected."""
    urls = [p.canonical_url for p in batch]
    seen = lookups.seen_urls(con, urls) | source_health.skipped_urls(con, urls)
    todo = [p for p in batch if p.canonical_url not in seen]
    tally.already += len(batch) - len(todo)
    failed = [Rejection(url=p.canonical_url, source=p.entry.source, reason=p.error or "") for p in todo if not p.ok]
    load.record_rejections(con, failed, run_id)
    tally.failed += len(failed)
    return [p for p in todo if p.ok]


def _store(
    con: duckdb.DuckDBPyConnection,
    pages: list[FetchedPage],
    result: ScreenedAnalysis,
    query: RelevanceQuery | None,
    run_id: str,
    tally: Tally,
) -> None:
    off_topic = result.off_topic
    if query is not None:
        rows = [[o.url, o.source, o.title, o.stage, o.reason, query.name] for o in off_topic]
        source_health.record_skipped(con, rows, run_id)
    tally.unextracted += sum(1 for o in off_topic if o.stage == "markup")
    tally.off_topic += len(off_topic)
    # Relevance was judged in the analysis already: the store step keeps every analyzed page.
    analysis = Batch((result.analyzed, result.rejected))
    tally.outcome.add(store_batch(con, Batch(pages), analysis, run_id, Screen(query=None)))


def expected_records(paths: list[str]) -> int:
    return sum(Path(p).stat().st_size for p in paths) // BYTES_PER_RECORD


@flow(name="newswatch-backfill-warc", log_prints=True)
def backfill_warc(
    paths: list[str],
    source: str = "warc backfill",
    db_path: str | None = None,
    relevance: bool = True,
    batch_size: int = 200,
) -> BackfillSummary:
    """Load the HTML responses of WARC files. Pages have no feed title, so relevance is judged on the markup,
    then on the full text. Each batch is stored in one transaction; a rerun skips what was stored or skipped."""
    redact_run_logs()
    logger = get_run_logger()
    env = settings.load_settings()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    location = env.resolve_location(db_path)
    tagging = seed_files.load_tagging(
        settings.DEFAULT_TOPICS, settings.DEFAULT_ENTITIES, env.topic_model_file(location)
    )
    query = seed_files.load_query(settings.DEFAULT_RELEVANCE) if relevance else None
    # Relevance and analysis of batch n run in worker processes while batch n+1 is read from disk and batch
    # n-1 stored; batch n+1 is queued in the workers before batch n is waited for.
    workers = env.analysis_workers
    tally = Tally()
    with (
        Analyzer(tagging, expected_pages=expected_records(paths), workers=workers) as analyzer,
        open_for_writing(location, env.warehouse, purpose="WARC backfill", wait_s=300.0) as con,
    ):
        load.start_run(con, run_id)
        load_seeds(con, settings.CORPUS_DIR, run_id, *tagging.models())
        pending: PendingScreen | None = None
        for path in paths:
            for batch, faults in _batches(path, source, batch_size):
                for fault in faults:
                    logger.warning("%s: %s", path, fault.reason)
                load.record_rejections(con, [_fault_rejection(path, source, f) for f in faults], run_id)
                tally.faults += len(faults)
                logged = tally.records // LOG_EVERY_RECORDS
                tally.records += len(batch)
                todo = _pages_to_read(con, batch, run_id, tally)
                submitted = analyzer.submit_screen_and_analyze(todo, query)
                if pending is not None:
                    _store(con, pending.pages, pending.result(), query, run_id, tally)
                pending = submitted
                progress.advance("WARC records", len(batch))
                if tally.records // LOG_EVERY_RECORDS > logged:
                    logger.info(
                        "WARC backfill: %d records read, %d stored, %d skipped before extraction",
                        tally.records,
                        tally.outcome.stored,
                        tally.unextracted,
                    )
        if pending is not None:
            _store(con, pending.pages, pending.result(), query, run_id, tally)
        total = tally.outcome
        summary = BackfillSummary(
            run_id=run_id,
            records=tally.records,
            already_stored=tally.already,
            skipped_off_topic=tally.off_topic,
            skipped_unextracted=tally.unextracted,
            rejected=total.rejected + tally.failed + tally.faults,
            unreadable_records=tally.faults,
            stored_articles=total.stored,
            new_articles=total.new_articles,
            duplicates=dict(total.duplicates),
            tags=dict(total.tags),
        )
        load.finish_run(con, run_id, asdict(summary))
    logger.info("WARC backfill: %s", summary)
    return summary
