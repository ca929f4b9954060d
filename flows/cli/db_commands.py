"""`newswatch db ...`: export, import and integrity check."""

from __future__ import annotations

from pathlib import Path

import duckdb
import typer
from rich.table import Table

from flows.cli.common import DbOption, console, database_location, open_database, settings_or_exit
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
    target = db_path or settings_or_exit().db_file
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        loaded = maintenance.import_parquet(con, directory)
    except (FileExistsError, FileNotFoundError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    console.print(f"imported {sum(loaded.values())} rows in {len(loaded)} tables from {directory} into {target}")


@db_app.command("path")
def path_command(db_path: DbOption = None) -> None:
    """Print what analysts open read-only (duckdb -readonly, notebooks): the published read copy of the
    database file, which stays readable while an ingest writes; the file itself before the first publish."""
    typer.echo(str(reading_location(database_location(db_path))))


@db_app.command("check")
def check_command(db_path: DbOption = None) -> None:
    """Report orphans, dangling duplicate links and repeated keys. Exit code 1 when any are found."""
    # The file itself, not the read copy: it is the file's state that must be whole.
    with open_database(db_path, purpose="integrity check") as con:
        problems = maintenance.check_integrity(con)
    if not problems:
        console.print("[green]integrity check passed[/]: no orphans, no dangling duplicate links, no repeated keys")
        return
    table = Table("check", "rows", "examples")
    for p in problems:
        table.add_row(p.check, str(p.count), ", ".join(e[:16] for e in p.examples))
    console.print(table)
    raise typer.Exit(1)
