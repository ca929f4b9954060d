"""Training the learned topic model (extractors/tagging/learned.py) from labelled rows, with scikit-learn.

Per topic, a logistic regression over the rows that judge that topic. Its thresholds are calibrated on
held-apart rows: the rows are dealt into folds by a hash of their id, each fold is scored by a fit on the
others, and the threshold that gives the best F1 on those held-apart scores is chosen for short texts
and for longer ones; the model is then fitted on every row. No row's score comes from a fit that saw it.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from extractors.tagging.learned import FEATURES, features, is_short
from extractors.tagging.taxonomy import Taxonomy
from extractors.tagging.topics import topic_scores

if TYPE_CHECKING:  # scikit-learn and scipy load only to train: every command imports this module's records
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

THRESHOLD_GRID = tuple(round(0.05 + 0.025 * i, 3) for i in range(37))
FEATURE_STAGE = "reading the labelled rows"
FIT_STAGE = "fitting the topics (folds, then all rows)"
PROGRESS_ROWS = 500  # rows read between two progress reports
# Progress of training: (stage, units just done, the stage's units), for a caller that shows it.
OnProgress = Callable[[str, int, int], None]


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True, kw_only=True)
class LabelledRow:
    """One training example: only the topics in `judged` are known for it, `labels` are those that apply."""

    id: str
    title: str
    text: str
    labels: frozenset[str]
    judged: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class TrainingOptions:
    regularization: float = 10.0  # scikit-learn's C: larger fits the rows more closely
    min_rows_per_term: int = 2  # a feature seen in fewer rows is left out of the model
    folds: int = 4  # each row is scored by a fit on the other folds to set the thresholds
    min_examples: int = 3  # a topic needs this many positive and negative rows to be learned


@dataclass(frozen=True, kw_only=True)
class TrainedModel:
    meta: dict[str, Any]
    terms: list[str]
    weights: npt.NDArray[np.float32]
    intercepts: npt.NDArray[np.float32]
    skipped: dict[str, str] = field(default_factory=dict)  # topic -> why it was not learned


def fold_of(row_id: str, folds: int) -> int:
    return hashlib.sha256(f"newswatch-calibration:{row_id}".encode()).digest()[0] % folds


def _best_threshold(probabilities: npt.NDArray[np.float64], gold: npt.NDArray[np.bool_]) -> float | None:
    if not gold.any():
        return None
    f1s = []
    for threshold in THRESHOLD_GRID:
        guess = probabilities >= threshold
        f1s.append(2 * float((guess & gold).sum()) / max(1, int(guess.sum()) + int(gold.sum())))
    best = max(f1s)
    # the middle of the best thresholds: a plateau's edge is where a new text is most likely to fall over
    tied = [t for t, f in zip(THRESHOLD_GRID, f1s, strict=True) if f >= best - 1e-9]
    return tied[len(tied) // 2]


def _fit(matrix: csr_matrix, gold: npt.NDArray[np.bool_], options: TrainingOptions) -> LogisticRegression:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=options.regularization, class_weight="balanced", max_iter=3000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(matrix, gold)


def _calibrate(
    matrix: csr_matrix, gold: npt.NDArray[np.bool_], folds: npt.NDArray[np.int64], short: npt.NDArray[np.bool_],
    options: TrainingOptions, on_fit: Callable[[], None],
) -> tuple[float, float]:  # fmt: skip
    """(short, long) thresholds chosen on held-apart scores: each fold's from a fit on the other folds."""
    held_apart = np.full(len(gold), np.nan)
    for fold in range(options.folds):
        fit_rows, scored_rows = folds != fold, folds == fold
        on_fit()
        if not scored_rows.any() or gold[fit_rows].all() or not gold[fit_rows].any():
            continue
        fitted = _fit(matrix[fit_rows], gold[fit_rows], options)
        held_apart[scored_rows] = fitted.predict_proba(matrix[scored_rows])[:, 1]
    scored = ~np.isnan(held_apart)
    both = _best_threshold(held_apart[scored], gold[scored]) or 0.5
    by_class = {
        cls: _best_threshold(held_apart[scored & (short == cls)], gold[scored & (short == cls)])
        for cls in (True, False)
    }
    return by_class[True] or both, by_class[False] or both


