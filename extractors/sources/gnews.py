"""Google News RSS search results: decode article links offline where the ID carries the URL, keep the publisher."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from extractors.records import FeedEntry

GOOGLE_NEWS_HOSTS = frozenset({"news.google.com", "news.url.google.com"})


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while pos < len(data):
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise ValueError("truncated varint")


def _url_from_protobuf(data: bytes) -> str | None:
    """Older article IDs are a protobuf whose field 4 (tag 0x22) is the article URL."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value = data[pos : pos + length]
            pos += length
            if field == 4 and value.startswith((b"http://", b"https://")):
                return value.decode("utf-8", errors="strict")
        else:
            return None
    return None


def decode_article_link(link: str) -> str | None:
    """The publisher URL inside a Google News article link, or None when it cannot be read offline.

    Newer IDs (their payload starts with 'AU_yqL') only map to a URL through a call to Google; those stay as they are.
    """
    parts = urlsplit(link)
    if (parts.hostname or "") not in GOOGLE_NEWS_HOSTS:
        return None
    query = parse_qs(parts.query)
    if "url" in query and query["url"][0].startswith(("http://", "https://")):
        return query["url"][0]
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[-2] not in {"articles", "read"}:
        return None
    token = segments[-1]
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return _url_from_protobuf(data)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _strip_publisher(title: str, publisher: str | None) -> str:
    # Google appends " - Publisher" to every headline.
    if publisher and title.endswith(f" - {publisher}"):
        return title[: -len(publisher) - 3].rstrip()
    return title


def decode_entries(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Entries with publisher links where decodable, headlines without the publisher suffix."""
    out = []
    for entry in entries:
        decoded = decode_article_link(entry.link)
        publisher = entry.publisher
        out.append(
            replace(
                entry,
                link=decoded or entry.link,
                title=_strip_publisher(entry.title, publisher),
                guid=entry.guid or entry.link,
            )
        )
    return out
