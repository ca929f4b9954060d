"""Opening the warehouse for a writer: the file's lock first (one writer at a time), then the connection.

A DuckLake location takes no file lock: its catalog serialises concurrent writers itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from flows.ops.db_lock import hold_database
from warehouse import backend, db


@contextmanager
def open_for_writing(
    location: Path | str, options: backend.WarehouseOptions, *, purpose: str, wait_s: float = 0.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    with ExitStack() as stack:
        if not backend.is_lake(location):
            stack.enter_context(hold_database(Path(location), purpose, wait_s=wait_s))
        con = db.connect(location, options=options)
        stack.callback(con.close)
        yield con
