"""Summary figures for `newswatch stats` and the end-of-run summary."""

from __future__ import annotations

from typing import Any

import duckdb


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def collect_stats(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    duplicates = dict(con.execute("SELECT kind, count(*) FROM duplicates GROUP BY kind ORDER BY kind").fetchall())
    topics = dict(
        con.execute(
            "SELECT topic, count(DISTINCT article_id) FROM current_tags GROUP BY topic ORDER BY topic"
        ).fetchall()
    )
    return {
        "articles": _scalar(con, "SELECT count(*) FROM articles"),
        "seeds": _scalar(con, "SELECT count(*) FROM articles WHERE is_seed"),
        "unique_articles": _scalar(con, "SELECT count(*) FROM unique_articles"),
        "stories": _scalar(con, "SELECT count(*) FROM stories"),
        "duplicates": {k: int(v) for k, v in duplicates.items()},
        "topics": {k: int(v) for k, v in topics.items()},
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
