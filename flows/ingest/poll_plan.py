"""Which sources to poll this run, and what each poll did to the source's health."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import duckdb

from extractors.records import FeedEntry, FeedResult, Source
from extractors.sources.poll_policy import FeedHealth, after_poll, due, failure_weight
from flows.http.capture_server import CAPTURE_SCHEME
from warehouse import source_health


def poll_plan(
    sources: list[Source], health: dict[str, FeedHealth], now: datetime, *, due_only: bool
) -> tuple[list[Source], list[Source]]:
    """(sources to poll, sources left for later). Disabled sources wait for their probe even in a manual run."""
    poll: list[Source] = []
    later: list[Source] = []
    for source in sources:
        h = health.get(source.name)
        wait = (h is not None and h.disabled) or due_only
        (later if wait and not due(h, now) else poll).append(source)
    return poll, later


def network_down(results: list[FeedResult]) -> bool:
    """Every live source failed to connect at all: the fault is this machine's network, not the feeds."""
    live = [r for r in results if not r.url.startswith(CAPTURE_SCHEME)]
    return bool(live) and all(not r.ok and r.status is None and failure_weight(r) == 0.5 for r in live)


def update_health(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    results: list[FeedResult],
    health: dict[str, FeedHealth],
    new_entries: list[tuple[str, FeedEntry]],
    now: datetime,
    run_id: str,
) -> list[FeedHealth]:
    new_items = Counter(entry.source for _, entry in new_entries)
    score = not network_down(results)
    states, polls = [], []
    for source, result in zip(sources, results, strict=True):
        before = health.get(source.name) or FeedHealth(source=source.name)
        fresh = new_items.get(source.name, 0)
        states.append(after_poll(before, result, new_items=fresh, now=now, score_failures=score))
        polls.append(
            [
                now,
                source.name,
                result.outcome,
                result.status,
                len(result.entries),
                fresh,
                failure_weight(result),
                result.error,
            ]
        )
    source_health.save_health(con, states)
    source_health.record_polls(con, polls, run_id)
    return states
