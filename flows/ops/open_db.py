"""Opening the warehouse: a writer takes the file's lock first (one writer at a time), then the connection,
and publishes the analysts' read copy (warehouse/read_copy.py) when it is done; a reader opens that copy.

A DuckLake location takes no file lock and has no copy: its catalog serialises writers and serves readers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from flows.ops.db_lock import DatabaseBusy, hold_database
from warehouse import backend, db, read_copy

# While a long write runs, the read copy is refreshed at most this often (and always at its end).
PUBLISH_INTERVAL_S = 30.0
CONNECT_RETRY_S = 0.5


def _connect_waiting(
    location: Path | str, options: backend.WarehouseOptions, wait_s: float
) -> duckdb.DuckDBPyConnection:
    """Connect, waiting out a process that holds the file itself (someone opened the file, not its read copy)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return db.connect(location, options=options)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                copy = read_copy.read_copy_path(Path(location))
                raise DatabaseBusy(f"{exc}. Readers should open the read copy {copy} instead.") from None
            time.sleep(CONNECT_RETRY_S)


@contextmanager
def open_for_writing(
    location: Path | str,
    options: backend.WarehouseOptions,
    *,
    purpose: str,
    wait_s: float = 0.0,
    publish: bool = True,
    read_only: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file under its lock. `publish`: refresh the read copy at the end (a writer whose work may have
    changed nothing passes False and publishes itself when it did). `read_only`: hold the lock, so no writer
    runs meanwhile, but only read the file (db check); nothing is published."""
    with ExitStack() as stack:
        lake = backend.is_lake(location)
        if not lake:
            stack.enter_context(hold_database(Path(location), purpose, wait_s=wait_s))
        if read_only:
            con = db.connect(location, read_only=True, options=options)
        else:
            con = _connect_waiting(location, options, wait_s)
        stack.callback(con.close)
        yield con
        if publish and not read_only and not lake:
            read_copy.publish(con, Path(location))


def publisher_for(location: Path | str) -> read_copy.Publisher | None:
    return None if backend.is_lake(location) else read_copy.Publisher(Path(location), interval_s=PUBLISH_INTERVAL_S)


def reading_location(location: Path | str) -> Path | str:
    """Where a reader opens the warehouse: the read copy when one is published, else the file itself."""
    if backend.is_lake(location):
        return location
    copy = read_copy.read_copy_path(Path(location))
    return copy if copy.exists() else location


@contextmanager
def open_for_reading(location: Path | str, options: backend.WarehouseOptions) -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.connect(reading_location(location), read_only=True, options=options)
    try:
        yield con
    finally:
        con.close()
