"""Feed discovery on hostile home pages and titles, offline: a page that is empty or carries a link that is no
URL yields what it can; titles become names for feeds.toml, quoted whatever they hold."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from extractors.sources.discovery import declared_feeds, feed_links
from extractors.sources.feeds import read_feed
from flows.http.records import HttpResult
from flows.ingest.discover import Discovered, refusal_setting, source_names

BASE = "http://127.0.0.1:9/"


@pytest.mark.parametrize("page", ["", "   ", "\n\t"])
def test_an_empty_home_page_declares_no_feeds(page: str) -> None:
    assert declared_feeds(page, BASE) == []  # lxml raised ParserError ("Document is empty") before


def test_a_link_that_is_no_url_is_left_out_and_the_others_kept() -> None:
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="http://[::1/feed">'
        '<link rel="alternate" type="application/rss+xml" title=" World \n News " href="/world.xml"></head>'
        '<body><a href="http://[bad/rss">x</a><a href="http://127.0.0.1:notaport/rss">y</a>'
        '<a href="/section/feed">z</a></body></html>'
    )
    links = declared_feeds(page, BASE)  # urljoin raised ValueError ("Invalid IPv6 URL") for the first before
    assert [(link.url, link.title) for link in links] == [
        ("http://127.0.0.1:9/world.xml", "World News"),
        ("http://127.0.0.1:9/section/feed", None),
    ]
    assert feed_links(page, BASE) == [link.url for link in links]


def test_a_feed_gives_its_own_title() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>  The\n Hindu: World </title></channel></rss>'
    assert read_feed(body, source="s").title == "The Hindu: World"
    untitled = b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>http://a/1</link></item></channel></rss>'
    assert read_feed(untitled, source="s").title is None


def _feed(url: str, title: str | None) -> Discovered:
    return Discovered(url=url, kind="rss", entries=1, found_in="page", title=title)


def test_names_are_titles_made_unique_and_fall_back_to_the_url() -> None:
    found = [
        _feed("https://a.in/world/feed", "ThePrint"),
        _feed("https://a.in/india/feed", "ThePrint"),
        _feed("https://a.in/rss", None),
        Discovered(url="https://a.in/gone", kind=None, entries=0, found_in="page", error="HTTP 404", title="Gone"),
        _feed("https://a.in/x?page=1", "Same"),
        _feed("https://a.in/x?page=2", "Same"),
        _feed("https://a.in/long", "L" * 200),
    ]
    assert source_names(found) == [
        "ThePrint (/world/feed)",
        "ThePrint (/india/feed)",
        "https://a.in/rss",
        "https://a.in/x?page=1",
        "https://a.in/x?page=2",
        "L" * 80,
    ]


@pytest.mark.parametrize(
    "title", ['He said "hi"', "back\\slash", "tab\tand\x7fdel", "[[source]]\nname = 'x'", "\u2028line", "é – ы"]
)
def test_any_title_makes_a_source_block_that_reads_back(title: str) -> None:
    block = "[[source]]\n" + tomli_w.dumps({"name": title, "kind": "rss", "url": "https://a.in/feed"})
    assert tomllib.loads(block) == {"source": [{"name": title, "kind": "rss", "url": "https://a.in/feed"}]}


def _refused(error: str, *, refused: bool = True) -> HttpResult:
    return HttpResult(url="u", final_url="u", status=None, error=error, refused=refused)


def test_a_refusal_names_the_setting_that_allows_it() -> None:
    assert refusal_setting(_refused("RefusedHost: x: 127.0.0.1 is a loopback address")) == "NEWSWATCH_ALLOW_LOOPBACK=1"
    assert refusal_setting(_refused("RefusedHost: x: 10.0.0.1 is a private address")) == "NEWSWATCH_ALLOW_PRIVATE=1"
    # No setting allows these, and robots.txt refusals are another matter.
    assert refusal_setting(_refused("RefusedHost: x: 169.254.169.254 is a cloud metadata address")) is None
    assert refusal_setting(_refused("RefusedHost: x: 192.0.2.1 is a special-purpose address (documentation)")) is None
    assert refusal_setting(_refused("robots.txt disallows /")) is None
    assert refusal_setting(_refused("HTTP 404 is a loopback address", refused=False)) is None
