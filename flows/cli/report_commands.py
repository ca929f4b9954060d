"""`newswatch report`: run the report flow once and say where the files are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.cli.common import DbOption, console, database_location, flow_location, prefect_for_command
from flows.ops.progress import progress_display
from flows.report.periods import parse_since


def report_command(
    since: Annotated[str, typer.Option(help="Period: 7d, 24h, 2w, 90m, or a start date such as 2026-11-01.")] = "7d",
    db_path: DbOption = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the report files (default: reports/).")] = None,
    per_topic: Annotated[int, typer.Option(min=1, help="Top stories listed per topic.")] = 5,
) -> None:
    """Write an HTML report (charts) and a Markdown digest of the period; publish them to the Prefect dashboard."""
    from datetime import datetime

    try:
        parse_since(since, datetime.now())
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None
    path = database_location(db_path)
    with prefect_for_command() as api_url:
        console.print(f"[dim]Prefect API {api_url}[/]")
        from flows.report.flow import report

        with progress_display(console):
            result = report(
                db_path=flow_location(path), since=since, out_dir=str(out) if out else None, per_topic=per_topic
            )
    table = Table(title=f"newswatch report {result['since']} – {result['until']}", show_header=False)
    table.add_row("stories in period", str(result["stories"]))
    table.add_row("topics", ", ".join(result["topics"]) or "none")
    table.add_row("HTML report", result["html"])
    table.add_row("Markdown digest", result["markdown"])
    console.print(table)
