"""Poll one source of any kind through the shared client: RSS/Atom, Google News, sitemaps, GDELT."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from extractors.article.urls import canonical_url
from extractors.records import FeedEntry, FeedResult, Source
from extractors.sources.feeds import FeedParseError, parse_feed
from extractors.sources.gdelt import (
    MAX_RECORDS,
    Window,
    lookback_start,
    parse_gdelt,
    plan_windows,
    split_window,
    window_url,
)
from extractors.sources.gnews import decode_entries
from extractors.sources.poll_policy import FeedHealth
from extractors.sources.sitemaps import newest_children, parse_sitemap
from flows.http.client import HttpFetcher, HttpResult

SITEMAP_MAX_AGE = timedelta(days=2)
SITEMAP_MAX_CHILDREN = 10
GDELT_WINDOW = timedelta(hours=6)
GDELT_FIRST_LOOKBACK = timedelta(hours=24)
GDELT_MAX_LOOKBACK = timedelta(days=7)
GDELT_MAX_CALLS = 60
MAX_ERROR_CHARS = 300

log = logging.getLogger(__name__)


NO_ENTRIES = "no entries with a link"


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _failed(source: Source, r: HttpResult, error: str | None = None) -> FeedResult:
    return FeedResult(
        source=source.name,
        url=source.url,
        status=r.status,
        error=error or r.error or f"HTTP {r.status}",
        bytes=len(r.body),
        duration_ms=r.duration_ms,
        outcome="failed",
    )


def _conditional(
    fetcher: HttpFetcher, source: Source, health: FeedHealth | None
) -> tuple[HttpResult, FeedResult | None]:
    """GET with the stored validators; a FeedResult already when the answer is 304, unchanged or an error."""
    r = fetcher.get(
        source.url,
        purpose="feed",
        source=source.name,
        etag=health.etag if health else None,
        last_modified=health.last_modified if health else None,
    )
    common = {
        "source": source.name,
        "url": source.url,
        "status": r.status,
        "bytes": len(r.body),
        "duration_ms": r.duration_ms,
        "etag": r.etag,
        "last_modified": r.last_modified,
    }
    if r.error is None and r.not_modified:
        return r, FeedResult(**common, outcome="not_modified")  # type: ignore[arg-type]
    if not r.ok:
        return r, _failed(source, r)
    digest = body_hash(r.body)
    if health is not None and health.body_hash == digest:
        return r, FeedResult(**common, outcome="unchanged", body_hash=digest)  # type: ignore[arg-type]
    return r, None


def _parsed(source: Source, r: HttpResult, entries: list[FeedEntry], warning: str | None) -> FeedResult:
    return FeedResult(
        source=source.name,
        url=source.url,
        status=r.status,
        entries=tuple(entries),
        warning=warning,
        bytes=len(r.body),
        duration_ms=r.duration_ms,
        outcome="parsed",
        etag=r.etag,
        last_modified=r.last_modified,
        body_hash=body_hash(r.body),
    )


def poll_feed(fetcher: HttpFetcher, source: Source, health: FeedHealth | None) -> FeedResult:
    r, early = _conditional(fetcher, source, health)
    if early is not None:
        return early
    try:
        entries, warning = parse_feed(r.body, source=source.name, content_type=r.content_type)
    except FeedParseError as exc:
        return _failed(source, r, f"unreadable feed: {exc}")
    if source.kind == "google_news":
        entries = decode_entries(entries)
    if not entries:
        return _failed(source, r, f"{NO_ENTRIES}{f' ({warning})' if warning else ''}")
    return _parsed(source, r, entries, warning)


def poll_sitemap(fetcher: HttpFetcher, source: Source, health: FeedHealth | None, now: datetime) -> FeedResult:
    """Entries of the last SITEMAP_MAX_AGE. Undated entries only from a sitemap never read before (its first
    successful poll offers all it lists) or a Google News one: otherwise they are the site's old URLs."""
    r, early = _conditional(fetcher, source, health)
    if early is not None:
        return early
    since = now.astimezone(UTC) - SITEMAP_MAX_AGE
    undated = health is None or health.last_success_at is None
    try:
        top = parse_sitemap(r.body, source=source.name, since=since, undated=undated)
    except FeedParseError as exc:
        return _failed(source, r, f"unreadable sitemap: {exc}")
    entries = list(top.entries)
    undated_left_out = top.undated_left_out
    warnings = []
    for child_url in newest_children(top, SITEMAP_MAX_CHILDREN):
        child = fetcher.get(child_url, purpose="sitemap", source=source.name)
        if not child.ok:
            warnings.append(f"{child_url}: {child.error}")
            continue
        try:
            read = parse_sitemap(child.body, source=source.name, since=since, undated=undated)
        except FeedParseError as exc:
            warnings.append(f"{child_url}: {exc}")
            continue
        entries.extend(read.entries)
        undated_left_out += read.undated_left_out
    if undated_left_out:
        warnings.append(f"{undated_left_out} undated entries left out (read before, not a news sitemap)")
    if not entries:
        return _failed(
            source, r, f"{NO_ENTRIES} since {since:%Y-%m-%d %H:%M} UTC" + "".join(f"; {w}" for w in warnings)
        )
    return _parsed(source, r, entries, "; ".join(warnings) or None)


