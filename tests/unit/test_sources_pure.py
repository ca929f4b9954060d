"""Pure parts of the source kinds, feed health policy, relevance, canonical URLs and language."""

import gzip
from datetime import UTC, datetime, timedelta

from extractors.article.urls import canonical_url, choose_canonical
from extractors.records import FeedEntry, FeedResult
from extractors.sources.gdelt import MAX_RECORDS, parse_gdelt, plan_windows, split_window, window_url
from extractors.sources.gnews import decode_article_link, decode_entries
from extractors.sources.poll_policy import DISABLE_AT, FeedHealth, after_poll, failure_weight, next_interval
from extractors.sources.sitemaps import newest_children, parse_sitemap
from extractors.tagging.language import article_language, detect_language
from extractors.tagging.relevance import judge_entry, judge_text
from flows.seed_files import load_query
from tests.support.helpers import gnews_id
from tests.support.paths import PROJECT

QUERY = load_query(PROJECT / "seeds" / "relevance.toml")


def test_google_news_links_decode_offline_and_keep_the_publisher() -> None:
    article = "https://www.thehindu.com/news/national/india-russia-oil/article1.ece"
    link = f"https://news.google.com/rss/articles/{gnews_id(article)}?oc=5"
    assert decode_article_link(link) == article
    assert decode_article_link("https://news.google.com/rss/articles/CBMiAU_yqLNewStyleOpaqueId?oc=5") is None
    entries = decode_entries(
        [FeedEntry(source="gn", link=link, title="India buys more Russian oil - The Hindu", publisher="The Hindu")]
    )
    assert (entries[0].link, entries[0].title, entries[0].publisher, entries[0].guid) == (
        article,
        "India buys more Russian oil",
        "The Hindu",
        link,
    )


def test_gdelt_windows_and_parsing() -> None:
    start = datetime(2025, 12, 1, tzinfo=UTC)
    windows = plan_windows(start, start + timedelta(hours=15), timedelta(hours=6))
    assert [(w[1] - w[0]).total_seconds() / 3600 for w in windows] == [6, 6, 3]
    assert split_window(windows[0]) == [
        (start, start + timedelta(hours=3)),
        (start + timedelta(hours=3), windows[0][1]),
    ]
    assert split_window((start, start + timedelta(minutes=15))) == []
    url = window_url("https://api.gdeltproject.org/api/v2/doc/doc?query=India%20Russia&timespan=1d", windows[0])
    assert "startdatetime=20251201000000" in url and "enddatetime=20251201060000" in url
    assert f"maxrecords={MAX_RECORDS}" in url and "timespan" not in url and "query=India+Russia" in url
    body = b'{"articles": [{"url": "https://a.in/x", "title": "T", "seendate": "20251201T101500Z", "domain": "a.in"}]}'
    (entry,) = parse_gdelt(body, source="g")
    assert (entry.link, entry.publisher, entry.published) == (
        "https://a.in/x",
        "a.in",
        datetime(2025, 12, 1, 10, 15, tzinfo=UTC),
    )


def test_sitemap_index_urlset_and_news_sitemap() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://s.in/old.xml</loc><lastmod>2020-01-01</lastmod></sitemap>
    <sitemap><loc>https://s.in/new.xml</loc><lastmod>2025-12-02T10:00:00Z</lastmod></sitemap>
    <sitemap><loc>https://s.in/undated.xml</loc></sitemap></sitemapindex>"""
    since = datetime(2025, 11, 30, tzinfo=UTC)
    parsed = parse_sitemap(gzip.compress(index), source="s", since=since)
    assert newest_children(parsed, 5) == ["https://s.in/new.xml", "https://s.in/undated.xml"]
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://s.in/a</loc><news:news><news:publication><news:name>S Times</news:name>
      <news:language>en</news:language></news:publication>
      <news:publication_date>2025-12-02T09:00:00+05:30</news:publication_date>
      <news:title>India, Russia sign deal</news:title><news:keywords>defence</news:keywords></news:news></url>
    <url><loc>https://s.in/b</loc><lastmod>2019-05-01</lastmod></url></urlset>"""
    (entry,) = parse_sitemap(news, source="s", since=since).entries
    assert (entry.link, entry.title, entry.publisher, entry.summary) == (
        "https://s.in/a",
        "India, Russia sign deal",
        "S Times",
        "defence",
    )


