"""Topic tagging from a transparent taxonomy (seeds/topics.toml), with evidence.

Scores reward salience, not mere mention: a term counts more in the headline and the lead,
repeats of one term add logarithmically, and long texts are scaled down so a passing mention
in a long story does not tag it.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from extractors.records import Article, TopicTag
from extractors.terms import needle, phrase_pattern

# Up to three more capitalised words (or "and"/"&") before a corporate suffix: "Star Oil and Gas Ltd".
NAME_TAIL = r"(?:\s+(?:and|&|[A-Z][\w&'.-]*)){0,3}\s+(?:%s)\b"


@dataclass(frozen=True, kw_only=True)
class Term:
    phrase: str
    weight: float
    pattern: re.Pattern[str]

    @cached_property
    def needle(self) -> str:
        return needle(self.phrase)


@dataclass(frozen=True, kw_only=True)
class Topic:
    name: str
    threshold: float
    terms: tuple[Term, ...]
    negatives: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, kw_only=True)
class Taxonomy:
    version: str
    title_boost: float
    lead_boost: float
    lead_words: int
    norm_words: int
    name_tail: re.Pattern[str] | None
    topics: tuple[Topic, ...]

    @property
    def tagger_version(self) -> str:
        return f"taxonomy-{self.version}"


def load_taxonomy(path: Path) -> Taxonomy:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    scoring = data.get("scoring", {})
    topics = []
    for name, spec in data["topics"].items():
        terms = tuple(
            Term(phrase=phrase, weight=float(weight), pattern=phrase_pattern(phrase))
            for phrase, weight in spec["terms"].items()
        )
        negatives = tuple(phrase_pattern(p) for p in spec.get("negative", []))
        topics.append(Topic(name=name, threshold=float(spec["threshold"]), terms=terms, negatives=negatives))
    raw_version = str(data.get("version", "0"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    suffixes = [re.escape(s) for s in scoring.get("name_suffixes", [])]
    return Taxonomy(
        version=f"{raw_version}+{digest}",
        title_boost=float(scoring.get("title_boost", 3.0)),
        lead_boost=float(scoring.get("lead_boost", 1.5)),
        lead_words=int(scoring.get("lead_words", 60)),
        norm_words=int(scoring.get("norm_words", 400)),
        name_tail=re.compile(NAME_TAIL % "|".join(suffixes)) if suffixes else None,
        topics=tuple(topics),
    )


def _in_company_name(text: str, start: int, end: int, name_tail: re.Pattern[str] | None) -> bool:
    return name_tail is not None and text[start].isupper() and name_tail.match(text, end) is not None


def _matches(topic: Topic, text: str, name_tail: re.Pattern[str] | None) -> list[tuple[int, int, Term]]:
    """Non-overlapping term matches, longest first, minus negative phrases and company names."""
    lowered = text.lower()
    found = [
        (m.start(), m.end(), term)
        for term in topic.terms
        if term.needle in lowered
        for m in term.pattern.finditer(text)
    ]
    if not found:
        return []
    blocked = [m.span() for neg in topic.negatives for m in neg.finditer(text)]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, Term]] = []
    for start, end, term in found:
        if any(start < b_end and b_start < end for b_start, b_end in blocked):
            continue
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        if _in_company_name(text, start, end, name_tail):
            continue
        taken.append((start, end, term))
    return taken


def _lead_end(body: str, lead_words: int) -> int:
    words = list(re.finditer(r"\S+", body))
    return words[lead_words - 1].end() if len(words) >= lead_words else len(body)


def score_topic(topic: Topic, taxonomy: Taxonomy, title: str, body: str) -> tuple[float, tuple[str, ...]]:
    """Score one topic: position (title, lead, body), frequency (1 + ln n per term) and density.

    Only body mentions are scaled by length: a term in the headline or lead is salient however long
    the story is, while a mention deep in a long story weighs less the longer the story.
    """
    lead_end = _lead_end(body, taxonomy.lead_words)
    n_words = len(body.split()) + len(title.split())
    density = min(1.0, math.sqrt(taxonomy.norm_words / max(n_words, 1)))
    per_term: dict[str, list[float]] = {}
    where: dict[str, dict[str, int]] = {}
    for field_name, text in (("title", title), ("body", body)):
        for start, _end, term in _matches(topic, text, taxonomy.name_tail):
            if field_name == "title":
                factor, place = taxonomy.title_boost, "title"
            elif start < lead_end:
                factor, place = taxonomy.lead_boost, "lead"
            else:
                factor, place = density, "body"
            per_term.setdefault(term.phrase, []).append(term.weight * factor)
            where.setdefault(term.phrase, {}).setdefault(place, 0)
            where[term.phrase][place] += 1
    raw = 0.0
    for values in per_term.values():
        raw += max(values) * (1.0 + math.log(len(values)))
    score = raw
    evidence = tuple(
        f"{phrase}@{place}x{count}"
        for phrase, places in sorted(where.items(), key=lambda kv: -max(per_term[kv[0]]))
        for place, count in places.items()
    )
    return round(score, 3), evidence


def tag_article(article: Article, taxonomy: Taxonomy) -> tuple[TopicTag, ...]:
    tags = []
    for topic in taxonomy.topics:
        score, evidence = score_topic(topic, taxonomy, article.title, article.text)
        if score >= topic.threshold:
            tags.append(
                TopicTag(
                    article_id=article.article_id,
                    topic=topic.name,
                    score=score,
                    evidence=evidence,
                    tagger_version=taxonomy.tagger_version,
                )
            )
    return tuple(tags)


def tag_batch(articles: list[Article], taxonomy: Taxonomy) -> list[tuple[TopicTag, ...]]:
    return [tag_article(a, taxonomy) for a in articles]
