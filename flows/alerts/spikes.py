"""Spike alerts: a topic with far more new stories today than on an average day of the 14 before gets a
`newswatch.topic.spike` event, once a day (docs/alerts.md#spikes).

The threshold: at least SPIKE_MIN_STORIES new stories today, and at least SPIKE_RATIO times the trailing
mean. Until the warehouse holds BASELINE_DAYS days of history there is no mean to compare with, so nothing
is announced (a first run, where every story is new, is not a spike).
"""

from __future__ import annotations

from datetime import date

import duckdb

from flows.alerts.events import emit_topic_spike, run_logger
from warehouse import spikes as store
from warehouse.backend import retry_conflicts
from warehouse.db import transaction
from warehouse.spikes import TopicDay

BASELINE_DAYS = 14
SPIKE_RATIO = 3.0
SPIKE_MIN_STORIES = 3
THRESHOLD = f"stories today >= {SPIKE_MIN_STORIES} and >= {SPIKE_RATIO:g} x the mean of the {BASELINE_DAYS} days before"


def is_spike(day: TopicDay) -> bool:
    return day.stories >= SPIKE_MIN_STORIES and day.stories >= SPIKE_RATIO * day.baseline


def has_baseline(first_day: date | None, today: date) -> bool:
    return first_day is not None and (today - first_day).days >= BASELINE_DAYS


@retry_conflicts
def record_new_spikes(con: duckdb.DuckDBPyConnection, today: date, run_id: str) -> list[TopicDay]:
    if not has_baseline(store.first_seen_day(con), today):
        return []
    done = store.announced(con, today)
    spikes = [d for d in store.topic_days(con, today, BASELINE_DAYS) if is_spike(d) and d.topic not in done]
    if spikes:
        with transaction(con):
            store.record_spikes(con, spikes, run_id)
    return spikes


def check_spikes(con: duckdb.DuckDBPyConnection, run_id: str, today: date | None = None) -> list[str]:
    """Announce today's new spikes; returns their topics. A failure is logged, never fails the run."""
    today = today or date.today()
    try:
        spikes = record_new_spikes(con, today, run_id)
    except duckdb.Error as exc:
        run_logger().warning("topic spikes not checked: %s", exc)
        return []
    for spike in spikes:
        try:
            emit_topic_spike(spike.topic, spike.day, spike.stories, spike.baseline, THRESHOLD)
        except Exception as exc:  # the events client must not fail an ingest
            run_logger().warning("topic %s: spike event not sent: %s", spike.topic, exc)
    return [s.topic for s in spikes]