def test_failure_weights_disable_at_30_and_revive() -> None:
    now = datetime(2025, 12, 1, 12, 0)
    gone = FeedResult(source="f", url="u", status=404, error="HTTP 404", outcome="failed")
    busy = FeedResult(source="f", url="u", status=503, error="HTTP 503", outcome="failed")
    empty = FeedResult(source="f", url="u", status=200, error="no entries with a link", outcome="failed")
    timeout = FeedResult(source="f", url="u", status=None, error="ReadTimeout: timed out", outcome="failed")
    assert [failure_weight(r) for r in (gone, busy, empty, timeout)] == [1.0, 0.5, 0.25, 0.5]
    health = FeedHealth(source="f")
    for i in range(29):
        health = after_poll(health, gone, new_items=0, now=now + timedelta(hours=i))
    assert health.failure_score == 29 and not health.disabled
    health = after_poll(health, busy, new_items=0, now=now)
    health = after_poll(health, empty, new_items=0, now=now)
    assert not health.disabled
    health = after_poll(health, empty, new_items=0, now=now)
    assert health.failure_score == DISABLE_AT and health.disabled
    assert health.next_poll_at == now + timedelta(hours=24)
    probe_failed = after_poll(health, gone, new_items=0, now=now + timedelta(hours=24))
    assert probe_failed.disabled and probe_failed.probe_interval_s == 48 * 3600
    ok = FeedResult(source="f", url="u", status=200, entries=(FeedEntry(source="f", link="x"),), etag='"e"')
    revived = after_poll(probe_failed, ok, new_items=1, now=now + timedelta(hours=72))
    assert not revived.disabled and revived.failure_score == 0 and revived.etag == '"e"'
    network_down = after_poll(FeedHealth(source="f"), timeout, new_items=0, now=now, score_failures=False)
    assert network_down.failure_score == 0


def test_poll_interval_adapts_between_10_minutes_and_24_hours() -> None:
    assert next_interval(3600, 0) == 7200
    assert next_interval(3600, 7) == 1800
    assert next_interval(3600, 2) == 3600
    assert next_interval(700, 50) == 600
    assert next_interval(80000, 0) == 86400


def test_relevance_query_in_three_languages() -> None:
    def entry(title: str, summary: str = "", link: str = "https://x.in/a") -> FeedEntry:
        return FeedEntry(source="s", link=link, title=title, summary=summary)

    assert judge_entry(QUERY, entry("Russia has reaffirmed its defence partnership with India")).decision == "relevant"
    assert judge_entry(QUERY, entry("भारत और रूस के बीच रक्षा समझौता")).decision == "relevant"
    assert judge_entry(QUERY, entry("Индия и Россия подписали соглашение")).decision == "relevant"
    assert judge_entry(QUERY, entry("Путин прибыл в Нью-Дели")).decision == "relevant"
    partial = judge_entry(QUERY, entry("Russian strikes hit Kyiv"))
    assert partial.decision == "undecided" and partial.reason == "title and summary mention Russia but not India"
    off = judge_entry(QUERY, entry("Indiana Jones returns to cinemas"))
    assert off.decision == "off_topic" and "none of India, Russia" in off.reason
    slug = entry("", link="https://x.in/world/india-russia-sign-oil-deal-123")
    assert judge_entry(QUERY, slug).decision == "relevant"
    assert judge_text(QUERY, "Russian strikes hit Kyiv", "No mention of the other country.").decision == "off_topic"
    assert judge_text(QUERY, "Russian oil", "Refiners in India bought more.").decision == "relevant"


def test_canonical_urls() -> None:
    assert canonical_url("https://m.thehindu.com/news/a.ece?utm_source=tw&ref=rss&id=3#comments") == (
        "https://www.thehindu.com/news/a.ece?id=3"
    )
    assert canonical_url("https://www-thehindu-com.cdn.ampproject.org/c/s/www.thehindu.com/news/a.ece/amp/") == (
        "https://www.thehindu.com/news/a.ece"
    )
    assert canonical_url("https://www.ndtv.com/amp/india-news/x-123") == "https://www.ndtv.com/india-news/x-123"
    assert canonical_url("https://timesofindia.indiatimes.com/world/x/amp_articleshow/1.cms") == (
        "https://timesofindia.indiatimes.com/world/x/articleshow/1.cms"
    )
    link = "https://feeds.example.in/r/1"
    assert choose_canonical(link, "https://www.example.in/story?utm_medium=rss", None) == "https://www.example.in/story"
    assert choose_canonical(link, "https://www.example.in/story", "https://example.in/story-1") == (
        "https://example.in/story-1"
    )
    # A syndicated copy's canonical on the original's site does not make it the original.
    assert choose_canonical(link, "https://copy.in/s", "https://www.aninews.in/s") == "https://copy.in/s"


def test_language_from_html_lang_first_then_detector() -> None:
    hindi = "भारत और रूस के बीच रक्षा सहयोग पर बातचीत हुई और दोनों देशों ने समझौते पर हस्ताक्षर किए"
    assert article_language(b'<html lang="en-IN"><body>', hindi) == "en"
    assert article_language(b"<html><body>", hindi) == "hi"
    assert detect_language("Россия и Индия договорились о поставках нефти и вооружений")[0] == "ru"
    assert detect_language("too short") == (None, 0.0)


def test_seed_capture_feeds_are_on_topic() -> None:
    from extractors.sources.feeds import parse_feed

    feeds = sorted((PROJECT / "seeds" / "capture" / "feeds").glob("*.xml"))
    assert len(feeds) == 5, "the bundled capture holds five feeds"
    judged = 0
    for path in feeds:
        for e in parse_feed(path.read_bytes(), source=path.stem)[0]:
            assert judge_entry(QUERY, e).decision == "relevant", (path.name, e.title)
            judged += 1
    assert judged >= len(feeds)
