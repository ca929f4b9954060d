"""What the same-story stage is given: the stored articles that could share a story with a batch (the
warehouse fetches them, warehouse/story_index.py), the statistics to weigh terms, and the rule for which terms
fetch candidates, which the batch's own earlier articles follow too (extractors/dedup/story_links.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from extractors.dedup.story_profile import heaviest_terms, unit_vector
from extractors.records import StoryLink

# Publication dates further apart than this are never the same story; closer ones are scaled down.
WINDOW_DAYS = 14
HALF_LIFE_DAYS = 7.0
# How many stored articles (best by shared rare terms) the warehouse returns per new article.
CANDIDATES_PER_ARTICLE = 100
# Terms in more than this share of indexed articles say little about which event it is; they still weigh
# in the cosine but do not fetch candidates (keeps the join small at a million articles) ...
RETRIEVAL_MAX_DF_SHARE = 0.1
# ... once the index is large enough for a share to mean something: below this, every term fetches.
RETRIEVAL_MIN_DF = 20
# How many of an article's terms fetch its candidates: its heaviest among those some indexed article holds.
FETCH_TERMS = 32

# The time factor of articles published d days apart (d <= WINDOW_DAYS): 1.0 the same day, halving every
# HALF_LIFE_DAYS. Undated articles get 1.0; further apart, they are not compared.
DECAY_BY_DAYS = [float(0.5 ** (days / HALF_LIFE_DAYS)) for days in range(WINDOW_DAYS + 1)]


@dataclass(frozen=True, kw_only=True)
class IndexedArticle:
    article_id: str
    story_id: str
    published: date | None
    terms: tuple[tuple[str, float], ...]
    language: str | None = None
    # its stored verdict: what it matched best when it was placed, and the score
    matched_article_id: str | None = None
    match_score: float = 0.0


@dataclass(kw_only=True)
class StoryIndex:
    """Stored articles that could share a story with the batch, and the statistics to weigh terms.
    `moved` collects the stored articles that linking moved to another story (the load rewrites them)."""

    documents: int = 0
    document_frequency: dict[str, int] = field(default_factory=dict)
    candidates: dict[str, IndexedArticle] = field(default_factory=dict)
    # the candidates the warehouse found for each batch article (all of them when it is not listed)
    candidates_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    story_of: dict[str, str] = field(default_factory=dict)
    moved: dict[str, StoryLink] = field(default_factory=dict)
    # the batch's articles the warehouse holds already (a rerun): they keep their stories and move nothing
    stored: set[str] = field(default_factory=set)

    def count(self, vocabulary: tuple[str, ...]) -> None:
        self.documents += 1
        for term in vocabulary:
            self.document_frequency[term] = self.document_frequency.get(term, 0) + 1


def retrieval_terms(
    counts: tuple[tuple[str, float], ...], document_frequency: dict[str, int], documents: int
) -> dict[str, float]:
    """The terms that fetch an article's candidates, weighed, from the document frequencies of the
    indexed articles (the article itself not among them)."""
    heaviest = heaviest_terms(counts, document_frequency, documents)
    return unit_vector(fetching(heaviest, lambda t: document_frequency.get(t, 0), documents))


def fetching(
    heaviest: list[tuple[str, float]], indexed: Callable[[str], int], documents: int
) -> list[tuple[str, float]]:
    """Of an article's terms, heaviest first, those that fetch candidates: the heaviest among the terms
    some indexed article holds (`indexed` counts them), unless too common to say which event."""
    max_df = max(RETRIEVAL_MIN_DF, int(documents * RETRIEVAL_MAX_DF_SHARE))
    return list(itertools.islice(((t, w) for t, w in heaviest if 0 < indexed(t) <= max_df), FETCH_TERMS))


def is_cross_language(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b
