from pathlib import Path

import pytest

from extractors.sources.feeds import FeedParseError, parse_feed
from tests.support.paths import CAPTURE


def test_capture_feed_entries() -> None:
    body = (CAPTURE / "feeds" / "business-standard-defence.xml").read_bytes()
    entries, warning = parse_feed(body, source="bs")
    assert warning is None
    assert len(entries) == 1
    entry = entries[0]
    assert entry.link.startswith("https://www.business-standard.com/")
    assert entry.title == "India seen as 'reorienting' bilateral defence relations with Russia"
    assert entry.published is not None and entry.published.year == 2025


def test_atom_feed() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>S-400 deliveries on track</title><link href="http://127.0.0.1/a"/>
<id>urn:1</id><updated>2025-12-02T10:00:00Z</updated><summary>Manturov said.</summary></entry>
</feed>"""
    entries, _ = parse_feed(body, source="atom")
    assert [(e.title, e.link, e.guid) for e in entries] == [
        ("S-400 deliveries on track", "http://127.0.0.1/a", "urn:1")
    ]


def test_google_news_item_keeps_publisher() -> None:
    body = b"""<rss version="2.0"><channel><title>q</title>
<item><title>India, Russia talk oil - The Hindu</title><link>https://news.google.com/rss/articles/CBMiX</link>
<source url="https://www.thehindu.com">The Hindu</source></item></channel></rss>"""
    entries, _ = parse_feed(body, source="gn")
    assert entries[0].publisher == "The Hindu"


def test_truncated_feed_still_yields_entries_with_warning() -> None:
    body = (CAPTURE / "feeds" / "aninews-national.xml").read_bytes()
    entries, warning = parse_feed(body[: body.index(b"</item>") + 7], source="ani")
    assert len(entries) == 1
    assert warning is not None


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError):
        parse_feed(b"<html><body><p>Not found</p></body></html>", source="x")


def test_real_feed_captures_parse(shared_data: Path) -> None:
    feeds = sorted((shared_data / "realnews" / "feeds").glob("*.xml"))
    assert feeds, f"no feed captures in {shared_data / 'realnews' / 'feeds'}"
    for path in feeds:
        entries, _ = parse_feed(path.read_bytes(), source=path.stem)
        assert len(entries) >= 40, path.name
        assert all(e.link.startswith("https://") for e in entries)
