"""The `newswatch` entry point as a subprocess, on a real failure: a DuckDB file that is not newswatch's, so a
query fails mid-command. One line and exit 1 without --debug; the traceback with it. A flow run's traceback
stays off the console but in the run's log on the Prefect server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.ops.prefect_server import free_port, stop_server, wait_healthy
from tests.support.paths import PROJECT

PREFECT = str(Path(sys.executable).with_name("prefect"))


@pytest.fixture(scope="module")
def foreign_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("foreign") / "other.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE something_else (x INTEGER)")
    return path


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("prefect")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log_path = home / "server.log"
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("prefect")),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        wait_healthy(api_url, server, log_path)
        yield api_url, env | {"PREFECT_API_URL": api_url}
    finally:
        stop_server(server)


def newswatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_internal_error_is_one_line_unless_debugging(foreign_db: Path) -> None:
    done = newswatch("stats", "--db", str(foreign_db))
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("newswatch: internal error: CatalogException: Catalog Error: Table with name ")
    assert line.endswith(" (run again with --debug for the traceback)")

    debugged = newswatch("--debug", "stats", "--db", str(foreign_db))
    assert debugged.returncode == 1
    assert "Traceback" in debugged.stderr and "CatalogException" in debugged.stderr
    assert "internal error" not in debugged.stderr


def test_a_failed_flow_run_keeps_its_traceback_in_its_log_not_on_the_console(
    foreign_db: Path, prefect_api: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    api_url, env = prefect_api
    done = newswatch("report", "--db", str(foreign_db), "--out", str(tmp_path), env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 1
    assert "Traceback" not in output and 'File "' not in output, output
    error, where = done.stderr.splitlines()[-2:]
    assert error.startswith("newswatch: internal error: CatalogException: ")
    assert where.endswith(f"Prefect keeps the flow run's log, traceback included, on the dashboard at {api_url[:-4]}")

    logs = httpx.post(f"{api_url}/logs/filter", json={"limit": 200}).json()
    assert any("Traceback" in log["message"] and "CatalogException" in log["message"] for log in logs)

    debugged = newswatch("--debug", "report", "--db", str(foreign_db), "--out", str(tmp_path), env=env)
    assert debugged.returncode == 1 and "Traceback" in debugged.stdout + debugged.stderr
