"""One writer per database: the lock is held across processes and named in the refusal."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.ops.db_lock import DatabaseBusy, hold_database, lock_path_for

HOLDER = """
import sys, time
from pathlib import Path
from flows.ops.db_lock import hold_database
with hold_database(Path(sys.argv[1]), "ingest"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_in_other_process(db_path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_writer_is_refused_with_the_holder_named(db_path: Path) -> None:
    holder = _hold_in_other_process(db_path, 30)
    try:
        started = time.monotonic()
        with (
            pytest.raises(DatabaseBusy, match=rf"in use by ingest \(pid {holder.pid}"),
            hold_database(db_path, "report", wait_s=0.6),
        ):
            pass
        assert time.monotonic() - started >= 0.5  # it waited before giving up
    finally:
        holder.kill()
        holder.wait()
    with hold_database(db_path, "report") as lock:  # the kernel released the dead holder's lock
        assert lock == lock_path_for(db_path)


def test_waiter_gets_the_lock_when_the_holder_finishes(db_path: Path) -> None:
    holder = _hold_in_other_process(db_path, 1.0)
    started = time.monotonic()
    with hold_database(db_path, "report", wait_s=20):
        assert time.monotonic() - started >= 0.8  # we only got in after the holder's second was over
    holder.wait()


@pytest.mark.parametrize("holder_uses_link", [True, False], ids=["holder-via-link", "holder-via-real-path"])
def test_a_symlink_to_the_database_takes_the_same_lock(db_path: Path, tmp_path: Path, holder_uses_link: bool) -> None:
    db_path.touch()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "link.duckdb"
    link.symlink_to(db_path)
    holder_path, other_path = (link, db_path) if holder_uses_link else (db_path, link)
    holder = _hold_in_other_process(holder_path, 30)
    try:
        with (
            pytest.raises(DatabaseBusy, match=rf"in use by ingest \(pid {holder.pid}"),
            hold_database(other_path, "report"),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    assert lock_path_for(link) == lock_path_for(db_path) == db_path.resolve().with_name(db_path.name + ".lock")
    assert not (elsewhere / "link.duckdb.lock").exists()


def test_ingest_flow_refuses_to_overlap(prefect_harness: None, db_path: Path, tmp_path: Path) -> None:
    from flows.ingest.flow import ingest

    feeds = tmp_path / "feeds.toml"
    feeds.write_text("", encoding="utf-8")
    holder = _hold_in_other_process(db_path, 30)
    try:
        with pytest.raises(DatabaseBusy, match="not starting ingest"):
            ingest(db_path=str(db_path), feeds_file=str(feeds), capture=False, live=False, lock_wait_s=0)
    finally:
        holder.kill()
        holder.wait()
    assert not db_path.exists()  # refused before touching the database
