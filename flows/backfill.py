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
from extractors.sources.warc import WarcFault, iter_warc_pages
from extractors.tagging.markup_screen import MarkupScreen, judge_markup, markup_screen
from extractors.tagging.relevance import RelevanceQuery
from flows import seed_files, settings
from flows.ingest.analysis_pool import Analyzer
from flows.ingest.batches import BatchOutcome, process_pages
from flows.ingest.plan import load_seeds
from flows.ingest.screening import Screen
from flows.ops import progress
from flows.ops.log_redaction import redact_run_logs
from flows.ops.open_db import open_for_writing
from warehouse import load, lookups, source_health

LOG_EVERY_RECORDS = 5000


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


def _screened(
    con: duckdb.DuckDBPyConnection,
    pages: list[FetchedPage],
    query: RelevanceQuery | None,
    screen: MarkupScreen | None,
    run_id: str,
) -> list[FetchedPage]:
    """The pages that go on to extraction; the ones the markup screen turns away are recorded as skipped."""
    if query is None or screen is None:
        return pages
    kept, rows = [], []
    for page in pages:
        verdict = judge_markup(screen, page.html, page.content_type)
        if verdict.decision == "off_topic":
            rows.append([page.canonical_url, page.entry.source, "", "markup", verdict.reason, query.name])
        else:
            kept.append(page)
    source_health.record_skipped(con, rows, run_id)
    return kept


def _backfill_batch(
    con: duckdb.DuckDBPyConnection,
    batch: list[FetchedPage],
    analyzer: Analyzer,
    query: RelevanceQuery | None,
    screen: MarkupScreen | None,
    run_id: str,
    tally: Tally,
) -> None:
    urls = [p.canonical_url for p in batch]
    seen = lookups.seen_urls(con, urls) | source_health.skipped_urls(con, urls)
    todo = [p for p in batch if p.canonical_url not in seen]
    tally.already += len(batch) - len(todo)
    failed = [p for p in todo if not p.ok]
    load.record_rejections(
        con, [Rejection(url=p.canonical_url, source=p.entry.source, reason=p.error or "") for p in failed], run_id
    )
    tally.failed += len(failed)
    ok = [p for p in todo if p.ok]
    readable = _screened(con, ok, query, screen, run_id)
    tally.unextracted += len(ok) - len(readable)
    screen_rest = Screen(query=query, undecided=frozenset(p.canonical_url for p in readable))
    tally.outcome.add(process_pages(con, readable, analyzer, run_id, screen_rest))


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
    screen = markup_screen(query) if query is not None else None
    # WARC records arrive one batch at a time from disk, so analysis runs here, batch by batch.
    analyzer = Analyzer(tagging, expected_pages=0, workers=1)
    tally = Tally()
    with open_for_writing(location, env.warehouse, purpose="WARC backfill", wait_s=300.0) as con:
        load.start_run(con, run_id)
        load_seeds(con, settings.CORPUS_DIR, run_id, *tagging.models())
        for path in paths:
            for batch, faults in _batches(path, source, batch_size):
                for fault in faults:
                    logger.warning("%s: %s", path, fault.reason)
                load.record_rejections(con, [_fault_rejection(path, source, f) for f in faults], run_id)
                tally.faults += len(faults)
                logged = tally.records // LOG_EVERY_RECORDS
                tally.records += len(batch)
                _backfill_batch(con, batch, analyzer, query, screen, run_id, tally)
                progress.advance("WARC records", len(batch))
                if tally.records // LOG_EVERY_RECORDS > logged:
                    logger.info(
                        "WARC backfill: %d records read, %d stored, %d skipped before extraction",
                        tally.records,
                        tally.outcome.stored,
                        tally.unextracted,
                    )
        total = tally.outcome
        summary = BackfillSummary(
            run_id=run_id,
            records=tally.records,
            already_stored=tally.already,
            skipped_off_topic=total.skipped_off_topic + tally.unextracted,
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
