"""What the report shows, read from the report views (queries in warehouse/report_queries.py) into typed records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import duckdb

from warehouse import report_queries as q

# How a story's date was found: its earliest publication date, else the day newswatch first saw it.
DateSource = Literal["published", "first seen"]


@dataclass(frozen=True, kw_only=True)
class StoryRow:
    story_id: str
    topic: str
    title: str
    url: str
    story_date: date
    date_source: DateSource
    first_seen_at: datetime
    last_update_at: datetime
    outlets: int  # the seed corpus is not one
    outlet_names: tuple[str, ...]
    has_seed: bool  # the story is also in the seed corpus
    articles: int


@dataclass(frozen=True, kw_only=True)
class TopicCount:
    day: date
    topic: str
    stories: int
    first_seen_dated: int  # of `stories`, those with no publication date, dated by the day first seen
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
    """A source's polls in the last 7 days, in the unit `consecutive_failures` counts: one poll a run, however
    many requests it made (a feed one, a GDELT query one per time window)."""

    source: str
    kind: str
    polls_7d: int
    failed_polls_7d: int
    poll_success_rate_7d: float | None
    consecutive_failures: int
    last_success_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, kw_only=True)
class EntityRow:
    entity: str
    kind: str
    stories: int  # all time
    mentions: int  # all time
    stories_in_period: int
    stories_before: int  # in the period of the same length before the report's
    direction: str


@dataclass(frozen=True, kw_only=True)
class Totals:
    """Stories in the period, and articles first seen in it: articles = seeds + new_articles + duplicates,
    where new articles and duplicates come from outlets, as in the run summary and the outlet table."""

    stories: int
    articles: int
    new_articles: int
    duplicates: int
    seeds: int
    sources_ok: int
    sources_failing: int


@dataclass(frozen=True, kw_only=True)
class ReportData:
    since: datetime
    until: datetime
    before: datetime  # start of the period before, of the same length, that entity trends compare with
    totals: Totals
    top_stories: tuple[StoryRow, ...]
    daily: tuple[TopicCount, ...]
    weekly: tuple[TopicCount, ...]
    source_ratios: tuple[SourceRatio, ...]  # outlets only
    seed_articles: int  # the seed corpus, all time: not an outlet, so not among source_ratios
    source_health: tuple[SourceHealthRow, ...]
    entities: tuple[EntityRow, ...]
    entities_known: int  # entities in any story at all, in or out of the period

    def topics(self) -> list[str]:
        return sorted({s.topic for s in self.top_stories} | {c.topic for c in self.daily})


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def source_health_rows(con: duckdb.DuckDBPyConnection) -> tuple[SourceHealthRow, ...]:
    """Each source's polls in the last 7 days and its failures in a row (source_fetch_health), as the report
    and the story browser show them."""
    return tuple(
        SourceHealthRow(
            source=r[0],
            kind=r[1],
            polls_7d=r[2],
            failed_polls_7d=r[3],
            poll_success_rate_7d=r[4],
            consecutive_failures=r[5],
            last_success_at=r[6],
            last_error=r[7],
        )
        for r in _rows(con, q.SOURCE_HEALTH_SQL, {})
    )


def _topic_counts(rows: list[tuple[Any, ...]]) -> tuple[TopicCount, ...]:
    return tuple(
        TopicCount(day=r[0], topic=r[1], stories=int(r[2]), first_seen_dated=int(r[3]), articles=int(r[4]))
        for r in rows
    )


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
    before = since - (until - since)
    totals = _rows(con, q.TOTALS_SQL, period)[0]
    return ReportData(
        since=since,
        until=until,
        before=before,
        totals=Totals(
            stories=totals[0],
            articles=totals[1],
            new_articles=totals[2],
            duplicates=totals[3],
            seeds=totals[4],
            sources_ok=totals[5],
            sources_failing=totals[6],
        ),
        top_stories=tuple(
            StoryRow(
                story_id=r[0],
                topic=r[1],
                title=r[2] or "",
                url=r[3],
                story_date=r[4],
                date_source=r[5],
                first_seen_at=r[6],
                last_update_at=r[7],
                outlets=r[8],
                outlet_names=tuple(r[9]),
                has_seed=bool(r[10]),
                articles=r[11],
            )
            for r in _rows(con, q.TOP_STORIES_SQL, {**period, "per_topic": per_topic})
        ),
        daily=_topic_counts(_rows(con, q.DAILY_SQL, period)),
        weekly=_topic_counts(_rows(con, q.WEEKLY_SQL, {"until": until, "weeks": weeks})),
        source_ratios=tuple(
            SourceRatio(source=r[0], articles=r[1], new_articles=r[2], duplicates=r[3], new_to_duplicate=r[4])
            for r in _rows(con, q.SOURCE_RATIOS_SQL, {})
        ),
        seed_articles=_count(con, q.SEED_ARTICLES_SQL),
        source_health=source_health_rows(con),
        entities=tuple(
            EntityRow(
                entity=r[0],
                kind=r[1],
                stories=r[2],
                mentions=int(r[3]),
                stories_in_period=int(r[4]),
                stories_before=int(r[5]),
                direction=r[6],
            )
            for r in _rows(con, q.ENTITIES_SQL, {**period, "before": before, "limit": entities})
        ),
        entities_known=_count(con, q.ENTITY_COUNT_SQL),
    )
