"""What the report shows, read from the report views into typed records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb


@dataclass(frozen=True, kw_only=True)
class StoryRow:
    story_id: str
    topic: str
    title: str
    url: str
    story_date: date
    first_seen_at: datetime
    last_update_at: datetime
    outlets: int
    outlet_names: tuple[str, ...]
    articles: int


@dataclass(frozen=True, kw_only=True)
class TopicCount:
    day: date
    topic: str
    stories: int
    articles: int


@dataclass(frozen=True, kw_only=True)
class SourceRatio:
    source: str
    articles: int
    new_articles: int
    duplicates: int
    new_to_duplicate: float | None


@dataclass(frozen=True, kw_only=True)
class SourceHealthRow:
    source: str
    kind: str
    feed_fetches_7d: int
    feed_failures_7d: int
    feed_success_rate_7d: float | None
    consecutive_failures: int
    last_success_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, kw_only=True)
class EntityRow:
    entity: str
    kind: str
    stories: int
    mentions: int
    stories_last_7d: int
    stories_prev_7d: int
    direction: str


@dataclass(frozen=True, kw_only=True)
class Totals:
    stories: int
    articles: int
    duplicates: int
    sources_ok: int
    sources_failing: int


@dataclass(frozen=True, kw_only=True)
class ReportData:
    since: datetime
    until: datetime
    totals: Totals
    top_stories: tuple[StoryRow, ...]
    daily: tuple[TopicCount, ...]
    weekly: tuple[TopicCount, ...]
    source_ratios: tuple[SourceRatio, ...]
    source_health: tuple[SourceHealthRow, ...]
    entities: tuple[EntityRow, ...]

    def topics(self) -> list[str]:
        return sorted({s.topic for s in self.top_stories} | {c.topic for c in self.daily})


# A story belongs to the period when newswatch first saw it, or a new copy of it, in the period.
IN_PERIOD = "t.last_update_at >= $since AND t.first_seen_at <= $until"

TOP_STORIES_SQL = f"""
SELECT t.story_id, st.topic, t.title, t.url, t.story_date, t.first_seen_at, t.last_update_at,
       t.outlets, t.outlet_names, t.articles
FROM story_timelines t
JOIN story_topics st ON st.story_id = t.story_id
WHERE {IN_PERIOD}
QUALIFY row_number() OVER (
    PARTITION BY st.topic ORDER BY t.outlets DESC, t.articles DESC, t.last_update_at DESC, t.story_id
) <= $per_topic
ORDER BY st.topic, t.outlets DESC, t.articles DESC, t.last_update_at DESC, t.story_id
"""

DAILY_SQL = f"""
SELECT t.story_date, st.topic, count(*), sum(t.articles)
FROM story_timelines t
JOIN story_topics st ON st.story_id = t.story_id
WHERE {IN_PERIOD}
GROUP BY ALL ORDER BY 1, 2
"""

WEEKLY_SQL = """
SELECT week_start, topic, stories, articles FROM topic_weekly_counts
WHERE week_start > (SELECT max(week_start) FROM topic_weekly_counts) - INTERVAL (7 * $weeks) DAY
ORDER BY 1, 2
"""

TOTALS_SQL = f"""
SELECT (SELECT count(*) FROM story_timelines t WHERE {IN_PERIOD}),
       (SELECT count(*) FROM articles WHERE first_seen_at BETWEEN $since AND $until),
       (SELECT count(*) FROM duplicates d JOIN articles a USING (article_id)
         WHERE a.first_seen_at BETWEEN $since AND $until),
       (SELECT count(*) FROM source_fetch_health WHERE feed_fetches_7d > 0 AND last_error IS NULL),
       (SELECT count(*) FROM source_fetch_health WHERE last_error IS NOT NULL)
"""

ENTITIES_SQL = """
SELECT e.entity, e.kind, e.stories, e.mentions,
       coalesce(t.stories_last_7d, 0), coalesce(t.stories_prev_7d, 0), coalesce(t.direction, 'steady')
FROM entity_top e
LEFT JOIN entity_trend t ON t.entity = e.entity AND t.kind = e.kind
ORDER BY e.stories DESC, e.mentions DESC, e.entity
LIMIT $limit
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def collect_report(
    con: duckdb.DuckDBPyConnection,
    since: datetime,
    until: datetime,
    *,
    per_topic: int = 5,
    weeks: int = 12,
    entities: int = 15,
) -> ReportData:
    period = {"since": since, "until": until}
    totals = _rows(con, TOTALS_SQL, period)[0]
    return ReportData(
        since=since,
        until=until,
        totals=Totals(
            stories=totals[0],
            articles=totals[1],
            duplicates=totals[2],
            sources_ok=totals[3],
            sources_failing=totals[4],
        ),
        top_stories=tuple(
            StoryRow(
                story_id=r[0],
                topic=r[1],
                title=r[2] or "",
                url=r[3],
                story_date=r[4],
                first_seen_at=r[5],
                last_update_at=r[6],
                outlets=r[7],
                outlet_names=tuple(r[8]),
                articles=r[9],
            )
            for r in _rows(con, TOP_STORIES_SQL, {**period, "per_topic": per_topic})
        ),
        daily=tuple(
            TopicCount(day=r[0], topic=r[1], stories=r[2], articles=int(r[3])) for r in _rows(con, DAILY_SQL, period)
        ),
        weekly=tuple(
            TopicCount(day=r[0], topic=r[1], stories=int(r[2]), articles=int(r[3]))
            for r in _rows(con, WEEKLY_SQL, {"weeks": weeks})
        ),
        source_ratios=tuple(
            SourceRatio(source=r[0], articles=r[1], new_articles=r[2], duplicates=r[3], new_to_duplicate=r[4])
            for r in _rows(
                con,
                "SELECT source, articles, new_articles, duplicates, new_to_duplicate FROM source_dedup_ratio"
                " ORDER BY articles DESC, source",
                {},
            )
        ),
        source_health=tuple(
            SourceHealthRow(
                source=r[0],
                kind=r[1],
                feed_fetches_7d=r[2],
                feed_failures_7d=r[3],
                feed_success_rate_7d=r[4],
                consecutive_failures=r[5],
                last_success_at=r[6],
                last_error=r[7],
            )
            for r in _rows(
                con,
                "SELECT source, kind, feed_fetches_7d, feed_failures_7d, feed_success_rate_7d,"
                " consecutive_failures, last_success_at, last_error FROM source_fetch_health"
                " ORDER BY consecutive_failures DESC, feed_failures_7d DESC, source",
                {},
            )
        ),
        entities=tuple(
            EntityRow(
                entity=r[0],
                kind=r[1],
                stories=r[2],
                mentions=int(r[3]),
                stories_last_7d=int(r[4]),
                stories_prev_7d=int(r[5]),
                direction=r[6],
            )
            for r in _rows(con, ENTITIES_SQL, {"limit": entities})
        ),
    )
