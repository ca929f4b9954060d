"""Backfill from WARC files (such as CC-NEWS): the same extract, relevance, dedup, tag and load path as feeds."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from itertools import islice

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from extractors.sources.warc import iter_warc_pages
from flows import seed_files, settings
from flows.ingest.analysis_pool import Analyzer
from flows.ingest.batches import BatchOutcome, process_pages
from flows.ingest.plan import load_seeds
from flows.ingest.screening import Screen
from flows.ops.log_redaction import redact_run_logs
from flows.ops.open_db import open_for_writing
from warehouse import load, lookups, source_health


@dataclass(frozen=True, kw_only=True)
class BackfillSummary:
    run_id: str
    records: int
    already_stored: int
    skipped_off_topic: int
    rejected: int
    stored_articles: int  # new_articles + the duplicates
    new_articles: int  # stored and a copy of nothing stored before
    duplicates: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)


@flow(name="newswatch-backfill-warc", log_prints=True)
def backfill_warc(
    paths: list[str],
    source: str = "warc backfill",
    db_path: str | None = None,
    relevance: bool = True,
    batch_size: int = 50,
) -> BackfillSummary:
    """Load the HTML responses of WARC files. Pages have no feed title, so relevance is judged on the full text."""
    redact_run_logs()
    env = settings.load_settings()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    location = env.resolve_location(db_path)
    tagging = seed_files.load_tagging(
        settings.DEFAULT_TOPICS, settings.DEFAULT_ENTITIES, env.topic_model_file(location)
    )
    query = seed_files.load_query(settings.DEFAULT_RELEVANCE) if relevance else None
    # WARC records arrive one batch at a time from disk, so analysis runs here, batch by batch.
    analyzer = Analyzer(tagging, expected_pages=0, workers=1)
    total = BatchOutcome()
    records = already = 0
    with open_for_writing(location, env.warehouse, purpose="WARC backfill", wait_s=300.0) as con:
        load.start_run(con, run_id)
        load_seeds(con, settings.CORPUS_DIR, run_id, *tagging.models())
        for path in paths:
            with open(path, "rb") as stream:
                pages = iter_warc_pages(stream, source=source)
                while batch := list(islice(pages, batch_size)):
                    records += len(batch)
                    urls = [p.canonical_url for p in batch]
                    seen = lookups.seen_urls(con, urls) | source_health.skipped_urls(con, urls)
                    todo = [p for p in batch if p.canonical_url not in seen]
                    already += len(batch) - len(todo)
                    screen = Screen(query=query, undecided=frozenset(p.canonical_url for p in todo))
                    total.add(process_pages(con, todo, analyzer, run_id, screen))
        summary = BackfillSummary(
            run_id=run_id,
            records=records,
            already_stored=already,
            skipped_off_topic=total.skipped_off_topic,
            rejected=total.rejected,
            stored_articles=total.stored,
            new_articles=total.new_articles,
            duplicates=dict(total.duplicates),
            tags=dict(total.tags),
        )
        load.finish_run(con, run_id, asdict(summary))
    get_run_logger().info("WARC backfill: %s", summary)
    return summary