def poll_gdelt(fetcher: HttpFetcher, source: Source, health: FeedHealth | None, now: datetime) -> FeedResult:
    """Query from the last success to now in windows; a window that comes back full (250) is split in two."""
    end = now.astimezone(UTC)
    last = health.last_success_at.astimezone(UTC) if health and health.last_success_at else None
    start = lookback_start(last, end, default=GDELT_FIRST_LOOKBACK, limit=GDELT_MAX_LOOKBACK)
    pending: list[Window] = plan_windows(start, end, GDELT_WINDOW)
    entries: dict[str, FeedEntry] = {}
    warnings: list[str] = []
    calls, total_bytes, total_ms, last_result = 0, 0, 0, None
    while pending and calls < GDELT_MAX_CALLS:
        window = pending.pop(0)
        r = fetcher.get(window_url(source.url, window), purpose="gdelt", source=source.name)
        calls += 1
        total_bytes += len(r.body)
        total_ms += r.duration_ms
        last_result = r
        if not r.ok:
            return _failed(source, r)
        try:
            rows = parse_gdelt(r.body, source=source.name)
        except FeedParseError as exc:
            return _failed(source, r, str(exc))
        halves = split_window(window) if len(rows) >= MAX_RECORDS else []
        if halves:
            pending[:0] = halves
            continue
        if len(rows) >= MAX_RECORDS:
            warnings.append(f"window {window[0]:%Y-%m-%d %H:%M} still full at the smallest size; some results missed")
        for row in rows:
            entries.setdefault(row.link, row)
    if pending:
        warnings.append(f"stopped after {calls} calls; {len(pending)} windows left for the next run")
    return FeedResult(
        source=source.name,
        url=source.url,
        status=last_result.status if last_result else None,
        entries=tuple(entries.values()),
        warning="; ".join(warnings) or None,
        bytes=total_bytes,
        duration_ms=total_ms,
        outcome="parsed",
    )


def _poll_by_kind(fetcher: HttpFetcher, source: Source, health: FeedHealth | None, now: datetime) -> FeedResult:
    if source.kind == "sitemap":
        return poll_sitemap(fetcher, source, health, now)
    if source.kind == "gdelt":
        return poll_gdelt(fetcher, source, health, now)
    return poll_feed(fetcher, source, health)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:MAX_ERROR_CHARS].rstrip(": ")


def _readable_links(result: FeedResult) -> FeedResult:
    """Entries whose link has no canonical form (`http://[bad`) are dropped here, with a warning: left in,
    one such link would stop the whole run where the entries of every source are selected together."""
    kept, dropped = [], []
    for entry in result.entries:
        try:
            canonical_url(entry.link)
        except ValueError:
            dropped.append(entry.link)
            continue
        kept.append(entry)
    if not dropped:
        return result
    note = f"{len(dropped)} entries with an unreadable link left out (first: {dropped[0][:120]!r})"
    if not kept:
        return replace(result, entries=(), error=f"{NO_ENTRIES} ({note})", outcome="failed")
    return replace(result, entries=tuple(kept), warning="; ".join(w for w in (result.warning, note) if w))


def poll_source(fetcher: HttpFetcher, source: Source, health: FeedHealth | None, now: datetime) -> FeedResult:
    """One poll of any kind. Whatever it raises becomes this source's recorded failure (scored in its
    health like any other), so one source can neither stop the run nor lose the other sources' entries."""
    try:
        return _readable_links(_poll_by_kind(fetcher, source, health, now))
    except Exception as exc:  # a parser or library bug on hostile input: that source's failure, not the run's
        log.warning("polling %r raised", source.name, exc_info=True)
        return FeedResult(
            source=source.name, url=source.url, status=None, error=f"poll failed: {_one_line(exc)}", outcome="failed"
        )
