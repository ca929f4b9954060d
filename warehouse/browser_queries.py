"""What the story browser (flows/browser/) shows, read from the views into typed records. Read-only: every
query is a SELECT, run on a connection the browser opened read-only on the read copy."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import duckdb

from warehouse.report_data import DateSource


@dataclass(frozen=True, kw_only=True)
class StoryFilter:
    topic: str | None = None
    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    language: str | None = None
    # Only these stories, in this order (the search's ranking); None: every story, newest first.
    story_ids: tuple[str, ...] | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class StoryListRow:
    story_id: str
    title: str
    url: str
    story_date: date
    date_source: DateSource
    last_update_at: datetime
    articles: int
    copies: int  # articles that copy another (exact, title or near), as the `stories` view counts
    outlet_names: tuple[str, ...]  # the seed corpus is not an outlet
    has_seed: bool
    topics: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class StoryPage:
    stories: tuple[StoryListRow, ...]
    total: int  # stories that pass the filter, of which `stories` is one page


@dataclass(frozen=True, kw_only=True)
class FilterChoices:
    topics: tuple[str, ...]
    outlets: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TimelineArticle:
    article_id: str
    url: str
    source: str
    site: str | None
    title: str
    language: str | None
    published: date | None
    first_seen_at: datetime
    is_seed: bool
    story_kind: str  # article_stories.kind: new | story | exact | title | near
    story_score: float
    story_detail: str | None
    duplicate_kind: str | None  # duplicates.kind when the dedup ladder judged it a copy (or a story duplicate)
    duplicate_score: float | None
    duplicate_detail: str | None
    matched_article_id: str | None  # what it copies, else the story article it was linked to
    matched_title: str | None
    matched_source: str | None


@dataclass(frozen=True, kw_only=True)
class TagEvidence:
    topic: str
    article_id: str
    source: str
    title: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class StoryEntity:
    entity: str
    kind: str
    mentions: int
    articles: int
    in_title: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SearchIndexState:
    built: bool
    indexed: int  # articles the index covered when it was built
    articles: int  # articles stored now


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or {}).fetchall()


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[str, ...]:
    return tuple(str(r[0]) for r in _rows(con, sql))


def filter_choices(con: duckdb.DuckDBPyConnection) -> FilterChoices:
    return FilterChoices(
        topics=_column(con, "SELECT DISTINCT topic FROM story_topics ORDER BY topic"),
        outlets=_column(con, "SELECT DISTINCT source FROM articles WHERE NOT is_seed ORDER BY source"),
        languages=_column(con, "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL ORDER BY language"),
    )


# A story passes the language filter when any of its articles is in that language. With story ids (a
# search's hits), they keep the search's order; otherwise the newest stories come first.
STORY_LIST_SQL = """
WITH languages AS (
    SELECT m.story_id, list(DISTINCT a.language ORDER BY a.language) FILTER (WHERE a.language IS NOT NULL) AS names
    FROM story_members m JOIN articles a ON a.article_id = m.article_id
    GROUP BY m.story_id
)
SELECT t.story_id, t.title, t.url, t.story_date, t.date_source, t.last_update_at, t.articles, s.copies,
       t.outlet_names, t.has_seed, t.topics, coalesce(l.names, []) AS languages, count(*) OVER () AS total
FROM story_timelines t
JOIN stories s ON s.story_id = t.story_id
LEFT JOIN languages l ON l.story_id = t.story_id
WHERE ($topic IS NULL OR list_contains(t.topics, $topic))
  AND ($since IS NULL OR t.story_date >= $since)
  AND ($until IS NULL OR t.story_date <= $until)
  AND ($outlet IS NULL OR list_contains(t.outlet_names, $outlet))
  AND ($language IS NULL OR list_contains(coalesce(l.names, []), $language))
  AND (CAST($ids AS VARCHAR[]) IS NULL OR list_contains(CAST($ids AS VARCHAR[]), t.story_id))
ORDER BY list_position(CAST($ids AS VARCHAR[]), t.story_id), t.story_date DESC, t.last_update_at DESC, t.story_id
LIMIT $limit OFFSET $offset
"""


def list_stories(con: duckdb.DuckDBPyConnection, wanted: StoryFilter) -> StoryPage:
    rows = _rows(
        con,
        STORY_LIST_SQL,
        {
            "topic": wanted.topic,
            "since": wanted.since,
            "until": wanted.until,
            "outlet": wanted.outlet,
            "language": wanted.language,
            "ids": list(wanted.story_ids) if wanted.story_ids is not None else None,
            "limit": wanted.limit,
            "offset": wanted.offset,
        },
    )
    stories = tuple(
        StoryListRow(
            story_id=r[0],
            title=r[1] or "",
            url=r[2],
            story_date=r[3],
            date_source=r[4],
            last_update_at=r[5],
            articles=int(r[6]),
            copies=int(r[7]),
            outlet_names=tuple(r[8]),
            has_seed=bool(r[9]),
            topics=tuple(r[10]),
            languages=tuple(r[11]),
        )
        for r in rows
    )
    if rows:
        return StoryPage(stories=stories, total=int(rows[0][12]))
    if wanted.offset:  # a page past the last has no row to carry the count
        return StoryPage(stories=(), total=list_stories(con, replace(wanted, offset=0, limit=1)).total)
    return StoryPage(stories=(), total=0)


def story_summary(con: duckdb.DuckDBPyConnection, story_id: str) -> StoryListRow | None:
    """One story's list row, whatever the filters; None when no story has this id."""
    page = list_stories(con, StoryFilter(story_ids=(story_id,), limit=1))
    return page.stories[0] if page.stories else None


