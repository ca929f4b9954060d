"""Same-story linking: the last rung of the dedup ladder. Pure: the warehouse supplies the stored
articles that share rare terms with the batch (and the document frequencies), this module decides.

Each article points at its most similar article, stored or in its own batch, when the TF-IDF
cosine of their top terms, scaled down by the days between them, clears a threshold; following
those pointers gives its story (extractors/dedup/story_groups.py), and a group of new articles joins an
older story only when its members match it about as well as they match each other.
Articles are compared by their term profiles (extractors/dedup/story_profile.py).
The choices and the figures behind them are in docs/dedup-and-stories.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from extractors.dedup.story_groups import join_groups, resolve_stories
from extractors.dedup.story_profile import QUERY_TERMS, TOP_TERMS, heaviest_terms, idf, unit_vector
from extractors.dedup.story_scoring import ScoreMatrix, Scores
from extractors.records import ProcessedArticle, StoryLink, StoryProfile

LINK_THRESHOLD = 0.10
# A new group joins an older story when its members' best scores into it average at least this
# share of their best scores inside the group (tuned on half the dev topics, checked on the other).
GROUP_RATIO = 0.6
# Publication dates further apart than this are never the same story; closer ones are scaled down.
WINDOW_DAYS = 14
HALF_LIFE_DAYS = 7.0
# How many stored articles (best by shared rare terms) the warehouse returns per new article.
CANDIDATES_PER_ARTICLE = 100


# The time factor of articles published d days apart (d <= WINDOW_DAYS): 1.0 the same day, halving every
# HALF_LIFE_DAYS. Undated articles get 1.0; further apart, they are not compared.
DECAY_BY_DAYS = [float(0.5 ** (days / HALF_LIFE_DAYS)) for days in range(WINDOW_DAYS + 1)]


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

    def count(self, vocabulary: tuple[str, ...]) -> None:
        self.documents += 1
        for term in vocabulary:
            self.document_frequency[term] = self.document_frequency.get(term, 0) + 1

    def add(self, link: StoryLink, profile: StoryProfile, *, counted: bool = False) -> None:
        self.story_of[link.article_id] = link.story_id
        if not link.indexed_terms:
            return
        if not counted:
            self.count(link.vocabulary)
        self.candidates[link.article_id] = IndexedArticle(
            article_id=link.article_id, story_id=link.story_id, published=profile.published, terms=link.indexed_terms
        )


@dataclass(frozen=True, kw_only=True)
class _Match:
    other: IndexedArticle
    cosine: float
    decay: float

    @property
    def score(self) -> float:
        return self.cosine * self.decay


class _Vectors:
    """Unit tf-idf vectors as one article of the batch sees them: document frequencies count every
    other article, stored or in the batch, but not the article itself."""

    def __init__(self, index: StoryIndex, vocabulary: tuple[str, ...]) -> None:
        self.document_frequency = index.document_frequency
        self.vocabulary = frozenset(vocabulary)
        self.documents = index.documents - (1 if vocabulary else 0)

    def heaviest(self, counts: tuple[tuple[str, float], ...]) -> list[tuple[str, float]]:
        return heaviest_terms(counts, self.document_frequency, self.documents, self.vocabulary)

    def weigh(self, counts: tuple[tuple[str, float], ...], top: int = TOP_TERMS) -> dict[str, float]:
        return unit_vector(self.heaviest(counts)[:top])


@dataclass(frozen=True, kw_only=True)
class _Matches:
    """One batch article's matches (cosine > 0, within the window) among `others`, in their order."""

    others: list[IndexedArticle]
    scores: Scores

    def score_by_id(self) -> dict[str, float]:
        return {
            self.others[p].article_id: c * d
            for p, c, d in zip(self.scores.positions, self.scores.cosine, self.scores.decay, strict=True)
        }

    def best(self, story_of: Callable[[str], str] | None = None, story: str = "") -> _Match | None:
        """The best match (the first of equals), or the best in `story` when `story_of` is given."""
        found: _Match | None = None
        for p, cosine, decay in zip(self.scores.positions, self.scores.cosine, self.scores.decay, strict=True):
            other = self.others[p]
            if story_of is not None and story_of(other.article_id) != story:
                continue
            if found is None or cosine * decay > found.score:
                found = _Match(other=other, cosine=cosine, decay=decay)
        return found


def _score_matrix(others: list[IndexedArticle], index: StoryIndex) -> ScoreMatrix:
    return ScoreMatrix(
        [(o.article_id, o.published, o.terms) for o in others],
        index.document_frequency,
        index.documents - 1,  # as each query sees them: itself left out
        idf,
        DECAY_BY_DAYS,
    )


def _shared_terms(vector: dict[str, float], other: IndexedArticle, vectors: _Vectors, k: int = 8) -> str:
    other_vector = vectors.weigh(other.terms)
    shared = sorted((t for t in vector if t in other_vector), key=lambda t: -vector[t] * other_vector[t])
    return ", ".join(shared[:k])


