"""Per-host politeness: a minimum interval between request starts, a per-host concurrency cap under a
global cap, host-wide pauses (a Retry-After within the run's limit), hosts backing off (a longer one) and hosts
marked unreachable for the rest of a run. A request waiting out its host's interval is let go as soon as the
host is marked unreachable or starts backing off: it would only fail, so it fails at once."""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
RETRY_AFTER_STATUSES = frozenset({429, 503})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)], attempt counted from 0."""
    return rng() * min(cap, base * (2**attempt))


def backoff_error(asked: float, left: float) -> str:
    """The error recorded for a request not sent because its host is backing off."""
    return f"host asked to wait {asked:.0f} s (Retry-After); not asked again for {left:.0f} s"


class HostGate:
    """Admits requests host by host. Thread-safe; one per fetcher (one per run)."""

    def __init__(self, *, min_interval: float, per_host: int, global_cap: int) -> None:
        self.min_interval = min_interval
        self.per_host = per_host
        self._global = threading.BoundedSemaphore(global_cap)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a host was marked down or began backing off
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._down: dict[str, str] = {}
        self._backing_off: dict[str, tuple[float, float]] = {}  # host -> (seconds asked, monotonic deadline)

    def _slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            return self._slots.setdefault(host, threading.Semaphore(self.per_host))

    def set_interval(self, host: str, seconds: float) -> None:
        """A longer interval for one host, e.g. from its robots.txt Crawl-delay."""
        with self._lock:
            self._intervals[host] = max(self.min_interval, seconds)

    def pause(self, host: str, seconds: float) -> None:
        """No request to host starts within `seconds` from now (Retry-After, backoff)."""
        with self._lock:
            self._next_start[host] = max(self._next_start.get(host, 0.0), time.monotonic() + seconds)

    def back_off(self, host: str, seconds: float) -> None:
        """The host asked (Retry-After) for a longer wait than a request may sleep: until it is over, the
        host's requests are not sent at all, rather than each one sleeping."""
        with self._changed:
            deadline = time.monotonic() + seconds
            if deadline > self._backing_off.get(host, (0.0, 0.0))[1]:
                self._backing_off[host] = (seconds, deadline)
            self._changed.notify_all()

    def backing_off(self, host: str) -> tuple[float, float] | None:
        """(seconds the host asked for, seconds of it left) while the host is backing off, else None."""
        with self._lock:
            asked = self._backing_off.get(host)
        if asked is None:
            return None
        left = asked[1] - time.monotonic()
        return (asked[0], left) if left > 0 else None

    def mark_down(self, host: str, reason: str) -> bool:
        """Mark host unreachable for the rest of the run; True when this call did (the first reason stays)."""
        with self._changed:
            first = host not in self._down
            self._down.setdefault(host, reason)
            self._changed.notify_all()
            return first

    def down_reason(self, host: str) -> str | None:
        with self._lock:
            return self._down.get(host)

    def _unavailable(self, host: str) -> bool:
        """Down or backing off; the caller holds the lock."""
        return host in self._down or self._backing_off.get(host, (0.0, 0.0))[1] > time.monotonic()

    def _reserve(self, host: str, spaced: bool) -> float:
        """Book the next start time for host and return how long to wait for it (nothing to wait for, and
        nothing booked, when the host is down or backing off: the request will not be sent)."""
        with self._lock:
            if self._unavailable(host):
                return 0.0
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            if spaced:
                self._next_start[host] = start + self._intervals.get(host, self.min_interval)
            return start - now

    @contextmanager
    def admit(self, host: str, *, spaced: bool = True) -> Iterator[None]:
        """Hold a per-host slot and a global slot for one request; wait out the host's interval first, or
        until the host is marked down or backs off (the caller checks which before sending)."""
        with self._slot(host):
            wait = self._reserve(host, spaced)
            if wait > 0:
                with self._changed:
                    self._changed.wait_for(lambda: self._unavailable(host), timeout=wait)
            with self._global:
                yield
