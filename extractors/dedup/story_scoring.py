"""One article's scores against every stored and earlier batch article at once, for extractors/dedup/story_links.py.

An article sees each other article's tf-idf vector with document frequencies that leave the query article
itself out: a term of the query's vocabulary counts one document fewer. A term of the other article that the
query lacks weighs as a term no other article holds (the largest idf): it is evidence the query does not
share, and weighing it so makes an article's scores independent of which other articles the warehouse
happened to look up with it, or to batch with it. Document frequencies grow as the batch's articles are placed,
one at a time (`count`), so each article sees what it would have seen had it arrived alone. Norms and dot
products are sums over the postings (article, term), done with numpy.

Two cosines come out: over all terms, and over the language-free evidence alone (entities, dates, numbers:
extractors/dedup/story_evidence.py), which is what two articles in different languages can share.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True, kw_only=True)
class Scores:
    """One query's matches: positions in `others`, the cosines and the time factor (either cosine > 0)."""

    positions: list[int]
    cosine: list[float]
    evidence: list[float]
    decay: list[float]


class ScoreMatrix:
    """The other articles' terms as postings, weighed once for the batch. Each other article brings its
    indexed terms, at most story_profile.TOP_TERMS of them plus its evidence, so all of them make its vector."""

    def __init__(
        self,
        others: list[tuple[str, date | None, tuple[tuple[str, float], ...]]],
        document_frequency: dict[str, int],
        idf: Callable[[np.ndarray, int], np.ndarray],
        decay_by_days: list[float],
        is_evidence: Callable[[str], bool],
    ) -> None:
        """`decay_by_days[d]` is the time factor of articles d days apart, for d up to the window."""
        self.ids = [article_id for article_id, _, _ in others]
        self.decay_by_days = np.asarray(decay_by_days)
        terms = [term for _, _, article_terms in others for term, _ in article_terms]
        counts = np.asarray([count for _, _, article_terms in others for _, count in article_terms], dtype=float)
        owners = np.repeat(np.arange(len(others)), [len(article_terms) for _, _, article_terms in others])
        self.term_ids = {term: n for n, term in enumerate(dict.fromkeys(terms))}
        self.is_evidence = is_evidence
        self.evidence_terms = np.asarray([is_evidence(term) for term in self.term_ids], dtype=bool)
        term_of = np.asarray([self.term_ids[term] for term in terms], dtype=np.int64)
        self.idf = idf
        # document frequencies as the batch starts; `count` adds each batch article as it is placed
        self.frequency = np.asarray([document_frequency.get(term, 0) for term in self.term_ids], dtype=np.int64)
        log_of = {count: 1.0 + math.log(count) for count in set(counts.tolist()) if count >= 1.0}
        weighed = counts >= 1.0
        self.log_counts = np.asarray([log_of[count] for count in counts[weighed].tolist()])
        self.posting_other = owners[weighed]
        self.posting_term = term_of[weighed]
        self.posting_evidence = self.evidence_terms[self.posting_term]
        self.undated = np.asarray([published is None for _, published, _ in others], dtype=bool)
        self.days = np.asarray([0 if p is None else p.toordinal() for _, p, _ in others], dtype=np.int64)

    def count(self, vocabulary: Collection[str]) -> None:
        """One more article holds these terms (the batch article being placed)."""
        ids = [self.term_ids[t] for t in vocabulary if t in self.term_ids]
        self.frequency[ids] += 1

    def scores(
        self,
        query: dict[str, float],
        vocabulary: Collection[str],
        published: date | None,
        allowed: Collection[int],
        documents: int,
        query_evidence: float,
    ) -> Scores:
        """Cosines of `query` (already weighed) with the other articles at positions `allowed`, and the time
        factor between them; others further apart than the window are left out. `documents` as the query
        sees it: every article counted so far but itself; `query_evidence` the length of the query's evidence
        part."""
        others = len(self.ids)
        if not others or not query or not allowed:
            return Scores(positions=[], cosine=[], evidence=[], decay=[])
        in_vocabulary = np.zeros(len(self.term_ids), dtype=bool)
        in_vocabulary[[self.term_ids[t] for t in vocabulary if t in self.term_ids]] = True
        query_weight = np.zeros(len(self.term_ids))
        for term, weight in query.items():
            if term in self.term_ids:
                query_weight[self.term_ids[term]] = weight
        mask = np.zeros(others, dtype=bool)
        mask[list(allowed)] = True
        picked = mask[self.posting_other]  # only the postings of the articles compared
        owner, term_of_posting = self.posting_other[picked], self.posting_term[picked]
        held = in_vocabulary[term_of_posting]
        # a term the query holds: its document frequency, the query left out; one it lacks: as if unique
        frequency = np.where(held, np.maximum(self.frequency[term_of_posting] - 1, 0), 0)
        weights = self.log_counts[picked] * self.idf(frequency, documents)
        products = query_weight[term_of_posting] * weights
        cosine = _ratio(
            np.bincount(owner, weights=products, minlength=others),
            np.sqrt(np.bincount(owner, weights=weights * weights, minlength=others)),
        )
        evidence_postings = self.posting_evidence[picked]
        evidence = _ratio(
            np.bincount(owner, weights=np.where(evidence_postings, products, 0.0), minlength=others),
            np.sqrt(np.bincount(owner, weights=np.where(evidence_postings, weights * weights, 0.0), minlength=others))
            * query_evidence,
        )
        if published is None:
            decay = np.ones(others)
            near = np.ones(others, dtype=bool)
        else:
            days = np.abs(self.days - published.toordinal())
            near = self.undated | (days < len(self.decay_by_days))
            decay = np.where(self.undated, 1.0, self.decay_by_days[np.minimum(days, len(self.decay_by_days) - 1)])
        positions = np.flatnonzero(((cosine > 0.0) | (evidence > 0.0)) & near & mask).tolist()
        return Scores(
            positions=positions,
            cosine=cosine[positions].tolist(),
            evidence=evidence[positions].tolist(),
            decay=decay[positions].tolist(),
        )


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    safe = np.where(denominator == 0.0, 1.0, denominator)
    return np.where(denominator == 0.0, 0.0, numerator / safe)
