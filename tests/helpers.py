"""Small builders shared by tests."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extractors.analysis import analyze_article
from extractors.article.seed_text import seed_to_article
from extractors.article.urls import article_id
from extractors.pipeline import judge_analyzed
from extractors.records import Article, ProcessedArticle
from extractors.tagging.entities import Gazetteer
from extractors.tagging.topics import Taxonomy
from tests.conftest import seed_path
from warehouse import lookups


def seed_article(prefix: str) -> Article:
    path: Path = seed_path(prefix)
    return seed_to_article(path.name, path.read_text(encoding="utf-8"))


def copy_of(article: Article, url: str, *, source: str = "copy", text: str | None = None) -> Article:
    return Article(
        article_id=article_id(url),
        url=url,
        source=source,
        title=article.title,
        text=article.text if text is None else text,
        published=article.published,
    )


def judged(
    con: duckdb.DuckDBPyConnection, articles: list[Article], taxonomy: Taxonomy, gazetteer: Gazetteer | None = None
) -> list[ProcessedArticle]:
    """Analyze articles and judge them against what `con` already stores, as the flow does."""
    analyzed = [analyze_article(a, taxonomy, gazetteer) for a in articles]
    known = lookups.known_fingerprints(con, [(a.article, a.fingerprint) for a in analyzed])
    return judge_analyzed(analyzed, known)
