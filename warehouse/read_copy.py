"""The analysts' read copy of an embedded DuckDB file: `<name>.read.duckdb` beside it.

DuckDB lets one process write a file and no other process read it meanwhile, and a reader holding the file
open keeps the writer out. So the writer publishes a copy after committed work (checkpoint, copy to a
temporary name, atomic rename), and every reader opens the copy read-only: readers and the writer never
share a file. A reader that holds the copy open keeps the version it opened (the rename leaves its file in
place) and sees the newer one on its next connection. A DuckLake warehouse needs no copy: its catalog
serves concurrent readers itself.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb


def read_copy_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}.read{db_path.suffix or '.duckdb'}")


def publish(con: duckdb.DuckDBPyConnection, db_path: Path) -> Path:
    """Copy the committed state of `db_path` (open in `con`, with no transaction running) to its read copy."""
    target = read_copy_path(db_path)
    con.execute("CHECKPOINT")  # the file alone then holds every commit; the WAL is empty
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(db_path, staging)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    return target


class Publisher:
    """Publishes during a long write at most every `interval_s` seconds, and always when asked to finish."""

    def __init__(self, db_path: Path, *, interval_s: float) -> None:
        self.db_path = db_path
        self.interval_s = interval_s
        self._last = time.monotonic()

    def maybe_publish(self, con: duckdb.DuckDBPyConnection) -> None:
        if time.monotonic() - self._last >= self.interval_s:
            self.finish(con)

    def finish(self, con: duckdb.DuckDBPyConnection) -> None:
        publish(con, self.db_path)
        self._last = time.monotonic()
