"""The ingest flow: plan, poll, select, batches (fetch, extract, dedup, tag, load), summary.

Each step is a function of its own module with typed inputs and outputs: flows/ingest/plan.py,
select.py (poll and select), batches.py, summary.py.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows.alerts.spikes import check_spikes
from flows.ingest.analysis_pool import Analyzer
from flows.ingest.batches import run_batches
from flows.ingest.plan import plan_run, read_config
from flows.ingest.poll_plan import update_health
from flows.ingest.select import poll_sources, run_fetcher, select_entries
from flows.ingest.summary import RunSummary, summarize
from flows.ops.log_redaction import redact_run_logs
from flows.ops.open_db import open_for_writing, publisher_for
from flows.report.atom_files import publish_feeds
from flows.settings import load_settings
from warehouse import backend, load, source_health

FILE_BATCH_PAGES = 25
# A DuckLake batch costs about the same catalog round trips whatever its size (docs/performance.md), so a
# bigger one costs fewer a page, and two workers' stores wait less on each other's write turns.
LAKE_BATCH_PAGES = 100


def batch_pages(location: Path | str, given: int | None) -> int:
    """Pages a batch: as given, else the default of the warehouse's backend."""
    if given:
        return given
    return LAKE_BATCH_PAGES if backend.is_lake(location) else FILE_BATCH_PAGES


@flow(name="newswatch-ingest", log_prints=True)
def ingest(
    db_path: str | None = None,
    feeds_file: str | None = None,
    topics_file: str | None = None,
    entities_file: str | None = None,
    capture: bool = True,
    live: bool = True,
    batch_size: int | None = None,
    lock_wait_s: float = 300.0,
    due_only: bool = False,
    relevance_file: str | None = None,
    relevance: bool = True,
    shard: str | None = None,
    lease_ttl_s: float = 3600.0,
    dask_address: str | None = None,
    atom_dir: str | None = None,
) -> RunSummary:
    """Fetch every enabled source once and store what is new. One ingest at a time per DuckDB file; on a
    DuckLake warehouse (db_path `ducklake:...`) many at once.

    batch_size: pages a batch (default: 25 on a DuckDB file, 100 on DuckLake). due_only: poll only sources
    whose adaptive interval has passed (scheduled runs). relevance: apply the topic
    query (seeds/relevance.toml). shard: 'i/N' polls only this worker's shard of the sources, plus shards whose
    holder stopped heartbeating for lease_ttl_s. dask_address: run extraction on that Dask scheduler
    (default: $NEWSWATCH_DASK_ADDRESS, else local processes). atom_dir: where the topics' and watches' Atom
    feeds go (default: $NEWSWATCH_ATOM_DIR, else reports/feeds).
    """
    redact_run_logs()
    env = load_settings()
    location = env.resolve_location(db_path)
    config = read_config(
        feeds_file=feeds_file, topics_file=topics_file, entities_file=entities_file, relevance_file=relevance_file,
        relevance=relevance, capture=capture, live=live, due_only=due_only, shard=shard, lease_ttl_s=lease_ttl_s,
        topic_model=env.topic_model_file(location),
    )  # fmt: skip
    run_id = str(flow_run.get_id() or uuid.uuid4())
    with open_for_writing(location, env.warehouse, purpose="ingest", wait_s=lock_wait_s) as con:
        plan = plan_run(con, config, run_id, env.worker_name, publisher_for(location), workers=env.analysis_workers)
        with run_fetcher(plan.sources, env.fetch) as fetcher:
            results = poll_sources(con, fetcher, plan)
            selection = select_entries(con, results, config.query, plan)
            todo = selection.screened.todo
            workers, address = env.analysis_workers, dask_address or env.dask_address
            with Analyzer(config.tagging, expected_pages=len(todo), workers=workers, dask_address=address) as pool:
                stored = run_batches(
                    con,
                    fetcher,
                    pool,
                    selection.screened,
                    batch_pages(location, batch_size),
                    run_id,
                    plan.after_batch,
                    plan.within_batch,
                )
            source_health.record_fetch_events(con, fetcher.drain_events(), run_id)
            # Only now: the saved validators and body hash make the next poll skip an unchanged feed, so
            # saving them before every entry is stored would lose the rest of the feed to a crash.
            update_health(con, plan.sources, results, plan.health, selection.new, plan.now, run_id)
        spikes = check_spikes(con, run_id)
        summary = summarize(con, plan, results, selection, stored, spikes)
        load.finish_run(con, run_id, summary.as_record())
        plan.shards.beat(con, done=True)
        topics = config.tagging.topics.data.get("topics", {})
        publish_feeds(con, Path(atom_dir) if atom_dir else env.atom_directory, topics)
    get_run_logger().info(
        "run done: %d articles stored, %d new and %d duplicates (%s), tags %s, watch alerts %d",
        summary.stored_articles,
        summary.new_articles,
        summary.duplicate_articles,
        summary.duplicates,
        summary.tags,
        summary.watch_alerts,
    )
    turns = summary.write_turns
    if turns["turns"] or turns["reruns"]:
        get_run_logger().info(
            "DuckLake write turns: %d, %.1f s waited for other writers; %d units rerun after a lost commit",
            turns["turns"],
            turns["waited_s"],
            turns["reruns"],
        )
    return summary
