"""The dedup ladder over a batch: exact text, same title, near-copy. Pure: the warehouse
supplies the already-stored fingerprints that could match, this module decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extractors.dedup.fingerprints import signature_similarity
from extractors.records import Article, DuplicateVerdict, Fingerprint

NEAR_DUPLICATE_THRESHOLD = 0.5
TITLE_WINDOW_DAYS = 7
MIN_TITLE_WORDS = 4


@dataclass(kw_only=True)
class KnownFingerprints:
    """Stored originals (never duplicates themselves) that share a key with the batch."""

    by_text_hash: dict[str, str] = field(default_factory=dict)
    by_title: dict[tuple[str, str], list[tuple[str, date | None]]] = field(default_factory=dict)
    band_members: dict[int, list[str]] = field(default_factory=dict)
    signatures: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def add(self, article: Article, fp: Fingerprint) -> None:
        self.by_text_hash.setdefault(fp.text_hash, article.article_id)
        if fp.title_key:
            self.by_title.setdefault((article.source, fp.title_key), []).append((article.article_id, article.published))
        for key in fp.band_keys:
            self.band_members.setdefault(key, []).append(article.article_id)
        self.signatures[article.article_id] = fp.minhash


def _title_match(article: Article, fp: Fingerprint, known: KnownFingerprints) -> DuplicateVerdict | None:
    if len(fp.title_key.split()) < MIN_TITLE_WORDS:
        return None
    for other_id, other_date in known.by_title.get((article.source, fp.title_key), []):
        if other_id == article.article_id:
            continue
        if article.published and other_date and abs((article.published - other_date).days) > TITLE_WINDOW_DAYS:
            continue
        return DuplicateVerdict(
            article_id=article.article_id,
            kind="title",
            score=1.0,
            matched_article_id=other_id,
            detail=f"same normalized title from {article.source} within {TITLE_WINDOW_DAYS} days",
        )
    return None


def _near_match(article: Article, fp: Fingerprint, known: KnownFingerprints) -> DuplicateVerdict | None:
    shared: dict[str, int] = {}
    for key in fp.band_keys:
        for other_id in known.band_members.get(key, []):
            if other_id != article.article_id:
                shared[other_id] = shared.get(other_id, 0) + 1
    best_id, best_score = None, 0.0
    for other_id in shared:
        score = signature_similarity(fp.minhash, known.signatures.get(other_id, ()))
        if score > best_score:
            best_id, best_score = other_id, score
    if best_id is None or best_score < NEAR_DUPLICATE_THRESHOLD:
        return None
    return DuplicateVerdict(
        article_id=article.article_id,
        kind="near",
        score=round(best_score, 4),
        matched_article_id=best_id,
        detail=f"MinHash Jaccard {best_score:.2f} over 5-word shingles; {shared[best_id]} LSH bands shared",
    )


def judge(article: Article, fp: Fingerprint, known: KnownFingerprints) -> DuplicateVerdict | None:
    original = known.by_text_hash.get(fp.text_hash)
    if original is not None and original != article.article_id:
        return DuplicateVerdict(
            article_id=article.article_id,
            kind="exact",
            score=1.0,
            matched_article_id=original,
            detail="identical normalized text",
        )
    return _title_match(article, fp, known) or _near_match(article, fp, known)


def judge_batch(items: list[tuple[Article, Fingerprint]], known: KnownFingerprints) -> list[DuplicateVerdict | None]:
    """Judge each article against the stored originals and the earlier originals of this batch."""
    verdicts: list[DuplicateVerdict | None] = []
    for article, fp in items:
        verdict = judge(article, fp, known)
        if verdict is None:
            known.add(article, fp)
        verdicts.append(verdict)
    return verdicts
