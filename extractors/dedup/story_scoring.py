"""Every batch article's score against every stored and batch article at once, for extractors/dedup/story_links.py.

An article of the batch sees each other article's tf-idf vector with document frequencies that leave
the query article itself out: a term of the query's vocabulary counts one document fewer. So an other
article's term weighs one of two ways, and both are computed once per batch (`weights_without` and
`weights_with`); a query then picks, term by term, the one its vocabulary calls for. Norms and dot
products are sums over the postings (article, term), done with numpy. The result is the cosine of
`stories.weighted_terms` vectors, as before, up to the last bits of the floating-point sums.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True, kw_only=True)
class Scores:
    """One query's matches: positions in `others`, their cosine and time factor (cosine > 0 only)."""

    positions: list[int]
    cosine: list[float]
    decay: list[float]


class ScoreMatrix:
    """The other articles' terms as postings, weighed once for the batch. Each other article brings its
    indexed terms, at most stories.TOP_TERMS of them, so all of them make its vector (no cut to the top)."""

    def __init__(
        self,
        others: list[tuple[str, date | None, tuple[tuple[str, float], ...]]],
        document_frequency: dict[str, int],
        documents: int,
        idf: Callable[[int, int], float],
        decay_by_days: list[float],
    ) -> None:
        """`documents` as every query sees it (the batch counted, the query left out); `decay_by_days[d]`
        is the time factor of articles d days apart, for d up to the window."""
        self.ids = [article_id for article_id, _, _ in others]
        self.decay_by_days = np.asarray(decay_by_days)
        terms = [term for _, _, article_terms in others for term, _ in article_terms]
        counts = np.asarray([count for _, _, article_terms in others for _, count in article_terms], dtype=float)
        owners = np.repeat(np.arange(len(others)), [len(article_terms) for _, _, article_terms in others])
        self.term_ids = {term: n for n, term in enumerate(dict.fromkeys(terms))}
        term_of = np.asarray([self.term_ids[term] for term in terms], dtype=np.int64)
        # idf depends on the document frequency alone: one call per distinct frequency
        idf_of: dict[int, float] = {}
        frequencies = [document_frequency.get(term, 0) for term in self.term_ids]
        for df in {*frequencies, *(df - 1 for df in frequencies if df > 0)}:
            idf_of[df] = idf(df, documents)
        idf_without = np.asarray([idf_of[df] for df in frequencies])
        # a term no article of the batch holds (df 0 here) is never in a query's vocabulary
        idf_with = np.asarray([idf_of[df - 1] if df > 0 else 0.0 for df in frequencies])
        log_of = {count: 1.0 + math.log(count) for count in set(counts.tolist()) if count >= 1.0}
        weighed = counts >= 1.0
        log_counts = np.asarray([log_of[count] for count in counts[weighed].tolist()])
        self.posting_other = owners[weighed]
        self.posting_term = term_of[weighed]
        self.weights_without = log_counts * idf_without[self.posting_term]
        self.weights_with = log_counts * idf_with[self.posting_term]
        undated = [published is None for _, published, _ in others]
        self.undated = np.asarray(undated, dtype=bool)
        self.days = np.asarray([0 if p is None else p.toordinal() for _, p, _ in others], dtype=np.int64)

    def scores(
        self, query: dict[str, float], vocabulary: Collection[str], article_id: str, published: date | None
    ) -> Scores:
        """Cosine of `query` (already weighed) with every other article, and the time factor between them."""
        others = len(self.ids)
        if not others or not query:
            return Scores(positions=[], cosine=[], decay=[])
        in_vocabulary = np.zeros(len(self.term_ids), dtype=bool)
        in_vocabulary[[self.term_ids[t] for t in vocabulary if t in self.term_ids]] = True
        query_weight = np.zeros(len(self.term_ids))
        for term, weight in query.items():
            if term in self.term_ids:
                query_weight[self.term_ids[term]] = weight
        weights = np.where(in_vocabulary[self.posting_term], self.weights_with, self.weights_without)
        norm = np.sqrt(np.bincount(self.posting_other, weights=weights * weights, minlength=others))
        norm[norm == 0.0] = 1.0
        dot = np.bincount(self.posting_other, weights=query_weight[self.posting_term] * weights, minlength=others)
        cosine = dot / norm
        if published is None:
            decay = np.ones(others)
            near = np.ones(others, dtype=bool)
        else:
            days = np.abs(self.days - published.toordinal())
            near = self.undated | (days < len(self.decay_by_days))
            decay = np.where(self.undated, 1.0, self.decay_by_days[np.minimum(days, len(self.decay_by_days) - 1)])
        keep = (cosine > 0.0) & near
        positions = np.flatnonzero(keep).tolist()
        positions = [p for p in positions if self.ids[p] != article_id]
        return Scores(positions=positions, cosine=cosine[positions].tolist(), decay=decay[positions].tolist())
