"""`newswatch search "QUERY"`: full-text search over stored articles, each story once."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.table import Table

from flows.cli.common import DbOption, check_topic, console, database_location, settings_or_exit
from flows.ops.db_lock import DatabaseBusy
from flows.ops.open_db import open_for_reading, open_for_writing
from flows.ops.progress import advance, progress_display
from flows.report.periods import parse_since
from warehouse import backend, read_copy
from warehouse.backend import WarehouseOptions
from warehouse.fulltext import SearchHit, SearchQuery, SearchUnavailable, build_index, index_is_current, search


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return parse_since(text, datetime.now()).date()
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _search_refreshing(location: Path | str, options: WarehouseOptions, request: SearchQuery) -> list[SearchHit]:
    """Search the file itself when no writer holds it, first rebuilding the index if articles changed since
    it was built (the rebuilt index then reaches the read copy too)."""
    with open_for_writing(location, options, purpose="search", publish=False) as con:
        if not index_is_current(con):
            with progress_display(console):
                advance("building the search index", 0, total=1)
                build_index(con)
                advance("building the search index")
            read_copy.publish(con, Path(location))  # only then: a search that changed nothing copies nothing
        return search(con, request)


def search_command(
    query: Annotated[str, typer.Argument(help='Words to find, e.g. "S-400 delivery" (title and text, stemmed).')],
    topic: Annotated[str | None, typer.Option(help="Only stories tagged with this topic.")] = None,
    since: Annotated[str | None, typer.Option(help="Stories dated from: 7d, 2w, or 2026-11-01.")] = None,
    until: Annotated[str | None, typer.Option(help="Stories dated up to this day, e.g. 2026-11-20.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Most stories to show.")] = 20,
    db_path: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Search stored articles (DuckDB full-text search); each story is listed once, best match first."""
    check_topic(topic)
    request = SearchQuery(
        text=query, topic=topic, since=_day(since, "--since"), until=_day(until, "--until"), limit=limit
    )
    if backend.is_lake(database_location(db_path)):
        console.print(
            "[red]Full-text search needs the embedded DuckDB file[/]: DuckLake cannot hold DuckDB's search index. "
            "Query a lake with SQL instead (e.g. title ILIKE '%S-400%')."
        )
        raise typer.Exit(1)
    location = database_location(db_path)
    options = settings_or_exit().warehouse
    try:
        try:
            hits = _search_refreshing(location, options, request)
        except DatabaseBusy:
            # An ingest is writing: search the read copy, with the index as of the last publish.
            with open_for_reading(location, options) as con:
                if not index_is_current(con):
                    console.print("[dim]An ingest is running: results are from the search index as last built.[/]")
                hits = search(con, request)
    except SearchUnavailable as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    except duckdb.Error as exc:
        console.print(f"[red]Cannot search {location}:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    if as_json:
        for hit in hits:
            typer.echo(json.dumps(asdict(hit), default=str, ensure_ascii=False))
        return
    if not hits:
        console.print("No matching stories.")
        return
    table = Table(
        title=f"{len(hits)} stories matching {query!r}",
        caption="date: published, else first seen by newswatch; copies: the story's articles that copy another",
    )
    for column in ("score", "date", "articles", "copies"):
        table.add_column(column, no_wrap=True)
    table.add_column("topics", ratio=1)
    table.add_column("source", ratio=1)
    table.add_column("headline / link", ratio=4, overflow="fold")
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}",
            f"{hit.day:%Y-%m-%d}\n{hit.day_is}",
            str(hit.articles),
            str(hit.copies),
            ", ".join(hit.topics),
            hit.source,
            f"{hit.title}\n[link={hit.url}]{hit.url}[/link]",
        )
    console.print(table)
