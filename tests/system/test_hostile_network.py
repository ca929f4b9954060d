"""Hostile faults with real processes: a SIGKILLed ingest leaves no analysis workers (nor their resource
tracker) alive behind it; a password in a PostgreSQL-catalogued lake's location stays out of Prefect."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.cli.common import flow_location
from tests.support.helpers import flow_run_record
from tests.support.paths import PROJECT
from tests.support.postgres import LocalPostgres

NO_PROC = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

Process = tuple[int, int]  # pid, start time: a pid alone may be reused


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return fields[0], int(fields[1]), int(fields[19])


def _descendants(root: int) -> set[Process]:
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents.setdefault(stat[1], []).append((int(entry.name), stat[2]))
    found: set[Process] = set()
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def _alive(process: Process) -> bool:
    stat = _stat(process[0])
    return stat is not None and stat[2] == process[1] and stat[0] != "Z"  # a zombie holds nothing


def _kill_and_find_survivors(mode: str, *, expect_at_least: int, tmp_path: Path) -> list[str]:
    """Start `tests.support.run_owner MODE`, SIGKILL it once ready, and give its descendants 5 s to go."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    owner = subprocess.Popen(
        [sys.executable, "-m", "tests.support.run_owner", mode], cwd=PROJECT, env=env, stdout=subprocess.PIPE, text=True
    )
    descendants: set[Process] = set()
    try:
        assert owner.stdout is not None
        line = owner.stdout.readline()  # the owner checks what it started works before saying so
        assert line.strip() == "ready", f"{mode} owner failed (exit {owner.poll()})"
        descendants = _descendants(owner.pid)
        commands = {
            p: Path(f"/proc/{p[0]}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:100] for p in descendants
        }
        assert len(descendants) >= expect_at_least, commands
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in descendants):
            time.sleep(0.1)
        return [f"{p[0]} {commands[p]}" for p in sorted(descendants) if _alive(p)]
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        for pid, started in descendants:  # only what this test started, checked by start time
            if _alive((pid, started)):
                os.kill(pid, signal.SIGKILL)


@NO_PROC
def test_workers_exit_when_the_run_that_owns_them_is_killed(tmp_path: Path) -> None:
    # Two workers and the multiprocessing resource tracker.
    assert _kill_and_find_survivors("pool", expect_at_least=3, tmp_path=tmp_path) == []


@NO_PROC
def test_the_local_prefect_server_stops_when_the_command_that_started_it_is_killed(tmp_path: Path) -> None:
    assert _kill_and_find_survivors("prefect-server", expect_at_least=1, tmp_path=tmp_path) == []


def test_a_run_into_a_postgres_catalogued_lake_with_a_password_keeps_it_out_of_prefect(
    prefect_harness: None, postgres: LocalPostgres, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The whole path on a real catalog (its trust authentication takes any password): the run stores the
    bundled capture through the real location, while Prefect keeps only the redacted one."""
    pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra")
    from flows.ingest.flow import ingest

    secret = "s3cret-Pa55"
    monkeypatch.setenv("NEWSWATCH_DB", "")  # flow_location sets it; restored after the test
    monkeypatch.setenv("NEWSWATCH_LAKE_DATA", str(tmp_path / "lake-files"))
    location = f"{postgres.lake_location(postgres.create('lake_secret'))} password={secret}"
    state = ingest(db_path=flow_location(location), capture=True, live=False, return_state=True)
    summary = state.result()
    assert summary.stored_articles == 5  # the five captured pages, all copies of seeds
    parameters, logs = flow_run_record(state.state_details.flow_run_id)
    assert parameters["db_path"] == location.replace(secret, "***")
    assert logs and [line for line in logs if secret in line] == []
