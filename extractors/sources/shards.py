"""Source sharding for many ingest workers: which shard a source belongs to, and which shards a worker takes.

Sources go to shards by rendezvous (highest-random-weight) hashing on the source name: stable across runs
and machines, and going from N to N+1 shards moves only about 1/(N+1) of the sources.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from extractors.records import Source


@dataclass(frozen=True, kw_only=True)
class ShardSpec:
    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        """'i/N' with 0 <= i < N."""
        try:
            index_text, count_text = text.split("/")
            spec = cls(index=int(index_text), count=int(count_text))
        except ValueError:
            raise ValueError(f"shard {text!r} is not of the form i/N") from None
        if spec.count < 1 or not 0 <= spec.index < spec.count:
            raise ValueError(f"shard {text!r}: need 0 <= i < N")
        return spec

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True, kw_only=True)
class Lease:
    shard: int
    shards: int
    holder: str
    holder_shard: int
    running: bool
    heartbeat_at: datetime
    finished_at: datetime | None


def _weight(source_name: str, shard: int) -> bytes:
    return hashlib.blake2b(f"{shard}\x00{source_name}".encode(), digest_size=8).digest()


def shard_of(source_name: str, count: int) -> int:
    return max(range(count), key=lambda shard: _weight(source_name, shard))


def sources_in(sources: list[Source], shards: set[int], count: int) -> list[Source]:
    return [s for s in sources if shard_of(s.name, count) in shards]


def shards_to_take(
    spec: ShardSpec, holder: str, leases: list[Lease], now: datetime, ttl: timedelta
) -> tuple[set[int], set[int]]:
    """(own shard if free, shards taken over) for a worker `holder` whose own shard is `spec`.

    A lease is live while its heartbeat is younger than `ttl`. The worker takes its own shard unless another
    holder runs it now (a live running lease); it takes over another shard whose lease went stale, which is
    what a dead worker leaves behind. A finished lease stays live for `ttl`, so the ttl must exceed the
    schedule interval, or a shard could be fetched twice in one cycle. An own shard that another worker took
    over comes back once that worker's run on it is over.
    """
    by_shard = {lease.shard: lease for lease in leases if lease.shards == spec.count}
    own: set[int] = set()
    mine = by_shard.get(spec.index)
    live = mine is not None and now - mine.heartbeat_at < ttl
    if mine is None or mine.holder == holder or not live or not mine.running:
        own.add(spec.index)
    taken = {
        shard
        for shard, lease in by_shard.items()
        if shard != spec.index and lease.holder != holder and now - lease.heartbeat_at >= ttl
    }
    return own, taken
