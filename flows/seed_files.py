"""The one place that reads the files in seeds/: the TOML configuration and the seed corpus.

Each file is parsed here and its data handed to the pure builders in extractors/, which never see a path.
Taxonomy and gazetteer are built once per file content: compiling their phrases is worth skipping in a
process that runs the flow again and again (`newswatch serve`).
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path

from extractors.article.seed_text import seed_to_article
from extractors.records import Article, Source
from extractors.sources.source_list import sources_from
from extractors.tagging.entities import Gazetteer
from extractors.tagging.relevance import RelevanceQuery, query_from
from extractors.tagging.taxonomy import Taxonomy
from flows.settings import DEFAULT_ENTITIES, DEFAULT_FEEDS, DEFAULT_RELEVANCE, DEFAULT_TOPICS
from flows.tagging_files import (
    Models,
    ParsedFile,
    TaggingFiles,
    build_gazetteer,
    build_taxonomy,
    build_topic_model,
)
from flows.topic_model_files import ModelFileError, ParsedModel, load_model

__all__ = ["Models", "ParsedFile", "TaggingFiles", "build_gazetteer", "build_taxonomy", "build_topic_model"]


def parse_toml(path: Path) -> ParsedFile:
    return _parse(path.read_bytes(), str(path))


@lru_cache(maxsize=16)
def _parse(source: bytes, origin: str) -> ParsedFile:
    return ParsedFile(
        origin=origin, data=tomllib.loads(source.decode("utf-8")), digest=hashlib.sha256(source).hexdigest()[:8]
    )


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
