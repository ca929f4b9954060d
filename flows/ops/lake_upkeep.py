"""The `newswatch-lake-maintenance` flow (the `lake-maintenance` deployment): one DuckLake maintenance pass
(warehouse/lake_maintenance.py) while workers may be ingesting. On the embedded DuckDB file it does nothing."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger

from flows.ops.log_redaction import redact_run_logs
from flows.ops.open_db import open_for_writing
from flows.report.periods import parse_since
from flows.settings import load_settings
from warehouse import backend, db
from warehouse.lake_maintenance import maintain_lake


@flow(name="newswatch-lake-maintenance", log_prints=True)
def maintain(db_path: str | None = None, keep: str = "7d") -> dict[str, Any] | None:
    """Flush inlined rows, merge small files, expire snapshots older than `keep` (e.g. 7d, 24h) and delete
    the files nothing newer reads. Returns what it did, or None on a DuckDB file (nothing to maintain)."""
    redact_run_logs()
    logger = get_run_logger()
    env = load_settings()
    location = env.resolve_location(db_path)
    if not backend.is_lake(location):
        logger.info("%s is a DuckDB file: no DuckLake maintenance to do", db.location_label(location))
        return None
    cutoff = parse_since(keep, datetime.now())
    with open_for_writing(location, env.warehouse, purpose="lake maintenance") as con:
        upkeep = maintain_lake(con, cutoff)
    logger.info(
        "lake maintenance: %d files merged, %d rewritten, %d snapshots expired (%d left), %d files deleted,"
        " %d orphaned files deleted, %d tables' inlined rows flushed",
        upkeep.files_merged,
        upkeep.files_rewritten,
        upkeep.snapshots_expired,
        upkeep.snapshots_left,
        upkeep.files_deleted,
        upkeep.orphans_deleted,
        upkeep.inlined_tables_flushed,
    )
    return asdict(upkeep)
