"""Watch hits for the story browser, read defensively: the `watch_hits` table (saved searches' matches, one row
per watch and story) may not exist in an older database, and its columns are read from the catalog rather
than assumed, so the browser shows whatever a hit records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

TABLE = "watch_hits"
# Columns that name the story a hit is about; the first one present links the hit to its story page.
STORY_COLUMNS = ("story_id",)


@dataclass(frozen=True, kw_only=True)
class WatchHits:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    story_ids: tuple[str | None, ...]  # per row: the story it is about, when the table says
    story_titles: tuple[str | None, ...]  # per row: that story's headline
    limited: bool  # more hits are stored than `rows` holds


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [
        (str(r[0]), str(r[1]))
        for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = $table AND table_schema = 'main' AND table_catalog = current_database()"
            " ORDER BY ordinal_position",
            {"table": TABLE},
        ).fetchall()
    ]


def watch_hits(con: duckdb.DuckDBPyConnection, *, story_id: str | None = None, limit: int = 200) -> WatchHits | None:
    """The newest hits (of one story, when given); None when the database has no watch_hits table yet."""
    columns = _columns(con)
    if not columns:
        return None
    names = [name for name, _ in columns]
    story_column = next((c for c in STORY_COLUMNS if c in names), None)
    # Newest first by the first timestamp the table has; otherwise in the order stored.
    stamp = next((name for name, kind in columns if kind.upper().startswith("TIMESTAMP")), None)
    order = f"h.{_quoted(stamp)} DESC NULLS LAST" if stamp else "h.rowid DESC"
    selected = ", ".join(f"h.{_quoted(name)}" for name in names)
    if story_column is None:
        if story_id is not None:
            return WatchHits(columns=tuple(names), rows=(), story_ids=(), story_titles=(), limited=False)
        sql = f"SELECT {selected}, NULL, NULL FROM {TABLE} h ORDER BY {order} LIMIT $limit"
        params: dict[str, Any] = {"limit": limit + 1}
    else:
        story = f"h.{_quoted(story_column)}"
        sql = (
            f"SELECT {selected}, CAST({story} AS VARCHAR), t.title FROM {TABLE} h"
            f" LEFT JOIN story_timelines t ON t.story_id = CAST({story} AS VARCHAR)"
            f" WHERE $story IS NULL OR CAST({story} AS VARCHAR) = $story ORDER BY {order} LIMIT $limit"
        )
        params = {"story": story_id, "limit": limit + 1}
    rows = con.execute(sql, params).fetchall()
    kept = rows[:limit]
    width = len(names)
    return WatchHits(
        columns=tuple(names),
        rows=tuple(tuple(r[:width]) for r in kept),
        story_ids=tuple(r[width] for r in kept),
        story_titles=tuple(r[width + 1] for r in kept),
        limited=len(rows) > limit,
    )
