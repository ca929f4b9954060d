"""An uncompressed WARC has no gzip CRC to catch damage: a record whose payload no longer matches its
WARC-Payload-Digest is a fault naming it, never a page stored with altered text, and the records after it
still come through."""

from __future__ import annotations

import gzip
import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors.records import FetchedPage
from extractors.sources.warc import WarcFault, iter_warc_pages

PAGES = [
    (
        "https://a.example/trade",
        b"<html><body><p>" + b"India and Russia agreed a new trade route. " * 20 + b"</p></body></html>",
    ),
    (
        "https://b.example/parks",
        b"<html><body><p>" + b"The council approved a budget for parks. " * 20 + b"</p></body></html>",
    ),
]


def archive(
    pages: list[tuple[str, bytes]], *, compressed: bool, http_headers: list[tuple[str, str]] | None = None
) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compressed)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", http_headers or [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def read(data: bytes) -> list[FetchedPage | WarcFault]:
    return list(iter_warc_pages(io.BytesIO(data), source="cc-news"))


def test_a_damaged_payload_in_an_uncompressed_archive_is_a_fault_and_the_next_record_is_read() -> None:
    data = bytearray(archive(PAGES, compressed=False))
    at = data.index(b"a new trade route") + 200
    data[at : at + 6] = b"Russia"  # same length: nothing but the digest can tell
    items = read(bytes(data))
    assert [type(i) for i in items] == [WarcFault, FetchedPage]
    fault, page = items
    assert isinstance(fault, WarcFault) and isinstance(page, FetchedPage)
    assert fault.url == "https://a.example/trade" and "digest" in fault.reason and "\n" not in fault.reason
    assert page.final_url == "https://b.example/parks"


def test_intact_archives_read_whole_with_or_without_compression() -> None:
    for compressed in (False, True):
        items = read(archive(PAGES, compressed=compressed))
        assert [i.final_url for i in items if isinstance(i, FetchedPage)] == [url for url, _ in PAGES]
        assert not [i for i in items if isinstance(i, WarcFault)]


def test_an_encoded_payload_is_read_as_before() -> None:
    """FastWARC cannot check the digest of a payload it decodes; a gzip body's own check covers it."""
    body = gzip.compress(PAGES[0][1])
    data = archive(
        [(PAGES[0][0], body)],
        compressed=False,
        http_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
    )
    [page] = read(data)
    assert isinstance(page, FetchedPage) and page.html == PAGES[0][1]
