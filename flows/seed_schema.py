"""The typed schema of every TOML file in seeds/: what `newswatch check-config` and each run check first.

Unknown keys are errors, so a typo (`enabeld = false`) is caught instead of silently ignored.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from extractors.records import SourceKind
from extractors.tagging.entities import ENTITY_KINDS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceEntry(_Strict):
    name: str = Field(min_length=1)
    kind: SourceKind
    url: str = Field(min_length=1)
    enabled: bool = True
    language: str | None = None
    country: str | None = None


class FeedsFile(_Strict):
    source: list[SourceEntry] = []  # names must be unique too: flows/config_check.py says where


class Scoring(_Strict):
    title_boost: float = 3.0
    lead_boost: float = 1.5
    lead_words: int = 60
    norm_words: int = 250
    length_exponent: float = 0.0
    passing_mention: float = 1.0
    name_suffixes: list[str] = []


class TopicSpec(_Strict):
    threshold: float = Field(gt=0)
    terms: dict[str, float] = Field(min_length=1)
    negative: list[str] = []


class TopicsFile(_Strict):
    version: str | int | float = "0"
    scoring: Scoring = Scoring()
    topics: dict[str, TopicSpec] = Field(min_length=1)


EntityKind = Literal["weapon", "person", "organisation", "place"]
assert set(get_args(EntityKind)) == ENTITY_KINDS


class EntitySpec(_Strict):
    name: str = Field(min_length=1)
    kind: EntityKind
    aliases: list[str] = []


class EntitiesFile(_Strict):
    version: str | int | float = "0"
    entity: list[EntitySpec] = []


class TermGroupSpec(_Strict):
    name: str = Field(min_length=1)
    terms: list[str] = Field(min_length=1)


class RelevanceFile(_Strict):
    name: str | None = None
    group: list[TermGroupSpec] = Field(min_length=1)


SCHEMAS: dict[str, type[BaseModel]] = {
    "feeds": FeedsFile,
    "topics": TopicsFile,
    "entities": EntitiesFile,
    "relevance": RelevanceFile,
}
