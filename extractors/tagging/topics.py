"""Topic tagging from a transparent taxonomy (seeds/topics.toml, read by extractors/tagging/taxonomy.py), with
evidence.

Scores reward salience, not mere mention: a term counts more in the headline and the lead, repeats of
one term add logarithmically, one term past the lead in a single sentence counts as a passing mention,
and the threshold grows with the length of the text, so a headline with a one-line summary and
a long wire story are judged on comparable scales.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from extractors.reading import read_body, read_title
from extractors.records import Article, TopicTag
from extractors.tagging.learned import model_scores
from extractors.tagging.taxonomy import Taxonomy, Term, Topic
from extractors.tagging.terms import NeedlePositions, NeedleScanner, candidates, longest_first


def _in_company_name(text: str, start: int, end: int, name_tail: re.Pattern[str] | None) -> bool:
    return name_tail is not None and text[start].isupper() and name_tail.match(text, end) is not None


def _matches(topic: Topic, text: str, needles_found: NeedleSites, taxonomy: Taxonomy) -> list[tuple[int, int, Term]]:
    """Non-overlapping term matches, longest first, minus negative phrases and company names.
    Only phrases carrying one of the needles found in `text` are matched, and only near those needles."""
    present, positions = needles_found
    found = [
        (start, end, topic.terms[i])
        for i in candidates(topic.term_index, present)
        for start, end in topic.terms[i].spans_in(text, positions)
    ]
    if not found:
        return []
    blocked = [
        span for i in candidates(topic.negative_index, present) for span in topic.negatives[i].spans_in(text, positions)
    ]
    return longest_first(found, blocked, lambda start, end: not _in_company_name(text, start, end, taxonomy.name_tail))


# Sentence ends: terminal punctuation (Latin or Devanagari danda) before a space, or a blank line.
SENTENCE_END = re.compile(r"(?<=[.!?\u0964])\s+|\n\s*\n")


@dataclass(frozen=True, kw_only=True)
class Hit:
    """One term occurrence: where it sits (title, lead, body) and in which body sentence."""

    term: Term
    place: str
    sentence: int


def _lead_end(body: str, lead_words: int) -> int:
    for count, word in enumerate(re.finditer(r"\S+", body), start=1):
        if count == lead_words:
            return word.end()
    return len(body)


# The needles found in a text, and where they start (None when the positions do not line up with it).
NeedleSites = tuple[frozenset[str], NeedlePositions | None]


def _needle_sites(scanner: NeedleScanner, text: str) -> NeedleSites:
    positions, aligned = scanner.positions_in(text)
    return frozenset(positions), positions if aligned else None


@dataclass(frozen=True, kw_only=True)
class ArticleText:
    """An article's title and body as every topic reads them: needles found, lead and sentences, worked out once."""

    title: str
    body: str
    title_needles: NeedleSites
    body_needles: NeedleSites
    lead_end: int
    sentence_starts: tuple[int, ...]
    n_words: int


def article_text(taxonomy: Taxonomy, title: str, body: str) -> ArticleText:
    return ArticleText(
        title=title,
        body=body,
        title_needles=_needle_sites(taxonomy.scanner, title),
        body_needles=_needle_sites(taxonomy.scanner, body),
        lead_end=_lead_end(body, taxonomy.lead_words),
        sentence_starts=(0, *(m.end() for m in SENTENCE_END.finditer(body))),
        n_words=len(title.split()) + len(body.split()),
    )


def find_hits(topic: Topic, taxonomy: Taxonomy, text: ArticleText) -> list[Hit]:
    title_matches = _matches(topic, text.title, text.title_needles, taxonomy)
    hits = [Hit(term=term, place="title", sentence=-1) for _s, _e, term in title_matches]
    for start, _end, term in _matches(topic, text.body, text.body_needles, taxonomy):
        place = "lead" if start < text.lead_end else "body"
        hits.append(Hit(term=term, place=place, sentence=bisect_right(text.sentence_starts, start) - 1))
    return hits


def length_scale(taxonomy: Taxonomy, n_words: int) -> float:
    """How much evidence a text of this length needs, relative to one of `norm_words` words.

    A headline with a one-line summary has room for one or two telling words; a long story names its
    subject many times and mentions side issues in passing, so it must show more to earn the tag.
    """
    return float((max(n_words, 1) / taxonomy.norm_words) ** taxonomy.length_exponent)


