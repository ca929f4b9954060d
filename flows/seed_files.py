"""The one place that reads the files in seeds/: the TOML configuration and the seed corpus.

Each file is parsed here and its data handed to the pure builders in extractors/, which never see a path.
Taxonomy and gazetteer are built once per file content: compiling their phrases is worth skipping in a
process that runs the flow again and again (`newswatch serve`).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.article.seed_text import seed_to_article
from extractors.records import Article, Source
from extractors.sources.source_list import sources_from
from extractors.tagging.entities import Gazetteer, gazetteer_from
from extractors.tagging.learned import TopicModel
from extractors.tagging.relevance import RelevanceQuery, query_from
from extractors.tagging.topics import Taxonomy, taxonomy_from
from flows.settings import DEFAULT_ENTITIES, DEFAULT_FEEDS, DEFAULT_RELEVANCE, DEFAULT_TOPICS
from flows.topic_model_files import ModelFileError, ParsedModel, load_model


@dataclass(frozen=True, kw_only=True)
class ParsedFile:
    """A TOML file's data and the digest of its bytes: what analysis workers need, with no path."""

    origin: str
    data: dict[str, Any]
    digest: str


def parse_toml(path: Path) -> ParsedFile:
    return _parse(path.read_bytes(), str(path))


@lru_cache(maxsize=16)
def _parse(source: bytes, origin: str) -> ParsedFile:
    return ParsedFile(
        origin=origin, data=tomllib.loads(source.decode("utf-8")), digest=hashlib.sha256(source).hexdigest()[:8]
    )


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

    def models(self) -> Models:
        taxonomy = build_taxonomy(self.topics)
        if self.model is not None:
            taxonomy = taxonomy.with_model(build_topic_model(self.model))
        return taxonomy, build_gazetteer(self.entities) if self.entities else None


def read_topic_model(path: Path | None) -> tuple[ParsedModel | None, str | None]:
    """The learned model at `path` (None when there is none), or None and the one-line reason it is unusable."""
    if path is None:
        return None, None
    try:
        return load_model(path), None
    except ModelFileError as exc:
        return None, f"{exc}; tagging with the taxonomy alone"


def load_tagging(topics: Path, entities: Path | None, model: Path | None = None) -> TaggingFiles:
    parsed_model, problem = read_topic_model(model)
    return TaggingFiles(
        topics=parse_toml(topics),
        entities=parse_toml(entities) if entities else None,
        model=parsed_model,
        model_problem=problem,
    )


def load_taxonomy(path: Path, model: ParsedModel | None = None) -> Taxonomy:
    taxonomy = build_taxonomy(parse_toml(path))
    return taxonomy.with_model(build_topic_model(model)) if model is not None else taxonomy


def load_gazetteer(path: Path) -> Gazetteer:
    return build_gazetteer(parse_toml(path))


def load_query(path: Path) -> RelevanceQuery:
    return query_from(parse_toml(path).data, origin=path.stem)


def load_sources(path: Path) -> list[Source]:
    return sources_from(parse_toml(path).data, origin=str(path))


def seed_paths(
    *,
    feeds: str | Path | None = None,
    topics: str | Path | None = None,
    entities: str | Path | None = None,
    relevance: str | Path | None = None,
) -> dict[str, Path]:
    """The seed files a run reads, by kind: those given, else the bundled ones in seeds/."""
    return {
        "feeds": Path(feeds) if feeds else DEFAULT_FEEDS,
        "topics": Path(topics) if topics else DEFAULT_TOPICS,
        "entities": Path(entities) if entities else DEFAULT_ENTITIES,
        "relevance": Path(relevance) if relevance else DEFAULT_RELEVANCE,
    }


def load_seed_articles(corpus_dir: Path) -> list[Article]:
    return [seed_to_article(p.name, p.read_text(encoding="utf-8")) for p in sorted(corpus_dir.glob("*.txt"))]
