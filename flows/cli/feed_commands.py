"""`newswatch feeds` (health table), `newswatch feeds discover URL`, `newswatch backfill-warc FILE...`."""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows.cli.common import (
    DbOption,
    console,
    database_location,
    flow_location,
    invoked_as,
    open_database,
    prefect_for_command,
    settings_or_exit,
)
from flows.ops.progress import progress_display
from warehouse import db, source_health

feeds_app = typer.Typer(help="Feed health, and feed discovery.", invoke_without_command=True, no_args_is_help=False)


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "never"


@feeds_app.callback()
def feeds_table(
    ctx: typer.Context,
    db_path: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source.")] = False,
) -> None:
    """Each source: status, last success, new items in the last 7 days, failures, next poll."""
    if ctx.invoked_subcommand is not None:
        return
    path = database_location(db_path)
    with open_database(db_path) as con:
        rows = source_health.feeds_overview(con)
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, default=str, sort_keys=True))
        return
    table = Table(title=f"feeds in {db.location_label(path)}")
    table.add_column("source", overflow="fold")
    for column in ("kind", "status", "last success", "new 7d", "failures", "score", "poll every"):
        table.add_column(column)
    colors = {"ok": "green", "failing": "yellow", "disabled": "red", "off": "dim", "new": "cyan"}
    problems = []
    for r in rows:
        interval = f"{r['poll_interval_s'] // 60} min" if r["poll_interval_s"] else ""
        table.add_row(
            r["name"],
            r["kind"],
            f"[{colors.get(r['status'], 'white')}]{r['status']}[/]",
            _when(r["last_success"]),
            str(r["new_items_7d"]),
            str(r["consecutive_failures"]),
            f"{r['failure_score']:g}",
            interval,
        )
        if r["disabled_reason"] or r["last_error"]:
            problems.append(f"  - {r['name']}: {r['disabled_reason'] or r['last_error']}")
    console.print(table)
    if problems:
        console.print("[yellow]errors[/] (every request is in fetch_events):")
        for line in problems:
            console.print(line, markup=False, highlight=False)


@feeds_app.command("discover")
def discover_command(url: Annotated[str, typer.Argument(help="A site's home page, e.g. https://theprint.in/")]) -> None:
    """Find the feeds and sitemaps a site offers, check each, and print \\[\\[source]] blocks for feeds.toml."""
    import tomli_w

    from flows.http.client import HttpFetcher
    from flows.ingest.discover import Discovered, discover, source_names

    with HttpFetcher(settings_or_exit().fetch) as fetcher:
        found = discover(fetcher, url)
    table = Table(title=f"feeds found for {url}")
    for column in ("url", "title", "found in", "kind", "entries", "error"):
        table.add_column(column, overflow="fold")
    for d in found:  # Text: what a site sends is shown as it is, never read as Rich markup
        cells = (d.url, d.title or "", d.found_in, d.kind or "-", str(d.entries), d.error or "")
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    refusals: dict[str, Discovered] = {}
    for d in found:
        if d.refused_setting:
            refusals.setdefault(d.refused_setting, d)
    for setting, d in refusals.items():
        typer.echo(
            f"{d.url}: {d.error}\n"
            "newswatch fetches nothing from this machine or the local network unless allowed; to allow it:\n"
            f"  {setting} {invoked_as()} feeds discover {shlex.quote(url)}"
        )
    readable = [d for d in found if d.kind]
    for d, name in zip(readable, source_names(found), strict=True):
        typer.echo("\n[[source]]\n" + tomli_w.dumps({"name": name, "kind": d.kind, "url": d.url}).rstrip())
    if not readable:
        raise typer.Exit(1)


def backfill_warc_command(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="WARC files (.warc or .warc.gz).")],
    source: Annotated[str, typer.Option(help="Source name stored with the articles.")] = "warc backfill",
    db_path: DbOption = None,
    relevance: Annotated[bool, typer.Option(help="Keep only pages that match seeds/relevance.toml.")] = True,
) -> None:
    """Backfill articles from WARC files, such as CC-NEWS, through the same extract/dedup/tag path.

    Pages whose markup cannot match seeds/relevance.toml are skipped before extraction; unreadable
    records are recorded as rejected and the rest of the file goes in. A rerun skips what is stored."""
    with prefect_for_command():
        from flows.backfill import backfill_warc

        with progress_display(console):
            summary = backfill_warc(
                [str(f) for f in files], source=source, db_path=flow_location(db_path), relevance=relevance
            )
    typer.echo(json.dumps(asdict(summary), default=str, sort_keys=True))
