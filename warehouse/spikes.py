"""Topic spikes: new stories of each topic today against the mean of the days before, and the spikes
already announced (table topic_spikes, one row a topic a day)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from warehouse.bulk import Table, bulk_insert

TOPIC_SPIKES = Table(
    name="topic_spikes",
    columns=(
        ("topic", "VARCHAR"),
        ("day", "DATE"),
        ("stories", "INTEGER"),
        ("baseline", "DOUBLE"),
        ("emitted_at", "TIMESTAMP"),
        ("run_id", "VARCHAR"),
    ),
    key=("topic", "day"),
)


@dataclass(frozen=True, kw_only=True)
class TopicDay:
    topic: str
    day: date
    stories: int  # stories first seen that day (a story counts on the day newswatch saw its first article)
    baseline: float  # mean stories first seen a day over the `days` before


# A story counts once, on the day newswatch first saw it; its topics are those of story_topics.
TOPIC_DAYS_SQL = """
WITH firsts AS (
    SELECT s.story_id, CAST(min(a.first_seen_at) AS DATE) AS day
    FROM article_stories s
    JOIN articles a ON a.article_id = s.article_id
    GROUP BY s.story_id
    HAVING CAST(min(a.first_seen_at) AS DATE) BETWEEN $first_day AND $today
)
SELECT st.topic,
       count(*) FILTER (WHERE f.day = $today) AS today,
       count(*) FILTER (WHERE f.day < $today) AS before
FROM firsts f
JOIN story_topics st ON st.story_id = f.story_id
GROUP BY st.topic
ORDER BY st.topic
"""


def topic_days(con: duckdb.DuckDBPyConnection, today: date, days: int) -> list[TopicDay]:
    first_day = date.fromordinal(today.toordinal() - days)
    rows = con.execute(TOPIC_DAYS_SQL, {"first_day": first_day, "today": today}).fetchall()
    return [TopicDay(topic=r[0], day=today, stories=int(r[1]), baseline=int(r[2]) / days) for r in rows]


def first_seen_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The day newswatch first stored anything: the baseline covers only the days since."""
    row = con.execute("SELECT CAST(min(first_seen_at) AS DATE) FROM articles").fetchone()
    return row[0] if row else None


def announced(con: duckdb.DuckDBPyConnection, day: date) -> set[str]:
    return {r[0] for r in con.execute("SELECT topic FROM topic_spikes WHERE day = ?", [day]).fetchall()}


def record_spikes(con: duckdb.DuckDBPyConnection, spikes: Sequence[TopicDay], run_id: str | None) -> None:
    """In the caller's transaction; a (topic, day) stored already is left as it is."""
    now = datetime.now()
    bulk_insert(con, TOPIC_SPIKES, [[s.topic, s.day, s.stories, s.baseline, now, run_id] for s in spikes])
