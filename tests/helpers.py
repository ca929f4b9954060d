"""Small builders shared by tests."""

from __future__ import annotations

from pathlib import Path

from extractors.records import Article
from extractors.seeds import seed_to_article
from extractors.urls import article_id
from tests.conftest import seed_path


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
