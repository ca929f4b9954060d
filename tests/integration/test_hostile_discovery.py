"""`feeds discover` against a local site: a page that breaks a parser does not stop the others, feeds are named
by their titles, and an address the guard refuses is explained with the setting that allows it."""

from __future__ import annotations

import shlex
import tomllib

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.cli.app import app
from flows.http.client import HttpFetcher
from flows.ingest import discover as discover_module
from flows.ingest.discover import discover
from tests.support.helpers import quick_settings

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
    "<item><title>x</title><link>https://a.in/1</link></item></channel></rss>"
)


def blocks(output: str) -> list[dict[str, str]]:
    """The [[source]] blocks the command printed, read as feeds.toml would be."""
    text = output[output.index("[[source]]") :]
    return list(tomllib.loads(text)["source"])


def test_an_empty_home_page_still_leads_to_the_usual_feed_paths(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("", content_type="text/html")  # lxml: "Document is empty"
    httpserver.expect_request("/feed").respond_with_data(FEED.format(title="Usual"), content_type="application/xml")
    with HttpFetcher(quick_settings()) as fetcher:
        found = {d.url: (d.kind, d.title) for d in discover(fetcher, httpserver.url_for("/"))}
    assert found[httpserver.url_for("/feed")] == ("rss", "Usual")


def test_a_page_that_breaks_a_parser_does_not_stop_the_others(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/rss+xml" href="/bad.xml">'
        '<link rel="alternate" type="application/rss+xml" href="/good.xml">',
        content_type="text/html",
    )
    httpserver.expect_request("/bad.xml").respond_with_data("<rss>BREAK</rss>", content_type="application/xml")
    httpserver.expect_request("/good.xml").respond_with_data(FEED.format(title="Good"), content_type="application/xml")
    real = discover_module.read_feed

    def parser_with_a_bug(body: bytes, **kwargs: object) -> object:
        if b"BREAK" in body:
            raise IndexError("list index out of range")
        return real(body, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(discover_module, "read_feed", parser_with_a_bug)
    result = CliRunner().invoke(app, ["feeds", "discover", httpserver.url_for("/")])
    assert result.exit_code == 0, result.output
    assert "IndexError" in result.output and "internal error" not in result.output
    assert blocks(result.output) == [{"name": "Good", "kind": "rss", "url": httpserver.url_for("/good.xml")}]


def test_found_feeds_are_named_by_their_titles(httpserver: HTTPServer) -> None:
    u = httpserver.url_for
    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/rss+xml" title="Site » World" href="/world.xml">'
        '<link rel="alternate" type="application/rss+xml" title="Site » India" href="/india.xml">'
        '<link rel="alternate" type="application/rss+xml" href="/untitled.xml">',
        content_type="text/html",
    )
    httpserver.expect_request("/robots.txt").respond_with_data(f"Sitemap: {u('/sitemap.xml')}\n")
    # Its own title wins over the page's; a title with quotes and a bracket stays one TOML string.
    httpserver.expect_request("/world.xml").respond_with_data(
        FEED.format(title='The "World" [[desk]]'), content_type="application/xml"
    )
    httpserver.expect_request("/india.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        "<item><title>x</title><link>https://a.in/2</link></item></channel></rss>",
        content_type="application/xml",
    )
    httpserver.expect_request("/untitled.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        "<item><title>x</title><link>https://a.in/3</link></item></channel></rss>",
        content_type="application/xml",
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.in/1</loc></url></urlset>',
        content_type="application/xml",
    )
    result = CliRunner().invoke(app, ["feeds", "discover", u("/")])
    assert result.exit_code == 0, result.output
    assert {b["url"]: b["name"] for b in blocks(result.output)} == {
        u("/world.xml"): 'The "World" [[desk]]',
        u("/india.xml"): "Site » India",  # no title of its own: the page's
        u("/untitled.xml"): u("/untitled.xml"),
        u("/sitemap.xml"): u("/sitemap.xml"),
    }


def test_a_refused_loopback_site_says_why_and_how_to_allow_it(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/").respond_with_data(
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml">', content_type="text/html"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(FEED.format(title="Local"), content_type="application/xml")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    site = httpserver.url_for("/")
    monkeypatch.setenv("NEWSWATCH_LOOPBACK_ONLY", "0")  # the guard's default policy: loopback refused
    refused = CliRunner().invoke(app, ["feeds", "discover", site])
    assert refused.exit_code == 1
    lines = refused.output.strip().splitlines()
    assert lines[-3] == f"{site}: RefusedHost: localhost: 127.0.0.1 is a loopback address"
    assert lines[-2] == "newswatch fetches nothing from this machine or the local network unless allowed; to allow it:"
    assert refused.output.count("home page") == 1 and "usual path" not in refused.output  # not every path again
    assert len(httpserver.log) == 0  # refused before any request
    command = lines[-1].strip()
    setting, *_, last = shlex.split(command)
    assert setting == "NEWSWATCH_ALLOW_LOOPBACK=1" and last == site

    # The command as printed: its setting lets discovery through.
    name, _, value = setting.partition("=")
    monkeypatch.setenv(name, value)
    allowed = CliRunner().invoke(app, ["feeds", "discover", site])
    assert allowed.exit_code == 0, allowed.output
    assert blocks(allowed.output) == [{"name": "Local", "kind": "rss", "url": httpserver.url_for("/feed.xml")}]
