"""An Atom feed of stories (feedgen): one entry a story, with its headline, best link, outlets, topics and
the evidence of each tag, and when newswatch first saw it. Pure: records in, bytes out.

Everything in an entry comes from sources, so it is made safe twice over: characters XML cannot hold
(control characters, lone surrogates) are dropped, and lxml escapes the rest; the HTML content is built
from `html.escape`d pieces, and only http(s) addresses become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from warehouse.atom_data import FeedStory

# What XML 1.0 allows (its `Char` production); anything else would make lxml refuse the string.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_EVIDENCE_TERMS = 12
UNTITLED = "(untitled story)"


@dataclass(frozen=True, kw_only=True)
class FeedSpec:
    feed_id: str  # a URN, stable across runs: urn:newswatch:topic:defence
    title: str
    subtitle: str


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def web_link(url: str) -> str | None:
    return url if url.startswith(("http://", "https://")) and not NOT_XML.search(url) else None


def aware(moment: datetime) -> datetime:
    """DuckDB's timestamps are local wall-clock times without a zone; Atom needs one."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def entry_html(item: FeedStory) -> str:
    story = item.story
    esc = html.escape
    parts: list[str] = []
    link = web_link(story.url)
    if link:
        parts.append(f'<p><a href="{esc(link)}">{esc(link)}</a></p>')
    outlets = ", ".join(story.outlets) or "none yet (the seed corpus only)"
    parts.append(f"<p>Outlets: {esc(outlets)}</p>")
    if story.topics:
        topics = []
        for topic in story.topics:
            terms = item.evidence.get(topic, ())
            shown = ", ".join(terms[:MAX_EVIDENCE_TERMS]) + (" …" if len(terms) > MAX_EVIDENCE_TERMS else "")
            topics.append(f"<li>{esc(topic)}: {esc(shown) if shown else 'no evidence stored'}</li>")
        parts.append(f"<p>Topics and their evidence:</p><ul>{''.join(topics)}</ul>")
    first_seen = aware(story.first_seen_at).strftime("%Y-%m-%d %H:%M %Z").strip()
    parts.append(f"<p>First seen {esc(first_seen)}; dated {story.story_date:%Y-%m-%d} ({esc(story.date_source)})</p>")
    return xml_text("".join(parts))


def render_feed(spec: FeedSpec, items: Sequence[FeedStory], generated: datetime) -> bytes:
    """The feed as UTF-8 XML; entries in the order given (latest first)."""
    feed = FeedGenerator()
    feed.id(xml_text(spec.feed_id))
    feed.title(xml_text(spec.title) or spec.feed_id)
    feed.subtitle(xml_text(spec.subtitle) or spec.title)
    feed.author({"name": "newswatch"})
    feed.generator("newswatch")
    newest = max((aware(i.story.last_update_at) for i in items), default=aware(generated))
    feed.updated(newest)
    for item in items:
        story = item.story
        entry = feed.add_entry(order="append")
        entry.id(f"urn:newswatch:story:{xml_text(story.story_id)}")
        entry.title(xml_text(story.title).strip() or UNTITLED)
        link = web_link(story.url)
        if link:
            entry.link(href=link, rel="alternate")
        entry.published(aware(story.first_seen_at))
        entry.updated(aware(story.last_update_at))
        for topic in story.topics:
            entry.category(term=xml_text(topic))
        entry.content(entry_html(item), type="html")
    return bytes(feed.atom_str(pretty=True))
