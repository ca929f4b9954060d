"""`newswatch db ...`: export, import and integrity check."""

from __future__ import annotations

from pathlib import Path

import duckdb
import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.common import DbOption, console, database_location, given_location, open_database, settings_or_exit
from flows.ops.open_db import reading_location
from warehouse import maintenance

db_app = typer.Typer(help="Export, import and check the DuckDB warehouse.", no_args_is_help=True)


@db_app.command("export")
def export_command(directory: Path, db_path: DbOption = None) -> None:
    """Export every table to Parquet files in DIRECTORY (which must be new or empty)."""
    with open_database(db_path) as con:
        try:
            files = maintenance.export_parquet(con, directory)
        except FileExistsError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from exc
    console.print(f"exported {len(files)} files to {directory}")


@db_app.command("import")
def import_command(directory: Path, db_path: DbOption = None) -> None:
    """Import a Parquet export into a NEW database file, then bring its schema up to date."""
    given = given_location(db_path)
    if isinstance(given, str):
        console.print("[red]Import needs a DuckDB file:[/] a DuckLake warehouse is filled by `newswatch run`.")
        raise typer.Exit(2)
    target = given or settings_or_exit().db_file
    created = not target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        try:
            loaded = maintenance.import_parquet(con, directory)
        finally:
            con.close()
    except (FileExistsError, FileNotFoundError, maintenance.ExportRejected) as exc:
        if created:  # a refused import leaves no half-made database behind
            for leftover in (target, target.with_name(target.name + ".wal")):
                leftover.unlink(missing_ok=True)
        console.print(
            f"[red]Cannot import {escape(str(directory))}:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None
    console.print(f"imported {sum(loaded.values())} rows in {len(loaded)} tables from {directory} into {target}")


@db_app.command("path")
def path_command(db_path: DbOption = None) -> None:
    """Print what analysts open read-only (duckdb -readonly, notebooks): the published read copy of the
    database file, which stays readable while an ingest writes; the file itself before the first publish."""
    typer.echo(str(reading_location(database_location(db_path))))


@db_app.command("check")
def check_command(db_path: DbOption = None) -> None:
    """Read every table whole, then report orphans, dangling duplicate links and repeated keys.
    Exit code 1 when a table cannot be read or any problem is found."""
    # The file itself, read-only, not its read copy: it is the file's state that must be whole.
    with open_database(db_path, purpose="integrity check", file_itself=True) as con:
        problems = maintenance.check_integrity(con)
    if not problems:
        console.print(
            "[green]integrity check passed[/]: every table reads whole; no orphans, no dangling duplicate links,"
            " no repeated keys"
        )
        return
    unreadable = [p for p in problems if p.error is not None]
    for p in unreadable:
        console.print(f"[red]{escape(p.check)}:[/] {escape(p.error or '')}", highlight=False, soft_wrap=True)
    found = [p for p in problems if p.error is None]
    if found:
        table = Table("check", "rows", "examples")
        for p in found:
            table.add_row(p.check, str(p.count), ", ".join(e[:16] for e in p.examples))
        console.print(table)
    raise typer.Exit(1)
