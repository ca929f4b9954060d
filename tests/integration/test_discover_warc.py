"""Feed discovery from a home page, and WARC backfill, both on local data only."""

from __future__ import annotations

import io
from pathlib import Path

from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.http.client import HttpFetcher
from flows.ingest.discover import discover
from tests.support.helpers import quick_settings
from tests.support.paths import ANI_PATH, CAPTURE
from warehouse import db

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>x</title><link>{}</link></item></channel></rss>"
)


def serve_site(httpserver: HTTPServer) -> None:
    u = httpserver.url_for
    httpserver.expect_request("/").respond_with_data(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss/world.xml">'
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="stylesheet" href="/style.css"></head><body>'
        '<a href="/section/feeds/india.rss">India feed</a><a href="https://elsewhere.example/feed">other site</a>'
        '<a href="/about">About</a></body></html>',
        content_type="text/html",
    )
    httpserver.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nAllow: /\nSitemap: {u('/sitemap.xml')}\n"
    )
    httpserver.expect_request("/rss/world.xml").respond_with_data(
        FEED.format(u("/a")), content_type="application/rss+xml"
    )
    httpserver.expect_request("/section/feeds/india.rss").respond_with_data(
        FEED.format(u("/b")), content_type="text/xml"
    )
    httpserver.expect_request("/atom.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{u("/a")}</loc></url></urlset>',
        content_type="application/xml",
    )


def test_discover_finds_declared_linked_and_robots_listed_feeds(httpserver: HTTPServer) -> None:
    serve_site(httpserver)
    u = httpserver.url_for
    with HttpFetcher(quick_settings(robots=True)) as fetcher:
        found = {d.url: (d.found_in, d.kind, d.entries, d.error) for d in discover(fetcher, u("/"))}
    assert found == {
        u("/rss/world.xml"): ("page", "rss", 1, None),
        u("/atom.xml"): ("page", None, 0, "HTTP 404"),
        u("/section/feeds/india.rss"): ("page", "rss", 1, None),
        u("/sitemap.xml"): ("robots.txt", "sitemap", 1, None),
    }


def test_feeds_discover_command_prints_sources(httpserver: HTTPServer) -> None:
    from flows.cli.app import app

    serve_site(httpserver)
    result = CliRunner().invoke(app, ["feeds", "discover", httpserver.url_for("/")])
    assert result.exit_code == 0, result.output
    assert f'url = "{httpserver.url_for("/rss/world.xml")}"' in result.output
    assert 'kind = "sitemap"' in result.output


def write_warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


def test_warc_backfill_loads_on_topic_pages_and_records_the_rest(prefect_harness: None, tmp_path: Path) -> None:
    from flows.backfill import backfill_warc

    ani = (CAPTURE / "sites" / "www.aninews.in" / ANI_PATH / "index.html").read_bytes()
    off_topic = (
        b"<html lang='en'><body><article><p>"
        + b"The city council approved a new budget for parks and libraries after a long debate. " * 5
        + b"</p></article></body></html>"
    )
    warc = tmp_path / "news.warc.gz"
    write_warc(
        warc,
        [
            ("https://copy.example/india-russia-defence", "text/html; charset=utf-8", ani),
            ("https://copy.example/council-budget", "text/html", off_topic),
            ("https://copy.example/logo.png", "image/png", b"\x89PNG"),
        ],
    )
    db_path = tmp_path / "w.duckdb"
    first = backfill_warc([str(warc)], source="cc-news", db_path=str(db_path))
    assert (
        first.records == 2 and (first.stored_articles, first.new_articles) == (1, 0) and first.skipped_unextracted == 1
    )
    assert first.duplicates == {"exact": 1}  # the syndicated copy matches its seed
    again = backfill_warc([str(warc)], source="cc-news", db_path=str(db_path))
    assert again.already_stored == 2 and again.stored_articles == 0
    con = db.connect(db_path)
    skipped = con.execute("SELECT url, stage FROM skipped_entries").fetchall()
    assert skipped == [("https://copy.example/council-budget", "markup")]
    con.close()
