"""The learned topic model beside the taxonomy: a linear model per topic over word and character n-grams
and the taxonomy's own scores, trained by `newswatch topics train` (extractors/tagging/training.py).

This module only reads a model that flows/ handed over as parsed data and scores one article with it; it
needs no scikit-learn. Each tag it gives carries the features that contributed most, with their weights.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from extractors.reading import read_body, read_title
from extractors.tagging.tokens import WORD

# What a feature is. A model records this and one built for other features is refused, since its
# weights would be read against the wrong features.
FEATURES = "words1-2+chars3-5+taxonomy/2"
# The model reads the title and the first BODY_WORDS words of the body (the lead and the story's main
# line), and the character n-grams of the title and the first CHAR_WORDS words: enough for headlines,
# wires and long features alike (reading twice as far scored no better on the dev rows; figures in
# docs/performance.md), at a bounded cost per article. /2: 200 and 40 words, /1 read 400 and 80.
BODY_WORDS = 200
CHAR_WORDS = 40
CHAR_SIZES = (3, 4, 5)
# Headlines with a one-line summary and full stories need different cut-offs (calibrated per class).
SHORT_TEXT_WORDS = 60
EVIDENCE_TERMS = 5
# Words are looked for in the first PREFIX_CHARS_PER_WORD characters per word wanted, a longer prefix when
# those hold too few: an English word and its space average about six characters.
PREFIX_CHARS_PER_WORD = 8

Vector = npt.NDArray[np.float32]


class ModelError(ValueError):
    """A model's data does not make a model: the message says what is wrong."""


@dataclass(frozen=True, kw_only=True)
class TopicModel:
    digest: str
    topics: tuple[str, ...]
    taxonomy_topics: tuple[str, ...]  # whose taxonomy scores are features
    index: dict[str, int]
    terms: tuple[str, ...]
    weights: npt.NDArray[np.float32]  # (terms, topics)
    intercepts: Vector
    # per topic: the probability a short text (a headline) and a longer one need to be tagged
    thresholds: dict[str, tuple[float, float]]


@dataclass(frozen=True, kw_only=True)
class ModelScore:
    probability: float
    threshold: float
    evidence: tuple[str, ...]

    @property
    def tagged(self) -> bool:
        return self.probability >= self.threshold


def is_short(title: str, body: str) -> bool:
    return len(title.split()) + len(body.split()) < SHORT_TEXT_WORDS


def _lower_words(text: str, limit: int | None = None) -> list[str]:
    """The first `limit` words of `text`, casefolded. Words are found in a prefix of the text that grows
    until it holds more than `limit` of them (so the last one kept was not cut by the prefix's end), and
    casefolded in one call (case folding maps each character on its own, so joined words fold alike)."""
    end = len(text) if limit is None else min(len(text), PREFIX_CHARS_PER_WORD * (limit + 1))
    while True:
        found = WORD.findall(text, 0, end)
        if end >= len(text) or (limit is not None and len(found) > limit):
            break
        end = min(len(text), 2 * end)
    kept = found if limit is None else found[:limit]
    return "\x00".join(kept).casefold().split("\x00") if kept else []


# 1 + ln(count) for the counts a text has (most are 1), looked up rather than computed each time
SUBLINEAR = tuple(1.0 + math.log(n) if n else 0.0 for n in range(64))