def _vocabulary(rows_features: Sequence[dict[str, float]], min_rows: int) -> list[str]:
    seen: Counter[str] = Counter()
    for found in rows_features:
        seen.update(found.keys())
    return sorted(term for term, n in seen.items() if n >= min_rows or term.startswith("="))


def _matrix(rows_features: Sequence[dict[str, float]], index: dict[str, int]) -> csr_matrix:
    indptr, indices, values = [0], [], []
    for found in rows_features:
        for term, value in found.items():
            column = index.get(term)
            if column is not None:
                indices.append(column)
                values.append(value)
        indptr.append(len(indices))
    from scipy.sparse import csr_matrix

    return csr_matrix((np.array(values, dtype=np.float64), indices, indptr), shape=(len(rows_features), len(index)))


def train_topic_model(
    rows: Sequence[LabelledRow],
    taxonomy: Taxonomy,
    options: TrainingOptions | None = None,
    on_progress: OnProgress = _no_progress,
) -> TrainedModel:
    """A model from `rows`. Ten thousand rows take minutes: `on_progress` hears of the rows read
    and of each fit (the folds' and the final one, per topic) as they are done."""
    options = options or TrainingOptions()
    taxonomy_topics = tuple(topic.name for topic in taxonomy.topics)
    rows_features = []
    reported = 0
    for n, row in enumerate(rows, start=1):
        scores = {topic: score for topic, (score, _evidence) in topic_scores(taxonomy, row.title, row.text).items()}
        rows_features.append(features(row.title, row.text, scores, taxonomy_topics))
        if n - reported == PROGRESS_ROWS or n == len(rows):
            on_progress(FEATURE_STAGE, n - reported, len(rows))
            reported = n
    terms = _vocabulary(rows_features, options.min_rows_per_term)
    matrix = _matrix(rows_features, {term: i for i, term in enumerate(terms)})
    short = np.array([is_short(r.title, r.text) for r in rows], dtype=bool)
    folds = np.array([fold_of(r.id, options.folds) for r in rows], dtype=np.int64)
    topics, columns, intercepts, thresholds, skipped, examples = [], [], [], {}, {}, {}
    judged_topics = sorted({t for r in rows for t in r.judged})
    fits = len(judged_topics) * (options.folds + 1)

    def on_fit() -> None:
        on_progress(FIT_STAGE, 1, fits)

    for topic in judged_topics:
        judged = np.array([topic in r.judged for r in rows], dtype=bool)
        gold = np.array([topic in r.labels for r in rows], dtype=bool)[judged]
        positives, negatives = int(gold.sum()), int((~gold).sum())
        if min(positives, negatives) < options.min_examples:
            skipped[topic] = f"{positives} rows with it and {negatives} without; {options.min_examples} of each needed"
            on_progress(FIT_STAGE, options.folds + 1, fits)
            continue
        sub = matrix[judged]
        thresholds[topic] = list(_calibrate(sub, gold, folds[judged], short[judged], options, on_fit))
        fitted = _fit(sub, gold, options)
        on_fit()
        topics.append(topic)
        columns.append(fitted.coef_[0])
        intercepts.append(float(fitted.intercept_[0]))
        examples[topic] = {"positive": positives, "negative": negatives}
    weights = np.array(columns, dtype=np.float32).T if columns else np.zeros((len(terms), 0), dtype=np.float32)
    meta = {
        "features": FEATURES,
        "topics": topics,
        "taxonomy_topics": list(taxonomy_topics),
        "taxonomy_version": taxonomy.tagger_version,
        "thresholds": thresholds,
        "examples": examples,
        "rows": len(rows),
        "regularization": options.regularization,
    }
    return TrainedModel(
        meta=meta,
        terms=terms,
        weights=weights,
        intercepts=np.array(intercepts, dtype=np.float32),
        skipped=skipped,
    )
