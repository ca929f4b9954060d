"""What the same-story stage knows of an article: its term counts (title words counted double, body words,
and names: capitalized words inside a sentence), and their TF-IDF weights against the stored articles.
The choices and the figures behind them are in docs/dedup-and-stories.md."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from operator import itemgetter

from extractors.reading import read_body, read_title
from extractors.records import Article, StoryProfile
from extractors.tagging.tokens import WORD

TITLE_WEIGHT = 2.0
NAME_WEIGHT = 2.0
# Only the top terms of an article are stored and compared: enough to carry the event, and
# it keeps the stored index at a fixed size per article (docs/dedup-and-stories.md).
TOP_TERMS = 64
QUERY_TERMS = 1000
# Rare terms matter more than tf-idf's usual weighting says (docs/dedup-and-stories.md).
IDF_POWER = 1.5

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
    """Term counts of the title and the body as far as extractors/reading.py reads them."""
    title, body = read_title(article.title), read_body(article.text)
    counts: dict[str, float] = {}
    for weight, terms in (
        (TITLE_WEIGHT, _words(title)),
        (1.0, _words(body)),
        (NAME_WEIGHT, _names(title + "\n" + body)),
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


def heaviest_terms(
    counts: tuple[tuple[str, float], ...],
    document_frequency: dict[str, int],
    documents: int,
    left_out: Collection[str] = (),
) -> list[tuple[str, float]]:
    """tf-idf weights, heaviest first (equal weights by term); terms in `left_out` count one document fewer
    (the article itself)."""
    # The same products as term by term, each factor computed once per distinct count and frequency: this
    # runs for every article of every batch in the flow's thread.
    idf_of: dict[int, float] = {}
    tf_of: dict[float, float] = {}
    weights: dict[str, float] = {}
    for term, count in counts:
        if count < 1.0:
            continue
        df = document_frequency.get(term, 0) - (term in left_out)
        if (term_idf := idf_of.get(df)) is None:
            term_idf = idf_of[df] = idf(df, documents)
        if (tf := tf_of.get(count)) is None:
            tf = tf_of[count] = 1.0 + math.log(count)
        weights[term] = tf * term_idf
    # By term, then by weight (a stable sort): heaviest first, equal weights in term order.
    ranked = sorted(weights.items())
    ranked.sort(key=itemgetter(1), reverse=True)
    return ranked


def unit_vector(kept: list[tuple[str, float]]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
    return {term: w / norm for term, w in kept}


def weighted_terms(
    counts: tuple[tuple[str, float], ...], document_frequency: dict[str, int], documents: int, top: int = TOP_TERMS
) -> dict[str, float]:
    """Unit-length tf-idf vector over the `top` heaviest terms."""
    return unit_vector(heaviest_terms(counts, document_frequency, documents)[:top])
