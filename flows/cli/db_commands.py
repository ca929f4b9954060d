"""`newswatch db ...`: export, import and integrity check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from warehouse import db, maintenance

db_app = typer.Typer(help="Export, import and check the DuckDB warehouse.", no_args_is_help=True)
console = Console()

DbOption = Annotated[
    Path | None, typer.Option("--db", help=f"DuckDB file (default: ${db.DB_ENV} or data/newswatch.duckdb).")
]


def _existing(path: Path | None) -> Path:
    target = path or db.default_db_path()
    if not target.exists():
        console.print(f"[red]No database at {target}.[/]")
        raise typer.Exit(1)
    return target


@db_app.command("export")
def export_command(directory: Path, db_path: DbOption = None) -> None:
    """Export every table to Parquet files in DIRECTORY (which must be new or empty)."""
    con = db.connect(_existing(db_path))
    try:
        files = maintenance.export_parquet(con, directory)
    except FileExistsError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    finally:
        con.close()
    console.print(f"exported {len(files)} files to {directory}")


@db_app.command("import")
def import_command(directory: Path, db_path: DbOption = None) -> None:
    """Import a Parquet export into a NEW database file, then bring its schema up to date."""
    target = db_path or db.default_db_path()
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


@db_app.command("check")
def check_command(db_path: DbOption = None) -> None:
    """Report orphans, dangling duplicate links and repeated keys. Exit code 1 when any are found."""
    con = db.connect(_existing(db_path))
    try:
        problems = maintenance.check_integrity(con)
    finally:
        con.close()
    if not problems:
        console.print("[green]integrity check passed[/]: no orphans, no dangling duplicate links, no repeated keys")
        return
    table = Table("check", "rows", "examples")
    for p in problems:
        table.add_row(p.check, str(p.count), ", ".join(e[:16] for e in p.examples))
    console.print(table)
    raise typer.Exit(1)
