"""Feed health policy: weighted failure score, automatic disable and revival probes, adaptive poll interval.

Weights: 1 for a feed that looks gone or wrong (HTTP 4xx, not a feed, refused), 0.5 for trouble that tends to
pass (5xx, 408, 429, timeouts, connection failures), 0.25 for a readable response with no entries.
A success resets the score. At DISABLE_AT the feed is disabled and probed after PROBE_START, then at doubling
intervals up to PROBE_MAX; a probe that succeeds revives it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from extractors.records import FeedResult

DISABLE_AT = 30.0
MIN_POLL = timedelta(minutes=10)
MAX_POLL = timedelta(hours=24)
START_POLL = timedelta(hours=1)
PROBE_START = timedelta(hours=24)
PROBE_MAX = timedelta(days=7)
BUSY_FEED_NEW_ITEMS = 5  # a poll this productive halves the interval
TRANSIENT_MARKERS = (
    "Timeout",
    "ConnectError",
    "ReadError",
    "RemoteProtocolError",
    "ResponseTooSlow",
    "unreachable",
    "Retry-After",  # the host asked this run to back off (flows/http/client.py)
)


@dataclass(frozen=True, kw_only=True)
class FeedHealth:
    source: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    failure_score: float = 0.0
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    probe_interval_s: int | None = None
    poll_interval_s: int = int(START_POLL.total_seconds())
    next_poll_at: datetime | None = None
    last_success_at: datetime | None = None

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


def failure_weight(result: FeedResult) -> float:
    status = result.status
    if result.ok or (status is not None and 200 <= status < 300 and (result.error or "").startswith("no entries")):
        productive = result.entries or result.outcome in ("not_modified", "unchanged")
        return 0.0 if productive else 0.25
    error = result.error or ""
    if status is not None and (status >= 500 or status in (408, 429)):
        return 0.5
    if status is None and any(marker in error for marker in TRANSIENT_MARKERS):
        return 0.5
    return 1.0


def due(health: FeedHealth | None, now: datetime) -> bool:
    """Whether the scheduler should poll (or, when disabled, probe) this feed now."""
    return health is None or health.next_poll_at is None or health.next_poll_at <= now


def _clamp(seconds: float) -> int:
    return int(min(MAX_POLL.total_seconds(), max(MIN_POLL.total_seconds(), seconds)))


def next_interval(current_s: int, new_items: int) -> int:
    """Poll a quiet feed half as often and a busy one twice as often, between 10 minutes and 24 hours."""
    if new_items == 0:
        return _clamp(current_s * 2)
    if new_items >= BUSY_FEED_NEW_ITEMS:
        return _clamp(current_s / 2)
    return _clamp(current_s)


def after_poll(
    health: FeedHealth, result: FeedResult, *, new_items: int, now: datetime, score_failures: bool = True
) -> FeedHealth:
    """The feed's health after one poll. `score_failures=False` when the whole network was down, not the feed."""
    weight = failure_weight(result)
    if result.ok:
        health = replace(
            health,
            etag=result.etag or health.etag,
            last_modified=result.last_modified or health.last_modified,
            body_hash=result.body_hash or health.body_hash,
        )
    if result.ok and weight == 0.0:
        interval = next_interval(health.poll_interval_s, new_items)
        return replace(
            health,
            failure_score=0.0,
            disabled_at=None,
            disabled_reason=None,
            probe_interval_s=None,
            poll_interval_s=interval,
            next_poll_at=now + timedelta(seconds=interval),
            last_success_at=now,
        )
    score = health.failure_score + (weight if score_failures else 0.0)
    if health.disabled:
        probe = min(PROBE_MAX.total_seconds(), 2 * (health.probe_interval_s or PROBE_START.total_seconds()))
        return replace(
            health, failure_score=score, probe_interval_s=int(probe), next_poll_at=now + timedelta(seconds=probe)
        )
    if score >= DISABLE_AT:
        probe = int(PROBE_START.total_seconds())
        reason = result.error or "no entries"
        return replace(
            health,
            failure_score=score,
            disabled_at=now,
            disabled_reason=f"failure score {score:g} reached {DISABLE_AT:g}; last: {reason}",
            probe_interval_s=probe,
            next_poll_at=now + timedelta(seconds=probe),
        )
    return replace(health, failure_score=score, next_poll_at=now + timedelta(seconds=health.poll_interval_s))