def score_hits(hits: list[Hit], taxonomy: Taxonomy) -> float:
    """Position (title, lead, body), frequency (1 + ln n per term) and spread over body sentences.

    Body evidence (past the lead) that is one term in one sentence is a passing mention and counts
    `passing_mention` times its weight; spread over sentences, or several of the topic's terms in the one
    sentence (a paragraph of one long sentence), it counts fully.
    """
    body_hits = [h for h in hits if h.place == "body"]
    discussed = len({h.sentence for h in body_hits}) > 1 or len({h.term.phrase for h in body_hits}) > 1
    body_factor = 1.0 if discussed else taxonomy.passing_mention
    factors = {"title": taxonomy.title_boost, "lead": taxonomy.lead_boost, "body": body_factor}
    per_term: dict[str, list[float]] = {}
    for hit in hits:
        per_term.setdefault(hit.term.phrase, []).append(hit.term.weight * factors[hit.place])
    return sum(max(values) * (1.0 + math.log(len(values))) for values in per_term.values())


def _evidence(hits: list[Hit], taxonomy: Taxonomy) -> tuple[str, ...]:
    """`term@placexcount` strings, the term with the strongest single mention first."""
    strongest: dict[str, float] = {}
    where: dict[str, dict[str, int]] = {}
    boost = {"title": taxonomy.title_boost, "lead": taxonomy.lead_boost, "body": 1.0}
    for hit in hits:
        phrase = hit.term.phrase
        strongest[phrase] = max(strongest.get(phrase, 0.0), hit.term.weight * boost[hit.place])
        where.setdefault(phrase, {}).setdefault(hit.place, 0)
        where[phrase][hit.place] += 1
    return tuple(
        f"{phrase}@{place}x{count}"
        for phrase, places in sorted(where.items(), key=lambda kv: -strongest[kv[0]])
        for place, count in places.items()
    )


def _score(topic: Topic, taxonomy: Taxonomy, text: ArticleText) -> tuple[float, tuple[str, ...]]:
    hits = find_hits(topic, taxonomy, text)
    if not hits:
        return 0.0, ()
    needed = topic.threshold * length_scale(taxonomy, text.n_words)
    return round(score_hits(hits, taxonomy) / needed, 3), _evidence(hits, taxonomy)


def topic_scores(taxonomy: Taxonomy, title: str, body: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each topic's score relative to its length-scaled threshold (1.0 = just tagged), and its evidence,
    from the title and the body as far as extractors/reading.py reads them."""
    text = article_text(taxonomy, read_title(title), read_body(body))
    return {topic.name: _score(topic, taxonomy, text) for topic in taxonomy.topics}


def topic_verdicts(taxonomy: Taxonomy, title: str, body: str) -> dict[str, tuple[float, tuple[str, ...]]]:
    """Each topic's score (1.0 = just tagged) and evidence. With a learned model, the model decides the
    topics it was trained on, reading the taxonomy's scores among its features: its score is its
    probability over its threshold, and its evidence the taxonomy's hits followed by its own top features.
    The other topics are the taxonomy's alone."""
    scores = topic_scores(taxonomy, title, body)
    if taxonomy.model is None:
        return scores
    learned = model_scores(taxonomy.model, title, body, {topic: s for topic, (s, _e) in scores.items()})
    verdicts = dict(scores)
    for topic, verdict in learned.items():
        taxonomy_evidence = scores.get(topic, (0.0, ()))[1]
        relative = round(verdict.probability / verdict.threshold, 3)
        # rounding must not lift a probability just under its threshold to 1.0
        score = max(relative, 1.0) if verdict.tagged else min(relative, 0.999)
        verdicts[topic] = (score, taxonomy_evidence + verdict.evidence)
    return verdicts


def tag_article(article: Article, taxonomy: Taxonomy) -> tuple[TopicTag, ...]:
    tags = []
    for topic, (score, evidence) in topic_verdicts(taxonomy, article.title, article.text).items():
        if score >= 1.0:
            tags.append(
                TopicTag(
                    article_id=article.article_id,
                    topic=topic,
                    score=score,
                    evidence=evidence,
                    tagger_version=taxonomy.tagger_version,
                )
            )
    return tuple(tags)


def tag_batch(articles: list[Article], taxonomy: Taxonomy) -> list[tuple[TopicTag, ...]]:
    return [tag_article(a, taxonomy) for a in articles]
