"""Words and dates the HTML report and the digest share, so both say the same thing. Pure functions.

Every date carries its year, and a story's date says where it came from: its publication date, or the
day newswatch first saw it when no article of the story has one. The seed corpus is not an outlet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from warehouse.report_data import StoryRow, TopicCount

SEED_CORPUS = "the seed corpus"
# The failing sources a digest lists by name; the rest are counted ("… and N more").
DIGEST_FAILING_SOURCES = 15


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def period_label(since: datetime, until: datetime) -> str:
    return f"{since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M}"


def story_date_label(story: StoryRow) -> str:
    """`published 2025-12-05`, or `first seen 2026-12-01` for a story no article of which gives a date."""
    return f"{story.date_source} {story.story_date:%Y-%m-%d}"


def outlets_label(story: StoryRow) -> str:
    """`3 outlets: A, B, C; also in the seed corpus`, or `only in the seed corpus`."""
    if not story.outlet_names:
        return f"only in {SEED_CORPUS}" if story.has_seed else plural(0, "outlet")
    text = f"{plural(story.outlets, 'outlet')}: {', '.join(story.outlet_names)}"
    return f"{text}; also in {SEED_CORPUS}" if story.has_seed else text


def first_seen_note(counts: Sequence[TopicCount]) -> str:
    """What a chart of `counts` says about the stories it places on the day first seen, not a publication date."""
    counted = sum(c.stories for c in counts)
    undated = sum(c.first_seen_dated for c in counts)
    if not undated:
        return "Every story counted here has a publication date."
    return (
        f"{undated} of the {counted} counted here have no publication date: "
        "they stand on the day newswatch first saw them."
    )


def more_line(shown: int, total: int, what: str) -> str | None:
    """`… and 3 more failing sources` when a list stops before its end."""
    left = total - shown
    return f"… and {left} more {what}" if left > 0 else None