# Seeds have no headline of their own: their first words stand in, as in story_timelines.
# Oldest first: by publication date where there is one, else the day first seen; then when stored.
TIMELINE_SQL = """
SELECT a.article_id, a.url, a.source, a.site, coalesce(nullif(trim(a.title), ''), left(a.body, 120)), a.language,
       a.published, a.first_seen_at, a.is_seed, s.kind, s.score, s.detail, d.kind, d.score, d.detail,
       coalesce(d.matched_article_id, s.matched_article_id),
       coalesce(nullif(trim(matched.title), ''), left(matched.body, 120)), matched.source
FROM article_stories s
JOIN articles a ON a.article_id = s.article_id
LEFT JOIN duplicates d ON d.article_id = s.article_id
LEFT JOIN articles matched ON matched.article_id = coalesce(d.matched_article_id, s.matched_article_id)
WHERE s.story_id = $story
ORDER BY coalesce(a.published, CAST(a.first_seen_at AS DATE)), a.first_seen_at, a.article_id
"""


def story_timeline(con: duckdb.DuckDBPyConnection, story_id: str) -> tuple[TimelineArticle, ...]:
    return tuple(
        TimelineArticle(
            article_id=r[0],
            url=r[1],
            source=r[2],
            site=r[3],
            title=r[4],
            language=r[5],
            published=r[6],
            first_seen_at=r[7],
            is_seed=bool(r[8]),
            story_kind=r[9],
            story_score=float(r[10]),
            story_detail=r[11],
            duplicate_kind=r[12],
            duplicate_score=None if r[13] is None else float(r[13]),
            duplicate_detail=r[14],
            matched_article_id=r[15],
            matched_title=r[16],
            matched_source=r[17],
        )
        for r in _rows(con, TIMELINE_SQL, {"story": story_id})
    )


TAGS_SQL = """
SELECT t.topic, t.article_id, a.source, coalesce(nullif(trim(a.title), ''), left(a.body, 120)), t.score, t.evidence
FROM current_tags t
JOIN story_members m ON m.article_id = t.article_id
JOIN articles a ON a.article_id = t.article_id
WHERE m.story_id = $story
ORDER BY t.topic, t.score DESC, a.source, t.article_id
"""


def story_tags(con: duckdb.DuckDBPyConnection, story_id: str) -> tuple[TagEvidence, ...]:
    return tuple(
        TagEvidence(topic=r[0], article_id=r[1], source=r[2], title=r[3], score=float(r[4]), evidence=tuple(r[5]))
        for r in _rows(con, TAGS_SQL, {"story": story_id})
    )


ENTITIES_SQL = """
SELECT e.entity, e.kind, sum(e.mentions), count(DISTINCT e.article_id), bool_or(e.in_title),
       list_sort(list_distinct(flatten(list(e.aliases))))
FROM current_entities e
JOIN story_members m ON m.article_id = e.article_id
WHERE m.story_id = $story
GROUP BY e.entity, e.kind
ORDER BY sum(e.mentions) DESC, e.entity
"""


def story_entities(con: duckdb.DuckDBPyConnection, story_id: str) -> tuple[StoryEntity, ...]:
    return tuple(
        StoryEntity(
            entity=r[0], kind=r[1], mentions=int(r[2]), articles=int(r[3]), in_title=bool(r[4]), aliases=tuple(r[5])
        )
        for r in _rows(con, ENTITIES_SQL, {"story": story_id})
    )


def search_index_state(con: duckdb.DuckDBPyConnection, index_name: str) -> SearchIndexState:
    built = _rows(
        con, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $name", {"name": index_name}
    )
    indexed = _rows(con, "SELECT articles FROM search_index_state WHERE index_name = $name", {"name": index_name})
    articles = _rows(con, "SELECT count(*) FROM articles")
    return SearchIndexState(
        built=bool(built[0][0]) and bool(indexed), indexed=int(indexed[0][0]) if indexed else 0, articles=articles[0][0]
    )
