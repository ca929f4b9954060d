"""Atom feeds of hostile stories: what sources wrote (markup, entities, control characters, lone surrogates,
script addresses) reaches a feed reader as text, in a feed that still parses, without bozo."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import feedparser

from flows.report.atom import UNTITLED, FeedSpec, render_feed
from warehouse.atom_data import FeedStory
from warehouse.story_cards import StoryCard

SPEC = FeedSpec(feed_id="urn:newswatch:topic:defence", title="newswatch: defence", subtitle="defence stories")
WHEN = datetime(2026, 12, 1, 9, 30)


def story(story_id: str, title: str, url: str, outlets: tuple[str, ...] = ("ANI",)) -> FeedStory:
    return FeedStory(
        story=StoryCard(
            story_id=story_id,
            title=title,
            url=url,
            outlets=outlets,
            topics=("defence",),
            first_seen_at=WHEN,
            last_update_at=WHEN,
            story_date=date(2026, 12, 1),
            date_source="published",
            has_seed=False,
        ),
        evidence={"defence": ("S-400", "<b>air</b> defence")},
    )


def parse(items: list[FeedStory]) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(render_feed(SPEC, items, WHEN))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_markup_and_control_characters_in_a_story_stay_text() -> None:
    hostile = "S-400 <script>alert(1)</script> & ]]> \x00\x0b\x1b\ud800 \u2028done"
    outlets = ("A&B <i>", "\x07bell", "<script>alert(2)</script>")
    parsed = parse([story("s1", hostile, "https://a.example/1?x=1&y=<2>", outlets=outlets)])
    [entry] = parsed.entries
    assert entry.title == "S-400 <script>alert(1)</script> & ]]>  \u2028done"  # control characters dropped
    assert entry.link == "https://a.example/1?x=1&y=<2>"
    content = entry.content[0].value
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in content  # escaped in the HTML: the reader shows it as text
    assert "A&amp;B &lt;i&gt;" in content and "&lt;b&gt;air&lt;/b&gt; defence" in content


def test_only_web_addresses_become_links() -> None:
    parsed = parse(
        [
            story("s1", "script", "javascript:alert(1)"),
            story("s2", "seed", "seed://corpus/000.txt", outlets=()),
            story("s3", "web", "http://b.example/2"),
        ]
    )
    links = {e.id: [link.href for link in e.get("links", [])] for e in parsed.entries}
    assert links == {
        "urn:newswatch:story:s1": [],
        "urn:newswatch:story:s2": [],
        "urn:newswatch:story:s3": ["http://b.example/2"],
    }
    assert "javascript:" not in parsed.entries[0].content[0].value


def test_an_empty_or_unprintable_headline_gets_a_title() -> None:
    parsed = parse([story("s1", "\x00\x01  ", "https://a.example/1")])
    assert parsed.entries[0].title == UNTITLED


def test_a_feed_with_no_stories_is_valid_and_dated() -> None:
    parsed = parse([])
    assert parsed.entries == [] and parsed.feed.title == "newswatch: defence"
    assert parsed.feed.updated_parsed is not None


def test_aware_timestamps_keep_their_zone() -> None:
    item = story("s1", "zoned", "https://a.example/1")
    zoned = FeedStory(story=replace(item.story, first_seen_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC)), evidence={})
    [entry] = parse([zoned]).entries
    assert entry.published.startswith("2026-12-01T09:30:00+00:00")
    assert "no evidence stored" in entry.content[0].value
