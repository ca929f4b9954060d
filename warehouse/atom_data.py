"""What the Atom feeds list: each topic's and each watch's latest stories, with each story's topics and the
evidence of its tags (flows/report/atom_files.py writes them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from warehouse.story_cards import StoryCard, story_cards


@dataclass(frozen=True, kw_only=True)
class FeedStory:
    story: StoryCard
    evidence: dict[str, tuple[str, ...]]  # topic -> the matched terms that tagged the story's articles


@dataclass(frozen=True, kw_only=True)
class FeedStories:
    topics: dict[str, list[FeedStory]]  # topic -> its stories, latest change first
    watches: dict[str, list[FeedStory]]  # watch -> the stories it hit, latest alert first


TOPIC_STORIES_SQL = """
SELECT topic, story_id FROM (
    SELECT st.topic, st.story_id,
           row_number() OVER (PARTITION BY st.topic ORDER BY t.last_seen DESC, st.story_id) AS position
    FROM story_topics st
    JOIN (SELECT s.story_id, max(a.first_seen_at) AS last_seen
          FROM article_stories s JOIN articles a ON a.article_id = s.article_id
          GROUP BY s.story_id) t ON t.story_id = st.story_id
)
WHERE position <= $limit
ORDER BY topic, position
"""

WATCH_STORIES_SQL = """
SELECT watch, story_id FROM (
    SELECT watch, story_id,
           row_number() OVER (PARTITION BY watch ORDER BY last_hit_at DESC, story_id) AS position
    FROM watch_hits
)
WHERE position <= $limit
ORDER BY watch, position
"""

# A tag's evidence is a list of `term@fieldxcount` strings; the feed shows each term once per topic.
EVIDENCE_SQL = """
SELECT m.story_id, t.topic, list(DISTINCT split_part(e.term, '@', 1) ORDER BY split_part(e.term, '@', 1))
FROM story_members m
JOIN current_tags t ON t.article_id = m.article_id
CROSS JOIN LATERAL (SELECT unnest(t.evidence) AS term) e
WHERE list_contains($ids, m.story_id)
GROUP BY m.story_id, t.topic
"""


def _evidence(con: duckdb.DuckDBPyConnection, story_ids: Sequence[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for story_id, topic, terms in con.execute(EVIDENCE_SQL, {"ids": list(story_ids)}).fetchall():
        found.setdefault(story_id, {})[topic] = tuple(terms)
    return found


def feed_stories(con: duckdb.DuckDBPyConnection, limit: int) -> FeedStories:
    """Up to `limit` stories for every topic that has any and every watch that hit any."""
    by_topic: dict[str, list[str]] = {}
    for topic, story_id in con.execute(TOPIC_STORIES_SQL, {"limit": limit}).fetchall():
        by_topic.setdefault(topic, []).append(story_id)
    by_watch: dict[str, list[str]] = {}
    for watch, story_id in con.execute(WATCH_STORIES_SQL, {"limit": limit}).fetchall():
        by_watch.setdefault(watch, []).append(story_id)
    wanted = sorted({s for ids in (*by_topic.values(), *by_watch.values()) for s in ids})
    cards = story_cards(con, wanted) if wanted else {}
    evidence = _evidence(con, wanted) if wanted else {}

    def stories(ids: list[str]) -> list[FeedStory]:
        return [FeedStory(story=cards[s], evidence=evidence.get(s, {})) for s in ids if s in cards]

    return FeedStories(
        topics={topic: stories(ids) for topic, ids in by_topic.items()},
        watches={watch: stories(ids) for watch, ids in by_watch.items()},
    )
