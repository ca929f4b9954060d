"""Pure batch stages between fetching and loading."""

from __future__ import annotations

from pathlib import Path

from extractors.dedup import KnownFingerprints, judge_batch
from extractors.entities import Gazetteer
from extractors.entities import extract_batch as extract_entity_batch
from extractors.html import ExtractionError, extract_article
from extractors.records import Article, FeedEntry, FetchedPage, Fingerprint, ProcessedArticle
from extractors.seeds import seed_to_article
from extractors.topics import Taxonomy, tag_batch
from extractors.urls import canonical_url


def unique_entries(entries: list[FeedEntry]) -> list[tuple[str, FeedEntry]]:
    """(canonical URL, entry) pairs, first entry per canonical URL."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        url = canonical_url(entry.link)
        if url not in seen:
            seen.add(url)
            out.append((url, entry))
    return out


def extract_batch(pages: list[FetchedPage]) -> tuple[list[Article], list[tuple[FetchedPage, str]]]:
    """Articles from fetched pages, and the pages rejected with the reason."""
    articles: list[Article] = []
    rejected: list[tuple[FetchedPage, str]] = []
    for page in pages:
        if not page.ok:
            continue
        content_type = (page.content_type or "text/html").lower()
        if not any(t in content_type for t in ("html", "xml", "text/plain")):
            rejected.append((page, f"not an HTML page: {content_type}"))
            continue
        try:
            articles.append(extract_article(page))
        except ExtractionError as exc:
            rejected.append((page, str(exc)))
    return articles, rejected


def load_seed_articles(corpus_dir: Path) -> list[Article]:
    return [seed_to_article(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus_dir.glob("*.txt"))]


def process_articles(
    articles: list[Article],
    fps: list[Fingerprint],
    known: KnownFingerprints,
    taxonomy: Taxonomy,
    gazetteer: Gazetteer | None = None,
) -> list[ProcessedArticle]:
    """Judge a fingerprinted batch against what is known, tag it, and count its entities."""
    verdicts = judge_batch(list(zip(articles, fps, strict=True)), known)
    tags = tag_batch(articles, taxonomy)
    entities = extract_entity_batch(articles, gazetteer) if gazetteer else [()] * len(articles)
    return [
        ProcessedArticle(article=a, fingerprint=fp, duplicate=v, tags=t, entities=e)
        for a, fp, v, t, e in zip(articles, fps, verdicts, tags, entities, strict=True)
    ]
