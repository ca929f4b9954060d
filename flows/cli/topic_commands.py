"""`newswatch topics train` (the learned topic model) and `newswatch tag` (an analyst's correction)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractors.tagging.training import train_topic_model
from flows.cli.common import DbOption, config_or_exit, console, database_location, open_database, settings_or_exit
from flows.ops.progress import advance, progress_display
from flows.seed_files import load_taxonomy
from flows.settings import DEFAULT_TOPICS
from flows.topic_model_files import save_model
from flows.training_files import RowsRead, feedback_rows, read_labelled
from warehouse.tag_feedback import (
    UnknownArticle,
    corrected_articles,
    current_topics,
    record_feedback,
    resolve_article_id,
)

topics_app = typer.Typer(help="The learned topic model beside the taxonomy.", no_args_is_help=True)

MODEL_HELP = "Where to write the model (default: $NEWSWATCH_TOPIC_MODEL, else beside the database)."
TopicsOption = Annotated[Path, typer.Option("--topics", help="Taxonomy file.")]


def _model_path(model: Path | None, db_path: str | None) -> Path:
    return model or settings_or_exit().topic_model_file(db_path)


@topics_app.command(name="train")
def train_command(
    files: Annotated[list[Path] | None, typer.Argument(help="Labelled rows, JSON lines (topics-dev format).")] = None,
    feedback: Annotated[bool, typer.Option("--feedback", help="Learn from analysts' corrections too.")] = False,
    db_path: DbOption = None,
    topics: TopicsOption = DEFAULT_TOPICS,
    model: Annotated[Path | None, typer.Option(help=MODEL_HELP)] = None,
) -> None:
    """Train the topic model from labelled files and/or corrections; the next run re-tags stored articles with it."""
    if not files and not feedback:
        console.print("[red]Nothing to train from:[/] give labelled files, --feedback, or both.")
        raise typer.Exit(2)
    config_or_exit({"topics": topics})
    taxonomy = load_taxonomy(topics)
    read = read_labelled(files or [], RowsRead())
    if feedback:
        database_location(db_path)
        with open_database(db_path) as con:
            corrected = corrected_articles(con)
        read.rows.extend(feedback_rows(corrected, (t.name for t in taxonomy.topics)))
        typer.echo(f"{len(corrected)} corrected articles")
    for problem in read.problems:
        typer.echo(f"skipped {problem}", err=True)
    if not read.rows:
        console.print("[red]No labelled rows to train from.[/]")
        raise typer.Exit(2)
    with progress_display(Console(stderr=True)):
        trained = train_topic_model(
            read.rows, taxonomy, on_progress=lambda stage, done, total: advance(stage, done, total=total)
        )
    if not trained.meta["topics"]:
        console.print(f"[red]No topic could be learned:[/] {json.dumps(trained.skipped)}", highlight=False)
        raise typer.Exit(2)
    path = _model_path(model, db_path)
    digest = save_model(path, trained)
    typer.echo(f"model {digest} from {len(read.rows)} rows: {', '.join(trained.meta['topics'])} -> {path}")
    for topic, why in sorted(trained.skipped.items()):
        typer.echo(f"{topic}: not learned ({why}); the taxonomy alone tags it")
    typer.echo("The next `newswatch run` re-tags the stored articles with it (or run `newswatch retag` now).")


def tag_command(
    article_id: Annotated[str, typer.Argument(help="The article's id (or its first 8+ characters).")],
    add: Annotated[list[str] | None, typer.Option("--add", help="A topic the article is about.")] = None,
    remove: Annotated[list[str] | None, typer.Option("--remove", help="A topic it is not about.")] = None,
    analyst: Annotated[str, typer.Option(help="Who says so (recorded).")] = "",
    db_path: DbOption = None,
    topics: TopicsOption = DEFAULT_TOPICS,
) -> None:
    """Correct an article's topic tags: the correction wins at once, and `topics train --feedback` learns from it."""
    add, remove = list(add or []), list(remove or [])
    known = {t.name for t in load_taxonomy(topics).topics}
    unknown = sorted(set(add + remove) - known)
    if unknown:
        console.print(
            f"[red]Unknown topic {', '.join(unknown)}[/]; topics: {', '.join(sorted(known))}", highlight=False
        )
        raise typer.Exit(2)
    if set(add) & set(remove):
        console.print(f"[red]Both added and removed:[/] {', '.join(sorted(set(add) & set(remove)))}", highlight=False)
        raise typer.Exit(2)
    with open_database(db_path, purpose="tag correction") as con:
        try:
            resolved = resolve_article_id(con, article_id)
        except UnknownArticle as exc:
            console.print(f"[red]{exc}[/]", highlight=False)
            raise typer.Exit(1) from None
        if add or remove:
            record_feedback(con, resolved, add=add, remove=remove, analyst=analyst)
        tags = current_topics(con, resolved)
    typer.echo(f"{resolved}: " + (", ".join(f"{t} ({v})" for t, _s, _e, v in tags) or "no topic"))
