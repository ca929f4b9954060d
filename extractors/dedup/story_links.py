"""Same-story linking: the last rung of the dedup ladder. Pure: the warehouse supplies the stored
articles that share rare terms with the batch (and the document frequencies), this module decides.

The batch's articles are placed one at a time, in arrival order: each is compared with the stored
candidates and the batch's earlier articles, and goes where extractors/dedup/story_groups.py says (its best
match's story, or a story of its own, possibly taking its best match along). A pair's score is the TF-IDF
cosine of their terms (extractors/dedup/story_profile.py) when they are written in one language, and a share
of the cosine of their language-free evidence (entities, dates, numbers) when they are not; either way it is
scaled down by the days between them. The choices and the figures behind them are in docs/dedup-and-stories.md.
"""

from __future__ import annotations

import math
from dataclasses import replace

from extractors.dedup.story_candidates import (
    DECAY_BY_DAYS,
    IndexedArticle,
    StoryIndex,
    fetching,
    is_cross_language,
)
from extractors.dedup.story_detail import Match, copy_link, moved_link, story_link
from extractors.dedup.story_evidence import is_evidence
from extractors.dedup.story_groups import CROSS_LANGUAGE_WEIGHT, LINK_THRESHOLD, Placement, place
from extractors.dedup.story_profile import (
    QUERY_TERMS,
    heaviest_terms,
    idf_array,
    indexed_terms,
    story_date,
    unit_vector,
)
from extractors.dedup.story_scoring import ScoreMatrix, Scores
from extractors.records import ProcessedArticle, StoryLink, StoryProfile


class _Batch:
    """The batch's articles as the scoring sees them. Each article is weighed with the document frequencies
    of the articles before it (stored, or earlier in the batch) and itself: what it would see alone."""

    def __init__(self, items: list[ProcessedArticle], profiles: list[StoryProfile], index: StoryIndex) -> None:
        self.index = index
        self.originals = [
            i for i, item in enumerate(items) if item.duplicate is None and item.article.article_id not in index.stored
        ]
        self.queries: dict[str, tuple[dict[str, float], frozenset[str]]] = {}
        frequency, documents = dict(index.document_frequency), index.documents
        peers = []
        self.fetches: dict[str, frozenset[str]] = {}
        for i in self.originals:
            p = profiles[i]
            vocabulary = frozenset(term for term, _ in p.counts)
            if vocabulary:
                documents += 1
                for term in vocabulary:
                    frequency[term] = frequency.get(term, 0) + 1
            heaviest = heaviest_terms(p.counts, frequency, documents - 1, vocabulary)
            # what would fetch its candidates were the batch's earlier articles stored already (the weights
            # are the same: counting itself and leaving itself out cancel)
            self.fetches[p.article_id] = frozenset(
                t for t, _ in fetching(heaviest, lambda t: frequency.get(t, 0) - 1, documents - 1)
            )

            self.queries[p.article_id] = (unit_vector(heaviest[:QUERY_TERMS]), vocabulary)
            peers.append(
                IndexedArticle(
                    article_id=p.article_id,
                    story_id=p.article_id,
                    published=p.published,
                    terms=indexed_terms(heaviest, p.counts),
                    language=p.language,
                )
            )
        self.others = [*index.candidates.values(), *peers]
        self.position = {o.article_id: n for n, o in enumerate(self.others)}
        self.stored = len(index.candidates)
        self.matrix = ScoreMatrix(
            [(o.article_id, o.published, o.terms) for o in self.others],
            index.document_frequency,
            idf_array,
            DECAY_BY_DAYS,
            is_evidence,
        )

    def count(self, article_id: str) -> None:
        """The article is being placed: from now on it counts in the document frequencies."""
        vocabulary = self.queries[article_id][1]
        if vocabulary:
            self.index.count(tuple(vocabulary))
            self.matrix.count(vocabulary)

    def stored_query(self, article: IndexedArticle, seen: frozenset[str]) -> tuple[dict[str, float], frozenset[str]]:
        """The query of an article already placed (stored, or earlier in the batch), from its indexed terms.
        Only the terms the arriving article also holds (`seen`) have a document frequency the warehouse
        looked up; the others weigh as unique, as they would for a stored article in a batch of one."""
        frequency = {t: self.index.document_frequency.get(t, 1) if t in seen else 1 for t, _ in article.terms}
        vocabulary = frozenset(t for t, _ in article.terms)
        documents = self.index.documents - 1
        vector = unit_vector(heaviest_terms(article.terms, frequency, documents, vocabulary))
        return vector, vocabulary & seen

    def pool(self, n: int) -> list[int]:
        """What the batch's n-th article is compared with: the candidates the warehouse found for it, and the
        batch's earlier articles that those same terms would have found had they been stored already."""
        article_id = self.others[self.stored + n].article_id
        listed = self.index.candidates_of.get(article_id)
        stored = (
            range(self.stored) if listed is None else sorted(self.position[a] for a in listed if a in self.position)
        )
        fetches = self.fetches[article_id]
        earlier = [
            self.stored + j for j in range(n) if any(t in fetches for t, _ in self.others[self.stored + j].terms)
        ]
        return [*stored, *earlier]

    def matches(
        self, article: IndexedArticle, query: tuple[dict[str, float], frozenset[str]], pool: list[int]
    ) -> dict[str, Match]:
        """`article` against the others at positions in `pool`, itself left out, by pair score."""
        vector, vocabulary = query
        own = self.position.get(article.article_id)
        allowed = [n for n in pool if n != own]
        evidence = math.sqrt(sum(w * w for t, w in vector.items() if is_evidence(t)))
        scores = self.matrix.scores(vector, vocabulary, article.published, allowed, self.index.documents - 1, evidence)
        return self._pair_scores(article, scores)

    def _pair_scores(self, article: IndexedArticle, scores: Scores) -> dict[str, Match]:
        found = {}
        for p, cosine, evidence, decay in zip(
            scores.positions, scores.cosine, scores.evidence, scores.decay, strict=True
        ):
            other = self.others[p]
            cross = is_cross_language(article.language, other.language)
            similarity = CROSS_LANGUAGE_WEIGHT * evidence if cross else cosine
            if similarity > 0.0:
                found[other.article_id] = Match(
                    other=other.article_id, similarity=similarity, decay=decay, cross_language=cross
                )
        return found


