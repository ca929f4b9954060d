"""The HTTP client's typed records: its options (built by flows/settings.py) and what a request returned."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.article.charset import decode_body
from flows.http.address_guard import AddressPolicy


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
    max_workers: int = 8  # global cap on requests in flight
    per_host: int = 2  # concurrent requests per host
    min_interval: float = 5.0  # seconds between request starts to one host
    max_retries: int = 2
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    max_retry_wait: float = 120.0  # a longer Retry-After is recorded, not waited for
    user_agent: str = "newswatch/0.1 (media monitoring; +https://github.com/newswatch/newswatch)"
    robots: bool = True
    loopback_only: bool = False
    allow_loopback: bool = False
    allow_private: bool = False
    allow_link_local: bool = False

    @property
    def policy(self) -> AddressPolicy:
        return AddressPolicy(
            loopback_only=self.loopback_only,
            allow_loopback=self.allow_loopback,
            allow_private=self.allow_private,
            allow_link_local=self.allow_link_local,
        )


@dataclass(frozen=True, kw_only=True)
class HttpResult:
    url: str
    final_url: str
    status: int | None
    body: bytes = b""
    content_type: str | None = None
    error: str | None = None
    duration_ms: int = 0
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    attempts: int = 1
    refused: bool = False  # the guard or robots.txt kept us from asking

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def text(self) -> str:
        return decode_body(self.body, self.content_type)[0]
