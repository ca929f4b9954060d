"""GDELT DOC 2.0 API: time windows (it returns at most 250 articles per call) and its JSON -> FeedEntry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from extractors.records import FeedEntry
from extractors.sources.feeds import FeedParseError

MAX_RECORDS = 250
MIN_WINDOW = timedelta(minutes=15)
STAMP = "%Y%m%d%H%M%S"

Window = tuple[datetime, datetime]


def plan_windows(start: datetime, end: datetime, step: timedelta) -> list[Window]:
    """Consecutive [start, end) windows of at most `step`, newest last."""
    windows: list[Window] = []
    cursor = start
    while cursor < end:
        upper = min(end, cursor + step)
        windows.append((cursor, upper))
        cursor = upper
    return windows


def split_window(window: Window) -> list[Window]:
    """Halves of a window that came back full, or [] when it is already as small as it gets."""
    start, end = window
    if end - start <= MIN_WINDOW:
        return []
    middle = start + (end - start) / 2
    return [(start, middle), (middle, end)]


def window_url(base_url: str, window: Window) -> str:
    """The API URL for one window: the configured query with its time bounds and the record cap."""
    parts = urlsplit(base_url)
    params = [
        (k, v)
        for k, v in parse_qsl(parts.query)
        if k.lower() not in {"startdatetime", "enddatetime", "timespan", "maxrecords"}
    ]
    params = [(k, v) for k, v in params if k.lower() not in {"mode", "format"}]
    start, end = (t.astimezone(UTC) for t in window)
    params += [
        ("mode", "artlist"),
        ("format", "json"),
        ("maxrecords", str(MAX_RECORDS)),
        ("startdatetime", start.strftime(STAMP)),
        ("enddatetime", end.strftime(STAMP)),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def _seen(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_gdelt(body: bytes, *, source: str) -> list[FeedEntry]:
    """Entries from an artlist JSON response. GDELT answers errors as plain text, which raises FeedParseError."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedParseError(f"GDELT answered: {text[:160]}") from exc
    if not isinstance(data, dict):
        raise FeedParseError("GDELT answer is not a JSON object")
    rows = data.get("articles") or []
    entries = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict) or not (url := _text(row.get("url"))):
            continue
        entries.append(
            FeedEntry(
                source=source,
                link=url,
                title=_text(row.get("title")),
                published=_seen(_text(row.get("seendate"))),
                guid=url,
                publisher=_text(row.get("domain")) or None,
            )
        )
    return entries


def _text(value: object) -> str:
    """A JSON field as text: anything but a string (a number, a list, null) counts as absent."""
    return value.strip() if isinstance(value, str) else ""


def lookback_start(last_success: datetime | None, now: datetime, *, default: timedelta, limit: timedelta) -> datetime:
    """Where the next query starts: at the last success (with the same overlap as feeds), within limits."""
    if last_success is None:
        return now - default
    return max(now - limit, last_success - timedelta(minutes=15))
