"""Profile the stored articles again when the story profile changed (its version, or the gazetteer whose
entities it holds): every ingest run checks first, as it does for re-tagging (flows/retag.py). The stored
story ids stay; the terms and document frequencies later articles are compared with are made anew, so old
and new articles are weighed alike. Two passes over the stored originals: the document frequencies of the
new vocabulary first, then each article's indexed terms under them, all in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from extractors.dedup.story_profile import heaviest_terms, indexed_terms, profile_version, story_date, story_profile
from extractors.records import Article, StoryProfile
from extractors.tagging.entities import Gazetteer, extract_entities
from warehouse import story_profiles


@dataclass(frozen=True, kw_only=True)
class ReprofileSummary:
    version: str
    articles: int


def _profiles(articles: list[Article], gazetteer: Gazetteer | None) -> list[StoryProfile]:
    return [story_profile(a, extract_entities(a, gazetteer) if gazetteer else ()) for a in articles]


def reprofile_stored(
    con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer | None, *, batch_size: int = 500
) -> ReprofileSummary:
    version = profile_version(gazetteer.version if gazetteer else None)
    frequency: dict[str, int] = {}
    documents = 0
    for articles in story_profiles.original_batches(con, batch_size):
        for p in _profiles(articles, gazetteer):
            if p.counts:
                documents += 1
                for term, _ in p.counts:
                    frequency[term] = frequency.get(term, 0) + 1

    def batches() -> Iterator[list[list[Any]]]:
        for articles in story_profiles.original_batches(con, batch_size):
            out: list[list[Any]] = []
            for article, p in zip(articles, _profiles(articles, gazetteer), strict=True):
                vocabulary = {term for term, _ in p.counts}
                heaviest = heaviest_terms(p.counts, frequency, documents - 1, vocabulary)
                out.extend(
                    [t, p.article_id, c, story_date(article), p.language] for t, c in indexed_terms(heaviest, p.counts)
                )
            yield out

    if not story_profiles.replace_story_terms(con, batches, frequency, documents, version):
        return ReprofileSummary(version=version, articles=0)  # another worker profiled them meanwhile
    return ReprofileSummary(version=version, articles=documents)


def reprofile_if_version_changed(
    con: duckdb.DuckDBPyConnection, gazetteer: Gazetteer | None
) -> ReprofileSummary | None:
    """Profile the stored articles again unless the last recorded profile version is the current one. An
    interrupted run records nothing, so the next one repeats it."""
    version = profile_version(gazetteer.version if gazetteer else None)
    if story_profiles.recorded_version(con) == version:
        return None
    if not story_profiles.has_articles(con):
        story_profiles.record_version(con, version)
        return None
    return reprofile_stored(con, gazetteer)
