"""Analysts' corrections of topic tags (`tag_feedback`), and the corrected articles as training rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from warehouse.backend import retry_conflicts
from warehouse.db import transaction

# An id prefix shorter than this is too likely to name several articles to be worth looking up.
MIN_ID_PREFIX = 8


class UnknownArticle(LookupError):
    """No stored article, or more than one, has the id given; the message says which."""


@dataclass(frozen=True, kw_only=True)
class CorrectedArticle:
    """A stored article an analyst corrected: its text and its tags as corrected (`current_tags`)."""

    article_id: str
    title: str
    body: str
    topics: frozenset[str]
    corrected: frozenset[str]  # the topics the analyst gave a verdict on


def resolve_article_id(con: duckdb.DuckDBPyConnection, given: str) -> str:
    """The stored article whose id is `given`, or starts with it (at least MIN_ID_PREFIX characters)."""
    given = given.strip().lower()
    exact = con.execute("SELECT article_id FROM articles WHERE article_id = ?", [given]).fetchall()
    if exact:
        return str(exact[0][0])
    if len(given) < MIN_ID_PREFIX:
        raise UnknownArticle(f"no article has the id {given!r} (give the id, or its first {MIN_ID_PREFIX}+ characters)")
    rows = con.execute(
        "SELECT article_id FROM articles WHERE starts_with(article_id, ?) ORDER BY article_id LIMIT 3", [given]
    ).fetchall()
    if not rows:
        raise UnknownArticle(f"no article has an id starting {given!r}")
    if len(rows) > 1:
        raise UnknownArticle(f"several articles have ids starting {given!r}: give more of it")
    return str(rows[0][0])


@retry_conflicts
def record_feedback(
    con: duckdb.DuckDBPyConnection, article_id: str, *, add: Sequence[str], remove: Sequence[str], analyst: str = ""
) -> int:
    rows = [(article_id, topic, "add", analyst) for topic in add] + [
        (article_id, topic, "remove", analyst) for topic in remove
    ]
    with transaction(con):
        for row in rows:
            con.execute("INSERT INTO tag_feedback (article_id, topic, verdict, analyst) VALUES (?, ?, ?, ?)", list(row))
    return len(rows)


def current_topics(con: duckdb.DuckDBPyConnection, article_id: str) -> list[tuple[str, float, list[str], str]]:
    """The article's tags as `current_tags` shows them: topic, score, evidence, tagger_version."""
    rows = con.execute(
        "SELECT topic, score, evidence, tagger_version FROM current_tags WHERE article_id = ? ORDER BY topic",
        [article_id],
    ).fetchall()
    return [(str(r[0]), float(r[1]), list(r[2]), str(r[3])) for r in rows]


def corrected_articles(con: duckdb.DuckDBPyConnection) -> list[CorrectedArticle]:
    rows = con.execute(
        """
        SELECT a.article_id, coalesce(a.title, ''), a.body,
               coalesce((SELECT list(DISTINCT c.topic) FROM current_tags c WHERE c.article_id = a.article_id), []),
               (SELECT list(DISTINCT f.topic) FROM tag_feedback f WHERE f.article_id = a.article_id)
        FROM articles a
        WHERE a.article_id IN (SELECT article_id FROM tag_feedback)
        ORDER BY a.article_id
        """
    ).fetchall()
    return [
        CorrectedArticle(
            article_id=r[0], title=r[1], body=r[2] or "", topics=frozenset(r[3]), corrected=frozenset(r[4])
        )
        for r in rows
    ]
