"""Summary figures for `newswatch stats` and the end-of-run summary."""

from __future__ import annotations

from typing import Any

import duckdb


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


# What each figure counts, for `newswatch stats`: the report counts stories (each story once, however many
# outlets and copies carry it), so a figure that counts articles (every stored copy) says so.
UNITS = {
    "articles": "articles",
    "seeds": "articles",
    "unique_articles": "articles",
    "stories": "stories",
    "duplicates": "articles",
    "topics": "articles",
    "articles_per_topic": "articles",
    "stories_per_topic": "stories",
    "sources": "sources",
    "sources_ok": "sources",
    "sources_failing": "sources",
    "rejected_pages": "pages",
    "runs": "runs",
}


# Old names kept in collect_stats (and --json) for scripts that read them, beside their clear new names.
ALIASES = {"topics": "articles_per_topic"}


def _per_topic(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    return {k: int(v) for k, v in con.execute(sql).fetchall()}


def collect_stats(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Figures by name; UNITS says what each counts. `topics` (articles per topic) is kept for scripts that
    read it; `articles_per_topic` is the same figure by a clear name, `stories_per_topic` the report's."""
    duplicates = dict(con.execute("SELECT kind, count(*) FROM duplicates GROUP BY kind ORDER BY kind").fetchall())
    articles_per_topic = _per_topic(
        con, "SELECT topic, count(DISTINCT article_id) FROM current_tags GROUP BY topic ORDER BY topic"
    )
    return {
        "articles": _scalar(con, "SELECT count(*) FROM articles"),
        "seeds": _scalar(con, "SELECT count(*) FROM articles WHERE is_seed"),
        "unique_articles": _scalar(con, "SELECT count(*) FROM unique_articles"),
        "stories": _scalar(con, "SELECT count(*) FROM stories"),
        "duplicates": {k: int(v) for k, v in duplicates.items()},
        "topics": articles_per_topic,
        "articles_per_topic": articles_per_topic,
        "stories_per_topic": _per_topic(con, "SELECT topic, count(*) FROM story_topics GROUP BY topic ORDER BY topic"),
        "sources": _scalar(con, "SELECT count(*) FROM sources WHERE enabled"),
        "sources_ok": _scalar(
            con,
            "SELECT count(*) FROM feed_state f JOIN sources s ON s.name = f.source"
            " WHERE s.enabled AND f.last_error IS NULL",
        ),
        "sources_failing": _scalar(
            con,
            "SELECT count(*) FROM feed_state f JOIN sources s ON s.name = f.source"
            " WHERE s.enabled AND f.last_error IS NOT NULL",
        ),
        "rejected_pages": _scalar(con, "SELECT count(*) FROM rejected_pages"),
        "runs": _scalar(con, "SELECT count(*) FROM runs"),
    }
