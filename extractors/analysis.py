"""Per-article work that needs no warehouse: extract, fingerprint, tag, count entities.

This is the CPU-bound stage. It is pure and picklable, so the flow can run it in worker processes.
"""

from __future__ import annotations

import dataclasses
import gzip

from extractors.article.extract import ExtractionError, extract_article
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_profile import story_profile
from extractors.records import AnalyzedArticle, Article, FetchedPage, Rejection
from extractors.tagging.entities import Gazetteer, extract_entities
from extractors.tagging.topics import Taxonomy, tag_article

HTML_TYPES = ("html", "xml", "text/plain")


def analyze_article(article: Article, taxonomy: Taxonomy, gazetteer: Gazetteer | None) -> AnalyzedArticle:
    # Level 1: a little more disk than level 6 for much less CPU (docs/performance.md).
    raw_gzip = gzip.compress(article.raw_html, compresslevel=1) if article.raw_html else b""
    slim = dataclasses.replace(article, raw_html=b"")
    return AnalyzedArticle(
        article=slim,
        raw_gzip=raw_gzip,
        fingerprint=fingerprint(slim),
        tags=tag_article(slim, taxonomy),
        entities=extract_entities(slim, gazetteer) if gazetteer else (),
        story_profile=story_profile(slim),
    )


def analyze_page(page: FetchedPage, taxonomy: Taxonomy, gazetteer: Gazetteer | None) -> AnalyzedArticle | Rejection:
    content_type = (page.content_type or "text/html").lower()
    if not any(t in content_type for t in HTML_TYPES):
        return Rejection(url=page.canonical_url, source=page.entry.source, reason=f"not an HTML page: {content_type}")
    try:
        article = extract_article(page)
    except ExtractionError as exc:
        return Rejection(url=page.canonical_url, source=page.entry.source, reason=str(exc))
    return analyze_article(article, taxonomy, gazetteer)


def analyze_pages(
    pages: list[FetchedPage], taxonomy: Taxonomy, gazetteer: Gazetteer | None
) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    """Analyze the pages that were fetched successfully; failed fetches are not rejections."""
    analyzed: list[AnalyzedArticle] = []
    rejected: list[Rejection] = []
    for page in pages:
        if not page.ok:
            continue
        result = analyze_page(page, taxonomy, gazetteer)
        if isinstance(result, Rejection):
            rejected.append(result)
        else:
            analyzed.append(result)
    return analyzed, rejected
