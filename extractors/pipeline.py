"""Pure batch stages around analysis: entry selection and the dedup judgement."""

from __future__ import annotations

from extractors.article.urls import canonical_url
from extractors.dedup.ladder import KnownFingerprints, judge_batch
from extractors.records import AnalyzedArticle, FeedEntry, ProcessedArticle


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


def judge_analyzed(items: list[AnalyzedArticle], known: KnownFingerprints) -> list[ProcessedArticle]:
    """Judge analyzed articles against stored originals and earlier originals of the batch."""
    verdicts = judge_batch([(i.article, i.fingerprint) for i in items], known)
    return [
        ProcessedArticle(
            article=i.article,
            fingerprint=i.fingerprint,
            duplicate=verdict,
            tags=i.tags,
            entities=i.entities,
            raw_gzip=i.raw_gzip,
        )
        for i, verdict in zip(items, verdicts, strict=True)
    ]
