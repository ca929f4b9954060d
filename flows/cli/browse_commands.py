"""`newswatch browse`: the story browser alone, on 127.0.0.1 (`make serve` starts it beside Prefect)."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import DbOption, console, database_location, settings_or_exit
from flows.settings import BROWSER_HOST


def browse_command(
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port on 127.0.0.1 (default: $NEWSWATCH_BROWSER_PORT, 8400).")
    ] = None,
    db_path: DbOption = None,
    refresh_index: Annotated[
        bool, typer.Option(help="Rebuild the search index first when articles changed (only if no writer runs).")
    ] = True,
) -> None:
    """Browse stories in a local web app: filter by topic, date, outlet and language, search, and open a
    story's timeline, copies, tag evidence and entities. Read-only; Ctrl-C stops it."""
    from flows.browser.server import refresh_search_index, run_browser

    settings = settings_or_exit()
    location = database_location(db_path)
    if refresh_index:
        console.print(refresh_search_index(location, settings.warehouse), highlight=False)
    port = port or settings.browser_port
    console.print(f"Starting the story browser at http://{BROWSER_HOST}:{port} (Ctrl-C stops it)", highlight=False)
    run_browser(location, settings.warehouse, port)
