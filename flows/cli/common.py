"""What every command shares: the console, the `--db` option, and opening the database or saying why not."""

from __future__ import annotations

import difflib
import shlex
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console

from flows.cli.errors import console_tracebacks_hidden, note_prefect_api
from flows.config_check import check_files
from flows.ops.db_lock import DatabaseBusy
from flows.ops.open_db import open_for_reading, open_for_writing
from flows.ops.prefect_server import chosen_prefect_api
from flows.seed_files import parse_toml
from flows.settings import DEFAULT_TOPICS, Settings, SettingsError, load_settings, pass_location_privately
from warehouse import backend, db

console = Console()

# A string, not a Path: a Path folds the `//` of `ducklake:postgresql://...` (given_location below).
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="DuckDB file or ducklake: location (default: $NEWSWATCH_DB or data/newswatch.duckdb)."),
]


def invoked_as() -> str:
    """How this command line was started, for a command printed to run as it is: the `newswatch` script as
    it was typed, else `python -m flows.cli` with this interpreter."""
    if Path(sys.argv[0]).name == "newswatch":
        return shlex.quote(sys.argv[0])
    return f"{shlex.quote(sys.executable)} -m flows.cli"


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        console.print(f"[red]Bad environment setting:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None


def config_or_exit(files: dict[str, Path]) -> None:
    """Check the seed files before anything starts: one line a problem, exit 2."""
    problems = check_files(files)
    for problem in problems:
        typer.echo(str(problem), err=True)
    if problems:
        raise typer.Exit(2)


def check_topic(topic: str | None, option: str = "--topic") -> None:
    """A topic of the taxonomy, or a usage error naming the topics (and the closest one)."""
    if topic is None:
        return
    known = list(parse_toml(DEFAULT_TOPICS).data.get("topics", {}))
    if topic not in known:
        close = difflib.get_close_matches(topic, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise typer.BadParameter(f"unknown topic {topic!r}; {hint}topics: {', '.join(known)}", param_hint=option)


def flow_location(db_path: Path | str | None) -> str | None:
    """The `--db` location as a flow's `db_path` parameter, which Prefect keeps and shows: a password in it
    reaches the flow run through the environment instead (flows/settings.pass_location_privately)."""
    return pass_location_privately(str(db_path)) if db_path else None


def given_location(db_path: str | Path | None) -> Path | str | None:
    """`--db` as given: a `ducklake:` location kept as written, anything else a file path."""
    if db_path is None:
        return None
    return str(db_path) if backend.is_lake(db_path) else Path(db_path)


def database_location(db_path: str | Path | None) -> Path | str:
    """The `--db` location, else the configured one; exits with a message when no such file exists."""
    location = given_location(db_path) or settings_or_exit().location
    if not backend.is_lake(location) and not Path(location).exists():
        console.print(f"[red]No database at {location}.[/] Run `newswatch run` first.")
        raise typer.Exit(1)
    return location


@contextmanager
def open_database(
    db_path: str | Path | None, *, purpose: str | None = None, wait_s: float = 0.0, file_itself: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, opened for a command: its read copy for reading. `purpose`: the command writes, so it
    takes the file's lock first; with `file_itself`, it holds the lock but only reads the file."""
    location = database_location(db_path)
    options = settings_or_exit().warehouse
    try:
        if purpose is None:
            with open_for_reading(location, options) as con:
                yield con
        else:
            with open_for_writing(location, options, purpose=purpose, wait_s=wait_s, read_only=file_itself) as con:
                yield con
    except (DatabaseBusy, duckdb.IOException, backend.BackendUnavailable) as exc:
        console.print(f"[red]Cannot open {db.location_label(location)}:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None


@contextmanager
def prefect_for_command() -> Iterator[str]:
    """The Prefect API for a command's flow runs (flows.ops.prefect_server); their tracebacks stay off the
    console unless debugging (flows/cli/errors.py)."""
    with ExitStack() as stack:
        chosen = stack.enter_context(chosen_prefect_api())
        note_prefect_api(chosen)
        stack.enter_context(console_tracebacks_hidden())
        yield chosen.url
