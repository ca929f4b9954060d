"""Shard leases in the warehouse: claim, heartbeat, release. Claims are keyed writes, so two workers
claiming the same shard at once conflict on DuckLake and the later one re-reads and decides again."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from extractors.sources.shards import Lease, ShardSpec, shards_to_take
from warehouse.backend import retry_conflicts
from warehouse.bulk import Table, bulk_merge
from warehouse.db import transaction

LEASES = Table(
    name="shard_leases",
    columns=(
        ("shard", "INTEGER"),
        ("shards", "INTEGER"),
        ("holder", "VARCHAR"),
        ("holder_shard", "INTEGER"),
        ("running", "BOOLEAN"),
        ("heartbeat_at", "TIMESTAMP"),
        ("finished_at", "TIMESTAMP"),
    ),
    key=("shard", "shards"),
)
_FIELDS = [c for c, _ in LEASES.columns]


def read_leases(con: duckdb.DuckDBPyConnection, shards: int) -> list[Lease]:
    rows = con.execute(f"SELECT {', '.join(_FIELDS)} FROM shard_leases WHERE shards = ?", [shards]).fetchall()
    return [Lease(**dict(zip(_FIELDS, row, strict=True))) for row in rows]


@retry_conflicts
def claim_shards(
    con: duckdb.DuckDBPyConnection, spec: ShardSpec, holder: str, ttl: timedelta, now: datetime | None = None
) -> tuple[set[int], set[int]]:
    """Take the own shard (when free) and stale shards of dead workers; returns (own, taken over)."""
    with transaction(con):
        moment = now or datetime.now()
        own, taken = shards_to_take(spec, holder, read_leases(con, spec.count), moment, ttl)
        rows = [[shard, spec.count, holder, spec.index, True, moment, None] for shard in sorted(own | taken)]
        bulk_merge(con, LEASES, rows, {c: f"_bulk_shard_leases.{c}" for c in _FIELDS[2:]})
    return own, taken


@retry_conflicts
def heartbeat(con: duckdb.DuckDBPyConnection, shards: set[int], count: int, holder: str, *, done: bool = False) -> None:
    if not shards:
        return
    now = datetime.now()
    with transaction(con):
        con.execute(
            "UPDATE shard_leases SET heartbeat_at = ?, running = ?,"
            " finished_at = CASE WHEN ? THEN ? ELSE finished_at END"
            " WHERE shards = ? AND holder = ? AND shard IN (SELECT unnest(?))",
            [now, not done, done, now, count, holder, sorted(shards)],
        )