def _copy_link(item: ProcessedArticle, index: StoryIndex) -> StoryLink:
    assert item.duplicate is not None
    matched = item.duplicate.matched_article_id
    return StoryLink(
        article_id=item.article.article_id,
        story_id=index.story_of.get(matched, matched),
        kind=item.duplicate.kind,
        score=item.duplicate.score,
        matched_article_id=matched,
        detail=f"{item.duplicate.kind} duplicate: shares the story of the article it copies",
    )


def link_batch(
    items: list[ProcessedArticle], profiles: list[StoryProfile], index: StoryIndex
) -> list[ProcessedArticle]:
    """Give each article its story. Each article points at its best match among stored articles and
    the whole batch, later articles included, so several reports of a new event arriving together
    form their own story instead of being pulled one by one into an older story of the same kind."""
    originals = [i for i, item in enumerate(items) if item.duplicate is None]
    for i in originals:
        if profiles[i].counts:
            index.count(tuple(term for term, _ in profiles[i].counts))
    vectors: dict[int, _Vectors] = {}
    queries: dict[int, dict[str, float]] = {}
    peers: dict[int, IndexedArticle] = {}
    for i in originals:
        p = profiles[i]
        vectors[i] = _Vectors(index, tuple(term for term, _ in p.counts))
        heaviest = vectors[i].heaviest(p.counts)
        queries[i] = unit_vector(heaviest[:QUERY_TERMS])
        kept = {t for t, _ in heaviest[:TOP_TERMS]}
        terms = tuple((t, c) for t, c in p.counts if t in kept)
        peers[i] = IndexedArticle(article_id=p.article_id, story_id=p.article_id, published=p.published, terms=terms)
    position = {peers[i].article_id: n for n, i in enumerate(originals)}
    others = [*index.candidates.values(), *(peers[i] for i in originals if peers[i].terms)]
    matrix = _score_matrix(others, index)
    matches = {
        i: _Matches(
            others=others,
            scores=matrix.scores(queries[i], vectors[i].vocabulary, profiles[i].article_id, profiles[i].published),
        )
        for i in originals
    }
    best = {i: matches[i].best() for i in originals}
    edges: list[int | str | None] = []
    for i in originals:
        match = best[i]
        if match is None or match.score < LINK_THRESHOLD:
            edges.append(None)
        else:
            edges.append(position.get(match.other.article_id, match.other.article_id))
    ids = [peers[i].article_id for i in originals]
    scores = [matches[i].score_by_id() for i in originals]
    resolved = join_groups(
        resolve_stories(edges, ids, index.story_of), ids, scores, index.story_of, LINK_THRESHOLD, GROUP_RATIO
    )
    stories = dict(zip(originals, resolved, strict=True))
    links: dict[int, StoryLink] = {}
    story_of = {**index.story_of, **{peers[i].article_id: stories[i] for i in originals}}
    for i in originals:
        opens = stories[i] == peers[i].article_id
        match = best[i] if opens else matches[i].best(lambda a: story_of.get(a, a), stories[i])
        links[i] = _story_link(peers[i], stories[i], match, queries[i], profiles[i], vectors[i])
        index.add(links[i], profiles[i], counted=True)
    for i, item in enumerate(items):
        if i not in links:
            links[i] = _copy_link(item, index)
            index.add(links[i], profiles[i])
    return [replace(item, story=links[i]) for i, item in enumerate(items)]


def _story_link(
    article: IndexedArticle,
    story_id: str,
    match: _Match | None,
    vector: dict[str, float],
    profile: StoryProfile,
    vectors: _Vectors,
) -> StoryLink:
    vocabulary = tuple(term for term, _ in profile.counts)
    if story_id != article.article_id:
        if match is None:
            detail = "joins the story with the batch articles it matches best; no stored member shares its terms"
        else:
            detail = (
                f"tf-idf cosine {match.cosine:.3f} (title, body, names) x time {match.decay:.2f} = {match.score:.3f}"
                f"{f' >= {LINK_THRESHOLD}' if match.score >= LINK_THRESHOLD else ', joined with its batch group'}"
                f"; shared: {_shared_terms(vector, match.other, vectors)}"
            )
        return StoryLink(
            article_id=article.article_id,
            story_id=story_id,
            kind="story",
            score=round(match.score, 4) if match is not None else 0.0,
            matched_article_id=match.other.article_id if match is not None else None,
            detail=detail,
            indexed_terms=article.terms,
            vocabulary=vocabulary,
        )
    if match is None:
        why = f"no stored article within {WINDOW_DAYS} days"
    elif match.score < LINK_THRESHOLD:
        why = f"no article scored >= {LINK_THRESHOLD}; best was {match.score:.3f} with {match.other.article_id[:12]}"
    else:
        why = f"first of the batch's articles on it; best match {match.other.article_id[:12]} at {match.score:.3f}"
    return StoryLink(
        article_id=article.article_id,
        story_id=story_id,
        kind="new",
        score=round(match.score, 4) if match is not None else 0.0,
        matched_article_id=None,
        detail=f"opens a story: {why}",
        indexed_terms=article.terms,
        vocabulary=vocabulary,
    )
