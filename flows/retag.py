"""`newswatch retag`: tag stored articles again after the taxonomy (or gazetteer) changed, without refetching.

New rows carry the new tagger_version / gazetteer_version; older rows stay, and the `current_tags` and
`current_entities` views show the newest. Running it twice with the same files writes nothing the second time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from extractors.tagging.entities import Gazetteer, load_gazetteer
from extractors.tagging.entities import extract_batch as extract_entity_batch
from extractors.tagging.topics import Taxonomy, load_taxonomy, tag_batch
from warehouse import db
from warehouse.tag_versions import (
    all_tagged_with,
    count_rows,
    record_all_tagged,
    stored_article_batches,
    write_versioned_rows,
)

SEEDS_DIR = db.PROJECT_ROOT / "seeds"


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


def retag_command(
    db_path: Annotated[
        Path | None, typer.Option("--db", help=f"DuckDB file (default: ${db.DB_ENV} or data/newswatch.duckdb).")
    ] = None,
    topics: Annotated[Path, typer.Option(help="Taxonomy file.")] = SEEDS_DIR / "topics.toml",
    entities: Annotated[Path, typer.Option(help="Entity gazetteer file.")] = SEEDS_DIR / "entities.toml",
    with_entities: Annotated[bool, typer.Option(help="Re-extract entities too.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Re-tag every stored article from its stored text with the current taxonomy; nothing is refetched."""
    path = db_path or db.default_db_path()
    if not path.exists():
        typer.echo(f"No database at {path}. Run `newswatch run` first.", err=True)
        raise typer.Exit(1)
    taxonomy = load_taxonomy(topics)
    gazetteer = load_gazetteer(entities) if with_entities else None
    con = db.connect(path)
    try:
        summary = retag_stored(con, taxonomy, gazetteer)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps({**asdict(summary), "topics": dict(summary.topics)}, sort_keys=True))
        return
    typer.echo(
        f"{summary.articles} articles re-tagged with {summary.tagger_version}: {summary.tagged_articles} tagged, "
        f"{summary.tag_rows_written} new tag rows ({', '.join(f'{k}={v}' for k, v in sorted(summary.topics.items()))})"
    )
    if gazetteer:
        typer.echo(f"entities with {summary.gazetteer_version}: {summary.entity_rows_written} new rows")
