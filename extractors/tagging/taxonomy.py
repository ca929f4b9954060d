"""The topic taxonomy as data: seeds/topics.toml parsed into topics, weighted terms, negative phrases and
the scoring settings. Matching and scoring an article against it is extractors/tagging/topics.py."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from extractors.tagging.learned import TopicModel
from extractors.tagging.terms import NeedlePositions, NeedleScanner, needle_index, needles, phrase_pattern, phrase_spans

# Up to three more capitalised words (or "and"/"&") before a corporate suffix, in any case so that
# all-capitals headlines count too ("Star Oil and Gas Ltd", "ONYX PETROLEUM CO LTD"), or before a stock
# ticker ("ASHLAND OIL <ASH>", "Reliance Industries (RELI.NS)", "Exxon (NYSE: XOM)"). A bare capitalised
# word in brackets is not a ticker: "Liquefied Natural Gas (LNG)" spells out an acronym.
NAME_WORDS = r"(?:\s+(?:and|&|[A-Z][\w&'.-]*)){0,3}"
TICKER = r"\s*(?:<[A-Z][A-Z0-9.]{0,9}>|\((?:[A-Z]{2,8}:\s*[A-Z][A-Z0-9]{0,9}|[A-Z][A-Z0-9]{0,9}\.[A-Z]{1,2})\))"
NAME_TAIL = NAME_WORDS + r"(?:\s+(?i:%s)(?![\w-])|" + TICKER + ")"


@dataclass(frozen=True, kw_only=True)
class Term:
    phrase: str
    weight: float
    pattern: re.Pattern[str]

    @cached_property
    def needles(self) -> tuple[str, ...]:
        return needles(self.phrase)

    def spans_in(self, text: str, positions: NeedlePositions | None) -> list[tuple[int, int]]:
        return phrase_spans(self.phrase, self.pattern, self.needles, text, positions)


@dataclass(frozen=True, kw_only=True)
class Topic:
    name: str
    threshold: float
    terms: tuple[Term, ...]
    negatives: tuple[Term, ...]  # weightless: they only cancel the terms they overlap

    @cached_property
    def term_index(self) -> dict[str, tuple[int, ...]]:
        return needle_index(term.needles for term in self.terms)

    @cached_property
    def negative_index(self) -> dict[str, tuple[int, ...]]:
        return needle_index(negative.needles for negative in self.negatives)


@dataclass(frozen=True, kw_only=True)
class Taxonomy:
    version: str
    title_boost: float
    lead_boost: float
    lead_words: int
    norm_words: int
    length_exponent: float
    passing_mention: float
    name_tail: re.Pattern[str] | None
    topics: tuple[Topic, ...]
    scanner: NeedleScanner = field(compare=False, repr=False)
    # The learned model trained beside this taxonomy, when the user trained one (extractors/tagging/learned.py).
    model: TopicModel | None = field(default=None, compare=False, repr=False)

    @property
    def tagger_version(self) -> str:
        return f"taxonomy-{self.version}" + (f"+model-{self.model.digest}" if self.model else "")

    def with_model(self, model: TopicModel | None) -> Taxonomy:
        return dataclasses.replace(self, model=model)


def taxonomy_from(data: Mapping[str, Any], *, digest: str) -> Taxonomy:
    """The taxonomy in a parsed topics.toml; `digest` identifies its content inside `tagger_version`."""
    scoring = data.get("scoring", {})
    topics = []
    for name, spec in data["topics"].items():
        terms = tuple(
            Term(phrase=phrase, weight=float(weight), pattern=phrase_pattern(phrase))
            for phrase, weight in spec["terms"].items()
        )
        negatives = tuple(Term(phrase=p, weight=0.0, pattern=phrase_pattern(p)) for p in spec.get("negative", []))
        topics.append(Topic(name=name, threshold=float(spec["threshold"]), terms=terms, negatives=negatives))
    raw_version = str(data.get("version", "0"))
    suffixes = [re.escape(s) for s in scoring.get("name_suffixes", [])]
    return Taxonomy(
        version=f"{raw_version}+{digest}",
        title_boost=float(scoring.get("title_boost", 3.0)),
        lead_boost=float(scoring.get("lead_boost", 1.5)),
        lead_words=int(scoring.get("lead_words", 60)),
        norm_words=int(scoring.get("norm_words", 250)),
        length_exponent=float(scoring.get("length_exponent", 0.0)),
        passing_mention=float(scoring.get("passing_mention", 1.0)),
        name_tail=re.compile(NAME_TAIL % "|".join(suffixes)) if suffixes else None,
        topics=tuple(topics),
        scanner=NeedleScanner(n for topic in topics for term in topic.terms + topic.negatives for n in term.needles),
    )
