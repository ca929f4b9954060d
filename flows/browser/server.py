"""Running the story browser: alone (`newswatch browse`) or beside the Prefect server (`make serve`).

It listens on 127.0.0.1 only and sends nothing anywhere. Before it serves, the full-text index is brought up
to date as `newswatch search` does it (on the file itself, under the writer's lock, only when no writer holds
it, then published to the read copy); the pages themselves never write.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import uvicorn
from fastapi import FastAPI

from flows.browser.app import create_app
from flows.ops.db_lock import DatabaseBusy
from flows.ops.open_db import open_for_writing
from flows.settings import BROWSER_HOST, load_settings
from warehouse import backend, read_copy
from warehouse.fulltext import SearchUnavailable, build_index, index_is_current

START_WAIT_S = 15.0


def refresh_search_index(location: Path | str, options: backend.WarehouseOptions) -> str:
    """Rebuild the search index when articles changed since it was built; says what it did, or why not."""
    if backend.is_lake(location):
        return "Search is off: DuckLake cannot hold DuckDB's full-text index."
    if not Path(location).exists():
        return "No database yet: the pages say so until the first ingest."
    try:
        with open_for_writing(location, options, purpose="search index", publish=False) as con:
            if index_is_current(con):
                return "Search index up to date."
            count = build_index(con)
            read_copy.publish(con, Path(location))
            return f"Search index built over {count} articles."
    except DatabaseBusy:
        return "A writer holds the warehouse: search uses the index as last built."
    except SearchUnavailable as exc:
        return f"Search is off: {exc}"
    except duckdb.Error as exc:
        return f"Search index not refreshed: {(str(exc).splitlines() or [type(exc).__name__])[0]}"


def _config(app: FastAPI, port: int, *, quiet: bool) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=BROWSER_HOST,
        port=port,
        log_level="warning" if quiet else "info",
        access_log=not quiet,
        server_header=False,
        lifespan="off",
    )


def run_browser(location: Path | str, options: backend.WarehouseOptions, port: int) -> None:
    """Serve in the foreground until Ctrl-C."""
    uvicorn.Server(_config(create_app(location, options), port, quiet=False)).run()


def start_in_background(app: FastAPI, port: int, *, wait_s: float = START_WAIT_S) -> Callable[[], None] | None:
    """Serve `app` from a daemon thread; the stop function once it listens, None when it could not start
    (uvicorn has logged why, e.g. the port is taken)."""
    server = uvicorn.Server(_config(app, port, quiet=True))

    def run() -> None:
        with contextlib.suppress(SystemExit):  # uvicorn's answer to a port it cannot listen on, after it logged why
            server.run()

    thread = threading.Thread(target=run, name="story-browser", daemon=True)
    thread.start()
    deadline = time.monotonic() + wait_s
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        return None

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=5.0)

    return stop


def start_story_browser(port: int | None = None) -> Callable[[], None]:
    """For `make serve`: the browser over the configured warehouse, beside the Prefect server. Prints where it
    is, or why it is not; returns what stops it."""
    settings = load_settings()
    port = port or settings.browser_port
    print(refresh_search_index(settings.location, settings.warehouse), flush=True)
    stop = start_in_background(create_app(settings.location, settings.warehouse), port)
    if stop is None:
        print(f"Story browser not started: nothing listens on {BROWSER_HOST}:{port} (see the error above).", flush=True)
        return lambda: None
    print(f"Story browser: http://{BROWSER_HOST}:{port}", flush=True)
    return stop
