"""`newswatch retag`: re-tag every stored article with the current taxonomy and gazetteer."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.cli.common import DbOption, config_or_exit, open_database, settings_or_exit
from flows.ops.progress import progress_display
from flows.retag import retag_stored
from flows.seed_files import load_tagging, read_topic_model
from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS


def _progress(as_json: bool) -> AbstractContextManager[object]:
    """A progress bar on stderr, unless the output is JSON for a program."""
    return nullcontext() if as_json else progress_display(Console(stderr=True))


def retag_command(
    db_path: DbOption = None,
    topics: Annotated[Path, typer.Option(help="Taxonomy file.")] = DEFAULT_TOPICS,
    entities: Annotated[Path, typer.Option(help="Entity gazetteer file.")] = DEFAULT_ENTITIES,
    with_entities: Annotated[bool, typer.Option(help="Re-extract entities too.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Re-tag every stored article from its stored text with the current taxonomy (and topic model, if trained)."""
    config_or_exit({"topics": topics, "entities": entities} if with_entities else {"topics": topics})
    settings = settings_or_exit()
    model_file = settings.topic_model_file(db_path)
    _, problem = read_topic_model(model_file)
    if problem:
        typer.echo(problem, err=True)
    tagging = load_tagging(topics, entities if with_entities else None, model_file)
    if warning := tagging.model_warning():
        typer.echo(warning, err=True)
    taxonomy, gazetteer = tagging.models()
    with open_database(db_path, purpose="retag") as con, _progress(as_json):
        summary = retag_stored(con, taxonomy, gazetteer, tagging=tagging, workers=settings.analysis_workers)
    if as_json:
        typer.echo(json.dumps({**asdict(summary), "topics": dict(summary.topics)}, sort_keys=True))
        return
    typer.echo(
        f"{summary.articles} articles re-tagged with {summary.tagger_version}: {summary.tagged_articles} tagged, "
        f"{summary.tag_rows_written} new tag rows ({', '.join(f'{k}={v}' for k, v in sorted(summary.topics.items()))})"
    )
    if gazetteer:
        typer.echo(f"entities with {summary.gazetteer_version}: {summary.entity_rows_written} new rows")
