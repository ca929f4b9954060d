"""What `newswatch serve` (`make serve`) and the commands beside it print works as printed: the command that
starts a deployment's run, the "View at" link of a run on its server, the reports it serves over HTTP; and a
command that starts a Prefect server of its own prints no link that dies with it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flows.ops.prefect_server import free_port
from flows.settings import DEFAULT_REPORTS_DIR
from tests.support.paths import PROJECT
from warehouse import db

# The CLI with the port it looks for `make serve`'s server on pointed elsewhere: the real entry point, aimed at
# the server this test started (or at nothing) whatever else runs on this machine.
WITH_SERVE_PORT = (
    "import sys; from flows.ops import prefect_server; prefect_server.SERVE_PORT = int(sys.argv.pop(1)); "
    "sys.argv[0] = 'newswatch'; from flows.cli.app import app; app()"
)
VIEW_AT = re.compile(r"View at (http://\S+)")


def two_free_ports() -> int:
    while True:
        port = free_port()
        if port < 65535:
            try:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue


def client_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="module")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """`newswatch serve --port P` as `make serve` runs it, with its own Prefect home and database."""
    home = tmp_path_factory.mktemp("serve")
    port = two_free_ports()
    env = client_env(home / "prefect") | {"NEWSWATCH_DB": str(home / "served.duckdb")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while sum(line.startswith("  PREFECT_API_URL=") for line in lines) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        yield {"port": port, "lines": lines, "home": home}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_run_command_serve_prints_works_as_printed(serving: dict[str, object], tmp_path: Path) -> None:
    lines = list(serving["lines"])  # type: ignore[call-overload]
    commands = [line.strip() for line in lines if line.startswith("  PREFECT_API_URL=")]
    ingest = next(c for c in commands if c.endswith("deployment run newswatch-ingest/ingest-every-30-min"))
    # From another shell: another directory, no virtualenv, none of newswatch's or Prefect's variables.
    shell_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["bash", "-c", ingest], cwd=tmp_path, env=shell_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    flow_run_id = re.search(r"UUID:\s*([0-9a-f-]{36})", done.stdout)
    assert flow_run_id, done.stdout
    api = f"http://127.0.0.1:{serving['port']}/api"
    deadline, state = time.monotonic() + 300, None
    while time.monotonic() < deadline:
        state = httpx.get(f"{api}/flow_runs/{flow_run_id.group(1)}").json()["state"]["type"]
        if state in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}:
            break
        time.sleep(2)
    assert state == "COMPLETED", "".join(serving["lines"])  # type: ignore[arg-type]


def test_serve_serves_the_reports_folder_beside_the_dashboard(serving: dict[str, object]) -> None:
    reports = f"http://127.0.0.1:{int(serving['port']) + 1}"  # type: ignore[call-overload]
    assert f"Reports ({DEFAULT_REPORTS_DIR}): {reports}/latest.html\n" in serving["lines"]  # type: ignore[operator]
    answer = httpx.get(f"{reports}/.newswatch-reports")
    assert answer.status_code == 200 and answer.json() == {"root": str(DEFAULT_REPORTS_DIR.resolve())}


def report_against(serve_port: int, home: Path, tmp_path: Path) -> str:
    database = tmp_path / "report.duckdb"
    db.connect(database).close()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WITH_SERVE_PORT,
            str(serve_port),
            "report",
            "--db",
            str(database),
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT,
        env=client_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_a_run_on_the_serve_server_links_to_its_live_dashboard(serving: dict[str, object], tmp_path: Path) -> None:
    port = int(serving["port"])  # type: ignore[call-overload]
    output = report_against(port, Path(str(serving["home"])) / "prefect", tmp_path)
    links = VIEW_AT.findall(output)
    assert links and all(link.startswith(f"http://127.0.0.1:{port}/runs/flow-run/") for link in links), output
    for link in links:  # as a browser asks for it (the dashboard answers 404 to non-HTML requests of its pages)
        page = httpx.get(link, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "<!DOCTYPE html>" in page.text


def test_a_command_with_a_server_of_its_own_prints_no_dashboard_link(tmp_path: Path) -> None:
    nothing_there = free_port()  # no `make serve`: the command starts a server of its own, stopped at exit
    output = report_against(nothing_there, tmp_path / "prefect", tmp_path)
    assert "View at" not in output and "/runs/flow-run/" not in output, output
