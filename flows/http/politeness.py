"""Per-host politeness: a minimum interval between request starts, a per-host concurrency cap under a
global cap, host-wide pauses (Retry-After), and hosts marked unreachable for the rest of a run."""

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


class HostGate:
    """Admits requests host by host. Thread-safe; one per fetcher (one per run)."""

    def __init__(self, *, min_interval: float, per_host: int, global_cap: int) -> None:
        self.min_interval = min_interval
        self.per_host = per_host
        self._global = threading.BoundedSemaphore(global_cap)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._down: dict[str, str] = {}

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

    def mark_down(self, host: str, reason: str) -> None:
        with self._lock:
            self._down.setdefault(host, reason)

    def down_reason(self, host: str) -> str | None:
        with self._lock:
            return self._down.get(host)

    def _reserve(self, host: str, spaced: bool) -> float:
        """Book the next start time for host and return how long to wait for it."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            if spaced:
                self._next_start[host] = start + self._intervals.get(host, self.min_interval)
            return start - now

    @contextmanager
    def admit(self, host: str, *, spaced: bool = True) -> Iterator[None]:
        """Hold a per-host slot and a global slot for one request; wait out the host's interval first."""
        with self._slot(host):
            wait = self._reserve(host, spaced)
            if wait > 0:
                time.sleep(wait)
            with self._global:
                yield
