"""The HTTP client every network call goes through: timeouts, size caps, redirect cap,
a loopback-only mode for tests and benches, and replay of the bundled capture."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from extractors.urls import host_of

LOOPBACK_ENV = "NEWSWATCH_LOOPBACK_ONLY"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class RefusedHost(httpx.RequestError):
    """The client is in loopback-only mode and the URL points elsewhere."""


class ResponseTooLarge(Exception):
    pass


class ResponseTooSlow(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_workers: int = 8
    per_host: int = 2
    user_agent: str = "newswatch/0.1 (media monitoring; +https://github.com/newswatch/newswatch)"
    loopback_only: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> FetchSettings:
        loopback = os.environ.get(LOOPBACK_ENV, "").lower() in {"1", "true", "yes"}
        values: dict[str, object] = {"loopback_only": loopback}
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class HttpResult:
    url: str
    final_url: str
    status: int | None
    body: bytes = b""
    content_type: str | None = None
    error: str | None = None
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


Replay = Callable[[str], str | None]


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__doc__ or ""
    return f"{type(exc).__name__}: {text.strip().splitlines()[0] if text.strip() else ''}".rstrip(": ")


class HttpFetcher:
    """A thread-safe fetcher. `replay` maps an original URL to a local capture URL, or None."""

    def __init__(self, settings: FetchSettings | None = None, replay: Replay | None = None) -> None:
        self.settings = settings or FetchSettings.from_env()
        self.replay = replay
        self._host_slots: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()
        timeout = httpx.Timeout(
            connect=self.settings.connect_timeout,
            read=self.settings.read_timeout,
            write=self.settings.read_timeout,
            pool=self.settings.total_timeout,
        )
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            event_hooks={"request": [self._guard]},
        )

    def _guard(self, request: httpx.Request) -> None:
        if self.settings.loopback_only and request.url.host not in LOOPBACK_HOSTS:
            raise RefusedHost(f"loopback-only mode refuses {request.url.host}", request=request)

    def _slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            if host not in self._host_slots:
                self._host_slots[host] = threading.Semaphore(self.settings.per_host)
            return self._host_slots[host]

    def get(self, url: str) -> HttpResult:
        target = (self.replay(url) if self.replay else None) or url
        started = time.monotonic()
        with self._slot(host_of(target)):
            try:
                return self._get(url, target, started)
            except (httpx.HTTPError, ResponseTooLarge, ResponseTooSlow, ValueError) as exc:
                return HttpResult(
                    url=url,
                    final_url=url,
                    status=None,
                    error=_describe(exc),
                    duration_ms=int((time.monotonic() - started) * 1000),
                )

    def _get(self, url: str, target: str, started: float) -> HttpResult:
        deadline = started + self.settings.total_timeout
        with self._client.stream("GET", target) as response:
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
            error = None if 200 <= status < 300 else f"HTTP {status}"
            return HttpResult(
                url=url,
                final_url=final_url,
                status=status,
                body=b"".join(chunks),
                content_type=response.headers.get("content-type"),
                error=error,
                duration_ms=int((time.monotonic() - started) * 1000),
            )

    def get_many(self, urls: Iterable[str]) -> list[HttpResult]:
        urls = list(urls)
        if len(urls) <= 1:
            return [self.get(u) for u in urls]
        with ThreadPoolExecutor(max_workers=self.settings.max_workers) as pool:
            return list(pool.map(self.get, urls))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
