"""What analysis workers receive and build their models from: parsed seed files, with no path.

Apart from flows/seed_files.py, which reads the files, so that a worker process importing this (to unpickle
`TaggingFiles`) imports neither the settings nor the HTTP client behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors.tagging.entities import Gazetteer, gazetteer_from
from extractors.tagging.learned import TopicModel
from extractors.tagging.taxonomy import Taxonomy, taxonomy_from
from flows.topic_model_files import ParsedModel


@dataclass(frozen=True, kw_only=True)
class ParsedFile:
    """A TOML file's data and the digest of its bytes: what analysis workers need, with no path."""

    origin: str
    data: dict[str, Any]
    digest: str


Models = tuple[Taxonomy, Gazetteer | None]
# Built models by content digest, in whichever process builds them: the flow's, a pool or a Dask worker.
_taxonomies: dict[str, Taxonomy] = {}
_gazetteers: dict[str, Gazetteer] = {}
_models: dict[str, TopicModel] = {}


def build_taxonomy(parsed: ParsedFile) -> Taxonomy:
    if parsed.digest not in _taxonomies:
        _taxonomies[parsed.digest] = taxonomy_from(parsed.data, digest=parsed.digest)
    return _taxonomies[parsed.digest]


def build_gazetteer(parsed: ParsedFile) -> Gazetteer:
    if parsed.digest not in _gazetteers:
        _gazetteers[parsed.digest] = gazetteer_from(parsed.data, digest=parsed.digest, origin=parsed.origin)
    return _gazetteers[parsed.digest]


def build_topic_model(parsed: ParsedModel) -> TopicModel:
    if parsed.digest not in _models:
        _models[parsed.digest] = parsed.model()
    return _models[parsed.digest]


@dataclass(frozen=True, kw_only=True)
class TaggingFiles:
    """The parsed taxonomy, gazetteer and learned topic model: sent to analysis workers, which build the
    models themselves, so a worker needs neither the checkout nor the files at any path."""

    topics: ParsedFile
    entities: ParsedFile | None
    model: ParsedModel | None = None
    model_problem: str | None = None  # why a model file was not used: the taxonomy tags alone

    def model_warning(self) -> str | None:
        """A line when the model was trained beside another taxonomy than this one: it still tags, but its
        taxonomy-score features now come from other terms or rules, so it should be trained again."""
        if self.model is None:
            return None
        trained_beside = self.model.meta.get("taxonomy_version")
        current = build_taxonomy(self.topics).tagger_version
        if not trained_beside or trained_beside == current:
            return None
        return (
            f"the topic model {self.model.origin} was trained beside {trained_beside}, not {current}: it still"
            " tags, but train it again (newswatch topics train FILE.jsonl ...) so it learns the taxonomy's new scores"
        )

    def models(self) -> Models:
        taxonomy = build_taxonomy(self.topics)
        if self.model is not None:
            taxonomy = taxonomy.with_model(build_topic_model(self.model))
        return taxonomy, build_gazetteer(self.entities) if self.entities else None
