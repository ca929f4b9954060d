"""Watch hits of an ingest batch: which stories it created or grew match which watches, which of those are
news to the watch, their `watch_hits` rows, and one `newswatch.watch.hit` event each.

The rule: one `watch_hits` row per (watch, story), never one per copy. A story's first match is an alert
('new story'); afterwards the story is announced again only when it reaches outlets the row has not
announced ('new outlet'), and the row's outlets grow. A batch that adds a copy from an outlet already
announced, or a rerun that stores nothing, alerts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb

from flows.alerts.events import WatchAlert, emit_watch_hit, run_logger
from warehouse import watches as store
from warehouse.backend import retry_conflicts
from warehouse.db import transaction
from warehouse.story_cards import StoryCard, story_cards
from warehouse.watches import StoredHit, Watch, WatchMatch


def alerts_due(
    watches: Iterable[Watch],
    matches: Iterable[WatchMatch],
    stored: Iterable[StoredHit],
    stories: dict[str, StoryCard],
) -> list[WatchAlert]:
    """The alerts these matches make, given the hits already stored: pure, so the rule is tested alone."""
    queries = {w.name: w.query for w in watches}
    known = {(h.watch, h.story_id): h for h in stored}
    alerts: list[WatchAlert] = []
    seen: set[tuple[str, str]] = set()
    for match in matches:
        story = stories.get(match.story_id)
        if story is None or (match.watch, match.story_id) in seen:
            continue
        seen.add((match.watch, match.story_id))
        prior = known.get((match.watch, match.story_id))
        if prior is None:
            reason, new_outlets, outlets, count = "new story", story.outlets, story.outlets, 1
        else:
            new_outlets = tuple(o for o in story.outlets if o not in prior.outlets)
            if not new_outlets:
                continue
            reason, outlets, count = "new outlet", tuple(sorted({*prior.outlets, *new_outlets})), prior.alerts + 1
        alerts.append(
            WatchAlert(
                watch=match.watch,
                query=queries.get(match.watch, ""),
                reason=reason,
                story=story,
                article_id=match.article_id if prior is None else prior.article_id,
                outlets=outlets,
                new_outlets=new_outlets,
                alerts=count,
            )
        )
    return alerts


def as_rows(alerts: Sequence[WatchAlert], stored: Iterable[StoredHit], now: datetime) -> list[StoredHit]:
    first = {(h.watch, h.story_id): h.first_hit_at for h in stored}
    return [
        StoredHit(
            watch=a.watch,
            story_id=a.story.story_id,
            article_id=a.article_id,
            outlets=a.outlets,
            alerts=a.alerts,
            first_hit_at=first.get((a.watch, a.story.story_id), now),
            last_hit_at=now,
        )
        for a in alerts
    ]


@retry_conflicts
def record_alerts(con: duckdb.DuckDBPyConnection, story_ids: list[str], run_id: str) -> list[WatchAlert]:
    """Match, decide and write in one unit: on DuckLake a lost race redoes it against the newer snapshot."""
    watches = store.list_watches(con)
    matches = store.match_watches(con, watches, story_ids)
    if not matches:
        return []
    matched = sorted({m.story_id for m in matches})
    stored = store.stored_hits(con, story_ids=matched)
    alerts = alerts_due(watches, matches, stored, story_cards(con, matched))
    if alerts:
        with transaction(con):
            store.record_hits(con, as_rows(alerts, stored, datetime.now()), run_id)
    return alerts


def emit(alerts: Sequence[WatchAlert]) -> None:
    """One event an alert, once its row is committed. A failed send is logged: the run and the rows stay."""
    for alert in alerts:
        try:
            emit_watch_hit(alert)
        except Exception as exc:  # the events client must not fail an ingest
            run_logger().warning("watch %s: event for story %s not sent: %s", alert.watch, alert.story.story_id, exc)


def batch_alerts(con: duckdb.DuckDBPyConnection, stored_article_ids: Sequence[str], run_id: str) -> list[WatchAlert]:
    """Check the watches against the stories a batch created or grew and write their hits; called inside
    the batch's transaction, the alerts are sent (`emit`) once it is committed."""
    if not stored_article_ids or not store.any_watches(con):
        return []
    return record_alerts(con, store.stories_of(con, stored_article_ids), run_id)


def evaluate_batch(con: duckdb.DuckDBPyConnection, stored_article_ids: Sequence[str], run_id: str) -> int:
    """Check the watches against the stories a batch created or grew; returns the alerts sent."""
    alerts = batch_alerts(con, stored_article_ids, run_id)
    emit(alerts)
    return len(alerts)
