"""Tag stored articles again after the taxonomy (or gazetteer) changed, without refetching (`newswatch retag`,
and every ingest run whose taxonomy or gazetteer version was never applied to all stored articles).

New rows carry the new tagger_version / gazetteer_version; older rows stay, and the `current_tags` and
`current_entities` views show the newest. Running it twice with the same files writes nothing the second time.
Batches are tagged in the analysis worker processes when there are enough of them, and written in
article_id order, each with how far the re-tag got (`retag_progress`): a killed re-tag resumes there.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field

import duckdb

from extractors.records import Article, EntityCount, TopicTag
from extractors.tagging.entities import Gazetteer
from extractors.tagging.taxonomy import Taxonomy
from flows.ops.progress import advance
from flows.seed_files import TaggingFiles
from warehouse.tag_versions import (
    RetagProgress,
    all_tagged_with,
    articles_after,
    count_rows,
    record_all_tagged,
    resume_point,
    stored_article_batches,
    write_versioned_rows,
)

BATCH_SIZE = 500
# Below this many batches, starting worker processes costs more than it saves.
POOL_MIN_BATCHES = 4
PROGRESS_STAGE = "re-tag stored articles"

Tagged = tuple[list[Article], list[TopicTag], list[EntityCount]]


@dataclass(kw_only=True)
class RetagSummary:
    tagger_version: str
    gazetteer_version: str | None
    articles: int = 0  # re-tagged by this call (a resumed re-tag: those after where the last one stopped)
    resumed_after: int = 0  # articles an interrupted earlier re-tag had done
    tagged_articles: int = 0
    tag_rows_written: int = 0
    entity_rows_written: int = 0
    topics: Counter[str] = field(default_factory=Counter)


# The worker module is imported by the functions that use it: it brings the analysis stack (trafilatura, lxml,
# numpy), which the CLI's other commands must start without (tests/integration/test_cli_imports.py).
def _in_process(batches: Iterable[list[Article]], taxonomy: Taxonomy, gazetteer: Gazetteer | None) -> Iterator[Tagged]:
    from flows.ingest.pool_worker import tag_articles

    for articles in batches:
        yield (articles, *tag_articles(articles, taxonomy, gazetteer))


def _in_pool(batches: Iterable[list[Article]], tagging: TaggingFiles, workers: int) -> Iterator[Tagged]:
    """Each batch tagged in a worker, results in the batches' order; two batches a worker in flight, so
    the stored text read and the rows written here overlap the workers' tagging without queueing it all."""
    from flows.ingest.pool_worker import tag_in_worker, worker_pool

    with worker_pool(tagging, workers) as pool:
        pending: deque[tuple[list[Article], Future[tuple[list[TopicTag], list[EntityCount]]]]] = deque()
        for articles in batches:
            pending.append((articles, pool.submit(tag_in_worker, articles)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield (done, *future.result())
        while pending:
            done, future = pending.popleft()
            yield (done, *future.result())


def retag_stored(
    con: duckdb.DuckDBPyConnection,
    taxonomy: Taxonomy,
    gazetteer: Gazetteer | None,
    *,
    tagging: TaggingFiles | None = None,
    workers: int = 1,
    batch_size: int | None = None,
) -> RetagSummary:
    """Re-tag every stored article, or those after where an interrupted re-tag with the same versions
    stopped. `tagging` (the files `taxonomy` and `gazetteer` were built from) lets workers build them."""
    gazetteer_version = gazetteer.version if gazetteer else None
    summary = RetagSummary(tagger_version=taxonomy.tagger_version, gazetteer_version=gazetteer_version)
    tags_before = count_rows(con, "topic_tags", "tagger_version", taxonomy.tagger_version)
    entities_before = count_rows(con, "article_entities", "gazetteer_version", gazetteer.version) if gazetteer else 0
    resumed = resume_point(con, taxonomy.tagger_version, gazetteer_version)
    summary.resumed_after = resumed.articles if resumed else 0
    ids = articles_after(con, resumed.last_article_id if resumed else None)
    advance(PROGRESS_STAGE, 0, total=len(ids))
    size = batch_size or BATCH_SIZE
    batches = stored_article_batches(con, ids, size)
    use_pool = tagging is not None and workers > 1 and len(ids) >= POOL_MIN_BATCHES * size
    tagged = _in_pool(batches, tagging, workers) if use_pool and tagging else _in_process(batches, taxonomy, gazetteer)
    for articles, tags, entities in tagged:
        summary.articles += len(articles)
        progress = RetagProgress(
            tagger_version=taxonomy.tagger_version,
            gazetteer_version=gazetteer_version,
            last_article_id=articles[-1].article_id,
            articles=summary.resumed_after + summary.articles,
        )
        write_versioned_rows(con, tags, entities, progress)
        summary.tagged_articles += len({t.article_id for t in tags})
        summary.topics.update(t.topic for t in tags)
        advance(PROGRESS_STAGE, len(articles))
    summary.tag_rows_written = count_rows(con, "topic_tags", "tagger_version", taxonomy.tagger_version) - tags_before
    if gazetteer:
        summary.entity_rows_written = (
            count_rows(con, "article_entities", "gazetteer_version", gazetteer.version) - entities_before
        )
    record_all_tagged(con, taxonomy.tagger_version, gazetteer_version)
    return summary


def retag_if_versions_changed(
    con: duckdb.DuckDBPyConnection,
    taxonomy: Taxonomy,
    gazetteer: Gazetteer | None,
    *,
    tagging: TaggingFiles | None = None,
    workers: int = 1,
) -> RetagSummary | None:
    """Re-tag the stored articles unless every one was already tagged with these versions: after a taxonomy
    or gazetteer edit, the next run brings the older articles up to date before it adds new ones. An
    interrupted re-tag resumes after the last batch it wrote."""
    if all_tagged_with(con, taxonomy.tagger_version, gazetteer.version if gazetteer else None):
        return None
    return retag_stored(con, taxonomy, gazetteer, tagging=tagging, workers=workers)
