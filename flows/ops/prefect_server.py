"""Start a local Prefect server on 127.0.0.1 for one command, unless one is configured.

The ephemeral server Prefect starts on its own prints tracebacks at shutdown, so the CLI
runs a real `prefect server start` in the background and stops it when the command ends.
Its database lives in PREFECT_HOME (.prefect/ in the project), so runs stay visible later.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from flows.ops import parent_death
from flows.settings import (
    configured_prefect_api,
    prefect_environment,
    prefect_home,
    prefect_server_environment,
    use_prefect_api,
)

STARTUP_TIMEOUT_S = 90.0
SERVE_PORT = 4200  # where `make serve` runs the server and its dashboard


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    prefect_environment()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    prefect_bin = Path(sys.executable).with_name("prefect")
    env = prefect_server_environment(port)
    # Through parent_death, so a SIGKILLed command does not leave its server running: the server gets
    # SIGTERM when this process dies. Start it from a thread that lives as long as it (the main thread).
    tied = [sys.executable, str(Path(parent_death.__file__)), str(os.getpid())]  # a script: stdlib imports only
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [*tied, str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )


def wait_healthy(api_url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"prefect server exited with code {proc.returncode}:\n{tail}")
        try:
            if httpx.get(f"{api_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"prefect server not healthy after {STARTUP_TIMEOUT_S:.0f} s; see {log_path}")


def drain_prefect_queues(timeout: float = 10.0) -> None:
    """Send queued logs and events while the server is still up, so nothing is lost at exit."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout, at_exit=False)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serving_api(port: int | None = None) -> str | None:
    """The API of the server `make serve` runs, when it answers: runs made by hand then show on its dashboard."""
    api_url = f"http://127.0.0.1:{port or SERVE_PORT}/api"
    try:
        answered = httpx.get(f"{api_url}/health", timeout=0.5).status_code == 200
    except httpx.HTTPError:
        return None
    return api_url if answered else None


@contextmanager
def _using(api_url: str) -> Iterator[str]:
    use_prefect_api(api_url)
    try:
        yield api_url
    finally:
        drain_prefect_queues()
        use_prefect_api(None)


@dataclass(frozen=True)
class ChosenApi:
    url: str
    own_server: bool  # started for this command alone: it stops, and its dashboard with it, when the command ends


@contextmanager
def chosen_prefect_api() -> Iterator[ChosenApi]:
    """The API to use: the configured one, else the running `make serve` server's, else one started for this
    command alone."""
    prefect_environment()
    configured = configured_prefect_api()
    if configured:
        yield ChosenApi(configured, own_server=False)
        return
    served = serving_api()
    if served:
        with _using(served):
            yield ChosenApi(served, own_server=False)
        return
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = prefect_home() / "server.log"
    proc = start_server(port, log_path)
    try:
        wait_healthy(api_url, proc, log_path)
        # Its dashboard stops with it, so a "View at" link Prefect printed would be dead by the time it is read.
        use_prefect_api(api_url, dashboard=False)
        yield ChosenApi(api_url, own_server=True)
    finally:
        drain_prefect_queues()
        use_prefect_api(None)
        stop_server(proc)


@contextmanager
def prefect_api() -> Iterator[str]:
    """The URL of the API `chosen_prefect_api` picks, for as long as it is in use."""
    with chosen_prefect_api() as chosen:
        yield chosen.url
