"""One writer at a time per DuckDB file, across processes: an advisory lock on `<db>.lock` beside it.

DuckDB itself refuses a second writing process with an error mid-run; this lock makes a second
ingest (or a report started during an ingest) wait its turn, or give up with a clear message that
names the holder. The kernel drops the lock when the holder dies, so a crash leaves nothing stale.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

POLL_S = 0.5


class DatabaseBusy(RuntimeError):
    """Another process holds the database lock longer than we were willing to wait."""


def lock_path_for(db_path: Path) -> Path:
    """The lock beside the file itself: a symlink (or `..` path) to the same database names the same lock,
    so a run given the link and a run given the real path exclude each other."""
    real = db_path.resolve()
    return real.with_name(real.name + ".lock")


def describe_holder(lock_path: Path) -> str:
    try:
        holder = json.loads(lock_path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    if not holder:
        return "another process"
    return f"{holder.get('purpose', '?')} (pid {holder.get('pid', '?')}, since {holder.get('since', '?')})"


@contextmanager
def hold_database(db_path: Path, purpose: str, *, wait_s: float = 0.0) -> Iterator[Path]:
    """Hold the lock for `db_path` while the block runs; wait up to `wait_s` seconds for it."""
    lock_path = lock_path_for(db_path)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(
                        f"{db_path} is in use by {describe_holder(lock_path)}; not starting {purpose}"
                    ) from None
                time.sleep(POLL_S)
        holder = {"purpose": purpose, "pid": os.getpid(), "since": datetime.now().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        try:
            yield lock_path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
