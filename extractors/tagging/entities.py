"""Named entities from a gazetteer (seeds/entities.toml): weapon systems, people, organisations, places.

Matching is by alias, in English, Hindi and Russian. Aliases written in capitals match case-sensitively
(so "SCO" is the organisation, "sco" inside a word or sentence is not); the rest ignore case. Where aliases
overlap, the longest wins, so "BrahMos Aerospace" counts as the company and not also as the missile.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from extractors.reading import read_body, read_title
from extractors.records import Article, EntityCount
from extractors.tagging.terms import (
    NeedleScanner,
    candidates,
    is_acronym,
    longest_first,
    needle_index,
    needles,
    phrase_pattern,
    phrase_spans,
)

ENTITY_KINDS = frozenset({"weapon", "person", "organisation", "place"})


@dataclass(frozen=True, kw_only=True)
class Alias:
    text: str
    entity: str
    kind: str
    needles: tuple[str, ...]
    case_sensitive: bool
    pattern: re.Pattern[str]


@dataclass(frozen=True, kw_only=True)
class Gazetteer:
    version: str
    aliases: tuple[Alias, ...]
    scanner: NeedleScanner = field(compare=False, repr=False)

    @cached_property
    def alias_index(self) -> dict[str, tuple[int, ...]]:
        return needle_index(alias.needles for alias in self.aliases)

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(a.entity for a in self.aliases)


def gazetteer_from(data: Mapping[str, Any], *, digest: str, origin: str = "gazetteer") -> Gazetteer:
    """The gazetteer in a parsed entities.toml; `origin` names it in errors."""
    aliases: list[Alias] = []
    for spec in data.get("entity", []):
        name, kind = str(spec["name"]), str(spec["kind"])
        if kind not in ENTITY_KINDS:
            raise ValueError(f"{origin}: entity {name!r} has kind {kind!r}; expected one of {sorted(ENTITY_KINDS)}")
        for text in dict.fromkeys([name, *spec.get("aliases", [])]):
            case_sensitive = is_acronym(text)
            aliases.append(
                Alias(
                    text=text,
                    entity=name,
                    kind=kind,
                    needles=needles(text, case_sensitive=case_sensitive),
                    case_sensitive=case_sensitive,
                    pattern=phrase_pattern(text, case_sensitive=case_sensitive),
                )
            )
    return Gazetteer(
        version=f"gazetteer-{data.get('version', '0')}+{digest}",
        aliases=tuple(aliases),
        scanner=NeedleScanner(n for alias in aliases for n in alias.needles),
    )


def _alias_matches(text: str, gazetteer: Gazetteer) -> list[tuple[int, int, Alias]]:
    """Non-overlapping alias matches, longest first."""
    positions, aligned = gazetteer.scanner.positions_in(text)
    found = [
        (start, end, alias)
        for alias in (gazetteer.aliases[i] for i in candidates(gazetteer.alias_index, frozenset(positions)))
        for start, end in phrase_spans(alias.text, alias.pattern, alias.needles, text, positions if aligned else None)
    ]
    return longest_first(found)


def extract_entities(article: Article, gazetteer: Gazetteer) -> tuple[EntityCount, ...]:
    """Per-entity mention counts for one article, most mentioned first, in the title and the body as far as
    extractors/reading.py reads them."""
    mentions: dict[str, int] = defaultdict(int)
    in_title: set[str] = set()
    seen_as: dict[str, dict[str, None]] = defaultdict(dict)
    kinds: dict[str, str] = {}
    for field_name, text in (("title", read_title(article.title)), ("body", read_body(article.text))):
        for _start, _end, alias in _alias_matches(text, gazetteer):
            mentions[alias.entity] += 1
            kinds[alias.entity] = alias.kind
            seen_as[alias.entity][alias.text] = None
            if field_name == "title":
                in_title.add(alias.entity)
    return tuple(
        EntityCount(
            article_id=article.article_id,
            entity=entity,
            kind=kinds[entity],
            mentions=count,
            in_title=entity in in_title,
            aliases=tuple(seen_as[entity]),
            gazetteer_version=gazetteer.version,
        )
        for entity, count in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def extract_batch(articles: list[Article], gazetteer: Gazetteer) -> list[tuple[EntityCount, ...]]:
    return [extract_entities(a, gazetteer) for a in articles]
