"""Progress of long work, reported by flows and shown by the CLI as Rich progress bars.

Flows call `advance(...)`; nothing is shown unless a command has installed a display with
`progress_display()`. Scheduled runs (no terminal) pay one attribute look-up per call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

_display: Progress | None = None
_tasks: dict[str, TaskID] = {}


def advance(stage: str, step: int = 1, *, total: int | None = None) -> None:
    """Add `step` done units to `stage`; `total`, when given, sets how many units the stage has."""
    if _display is None:
        return
    if stage not in _tasks:
        _tasks[stage] = _display.add_task(stage, total=total)
    elif total is not None:
        _display.update(_tasks[stage], total=total)
    _display.advance(_tasks[stage], step)


@contextmanager
def progress_display(console: Console | None = None) -> Iterator[Progress]:
    global _display
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as display:
        _display = display
        _tasks.clear()
        try:
            yield display
        finally:
            _display = None
            _tasks.clear()
