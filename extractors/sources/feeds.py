"""Feed parsing: RSS/Atom bytes -> FeedEntry records, with feedparser."""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from extractors.records import FeedEntry

MAX_ENTRIES_PER_FEED = 5000


class FeedParseError(ValueError):
    """The body could not be read as a feed at all."""


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[FeedEntry]
    warning: str | None  # the feed was ill-formed but still readable
    title: str | None  # the feed's own <title>, whitespace collapsed


def parse_feed(body: bytes, *, source: str, content_type: str | None = None) -> tuple[list[FeedEntry], str | None]:
    """Return the feed's entries and a warning if the feed was ill-formed but still readable.

    Raises FeedParseError when nothing usable came out of the body.
    """
    parsed = read_feed(body, source=source, content_type=content_type)
    return parsed.entries, parsed.warning


def read_feed(body: bytes, *, source: str, content_type: str | None = None) -> ParsedFeed:
    """`parse_feed`, and the feed's title. Raises FeedParseError when nothing usable came out of the body."""
    headers = {"content-type": content_type} if content_type else None
    # feedparser.parse tries bytes as a file name first and fetches a str that looks like a URL: a server
    # answering "/etc/passwd" would have that file parsed. A stream it only reads.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)
    warning = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}" if exc is not None else "ill-formed feed"
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        raise FeedParseError(warning or "no feed found in response body")
    entries: list[FeedEntry] = []
    for raw in parsed.entries[:MAX_ENTRIES_PER_FEED]:
        link = raw.get("link") or ""
        if not link:
            continue
        publisher = None
        src = raw.get("source")
        if isinstance(src, dict):
            publisher = src.get("title")
        entries.append(
            FeedEntry(
                source=source,
                link=link,
                title=(raw.get("title") or "").strip(),
                summary=(raw.get("summary") or "").strip(),
                published=_entry_time(raw),
                guid=raw.get("id"),
                publisher=publisher,
            )
        )
    if len(parsed.entries) > MAX_ENTRIES_PER_FEED:
        warning = f"feed has {len(parsed.entries)} entries; read the first {MAX_ENTRIES_PER_FEED}"
    feed = parsed.get("feed")
    title = feed.get("title") if isinstance(feed, dict) else None
    shown = " ".join(title.split()) if isinstance(title, str) else ""
    return ParsedFeed(entries=entries, warning=warning, title=shown or None)
