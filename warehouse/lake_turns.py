"""Writers of one DuckLake take turns: a PostgreSQL advisory lock held around each write unit.

The claims row (`db.transaction`) keeps concurrent keyed writes correct, but optimistically: of two
overlapping units the later one fails at commit and reruns from its first look-up, so with several workers
a batch's look-ups and load were often done twice. A unit that first takes the catalog's advisory lock
starts its transaction only after the previous holder committed, so it reads that commit and has no one to
lose a race to. The claims row stays: a writer that does not take turns (an older newswatch, a SQL session)
is still caught at commit.

Only a PostgreSQL catalog has turns: a file catalog has one process. The lock is held by a session of its
own (psycopg), opened once per DuckDB connection; PostgreSQL drops it with a session whose process died, so
a killed worker never holds the others up. A turn not had within `TURN_WAIT_S` is gone without (logged):
the claims row then keeps the unit correct, as before.

Each connection counts its turns, the time it waited for them and the units it reran after a lost commit
(`turn_counts`): a run's summary reports them, so an operator sees what sharing the lake cost.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb

log = logging.getLogger(__name__)

# One lock for all newswatch writers of a catalog database (advisory locks are per database): two int keys,
# the first naming the application, the second the lock.
TURN_KEY = (0x6E657773, 1)  # "news", write turn
TURN_WAIT_S = 600

_catalogs: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()
_sessions: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, Any] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, kw_only=True)
class TurnCounts:
    turns: int = 0  # write units that held the turn
    waited_s: float = 0.0  # time spent waiting for those turns
    reruns: int = 0  # units run again after their commit lost a race (backend.retry_conflicts)

    def as_record(self) -> dict[str, float]:
        return {"turns": self.turns, "waited_s": round(self.waited_s, 3), "reruns": self.reruns}


_counts: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, TurnCounts] = weakref.WeakKeyDictionary()
_counting = threading.Lock()


def turn_counts(con: duckdb.DuckDBPyConnection) -> TurnCounts:
    """What `con`'s write units have cost so far in turns and reruns (all zero on a file)."""
    return _counts.get(con, TurnCounts())


def _count(con: object, *, turns: int = 0, waited_s: float = 0.0, reruns: int = 0) -> None:
    try:
        with _counting:
            old = _counts.get(con, TurnCounts())  # type: ignore[call-overload]
            _counts[con] = TurnCounts(  # type: ignore[index]
                turns=old.turns + turns, waited_s=old.waited_s + waited_s, reruns=old.reruns + reruns
            )
    except TypeError:  # not a connection
        pass


def count_rerun(con: object) -> None:
    _count(con, reruns=1)


def remember_catalog(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Record that `con` writes a lake whose catalog is `catalog` (as after `ducklake:`)."""
    if catalog.startswith("postgres:"):
        _catalogs[con] = catalog.removeprefix("postgres:")


def _session(con: duckdb.DuckDBPyConnection, conninfo: str) -> Any:
    session = _sessions.get(con)
    if session is None or session.closed:
        import psycopg

        session = psycopg.connect(conninfo, autocommit=True, application_name="newswatch write turns")
        session.execute(f"SET lock_timeout = '{TURN_WAIT_S}s'")
        _sessions[con] = session
        weakref.finalize(con, session.close)
    return session


@contextmanager
def write_turn(con: object) -> Iterator[bool]:
    """Hold the lake's write turn for the block when `con` writes a PostgreSQL-catalogued lake; yields
    whether it holds one (False on a file, or when the turn could not be had)."""
    try:
        conninfo = _catalogs.get(con)  # type: ignore[call-overload]
    except TypeError:  # not a connection
        conninfo = None
    if conninfo is None:
        yield False
        return
    try:
        session = _session(con, conninfo)  # type: ignore[arg-type]
        asked = time.monotonic()
        session.execute("SELECT pg_advisory_lock(%s, %s)", TURN_KEY)
        _count(con, turns=1, waited_s=time.monotonic() - asked)
    except Exception as exc:  # any failure leaves the unit to the claims row
        from warehouse.backend import redact

        shown = redact(str(exc).splitlines()[0]) if str(exc) else type(exc).__name__
        log.warning("writing without a turn (the claims row keeps it correct): %s", shown)
        yield False
        return
    try:
        yield True
    finally:
        try:
            session.execute("SELECT pg_advisory_unlock(%s, %s)", TURN_KEY)
        except Exception:  # a broken session lost the lock with it
            session.close()
