"""WARC files (such as CC-NEWS) as a backfill source: HTML responses -> FetchedPage records. No network.

Read with FastWARC (docs/performance.md compares it with warcio). A record that cannot be read (a corrupt
gzip member, a broken header, a file cut short) becomes a `WarcFault` naming its offset, and reading goes
on from the next record start found after it: one bad record never costs the rest of the file. In an
uncompressed archive, which has no gzip CRC, a payload that no longer matches its WARC-Payload-Digest is a
fault too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from extractors.article.urls import canonical_url
from extractors.records import FeedEntry, FetchedPage

MAX_RECORD_BYTES = 10 * 1024 * 1024
GZIP_MEMBER = b"\x1f\x8b\x08"  # every record of a .warc.gz is a gzip member of its own
WARC_RECORD = b"WARC/1."
SEARCH_CHUNK = 1 << 20
# Digest algorithms FastWARC checks; a record naming another is read unchecked rather than called damaged.
CHECKED_DIGESTS = ("sha1:", "sha256:", "sha512:", "md5:")


@dataclass(frozen=True, kw_only=True)
class WarcFault:
    """A record, or a stretch of the file, that could not be read."""

    offset: int  # in the file as stored (compressed)
    url: str | None
    reason: str


def _warc_date(value: str | None) -> datetime:
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    return datetime.now()


def _payload_damaged(record: WarcRecord) -> bool:
    """Whether the payload differs from the digest the record states. Only identity payloads are checked:
    FastWARC cannot check one it decodes, and a gzip body's own CRC catches most damage to it."""
    digest = (record.headers.get("WARC-Payload-Digest") or "").lower()
    if not digest.startswith(CHECKED_DIGESTS):
        return False
    http = record.http_headers
    if (http.get("Content-Encoding") or "identity").lower() != "identity" or http.get("Transfer-Encoding"):
        return False
    return not record.verify_payload_digest(consume=False)


def _page(record: WarcRecord, source: str, *, check_digest: bool) -> FetchedPage | WarcFault | None:
    """The record as a fetched page; a fault if it is broken; None if it holds no HTML response."""
    headers = record.headers
    url = headers.get("WARC-Target-URI")
    offset = record.stream_pos
    if "Content-Length" not in headers or not url:
        return WarcFault(offset=offset, url=url, reason="truncated WARC record: its header is incomplete")
    if not record.is_http:
        if "application/http" in (headers.get("Content-Type") or ""):
            return WarcFault(offset=offset, url=url, reason="WARC record with unreadable HTTP headers")
        return None
    content_type = record.http_headers.get("Content-Type") or ""
    if "html" not in content_type.lower():
        return None
    if check_digest and record.content_length <= MAX_RECORD_BYTES and _payload_damaged(record):
        return WarcFault(offset=offset, url=url, reason="damaged WARC record: its payload does not match its digest")
    status = int(record.http_headers.status_code or 0)
    body = record.reader.read(MAX_RECORD_BYTES + 1)
    error = None if 200 <= status < 300 else f"HTTP {status}"
    if len(body) > MAX_RECORD_BYTES:
        body, error = b"", f"record exceeds {MAX_RECORD_BYTES} bytes"
    return FetchedPage(
        entry=FeedEntry(source=source, link=url),
        canonical_url=canonical_url(url),
        final_url=url,
        status=status,
        html=body,
        content_type=content_type,
        error=error,
        fetched_at=_warc_date(headers.get("WARC-Date")),
    )


def _next_record_start(stream: BinaryIO, after: int, marker: bytes) -> int | None:
    """The offset of the first `marker` at or after `after`, or None at the end of the file."""
    position = after
    while True:
        stream.seek(position)
        chunk = stream.read(SEARCH_CHUNK + len(marker) - 1)
        if len(chunk) < len(marker):
            return None
        found = chunk.find(marker)
        if found >= 0:
            return position + found
        position += SEARCH_CHUNK


def iter_warc_pages(stream: BinaryIO, *, source: str) -> Iterator[FetchedPage | WarcFault]:
    """Each HTML response in the archive, as if newswatch had fetched it then, and a fault for each
    unreadable stretch. `stream` must be seekable."""
    stream.seek(0)
    marker = GZIP_MEMBER if stream.read(2) == GZIP_MEMBER[:2] else WARC_RECORD
    check_digest = marker == WARC_RECORD
    start: int | None = 0
    fault: WarcFault | None = None  # held until good data follows, so one bad stretch is one fault
    while start is not None:
        position = start
        stream.seek(position)
        last_good: int | None = None
        try:
            for record in ArchiveIterator(stream, record_types=WarcRecordType.response, auto_decode="all"):
                item = _page(record, source, check_digest=check_digest)
                if isinstance(item, WarcFault):
                    fault = fault or item
                    continue
                last_good = record.stream_pos  # a readable record, HTML or not: the fault before it is over
                if fault is not None:
                    yield fault
                    fault = None
                if item is not None:
                    yield item
            start = None
        except (OSError, ValueError) as exc:
            # The bad data starts at `position` or somewhere after the last record read; reading resumes at
            # the next record start after that (a retry of the same bad record extends this fault).
            bad_from = position if last_good is None else last_good + 1
            where = f"at offset {position}" if last_good is None else f"after the record at offset {last_good}"
            fault = fault or WarcFault(offset=bad_from, url=None, reason=f"unreadable WARC data {where}: {exc}")
            start = _next_record_start(stream, bad_from + (last_good is None), marker)
    if fault is not None:
        yield fault
