"""Hostile source bodies, parsed offline: a body is data, never a path to open or a URL to fetch, and fields of
the wrong type are absent values, not crashes. (The unit tier's guard fails any test that opens a socket.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.article.extract import ExtractionError, extract_article
from extractors.records import FeedEntry, FetchedPage
from extractors.sources.discovery import feed_links
from extractors.sources.feeds import FeedParseError, parse_feed
from extractors.sources.gdelt import parse_gdelt
from extractors.sources.sitemaps import parse_sitemap

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>India and Russia</title><link>https://local.example/a</link></item></channel></rss>"
)


@pytest.fixture
def local_feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.xml"
    path.write_text(RSS)
    return path


def test_feed_body_that_names_a_local_feed_is_text_not_that_file(local_feed: Path) -> None:
    assert parse_feed(RSS.encode(), source="s")[0]  # the file's content is a readable feed
    with pytest.raises(FeedParseError):
        parse_feed(str(local_feed).encode(), source="s")


def test_sitemap_and_page_bodies_that_name_files_or_urls_are_text(local_feed: Path) -> None:
    """The other parsers that take "a string or a path/URL" (lxml, trafilatura, htmldate) are given data or a
    parsed tree only; these bodies stay text."""
    for body in (str(local_feed), "/etc/passwd", "http://127.0.0.1:9/sitemap.xml"):
        with pytest.raises(FeedParseError):
            parse_sitemap(body.encode(), source="s")
        assert feed_links(body, "http://127.0.0.1:9/") == []
        page = FetchedPage(
            entry=FeedEntry(source="s", link="http://127.0.0.1:9/a"),
            canonical_url="http://127.0.0.1:9/a",
            final_url="http://127.0.0.1:9/a",
            status=200,
            html=body.encode(),
            content_type="text/html",
            fetched_at=datetime.now(),
        )
        with pytest.raises(ExtractionError):
            extract_article(page)


def test_gdelt_fields_of_the_wrong_type_count_as_absent() -> None:
    body = (
        b'{"articles": [{"url": "https://a.in/1", "title": 5, "seendate": 20251202, "domain": ["a.in"]},'
        b' {"url": {"href": "https://a.in/2"}}, "https://a.in/3",'
        b' {"url": " https://a.in/4 ", "title": " Four ", "seendate": "20251202T100000Z", "domain": "a.in"}]}'
    )
    one, four = parse_gdelt(body, source="g")
    assert (one.link, one.title, one.published, one.publisher) == ("https://a.in/1", "", None, None)
    assert (four.link, four.title, four.publisher) == ("https://a.in/4", "Four", "a.in")
    assert four.published == datetime(2025, 12, 2, 10, tzinfo=UTC)
    assert parse_gdelt(b'{"articles": {"url": "https://a.in/5"}}', source="g") == []
