"""Tag stored articles again after the taxonomy (or gazetteer) changed, without refetching (`newswatch retag`,
and every ingest run whose taxonomy or gazetteer version was never applied to all stored articles).

New rows carry the new tagger_version / gazetteer_version; older rows stay, and the `current_tags` and
`current_entities` views show the newest. Running it twice with the same files writes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb

from extractors.tagging.entities import Gazetteer
from extractors.tagging.entities import extract_batch as extract_entity_batch
from extractors.tagging.topics import Taxonomy, tag_batch
from warehouse.tag_versions import (
    all_tagged_with,
    count_rows,
    record_all_tagged,
    stored_article_batches,
    write_versioned_rows,
)


@dataclass(kw_only=True)
class RetagSummary:
    tagger_version: str
    gazetteer_version: str | None
    articles: int = 0
    tagged_articles: int = 0
    tag_rows_written: int = 0
    entity_rows_written: int = 0
    topics: Counter[str] = field(default_factory=Counter)


def retag_stored(
    con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, gazetteer: Gazetteer | None, *, batch_size: int = 500
) -> RetagSummary:
    summary = RetagSummary(
        tagger_version=taxonomy.tagger_version, gazetteer_version=gazetteer.version if gazetteer else None
    )
    tags_before = count_rows(con, "topic_tags", "tagger_version", taxonomy.tagger_version)
    entities_before = count_rows(con, "article_entities", "gazetteer_version", gazetteer.version) if gazetteer else 0
    for articles in stored_article_batches(con, batch_size):
        tags = [t for per_article in tag_batch(articles, taxonomy) for t in per_article]
        entities = (
            [e for per_article in extract_entity_batch(articles, gazetteer) for e in per_article] if gazetteer else []
        )
        write_versioned_rows(con, tags, entities)
        summary.articles += len(articles)
        summary.tagged_articles += len({t.article_id for t in tags})
        summary.topics.update(t.topic for t in tags)
    summary.tag_rows_written = count_rows(con, "topic_tags", "tagger_version", taxonomy.tagger_version) - tags_before
    if gazetteer:
        summary.entity_rows_written = (
            count_rows(con, "article_entities", "gazetteer_version", gazetteer.version) - entities_before
        )
    record_all_tagged(con, taxonomy.tagger_version, gazetteer.version if gazetteer else None)
    return summary


def retag_if_versions_changed(
    con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, gazetteer: Gazetteer | None
) -> RetagSummary | None:
    """Re-tag the stored articles unless every one was already tagged with these versions: after a taxonomy
    or gazetteer edit, the next run brings the older articles up to date before it adds new ones. An
    interrupted re-tag is not recorded, so the next run repeats it (rows already written are kept)."""
    if all_tagged_with(con, taxonomy.tagger_version, gazetteer.version if gazetteer else None):
        return None
    return retag_stored(con, taxonomy, gazetteer)
