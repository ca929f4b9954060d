"""The HTTP client every network call goes through.

Polite (per-host interval and concurrency under a global cap, robots.txt for article pages, Retry-After,
exponential backoff with jitter), bounded (timeouts, size cap on the decompressed body, redirect cap),
guarded (no private, loopback, link-local or metadata addresses unless allowed), incremental
(conditional GET) and observable (every request is logged as a FetchEvent). It also replays the
bundled capture, whose local server is the one loopback origin trusted by default.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from extractors.records import FetchEvent
from flows.http.address_guard import GuardedTransport, RefusedHost, Resolver, origin_of
from flows.http.host_vetting import HostVetting, describe, unreachable_earlier
from flows.http.politeness import (
    RETRY_AFTER_STATUSES,
    RETRYABLE_STATUSES,
    HostGate,
    backoff_delay,
    backoff_error,
    parse_retry_after,
)
from flows.http.records import FetchSettings, HttpResult, ResponseTooLarge, ResponseTooSlow
from flows.http.robots import HostRules, RobotsAnswer, RobotsCache

__all__ = ["FetchSettings", "HttpFetcher", "HttpResult", "RefusedHost", "ResponseTooLarge", "ResponseTooSlow"]


Replay = Callable[[str], str | None]


class HttpFetcher:
    """A thread-safe fetcher for one run. `replay` maps an original URL to a local capture URL, or None."""

    def __init__(
        self,
        settings: FetchSettings,
        replay: Replay | None = None,
        *,
        trusted_origins: Iterable[str] = (),
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings
        self.replay = replay
        self.resolver = resolver
        trusted = set(trusted_origins)
        owner = getattr(replay, "__self__", None)
        if owner is not None and hasattr(owner, "base_url"):
            trusted.add(origin_of(httpx.URL(owner.base_url)))
        self.trusted = frozenset(trusted)
        s = self.settings
        self.gate = HostGate(min_interval=s.min_interval, per_host=s.per_host, global_cap=s.max_workers)
        self.vetting = HostVetting(self.gate, s.policy, resolver)
        self.robots = RobotsCache(self._fetch_robots, s.user_agent, on_rules=self._apply_rules)
        self._events: list[FetchEvent] = []
        self._events_lock = threading.Lock()
        timeout = httpx.Timeout(
            connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=s.total_timeout
        )
        transport = GuardedTransport(httpx.HTTPTransport(), s.policy, resolver, self.trusted)
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            max_redirects=s.max_redirects,
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    # --- public API -------------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        purpose: str = "page",
        source: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool | None = None,
    ) -> HttpResult:
        """GET with retries. Pages check robots.txt unless robots=False; validators make it conditional."""
        replayed = self.replay(url) if self.replay else None
        target = replayed or url
        started = time.monotonic()
        trusted = self._is_trusted(target)
        host_key = urlsplit(target).netloc.lower()
        if waiting := self._backoff_note(host_key):
            return self._log(self._failed(url, waiting, started), purpose, source)
        if not trusted:
            # Before robots.txt and the host's interval: a host refused, down or not resolving fails here.
            stop = self.vetting.stop(target, host_key)
            if stop is not None:
                return self._log(self._failed(url, stop.error, started, refused=stop.refused), purpose, source)
            check_robots = self.settings.robots if robots is None else robots
            if check_robots and purpose == "page" and (why := self.robots.refusal(target)):
                return self._log(self._failed(url, why, started, refused=True), purpose, source)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            with self.gate.admit(host_key, spaced=not trusted):
                # Another request to this host may have found it down, or been told to back off, while this
                # one queued (the gate lets it go at once then).
                if down := self.gate.down_reason(host_key):
                    return self._log(self._failed(url, unreachable_earlier(down), started), purpose, source)
                if waiting := self._backoff_note(host_key):
                    return self._log(self._failed(url, waiting, started), purpose, source)
                result, timed_out = self._attempt(url, target, headers, time.monotonic())
                # Still holding the host's slot, so a request queued for it sees what this answer said.
                self._note_host_state(host_key, result)
            result = _with(result, attempts=attempt + 1)
            limit = self.settings.max_retry_wait
            if result.retry_after is not None and result.retry_after > limit:
                note = f"; Retry-After {result.retry_after:.0f} s exceeds {limit:.0f} s, not retried in this run"
                result = _with(result, error=f"{result.error}{note}")
                self._log(result, purpose, source)
                return _with(result, duration_ms=int((time.monotonic() - started) * 1000))
            self._log(result, purpose, source)
            retryable = timed_out or result.status in RETRYABLE_STATUSES
            if not retryable or attempt >= self.settings.max_retries:
                return _with(result, duration_ms=int((time.monotonic() - started) * 1000))
            delay = result.retry_after
            if delay is None:
                delay = backoff_delay(attempt, base=self.settings.backoff_base, cap=self.settings.backoff_cap)
            self.gate.pause(host_key, delay)
            attempt += 1

    def get_many(
        self, urls: Iterable[str], *, purpose: str = "page", sources: Iterable[str | None] | None = None
    ) -> list[HttpResult]:
        """GET each URL concurrently under the caps; `sources` labels each request in the log."""
        urls = list(urls)
        labels = list(sources) if sources is not None else [None] * len(urls)
        jobs = list(zip(urls, labels, strict=True))
        if len(jobs) <= 1:
            return [self.get(u, purpose=purpose, source=s) for u, s in jobs]
        with ThreadPoolExecutor(max_workers=self.settings.max_workers) as pool:
            return list(pool.map(lambda job: self.get(job[0], purpose=purpose, source=job[1]), jobs))

    def drain_events(self) -> list[FetchEvent]:
        """Every request made since the last drain, in the order they finished."""
        with self._events_lock:
            events, self._events = self._events, []
        return events

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals --------------------------------------------------------------------------------

    def _is_trusted(self, target: str) -> bool:
        try:
            return origin_of(httpx.URL(target)) in self.trusted
        except httpx.InvalidURL:
            return False

    def _note_host_state(self, host_key: str, result: HttpResult) -> None:
        if isinstance(result.error, str) and result.error.startswith("ConnectError"):
            self.gate.mark_down(host_key, result.error)
        if result.retry_after is None:
            return
        if result.retry_after > self.settings.max_retry_wait:
            # Neither this URL nor the host's others sleep that long: they fail at once until it is over.
            self.gate.back_off(host_key, result.retry_after)
        else:
            self.gate.pause(host_key, result.retry_after)

    def _backoff_note(self, host_key: str) -> str | None:
        asked = self.gate.backing_off(host_key)
        if asked is None:
            return None
        return backoff_error(*asked)

    def _fetch_robots(self, robots_url: str) -> RobotsAnswer:
        r = self.get(robots_url, purpose="robots", robots=False)
        return RobotsAnswer(status=r.status, body=r.body if r.ok else b"", error=r.error)

    def _apply_rules(self, host_key: str, rules: HostRules) -> None:
        if rules.crawl_delay:
            self.gate.set_interval(host_key, rules.crawl_delay)

    def _failed(self, url: str, error: str, started: float, *, refused: bool = False) -> HttpResult:
        return HttpResult(
            url=url,
            final_url=url,
            status=None,
            error=error,
            duration_ms=int((time.monotonic() - started) * 1000),
            refused=refused,
        )

    def _log(self, result: HttpResult, purpose: str, source: str | None) -> HttpResult:
        event = FetchEvent(
            url=result.url,
            purpose=purpose,
            source=source,
            status=result.status,
            bytes=len(result.body),
            duration_ms=result.duration_ms,
            error=result.error,
            fetched_at=datetime.now(),
        )
        with self._events_lock:
            self._events.append(event)
        return result

    def _attempt(self, url: str, target: str, headers: dict[str, str], started: float) -> tuple[HttpResult, bool]:
        try:
            return self._get(url, target, headers, started), False
        except (httpx.HTTPError, ResponseTooLarge, ResponseTooSlow, ValueError) as exc:
            return self._failed(url, describe(exc), started), isinstance(exc, httpx.TimeoutException)

    def _get(self, url: str, target: str, headers: dict[str, str], started: float) -> HttpResult:
        deadline = started + self.settings.total_timeout
        with self._client.stream("GET", target, headers=headers) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                raise ResponseTooLarge(f"content-length {declared} exceeds {self.settings.max_bytes} bytes")
            chunks: list[bytes] = []
            size = 0
            # iter_bytes decompresses, so this also bounds gzip bombs by their inflated size.
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise ResponseTooLarge(f"body exceeds {self.settings.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise ResponseTooSlow(f"body not complete after {self.settings.total_timeout:.0f} s")
                chunks.append(chunk)
            final_url = url if target != url else str(response.url)
            status = response.status_code
            ok = 200 <= status < 300 or (status == 304 and bool(headers))
            retry_after = None
            if status in RETRY_AFTER_STATUSES:
                retry_after = parse_retry_after(response.headers.get("retry-after"))
            return HttpResult(
                url=url,
                final_url=final_url,
                status=status,
                body=b"".join(chunks),
                content_type=response.headers.get("content-type"),
                error=None if ok else f"HTTP {status}",
                duration_ms=int((time.monotonic() - started) * 1000),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                retry_after=retry_after,
            )


def _with(result: HttpResult, **changes: object) -> HttpResult:
    return replace(result, **changes)  # type: ignore[arg-type]
