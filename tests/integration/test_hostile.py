"""Hostile input served from 127.0.0.1: every case ends bounded, recorded, and the run goes on."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.support.paths import CAPTURE
from warehouse import db

GOOD = "news/national/general-news/russia-reaffirms-strategic-defence-partnership-with-india20251202"
TITLE = "India and Russia defence partnership"


def _drip(_: Request) -> Response:
    def trickle() -> Iterator[bytes]:
        yield b"<html><body><p>"
        for _ in range(600):
            time.sleep(0.05)
            yield b"x"

    return Response(trickle(), content_type="text/html")


def _fifty_megabytes(_: Request) -> Response:
    chunk = b"<p>" + b"India Russia " * 80_000 + b"</p>"  # about 1 MB
    return Response((chunk for _ in range(50)), content_type="text/html")


def _rss(items: list[tuple[str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{u}</link></item>" for t, u in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    """A threaded server, so one slow response cannot stall the others."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def hostile_feeds(tmp_path: Path, threaded_server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    httpserver = threaded_server
    monkeypatch.setenv("NEWSWATCH_MAX_BYTES", str(16 * 1024 * 1024))
    monkeypatch.setenv("NEWSWATCH_TOTAL_TIMEOUT", "3")
    monkeypatch.setenv("NEWSWATCH_READ_TIMEOUT", "2")
    monkeypatch.setenv("NEWSWATCH_MAX_RETRIES", "0")
    serve = httpserver.expect_request
    serve("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    good = (CAPTURE / "sites" / "www.aninews.in" / GOOD / "index.html").read_bytes()
    serve("/good").respond_with_data(good, content_type="text/html; charset=utf-8")
    serve("/big").respond_with_handler(_fifty_megabytes)
    serve("/bomb").respond_with_data(
        gzip.compress(b"<html>" + b"\0" * 60_000_000), headers={"Content-Encoding": "gzip"}, content_type="text/html"
    )
    serve("/drip").respond_with_handler(_drip)
    serve("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    # Distinct sentences: trafilatura drops paragraphs that repeat.
    cyrillic = "<html><body><article>" + "".join(
        f"<p>Индия и Россия обсудили поставки нефти, пункт {n}: стороны договорились о встрече номер {n}.</p>"
        for n in range(1, 16)
    )
    serve("/wrong-charset").respond_with_data(
        (cyrillic + "</article></body></html>").encode("utf-8"), content_type="text/html; charset=iso-8859-1"
    )
    serve("/no-charset").respond_with_data(
        (cyrillic + "</article></body></html>").encode("koi8-r"), content_type="text/html"
    )
    serve("/binary").respond_with_data(bytes(range(256)) * 4000, content_type="text/html")
    deep = "<div>" * 20_000 + "<p>India Russia defence. </p>" * 40 + "</div>" * 20_000
    serve("/deep").respond_with_data(deep, content_type="text/html")
    pages = ["good", "big", "bomb", "drip", "loop", "wrong-charset", "no-charset", "binary", "deep"]
    serve("/pages.xml").respond_with_data(
        _rss([(f"{TITLE}: {p}", httpserver.url_for(f"/{p}")) for p in pages]), content_type="application/rss+xml"
    )
    whole = _rss([(f"{TITLE} {i}", httpserver.url_for(f"/t/{i}")) for i in range(50)])
    serve("/truncated.xml").respond_with_data(whole[: len(whole) // 2], content_type="application/rss+xml")
    huge = _rss([(f"item {i}", f"{httpserver.url_for('/h')}/{i}") for i in range(100_000)])
    serve("/huge.xml").respond_with_data(huge, content_type="application/rss+xml")
    serve("/binary.xml").respond_with_data(bytes(range(256)) * 100, content_type="application/rss+xml")
    serve("/feed-bomb.xml").respond_with_data(
        gzip.compress(b"<rss>" + b" " * 60_000_000), headers={"Content-Encoding": "gzip"}, content_type="text/xml"
    )
    path = tmp_path / "feeds.toml"
    names = {"pages": "pages.xml", "truncated": "truncated.xml", "huge": "huge.xml", "binary": "binary.xml"}
    names["bomb"] = "feed-bomb.xml"
    path.write_text(
        "".join(
            f'[[source]]\nname = "{n}"\nkind = "rss"\nurl = "{httpserver.url_for("/" + f)}"\n\n'
            for n, f in names.items()
        )
    )
    return path


def test_hostile_pages_and_feeds_are_bounded_and_recorded(
    prefect_harness: None, hostile_feeds: Path, db_path: Path
) -> None:
    from flows.ingest.flow import ingest

    summary = ingest(db_path=str(db_path), feeds_file=str(hostile_feeds), capture=False, live=True)
    assert "huge" not in summary.failing and "pages" not in summary.failing
    assert "ResponseTooLarge" in summary.failing["bomb"]
    assert "binary" in summary.failing

    con = db.connect(db_path)
    errors = dict(
        con.execute(
            "SELECT regexp_extract(url, '/([a-z-]+)$', 1), error FROM fetch_events"
            " WHERE target = 'page' AND error IS NOT NULL"
        ).fetchall()
    )
    assert "ResponseTooLarge" in errors["big"]
    assert "ResponseTooLarge" in errors["bomb"]
    assert "ResponseTooSlow" in errors["drip"] or "Timeout" in errors["drip"]
    assert "TooManyRedirects" in errors["loop"] or "redirect" in errors["loop"].lower()
    rejected = dict(con.execute("SELECT regexp_extract(url, '/([a-z-]+)$', 1), reason FROM rejected_pages").fetchall())
    assert "binary" in rejected
    stored = dict(
        con.execute("SELECT regexp_extract(url, '/([a-z-]+)$', 1), body FROM articles WHERE NOT is_seed").fetchall()
    )
    assert "good" in stored  # the rest of the run went on
    for page in ("wrong-charset", "no-charset"):
        assert page in stored, page
        assert "Индия и Россия" in stored[page], page  # decoded right despite a wrong or missing charset
    assert "deep" in stored or "deep" in rejected
    (skipped,) = con.execute("SELECT count(*) FROM skipped_entries WHERE source = 'huge'").fetchone()  # type: ignore[misc]
    assert skipped >= 1000  # the 100k-entry feed was read (up to the per-feed cap) and its items judged off-topic
    con.close()
