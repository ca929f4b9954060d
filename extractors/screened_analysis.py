"""Analysis for archives, where most pages are off the topic: relevance first, then only what it keeps.

Each page is judged on its markup (extractors/tagging/markup_screen.py) before extraction, and on its
extracted title and text (the full-text verdict, as screening.py gives it) before tagging, entities and the
story profile, so an off-topic page costs at most its extraction. Pure, so it runs in worker processes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from extractors.analysis import PAGE_ANALYSIS_SECONDS, Budget, Clock, OverBudget, analyze_article
from extractors.article.extract import ExtractionError, extract_article
from extractors.records import AnalyzedArticle, FetchedPage, Rejection
from extractors.tagging.entities import Gazetteer
from extractors.tagging.markup_screen import MarkupScreen, judge_markup
from extractors.tagging.relevance import RelevanceQuery, judge_text
from extractors.tagging.taxonomy import Taxonomy


@dataclass(frozen=True, kw_only=True)
class OffTopic:
    """A page turned away: a skipped_entries row."""

    url: str
    source: str
    title: str
    stage: str  # markup (before extraction) | fulltext
    reason: str


@dataclass(frozen=True, kw_only=True)
class ScreenedAnalysis:
    analyzed: list[AnalyzedArticle]
    rejected: list[Rejection]
    off_topic: list[OffTopic]


def screen_and_analyze_pages(
    pages: list[FetchedPage],
    taxonomy: Taxonomy,
    gazetteer: Gazetteer | None,
    query: RelevanceQuery | None,
    screen: MarkupScreen | None,
    *,
    seconds_per_page: float = PAGE_ANALYSIS_SECONDS,
    clock: Clock = time.monotonic,
) -> ScreenedAnalysis:
    """The successfully fetched pages, each turned away, rejected or analyzed; without a query, all analyzed."""
    result = ScreenedAnalysis(analyzed=[], rejected=[], off_topic=[])
    for page in pages:
        if not page.ok:
            continue
        source = page.entry.source
        if query is not None and screen is not None:
            verdict = judge_markup(screen, page.html, page.content_type)
            if verdict.decision == "off_topic":
                result.off_topic.append(
                    OffTopic(url=page.canonical_url, source=source, title="", stage="markup", reason=verdict.reason)
                )
                continue
        budget = Budget.start(seconds_per_page, clock)
        try:
            article = extract_article(page)
            budget.check("extraction")
            if query is not None:
                verdict = judge_text(query, article.title, article.text)
                if verdict.decision != "relevant":
                    off = OffTopic(
                        url=page.canonical_url,
                        source=source,
                        title=article.title,
                        stage="fulltext",
                        reason=verdict.reason,
                    )
                    result.off_topic.append(off)
                    continue
            result.analyzed.append(analyze_article(article, taxonomy, gazetteer, budget))
        except (ExtractionError, OverBudget) as exc:
            result.rejected.append(Rejection(url=page.canonical_url, source=source, reason=str(exc)))
    return result