def _unit_values(counts: Counter[str]) -> list[float]:
    """The counts' values sublinear and of unit length, in the counts' order."""
    values = [SUBLINEAR[n] if n < 64 else 1.0 + math.log(n) for n in counts.values()]
    norm = math.sqrt(math.fsum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


def _normalized(counts: Counter[str]) -> dict[str, float]:
    return dict(zip(counts, _unit_values(counts), strict=True))


def _bigrams(tokens: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(tokens)]


@functools.lru_cache(maxsize=1 << 16)
def char_grams(word: str) -> tuple[str, ...]:
    """A word's character n-grams ('#' and the n-gram, a space marking the word's edges), worked out once
    per word: most words of an article are common words seen in articles before."""
    padded = f" {word} "
    return tuple("#" + padded[i : i + size] for size in CHAR_SIZES for i in range(len(padded) - size + 1))


def text_features(title: str, body: str) -> dict[str, float]:
    """Word unigrams and bigrams (the title counted twice) and character 3-5-grams inside words ('#'
    and the n-gram, a space marking a word edge): each group sublinear in counts and of unit length."""
    word_counts, char_counts = text_counts(title, body)
    return {**_normalized(word_counts), **_normalized(char_counts)}


def text_counts(title: str, body: str) -> tuple[Counter[str], Counter[str]]:
    """The counts of text_features' two groups: words and word pairs, character n-grams."""
    title_words = _lower_words(read_title(title))
    body_words = _lower_words(read_body(body), BODY_WORDS)
    title_terms = title_words + _bigrams(title_words)
    word_counts = Counter(title_terms + title_terms + body_words + _bigrams(body_words))
    char_counts = Counter(chain.from_iterable(map(char_grams, title_words + body_words[:CHAR_WORDS])))
    return word_counts, char_counts


def side_features(
    taxonomy_scores: Mapping[str, float], taxonomy_topics: Sequence[str], short: bool
) -> dict[str, float]:
    """The taxonomy's verdict on each topic (tagged, score capped at 3, log score) and the length class."""
    features = {"=short": 1.0} if short else {}
    for topic in taxonomy_topics:
        score = max(0.0, taxonomy_scores.get(topic, 0.0))
        if score > 0:
            features[f"={topic}:score"] = min(score, 3.0)
            features[f"={topic}:log"] = math.log1p(score)
        if score >= 1.0:
            features[f"={topic}:tagged"] = 1.0
    return features


def features(
    title: str, body: str, taxonomy_scores: Mapping[str, float], taxonomy_topics: Sequence[str]
) -> dict[str, float]:
    return {**text_features(title, body), **side_features(taxonomy_scores, taxonomy_topics, is_short(title, body))}


def shown_term(term: str) -> str:
    """A feature as an analyst reads it: words as written, an n-gram inside a word with … on its open sides."""
    if term.startswith("#"):
        gram = term[1:]
        return ("" if gram.startswith(" ") else "…") + gram.strip() + ("" if gram.endswith(" ") else "…")
    if term.startswith("="):
        return "taxonomy:" + term[1:] if term != "=short" else "short text"
    return term


def model_scores(
    model: TopicModel, title: str, body: str, taxonomy_scores: Mapping[str, float]
) -> dict[str, ModelScore]:
    """Each model topic's probability, the threshold it must reach, and its top contributing features."""
    # features() in its order, without building its dictionaries: a long article has thousands of them
    short = is_short(title, body)
    terms: list[str] = []
    values: list[float] = []
    for counts in text_counts(title, body):
        terms.extend(counts)
        values.extend(_unit_values(counts))
    side = side_features(taxonomy_scores, model.taxonomy_topics, short)
    terms.extend(side)
    values.extend(side.values())
    found = np.fromiter(map(model.index.get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
    known = found >= 0
    rows = found[known]
    contributions = model.weights[rows] * np.asarray(values, dtype=np.float32)[known][:, None]  # (terms, topics)
    logits = contributions.sum(axis=0) + model.intercepts
    scores = {}
    for k, topic in enumerate(model.topics):
        probability = 1.0 / (1.0 + math.exp(-float(logits[k])))
        short_threshold, long_threshold = model.thresholds[topic]
        threshold = short_threshold if short else long_threshold
        evidence: tuple[str, ...] = ()
        if probability >= threshold:  # only tags are stored, so only they need their evidence
            column = contributions[:, k]
            top = np.argsort(-column)[:EVIDENCE_TERMS]
            evidence = tuple(
                f"model:{shown_term(model.terms[rows[j]])}{float(column[j]):+.2f}" for j in top if column[j] > 0
            )
        scores[topic] = ModelScore(probability=probability, threshold=threshold, evidence=evidence)
    return scores


def topic_model_from(
    meta: Mapping[str, Any], terms: Sequence[str], weights: Any, intercepts: Any, digest: str
) -> TopicModel:
    """A model from its stored parts (flows/topic_model_files.py reads them); ModelError when they do not fit."""
    if meta.get("features") != FEATURES:
        raise ModelError(f"built for features {meta.get('features')!r}, this newswatch reads {FEATURES!r}")
    topics = tuple(str(t) for t in meta.get("topics", ()))
    taxonomy_topics = tuple(str(t) for t in meta.get("taxonomy_topics", ()))
    weights = np.asarray(weights, dtype=np.float32)
    intercepts = np.asarray(intercepts, dtype=np.float32)
    if not topics or weights.shape != (len(terms), len(topics)) or intercepts.shape != (len(topics),):
        raise ModelError(
            f"weights {weights.shape} and intercepts {intercepts.shape}"
            f" do not fit {len(terms)} terms and {len(topics)} topics"
        )
    if not (np.isfinite(weights).all() and np.isfinite(intercepts).all()):
        raise ModelError("weights that are not finite numbers")
    raw_thresholds = meta.get("thresholds", {})
    thresholds: dict[str, tuple[float, float]] = {}
    for topic in topics:
        pair = raw_thresholds.get(topic) if isinstance(raw_thresholds, Mapping) else None
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(t, int | float) and 0.0 < t < 1.0 for t in pair)
        ):
            raise ModelError(f"topic {topic!r} has no pair of thresholds between 0 and 1")
        thresholds[topic] = (float(pair[0]), float(pair[1]))
    index = {term: i for i, term in enumerate(terms)}
    if len(index) != len(terms):
        raise ModelError("a term is listed twice")
    return TopicModel(
        digest=digest,
        topics=topics,
        taxonomy_topics=taxonomy_topics,
        index=index,
        terms=tuple(terms),
        weights=weights,
        intercepts=intercepts,
        thresholds=thresholds,
    )
