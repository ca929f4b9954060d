"""Backfill from WARC files (such as CC-NEWS): the same extract, relevance, dedup, tag and load path as feeds."""

from __future__ import annotations

import uuid
from itertools import islice
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from extractors.sources.warc import iter_warc_pages
from extractors.tagging.entities import load_gazetteer
from extractors.tagging.relevance import load_query
from extractors.tagging.topics import load_taxonomy
from flows.ingest.analysis_pool import Analyzer
from flows.ingest.batches import BatchOutcome, process_pages
from flows.ingest.flow import CORPUS_DIR, DEFAULT_ENTITIES, DEFAULT_RELEVANCE, DEFAULT_TOPICS, load_seeds
from flows.ingest.screening import Screen
from warehouse import db, load, lookups, source_health


@flow(name="newswatch-backfill-warc", log_prints=True)
def backfill_warc(
    paths: list[str],
    source: str = "warc backfill",
    db_path: str | None = None,
    relevance: bool = True,
    batch_size: int = 50,
) -> dict[str, Any]:
    """Load the HTML responses of WARC files. Pages have no feed title, so relevance is judged on the full text."""
    logger = get_run_logger()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    gazetteer = load_gazetteer(DEFAULT_ENTITIES)
    # WARC records arrive one batch at a time from disk, so analysis runs here, batch by batch.
    analyzer = Analyzer(
        taxonomy, gazetteer, topics_file=DEFAULT_TOPICS, entities_file=DEFAULT_ENTITIES, expected_pages=0
    )
    con = db.connect(Path(db_path) if db_path else None)
    screen = Screen(query=load_query(DEFAULT_RELEVANCE) if relevance else None)
    total = BatchOutcome()
    records = already = 0
    try:
        load.start_run(con, run_id)
        load_seeds(con, CORPUS_DIR, taxonomy, run_id, gazetteer)
        for path in paths:
            with open(path, "rb") as stream:
                pages = iter_warc_pages(stream, source=source)
                while batch := list(islice(pages, batch_size)):
                    records += len(batch)
                    urls = [p.canonical_url for p in batch]
                    seen = lookups.seen_urls(con, urls) | source_health.skipped_urls(con, urls)
                    todo = [p for p in batch if p.canonical_url not in seen]
                    already += len(batch) - len(todo)
                    screen.undecided.update(p.canonical_url for p in todo)
                    total.add(process_pages(con, todo, analyzer, run_id, screen))
        summary = {
            "run_id": run_id,
            "records": records,
            "already_stored": already,
            "skipped_off_topic": screen.skipped,
            "rejected": total.rejected,
            "new_articles": total.new_articles,
            "duplicates": dict(total.duplicates),
            "tags": dict(total.tags),
        }
        load.finish_run(con, run_id, summary)
        logger.info("WARC backfill: %s", summary)
        return summary
    finally:
        con.close()
