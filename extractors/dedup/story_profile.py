"""What the same-story stage knows of an article: its term counts (title words counted double, body words,
names: capitalized words inside a sentence, and the language-free evidence of extractors/dedup/story_evidence.py:
gazetteer entities, dates, numbers), its language, and the TF-IDF weights of its terms against the stored
articles. The choices and the figures behind them are in docs/dedup-and-stories.md."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date
from operator import itemgetter

import numpy as np

from extractors.dedup.story_evidence import ascii_numbers, date_terms, entity_terms, is_evidence
from extractors.reading import read_body, read_title
from extractors.records import Article, EntityCount, StoryProfile
from extractors.tagging.tokens import WORD

TITLE_WEIGHT = 2.0
NAME_WEIGHT = 2.0
ENTITY_WEIGHT = 2.0  # per mention, like a name
# Bump when an edit changes what story_profile returns (word splitting, stopwords, names, weights): stored
# profiles made by another version (or with another gazetteer) are made again, by flows/story_reprofile.py.
# profile-3: words split by the `regex` module (Unicode word characters; a danda no longer sticks to a word).
STORY_PROFILE_VERSION = "profile-3"
# Only the top terms of an article are stored and compared: enough to carry the event, and
# it keeps the stored index at a fixed size per article (docs/dedup-and-stories.md).
TOP_TERMS = 64
# Besides its heaviest terms, an article is indexed under its heaviest entities, dates and numbers.
EVIDENCE_TERMS = 16
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


def language_of(tag: str | None) -> str | None:
    """The primary subtag of a language tag ("en-GB" -> "en"), or None."""
    primary = (tag or "").replace("_", "-").split("-")[0].strip().casefold()
    return primary or None


def story_date(article: Article) -> date | None:
    """The date an article's story is looked for around and weighed by: its publication date, else the day
    it was fetched. Only an article with neither is compared with every stored article."""
    return article.published or article.seen_on


def story_profile(article: Article, entities: Iterable[EntityCount] = ()) -> StoryProfile:
    """Term counts of the title and the body as far as extractors/reading.py reads them, with the entities
    the gazetteer found in them (extractors/tagging/entities.py)."""
    title, body = read_title(article.title), read_body(article.text)
    both = title + "\n" + body
    counts: dict[str, float] = {}
    for weight, terms in (
        (TITLE_WEIGHT, _words(title)),
        (1.0, _words(body)),
        (NAME_WEIGHT, _names(both)),
        (1.0, date_terms(both)),
        (1.0, ascii_numbers(both)),
    ):
        for term in terms:
            counts[term] = counts.get(term, 0.0) + weight
    for term, mentions in entity_terms(entities):
        counts[term] = counts.get(term, 0.0) + ENTITY_WEIGHT * mentions
    return StoryProfile(
        article_id=article.article_id,
        published=story_date(article),
        counts=tuple(sorted(counts.items())),
        language=language_of(article.language),
    )


def idf(document_frequency: int, documents: int) -> float:
    return (math.log((documents + 1) / (document_frequency + 1)) + 1.0) ** IDF_POWER


def idf_array(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """`idf` of many document frequencies at once."""
    return np.asarray((np.log((documents + 1) / (document_frequency + 1)) + 1.0) ** IDF_POWER)


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


def indexed_terms(
    heaviest: list[tuple[str, float]], counts: tuple[tuple[str, float], ...]
) -> tuple[tuple[str, float], ...]:
    """The counts an article is stored under: its TOP_TERMS heaviest terms and its EVIDENCE_TERMS heaviest
    entities, dates and numbers (`heaviest` as heaviest_terms gives them)."""
    evidence = [t for t, _ in heaviest if is_evidence(t)][:EVIDENCE_TERMS]
    kept = {t for t, _ in heaviest[:TOP_TERMS]} | set(evidence)
    return tuple((t, c) for t, c in counts if t in kept)


def profile_version(gazetteer_version: str | None) -> str:
    """What stored story terms were made with: this module's version and the gazetteer's."""
    return f"{STORY_PROFILE_VERSION}+{gazetteer_version or 'no-gazetteer'}"
