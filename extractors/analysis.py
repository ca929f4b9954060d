"""Per-article work that needs no warehouse: extract, fingerprint, tag, count entities.

This is the CPU-bound stage. It is pure and picklable, so the flow can run it in worker processes.
Each page has a time budget: one that runs past it is recorded as rejected, with the stage it had
reached, so that a pathological page costs the batch a bounded time and is not lost without a trace.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import TypeVar

from isal import igzip

from extractors.article.extract import ExtractionError, extract_article
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_profile import story_profile
from extractors.records import AnalyzedArticle, Article, FetchedPage, Rejection
from extractors.tagging.entities import Gazetteer, extract_entities
from extractors.tagging.taxonomy import Taxonomy
from extractors.tagging.topics import tag_article

HTML_TYPES = ("html", "xml", "text/plain")
# Far above what a bounded page costs (docs/performance.md): only a page that some stage handles
# pathologically gets there. A stage is not interrupted; the budget is checked between stages.
PAGE_ANALYSIS_SECONDS = 10.0

Clock = Callable[[], float]
T = TypeVar("T")


class OverBudget(Exception):
    """A page's analysis ran past its time budget."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Budget:
    seconds: float
    clock: Clock
    started: float

    @classmethod
    def start(cls, seconds: float, clock: Clock) -> Budget:
        return cls(seconds=seconds, clock=clock, started=clock())

    def check(self, stage: str) -> None:
        elapsed = self.clock() - self.started
        if elapsed > self.seconds:
            raise OverBudget(f"analysis took {elapsed:.1f} s by the end of {stage}, over its {self.seconds:g} s budget")


def _stage(budget: Budget | None, stage: str, result: T) -> T:
    if budget is not None:
        budget.check(stage)
    return result


def analyze_article(
    article: Article, taxonomy: Taxonomy, gazetteer: Gazetteer | None, budget: Budget | None = None
) -> AnalyzedArticle:
    """Everything the warehouse needs of one article; with a `budget`, OverBudget once it runs past it."""
    # The gzip format that `raw_pages` stores and every reader decompresses with the standard library; ISA-L's
    # level 1 compresses about as well as zlib's level 1 for a fraction of its CPU (docs/performance.md).
    raw_gzip = igzip.compress(article.raw_html, compresslevel=1) if article.raw_html else b""
    slim = dataclasses.replace(article, raw_html=b"")
    fingerprints = _stage(budget, "fingerprints", fingerprint(slim))
    tags = _stage(budget, "topic tagging", tag_article(slim, taxonomy))
    entities = _stage(budget, "entities", extract_entities(slim, gazetteer) if gazetteer else ())
    return AnalyzedArticle(
        article=slim,
        raw_gzip=raw_gzip,
        fingerprint=fingerprints,
        tags=tags,
        entities=entities,
        story_profile=_stage(budget, "the story profile", story_profile(slim, entities)),
    )


def analyze_page(
    page: FetchedPage, taxonomy: Taxonomy, gazetteer: Gazetteer | None, budget: Budget | None = None
) -> AnalyzedArticle | Rejection:
    content_type = (page.content_type or "text/html").lower()
    if not any(t in content_type for t in HTML_TYPES):
        return Rejection(url=page.canonical_url, source=page.entry.source, reason=f"not an HTML page: {content_type}")
    try:
        article = _stage(budget, "extraction", extract_article(page))
        return analyze_article(article, taxonomy, gazetteer, budget)
    except (ExtractionError, OverBudget) as exc:
        return Rejection(url=page.canonical_url, source=page.entry.source, reason=str(exc))


def analyze_pages(
    pages: list[FetchedPage],
    taxonomy: Taxonomy,
    gazetteer: Gazetteer | None,
    *,
    seconds_per_page: float = PAGE_ANALYSIS_SECONDS,
    clock: Clock = time.monotonic,
) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    """Analyze the pages that were fetched successfully; failed fetches are not rejections. A page whose
    analysis runs past `seconds_per_page` (read on `clock`) is a rejection, and the next page goes on."""
    analyzed: list[AnalyzedArticle] = []
    rejected: list[Rejection] = []
    for page in pages:
        if not page.ok:
            continue
        result = analyze_page(page, taxonomy, gazetteer, Budget.start(seconds_per_page, clock))
        if isinstance(result, Rejection):
            rejected.append(result)
        else:
            analyzed.append(result)
    return analyzed, rejected
