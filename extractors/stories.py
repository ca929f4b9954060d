"""Same-story linking: the last rung of the dedup ladder. Pure: the warehouse supplies the stored
articles that share rare terms with the batch (and the document frequencies), this module decides.

An article joins the story of the most similar stored article when the TF-IDF cosine of their
top terms, scaled down by the days between them, clears a threshold; otherwise it opens a story.
Terms are title words (counted double), body words, and names (capitalized words inside a
sentence), which carry most of what tells one occurrence of an event from another of its kind.
The choices and the figures behind them are in README.md ("Duplicates and stories").
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from extractors.records import Article, ProcessedArticle, StoryLink, StoryProfile

TITLE_WEIGHT = 2.0
NAME_WEIGHT = 2.0
# Only the top terms of an article are stored and compared: enough to carry the event, and
# it keeps the stored index at a fixed size per article (measured: 50-100 is best, all terms worse).
TOP_TERMS = 64
QUERY_TERMS = 1000
# Rare terms matter more than tf-idf's usual weighting says (measured, 1.5 vs 1.0: a hair better).
IDF_POWER = 1.5
LINK_THRESHOLD = 0.18
STORY_MIX = 1.0
# Publication dates further apart than this are never the same story; closer ones are scaled down.
WINDOW_DAYS = 14
HALF_LIFE_DAYS = 7.0
# How many stored articles (best by shared rare terms) the warehouse returns per new article.
CANDIDATES_PER_ARTICLE = 100

WORD = re.compile(r"[\w\u0900-\u097F]+")
SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\n+")
NAME_PREFIX = "@"
STOPWORD_TEXT = (
    "the and for with from that this was were are has have had not but its his her their they them you our"
    " who whom what when where which while will would can could said says say also after before about over"
    " into than then there been being more most other some such only very just one two all any out may"
    " might new told per cent percent mr ms mrs dr"
)
STOPWORDS = frozenset(STOPWORD_TEXT.split())


def _words(text: str) -> list[str]:
    return [
        w
        for w in WORD.findall(unicodedata.normalize("NFKC", text).casefold())
        if w not in STOPWORDS and (len(w) > 2 or (w.isdigit() and len(w) == 2))
    ]


def _names(text: str) -> list[str]:
    """Capitalized words that do not open a sentence: names of people, places, bodies."""
    names = []
    for sentence in SENTENCE_BREAK.split(unicodedata.normalize("NFKC", text)):
        tokens = WORD.findall(sentence)
        for token in tokens[1:]:
            if token[0].isupper() and len(token) > 1 and token.casefold() not in STOPWORDS:
                names.append(NAME_PREFIX + token.casefold())
    return names


def story_profile(article: Article) -> StoryProfile:
    counts: dict[str, float] = {}
    for weight, terms in (
        (TITLE_WEIGHT, _words(article.title)),
        (1.0, _words(article.text)),
        (NAME_WEIGHT, _names(article.title + "\n" + article.text)),
    ):
        for term in terms:
            counts[term] = counts.get(term, 0.0) + weight
    return StoryProfile(
        article_id=article.article_id,
        published=article.published,
        counts=tuple(sorted(counts.items())),
    )


def idf(document_frequency: int, documents: int) -> float:
    return (math.log((documents + 1) / (document_frequency + 1)) + 1.0) ** IDF_POWER


def weighted_terms(
    counts: tuple[tuple[str, float], ...], document_frequency: dict[str, int], documents: int, top: int = TOP_TERMS
) -> dict[str, float]:
    """Unit-length tf-idf vector over the `top` heaviest terms."""
    weights = {
        term: (1.0 + math.log(count)) * idf(document_frequency.get(term, 0), documents)
        for term, count in counts
        if count >= 1.0
    }
    kept = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
    return {term: w / norm for term, w in kept}


def time_factor(a: date | None, b: date | None) -> float | None:
    """1.0 for the same day, halving every HALF_LIFE_DAYS; None outside the window. Undated: 1.0."""
    if a is None or b is None:
        return 1.0
    days = abs((a - b).days)
    if days > WINDOW_DAYS:
        return None
    return float(0.5 ** (days / HALF_LIFE_DAYS))


@dataclass(frozen=True, kw_only=True)
class IndexedArticle:
    article_id: str
    story_id: str
    published: date | None
    terms: tuple[tuple[str, float], ...]


@dataclass(kw_only=True)
class StoryIndex:
    """Stored articles that could share a story with the batch, and the statistics to weigh terms."""

    documents: int = 0
    document_frequency: dict[str, int] = field(default_factory=dict)
    candidates: dict[str, IndexedArticle] = field(default_factory=dict)
    story_of: dict[str, str] = field(default_factory=dict)

    def add(self, link: StoryLink, profile: StoryProfile) -> None:
        self.story_of[link.article_id] = link.story_id
        if not link.indexed_terms:
            return
        self.documents += 1
        for term in link.vocabulary:
            self.document_frequency[term] = self.document_frequency.get(term, 0) + 1
        self.candidates[link.article_id] = IndexedArticle(
            article_id=link.article_id, story_id=link.story_id, published=profile.published, terms=link.indexed_terms
        )


def _best_match(
    vector: dict[str, float], profile: StoryProfile, index: StoryIndex
) -> tuple[IndexedArticle, float, float, float] | None:
    """The best-matching candidate, judged by its story: the mean score over the story's candidates,
    so one loose match into a big story does not drag the article in."""
    scored: list[tuple[IndexedArticle, float, float, float]] = []
    for other in index.candidates.values():
        if other.article_id == profile.article_id:
            continue
        decay = time_factor(profile.published, other.published)
        if decay is None:
            continue
        other_vector = weighted_terms(other.terms, index.document_frequency, index.documents)
        cosine = sum(w * other_vector.get(t, 0.0) for t, w in vector.items())
        scored.append((other, cosine, decay, cosine * decay))
    if not scored:
        return None
    by_story: dict[str, list[tuple[IndexedArticle, float, float, float]]] = {}
    for entry in scored:
        by_story.setdefault(entry[0].story_id, []).append(entry)

    def story_score(entries: list[tuple[IndexedArticle, float, float, float]]) -> float:
        top = max(e[3] for e in entries)
        mean = sum(e[3] for e in entries) / len(entries)
        return STORY_MIX * top + (1 - STORY_MIX) * mean

    best_story = max(by_story.values(), key=story_score)
    other, cosine, decay, _ = max(best_story, key=lambda e: e[3])
    return other, cosine, decay, story_score(best_story)


def _shared_terms(vector: dict[str, float], other: IndexedArticle, index: StoryIndex, k: int = 8) -> str:
    other_vector = weighted_terms(other.terms, index.document_frequency, index.documents)
    shared = sorted((t for t in vector if t in other_vector), key=lambda t: -vector[t] * other_vector[t])
    return ", ".join(shared[:k])


def link_story(item: ProcessedArticle, profile: StoryProfile, index: StoryIndex) -> StoryLink:
    """The story of one article: its copy's original's story, the best-matching stored story, or a new one."""
    article_id = item.article.article_id
    if item.duplicate is not None and item.duplicate.kind != "story":
        matched = item.duplicate.matched_article_id
        return StoryLink(
            article_id=article_id,
            story_id=index.story_of.get(matched, matched),
            kind=item.duplicate.kind,
            score=item.duplicate.score,
            matched_article_id=matched,
            detail=f"{item.duplicate.kind} duplicate: shares the story of the article it copies",
        )
    vocabulary = tuple(term for term, _ in profile.counts)
    vector = weighted_terms(profile.counts, index.document_frequency, index.documents, top=QUERY_TERMS)
    kept = weighted_terms(profile.counts, index.document_frequency, index.documents)
    indexed = tuple((t, c) for t, c in profile.counts if t in kept)
    best = _best_match(vector, profile, index)
    if best is not None and best[3] >= LINK_THRESHOLD:
        other, cosine, decay, score = best
        return StoryLink(
            article_id=article_id,
            story_id=other.story_id,
            kind="story",
            score=round(score, 4),
            matched_article_id=other.article_id,
            detail=(
                f"tf-idf cosine {cosine:.3f} (title, body, names) x time {decay:.2f} = {score:.3f}"
                f" >= {LINK_THRESHOLD}; shared: {_shared_terms(vector, other, index)}"
            ),
            indexed_terms=indexed,
            vocabulary=vocabulary,
        )
    runner_up = f"; best was {best[3]:.3f} with {best[0].article_id[:12]}" if best is not None else ""
    return StoryLink(
        article_id=article_id,
        story_id=article_id,
        kind="new",
        score=round(best[3], 4) if best is not None else 0.0,
        matched_article_id=None,
        detail=f"opens a story: no stored article within {WINDOW_DAYS} days scored >= {LINK_THRESHOLD}{runner_up}",
        indexed_terms=indexed,
        vocabulary=vocabulary,
    )


def profile_batch(items: list[ProcessedArticle]) -> list[StoryProfile]:
    return [story_profile(item.article) for item in items]


def link_batch(
    items: list[ProcessedArticle], profiles: list[StoryProfile], index: StoryIndex
) -> list[ProcessedArticle]:
    """Give each article its story; earlier articles of the batch count as stored for later ones."""
    linked = []
    for item, profile in zip(items, profiles, strict=True):
        link = link_story(item, profile, index)
        index.add(link, profile)
        linked.append(replace(item, story=link))
    return linked
