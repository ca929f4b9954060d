"""Between fetching and storing: topic relevance (both stages) and pages that turned out to be stored articles.

Stage one judges entries before they are fetched and hands stage two a `Screen`: the query, and which URLs
still wait for a full-text verdict. Each stage returns what it kept and what it counted, as a record.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from extractors.records import AnalyzedArticle, FeedEntry
from extractors.tagging.relevance import RelevanceQuery, judge_entry, judge_text
from warehouse import source_health


@dataclass(frozen=True, kw_only=True)
class Screen:
    """The run's relevance query and the fetched URLs that wait for a full-text verdict."""

    query: RelevanceQuery | None
    undecided: frozenset[str] = frozenset()


@dataclass(frozen=True, kw_only=True)
class ScreenedEntries:
    todo: list[tuple[str, FeedEntry]]
    screen: Screen
    skipped: int


@dataclass(frozen=True, kw_only=True)
class ScreenedArticles:
    fresh: list[AnalyzedArticle]
    skipped: int  # off the topic on their full text
    merged: int  # their canonical article was stored already: added as aliases


def screen_entries(
    con: duckdb.DuckDBPyConnection, query: RelevanceQuery | None, todo: list[tuple[str, FeedEntry]], run_id: str
) -> ScreenedEntries:
    """Stage one on title and summary: keep relevant and undecided entries, record the off-topic ones."""
    if query is None:
        return ScreenedEntries(todo=todo, screen=Screen(query=None), skipped=0)
    keep, rows, undecided = [], [], set()
    for url, entry in todo:
        verdict = judge_entry(query, entry)
        if verdict.decision == "off_topic":
            rows.append([url, entry.source, entry.title, "entry", verdict.reason, query.name])
            continue
        if verdict.decision == "undecided":
            undecided.add(url)
        keep.append((url, entry))
    source_health.record_skipped(con, rows, run_id)
    return ScreenedEntries(todo=keep, screen=Screen(query=query, undecided=frozenset(undecided)), skipped=len(rows))


def screen_articles(
    con: duckdb.DuckDBPyConnection, screen: Screen, items: list[AnalyzedArticle], run_id: str
) -> ScreenedArticles:
    """Stage two on the full text for undecided pages; pages whose canonical article is stored add aliases only."""
    kept: list[AnalyzedArticle] = []
    rows = []
    for item in items:
        article = item.article
        # The entry was judged under its feed link's canonical URL, which the article keeps as an alias.
        judged_as = next((u for u in (article.url, *article.aliases) if u in screen.undecided), None)
        if screen.query is not None and judged_as is not None:
            verdict = judge_text(screen.query, article.title, article.text)
            if verdict.decision != "relevant":
                rows.append([judged_as, article.source, article.title, "fulltext", verdict.reason, screen.query.name])
                continue
        kept.append(item)
    source_health.record_skipped(con, rows, run_id)
    # A redirect or rel=canonical can lead to an article stored earlier or twice in this batch: keep one.
    stored = source_health.stored_article_ids(con, [i.article.article_id for i in kept])
    fresh: dict[str, AnalyzedArticle] = {}
    aliases: list[tuple[str, str]] = []
    for item in kept:
        article = item.article
        if article.article_id in stored or article.article_id in fresh:
            aliases.extend((alias, article.article_id) for alias in {article.url, *article.aliases})
            continue
        fresh[article.article_id] = item
    source_health.add_aliases(con, aliases)
    return ScreenedArticles(fresh=list(fresh.values()), skipped=len(rows), merged=len(kept) - len(fresh))
