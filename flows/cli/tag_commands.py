"""`newswatch retag`: re-tag every stored article with the current taxonomy and gazetteer."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import DbOption, config_or_exit, open_database, settings_or_exit
from flows.retag import retag_stored
from flows.seed_files import load_gazetteer, load_taxonomy, read_topic_model
from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS


def retag_command(
    db_path: DbOption = None,
    topics: Annotated[Path, typer.Option(help="Taxonomy file.")] = DEFAULT_TOPICS,
    entities: Annotated[Path, typer.Option(help="Entity gazetteer file.")] = DEFAULT_ENTITIES,
    with_entities: Annotated[bool, typer.Option(help="Re-extract entities too.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Re-tag every stored article from its stored text with the current taxonomy (and topic model, if trained)."""
    config_or_exit({"topics": topics, "entities": entities} if with_entities else {"topics": topics})
    model, problem = read_topic_model(settings_or_exit().topic_model_file(db_path))
    if problem:
        typer.echo(problem, err=True)
    taxonomy = load_taxonomy(topics, model)
    gazetteer = load_gazetteer(entities) if with_entities else None
    with open_database(db_path, purpose="retag") as con:
        summary = retag_stored(con, taxonomy, gazetteer)
    if as_json:
        typer.echo(json.dumps({**asdict(summary), "topics": dict(summary.topics)}, sort_keys=True))
        return
    typer.echo(
        f"{summary.articles} articles re-tagged with {summary.tagger_version}: {summary.tagged_articles} tagged, "
        f"{summary.tag_rows_written} new tag rows ({', '.join(f'{k}={v}' for k, v in sorted(summary.topics.items()))})"
    )
    if gazetteer:
        typer.echo(f"entities with {summary.gazetteer_version}: {summary.entity_rows_written} new rows")
