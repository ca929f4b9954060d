"""WARC files (such as CC-NEWS) as a backfill source: HTML responses -> FetchedPage records. No network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from extractors.article.urls import canonical_url
from extractors.records import FeedEntry, FetchedPage

MAX_RECORD_BYTES = 10 * 1024 * 1024


class WarcError(ValueError):
    pass


def _warc_date(value: str | None) -> datetime:
    if value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    return datetime.now()


def iter_warc_pages(stream: BinaryIO, *, source: str) -> Iterator[FetchedPage]:
    """Each successful HTML response in the archive, as if newswatch had fetched it then."""
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            status = int(record.http_headers.get_statuscode() or 0)
            content_type = record.http_headers.get_header("Content-Type") or ""
            if not url or "html" not in content_type.lower():
                continue
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
            error = None if 200 <= status < 300 else f"HTTP {status}"
            if len(body) > MAX_RECORD_BYTES:
                body, error = b"", f"record exceeds {MAX_RECORD_BYTES} bytes"
            fetched_at = _warc_date(record.rec_headers.get_header("WARC-Date"))
            yield FetchedPage(
                entry=FeedEntry(source=source, link=url),
                canonical_url=canonical_url(url),
                final_url=url,
                status=status,
                html=body,
                content_type=content_type,
                error=error,
                fetched_at=fetched_at,
            )
    except ArchiveLoadFailed as exc:
        raise WarcError(f"not a readable WARC file: {exc}") from exc
