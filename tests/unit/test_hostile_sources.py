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


def _urlset(urls: list[tuple[str, str | None]], *, news: bool = False) -> bytes:
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    rows = "".join(
        f"<url><loc>{loc}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>" for loc, lastmod in urls
    )
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>{rows}</urlset>'.encode()


def test_sitemap_dates_in_every_w3c_form_and_rfc_822() -> None:
    since = datetime(2025, 12, 1, tzinfo=UTC)
    dates = {
        "year-now": "2025",  # the whole of 2025: recent until its end
        "year-old": "2024",
        "month-now": "2025-12",
        "month-old": "2025-11",
        "day-now": "2025-12-02",
        "day-old": "2025-11-29",
        "minutes": "2025-12-02T10:00+05:30",
        "fraction": "2025-12-02T10:00:00.25Z",
        "old-stamp": "2025-11-30T23:59:59Z",
        "rfc-now": "Tue, 02 Dec 2025 10:00:00 GMT",
        "rfc-old": "Fri, 28 Nov 2025 10:00:00 +0530",
    }
    sitemap = parse_sitemap(_urlset([(f"https://s.in/{k}", v) for k, v in dates.items()]), source="s", since=since)
    published = {e.link.rsplit("/", 1)[1]: e.published for e in sitemap.entries}
    assert published == {
        "year-now": None,  # a year or a month is no publication date
        "month-now": None,
        "day-now": datetime(2025, 12, 2, tzinfo=UTC),
        "minutes": datetime(2025, 12, 2, 4, 30, tzinfo=UTC),
        "fraction": datetime(2025, 12, 2, 10, 0, 0, 250_000, tzinfo=UTC),
        "rfc-now": datetime(2025, 12, 2, 10, tzinfo=UTC),
    }
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://s.in/2025-11.xml</loc><lastmod>2025-11</lastmod></sitemap>"
        b"<sitemap><loc>https://s.in/2025-12.xml</loc><lastmod>2025-12</lastmod></sitemap>"
        b"<sitemap><loc>https://s.in/rfc.xml</loc><lastmod>Mon, 01 Dec 2025 08:00:00 GMT</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    children = dict(parse_sitemap(index, source="s", since=since).children)
    assert children == {
        "https://s.in/2025-12.xml": datetime(2025, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        "https://s.in/rfc.xml": datetime(2025, 12, 1, 8, tzinfo=UTC),
    }


def test_undated_sitemap_entries_only_from_a_news_sitemap_or_when_wanted() -> None:
    since = datetime(2025, 12, 1, tzinfo=UTC)
    urls = [("https://s.in/undated", None), ("https://s.in/fresh", "2025-12-02"), ("https://s.in/bad", "soon")]
    seen_before = parse_sitemap(_urlset(urls), source="s", since=since, undated=False)
    assert [e.link for e in seen_before.entries] == ["https://s.in/fresh"]
    assert seen_before.undated_left_out == 2  # an unreadable date is no date
    first_time = parse_sitemap(_urlset(urls), source="s", since=since, undated=True)
    assert [e.link for e in first_time.entries] == ["https://s.in/undated", "https://s.in/fresh", "https://s.in/bad"]
    news = parse_sitemap(_urlset(urls, news=True), source="s", since=since, undated=False)
    assert len(news.entries) == 3 and news.undated_left_out == 0