def link_batch(
    items: list[ProcessedArticle], profiles: list[StoryProfile], index: StoryIndex
) -> list[ProcessedArticle]:
    """Give each article its story, one at a time in the batch's order (extractors/dedup/story_groups.py).
    A stored article the batch moves to another story is left in `index.moved`."""
    batch = _Batch(items, profiles, index)
    story = dict(index.story_of)

    def story_of(article_id: str) -> str:
        return story.get(article_id, article_id)

    links: dict[str, StoryLink] = {}
    for n in range(len(batch.originals)):
        peer = batch.others[batch.stored + n]
        batch.count(peer.article_id)
        query, seen = batch.queries[peer.article_id]
        pool = batch.pool(n)
        found = batch.matches(peer, (query, seen), pool)
        best = max(found.values(), key=lambda m: (m.score, m.other), default=None)
        placement = Placement(story=peer.article_id)
        if best is not None and best.score >= LINK_THRESHOLD:
            placement = _place(batch, peer.article_id, best, found, [*pool, batch.stored + n], links, story, seen)
        story[peer.article_id] = placement.story
        in_story = [m for m in found.values() if story_of(m.other) == placement.story]
        links[peer.article_id] = story_link(
            peer.article_id,
            placement,
            best,
            max(in_story, key=lambda m: (m.score, m.other), default=None),
            query,
            lambda a: batch.others[batch.position[a]].terms,
            peer.terms,
            tuple(sorted(seen)),
        )
    by_position = {}
    for i in batch.originals:  # a later article may have moved an earlier one of the batch
        link = links[profiles[i].article_id]
        by_position[i] = replace(link, story_id=story_of(link.article_id))
        index.story_of[link.article_id] = by_position[i].story_id
        if link.indexed_terms:  # a later batch linked against this index (in memory) finds it as stored
            peer = batch.others[batch.position[link.article_id]]
            index.candidates[link.article_id] = replace(
                peer,
                story_id=by_position[i].story_id,
                matched_article_id=link.matched_article_id,
                match_score=link.score,
            )
    for i, item in enumerate(items):
        if i in by_position:
            continue
        if item.duplicate is None:  # stored already: the load keeps its row
            by_position[i] = _stored_link(
                IndexedArticle(
                    article_id=item.article.article_id,
                    story_id=story_of(item.article.article_id),
                    published=story_date(item.article),
                    terms=(),
                )
            )
        else:
            by_position[i] = copy_link(item, story_of)
        index.story_of[item.article.article_id] = by_position[i].story_id
    return [replace(item, story=by_position[i]) for i, item in enumerate(items)]


def _place(
    batch: _Batch,
    article_id: str,
    best: Match,
    found: dict[str, Match],
    pool: list[int],
    links: dict[str, StoryLink],
    story: dict[str, str],
    seen: frozenset[str],
) -> Placement:
    """Where the article goes, given its best match: the match's story, unless the two match each other best
    (extractors/dedup/story_groups.py); a move of the match is recorded."""

    def story_of(a: str) -> str:
        return story.get(a, a)

    def placed_score(a: str) -> float:
        return links[a].score if a in links else getattr(batch.index.candidates.get(a), "match_score", 0.0)

    other = batch.others[batch.position[best.other]]
    placed_by = links.get(best.other)
    matched, matched_score = (
        (placed_by.matched_article_id, placed_by.score)
        if placed_by is not None
        else (other.matched_article_id, other.match_score)
    )
    if matched_score >= best.score:
        # the match was placed by a better match than this article: this article is not its best match
        return Placement(story=story_of(best.other))
    theirs = batch.matches(other, batch.stored_query(other, seen), pool)
    if matched and matched not in theirs:
        # its verdict: the match it was placed by may not be among this batch's candidates
        theirs[matched] = Match(other=matched, similarity=matched_score, decay=1.0, cross_language=False)
    scores = {k: m.score for k, m in found.items()}
    placement = place(article_id, best.other, scores, {k: m.score for k, m in theirs.items()}, story_of, placed_score)
    if placement.moved_to is not None:
        left = story_of(best.other)
        moved = moved_link(
            links.get(best.other) or _stored_link(other), placement.moved_to, article_id, left, placement.agreement
        )
        story[best.other] = placement.moved_to
        if best.other in links:
            links[best.other] = moved
        else:
            batch.index.moved[best.other] = moved
            batch.index.story_of[best.other] = placement.moved_to
    return placement


def _stored_link(article: IndexedArticle) -> StoryLink:
    return StoryLink(
        article_id=article.article_id,
        story_id=article.story_id,
        kind="story",
        score=round(article.match_score, 4),
        matched_article_id=article.matched_article_id,
        detail="",
    )
