"""Bugs on the command line: one line naming the error, and its traceback only with `--debug`.

A user's mistake is answered where it is found, with its own one-line message (and typer.Exit or a usage
error). Anything else reaching the top is a bug in newswatch or below it: without `--debug` (or
NEWSWATCH_DEBUG=1) the command prints what it was and where the logs are, and exits 1.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperGroup

from flows.ops.prefect_server import ChosenApi
from flows.settings import debug_requested, prefect_home

MAX_MESSAGE = 300


@dataclass
class CommandState:
    """What the running command has told the error handler: set by the `--debug` callback, which runs first
    on every invocation, and by `prefect_for_command`."""

    debug: bool = False
    prefect: ChosenApi | None = None


_command = CommandState()


def start_command(*, debug: bool) -> None:
    global _command
    _command = CommandState(debug=debug)


def note_prefect_api(chosen: ChosenApi) -> None:
    _command.prefect = chosen


def debug_wanted() -> bool:
    return _command.debug or debug_requested()


def internal_error_lines(exc: BaseException, prefect: ChosenApi | None) -> list[str]:
    """What a command prints for a bug: the error on one line, then where its flow run's log is, if it ran one."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    lines = [f"newswatch: internal error: {what} (run again with --debug for the traceback)"]
    if prefect is not None:
        where = (
            f"in {prefect_home()}; `make serve` shows it on its dashboard"
            if prefect.own_server
            else f"on the dashboard at {prefect.url.removesuffix('/api')}"
        )
        lines.append(f"newswatch: Prefect keeps the flow run's log, traceback included, {where}")
    return lines


class NewswatchGroup(TyperGroup):
    """The `newswatch` command group: turns an unexpected exception into one line unless debugging."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort, EOFError):
            raise  # usage errors, typer.Exit, Ctrl-C and Ctrl-D: Typer answers these itself
        except Exception as exc:
            if debug_wanted():
                raise
            for line in internal_error_lines(exc, _command.prefect):
                typer.echo(line, err=True)
            raise typer.Exit(1) from None


class _WithoutTraceback(logging.Formatter):
    """Formats a record as `inner` does, leaving out its traceback."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


@contextmanager
def console_tracebacks_hidden() -> Iterator[None]:
    """While a command's flow runs: Prefect's console handler prints log records without their tracebacks,
    unless debugging. Its API handler, which ships the run's log to the server, keeps them."""
    if debug_wanted():
        yield
        return
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.logging.handlers import PrefectConsoleHandler

    ensure_logging_setup()  # Prefect creates its handlers on first use; later setups keep them
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    formatters = [h.formatter for h in handlers]
    for handler, formatter in zip(handlers, formatters, strict=True):
        handler.setFormatter(_WithoutTraceback(formatter))
    try:
        yield
    finally:
        for handler, formatter in zip(handlers, formatters, strict=True):
            handler.setFormatter(formatter)
