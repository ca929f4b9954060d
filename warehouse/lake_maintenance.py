"""DuckLake upkeep: what many small commits leave behind, tidied by the ducklake extension's own functions.

Every ingest batch commits a snapshot and a few small Parquet files (and rows inlined in the catalog); a
commit that lost a race leaves files no snapshot names. Reads slow down as files pile up, and the catalog and
the data directory only grow. Each step is one DuckLake call in a transaction of its own, rerun when a
worker's commit wins the race (`retry_conflicts`), so it can run while workers ingest:

1. flush the rows inlined in the catalog into Parquet files;
2. merge adjacent small files of each table, and rewrite files most of whose rows were deleted;
3. expire the snapshots older than the cutoff (the last one always stays; time travel reaches back to it);
4. delete the files those snapshots alone used and files no snapshot names, once older than the cutoff, so
   a reader still on a recent snapshot keeps its files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from warehouse.backend import LAKE_ALIAS, connection_is_lake, retry_conflicts
from warehouse.db import transaction

# A file is rewritten when at least this share of its rows is deleted (story_term_df's counts are updated
# in place by every batch, so its files fill with deleted rows).
REWRITE_DELETED_SHARE = 0.5


class NotALake(ValueError):
    """The warehouse is a DuckDB file: it has no snapshots or data files to maintain."""


@dataclass(frozen=True, kw_only=True)
class LakeUpkeep:
    """What one maintenance pass did (row counts of each DuckLake call's result)."""

    inlined_tables_flushed: int
    files_merged: int
    files_rewritten: int
    snapshots_expired: int
    files_deleted: int
    orphans_deleted: int
    snapshots_left: int


@retry_conflicts
def _call(
    con: duckdb.DuckDBPyConnection, function: str, arguments: str = "", parameters: list[object] | None = None
) -> int:
    with transaction(con, keyed=False):
        rows = con.execute(f"SELECT count(*) FROM {function}('{LAKE_ALIAS}'{arguments})", parameters or []).fetchone()
    return int(rows[0]) if rows else 0


def maintain_lake(con: duckdb.DuckDBPyConnection, older_than: datetime) -> LakeUpkeep:
    """One maintenance pass over the attached lake; snapshots and unused files older than `older_than` go."""
    if not connection_is_lake(con):
        raise NotALake("the warehouse is a DuckDB file; DuckLake maintenance applies to a ducklake: location")
    cutoff = older_than.astimezone()  # a naive time is local, as DuckDB's TIMESTAMPTZ reads it
    older = ", older_than => ?::TIMESTAMPTZ"
    upkeep = LakeUpkeep(
        inlined_tables_flushed=_call(con, "ducklake_flush_inlined_data"),
        files_merged=_call(con, "ducklake_merge_adjacent_files"),
        files_rewritten=_call(con, "ducklake_rewrite_data_files", ", delete_threshold => ?", [REWRITE_DELETED_SHARE]),
        snapshots_expired=_call(con, "ducklake_expire_snapshots", older, [cutoff]),
        files_deleted=_call(con, "ducklake_cleanup_old_files", older, [cutoff]),
        orphans_deleted=_call(con, "ducklake_delete_orphaned_files", older, [cutoff]),
        snapshots_left=0,
    )
    row = con.execute(f"SELECT count(*) FROM ducklake_snapshots('{LAKE_ALIAS}')").fetchone()
    return LakeUpkeep(**{**upkeep.__dict__, "snapshots_left": int(row[0]) if row else 0})
