"""What an alert and a feed entry say of a story, read from the story_timelines view for a few stories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb


@dataclass(frozen=True, kw_only=True)
class StoryCard:
    """What an alert and a feed entry say of a story (from the story_timelines view)."""

    story_id: str
    title: str
    url: str  # its best link; a seed-only story has a seed:// address, not a web one
    outlets: tuple[str, ...]  # the seed corpus is not one
    topics: tuple[str, ...]
    first_seen_at: datetime
    last_update_at: datetime
    story_date: date
    date_source: str  # 'published' or 'first seen'
    has_seed: bool


def story_cards(con: duckdb.DuckDBPyConnection, story_ids: Sequence[str]) -> dict[str, StoryCard]:
    if not story_ids:
        return {}
    rows = con.execute(
        "SELECT story_id, title, url, outlet_names, topics, first_seen_at, last_update_at, story_date, date_source,"
        " has_seed FROM story_timelines WHERE list_contains(?, story_id)",
        [list(story_ids)],
    ).fetchall()
    return {
        r[0]: StoryCard(
            story_id=r[0],
            title=r[1] or "",
            url=r[2] or "",
            outlets=tuple(r[3]),
            topics=tuple(r[4]),
            first_seen_at=r[5],
            last_update_at=r[6],
            story_date=r[7],
            date_source=r[8],
            has_seed=bool(r[9]),
        )
        for r in rows
    }
