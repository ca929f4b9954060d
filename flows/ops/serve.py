"""`make serve`: one machine runs the prefect.yaml schedules with a Prefect runner, beside a local server,
and serves the reports folder over HTTP (flows/ops/report_server.py).

The deployments are built from prefect.yaml itself, so the one-machine schedules and the work-pool
deployments stay the same.
"""

from __future__ import annotations

import asyncio
import importlib
import shlex
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from flows.ops.report_server import ReportServer, reports_port
from flows.settings import (
    DEFAULT_REPORTS_DIR,
    PREFECT_YAML,
    PROJECT_ROOT,
    configured_prefect_api,
    prefect_home,
    use_prefect_api,
)

DEFAULT_PORT = 4200


@dataclass(frozen=True, kw_only=True)
class DeploymentSpec:
    name: str
    entrypoint: str
    description: str
    parameters: dict[str, Any]
    intervals: tuple[timedelta, ...]
    crons: tuple[tuple[str, str | None], ...]
    concurrency_limit: int | None
    collision_strategy: str | None
    work_pool: str | None = None


def read_deployments(path: Path = PREFECT_YAML) -> list[DeploymentSpec]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = []
    for item in document.get("deployments") or []:
        schedules = item.get("schedules") or []
        limit = item.get("concurrency_limit")
        specs.append(
            DeploymentSpec(
                name=item["name"],
                entrypoint=item["entrypoint"],
                description=item.get("description", ""),
                parameters=dict(item.get("parameters") or {}),
                intervals=tuple(timedelta(seconds=s["interval"]) for s in schedules if "interval" in s),
                crons=tuple((s["cron"], s.get("timezone")) for s in schedules if "cron" in s),
                concurrency_limit=(limit.get("limit") if isinstance(limit, dict) else limit),
                collision_strategy=(limit.get("collision_strategy") if isinstance(limit, dict) else None),
                work_pool=(item.get("work_pool") or {}).get("name"),
            )
        )
    return specs


def load_flow(entrypoint: str) -> Any:
    """`flows/ingest/flow.py:ingest` -> the flow object from module flows.ingest.flow."""
    file_part, _, attribute = entrypoint.partition(":")
    module = importlib.import_module(file_part.removesuffix(".py").replace("/", "."))
    return getattr(module, attribute)


def _schedules_and_limit(spec: DeploymentSpec) -> tuple[list[Any], Any]:
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron, Interval

    schedules = [Interval(i) for i in spec.intervals] + [Cron(c, timezone=tz) for c, tz in spec.crons]
    limit: ConcurrencyLimitConfig | None = None
    if spec.concurrency_limit is not None:
        limit = ConcurrencyLimitConfig(
            limit=spec.concurrency_limit,
            collision_strategy=ConcurrencyLimitStrategy(spec.collision_strategy or "ENQUEUE"),
        )
    return schedules, limit


def deploy_to_pools(specs: list[DeploymentSpec], source: Path = PROJECT_ROOT) -> list[str]:
    """Register each deployment on its prefect.yaml work pool, with code read from `source` on the worker.

    What `prefect deploy --all` does, without its closing worker look-up that prefect 3.8.8's client
    sends malformed (HTTP 422 after the deployments were saved). Returns the deployment ids.
    """
    from prefect import flow as prefect_flow

    ids = []
    for spec in specs:
        if spec.work_pool is None:
            raise ValueError(f"deployment {spec.name!r} names no work_pool in prefect.yaml")
        schedules, limit = _schedules_and_limit(spec)
        remote = prefect_flow.from_source(source=str(source), entrypoint=spec.entrypoint)
        deployment = remote.to_deployment(  # type: ignore[union-attr]
            name=spec.name,
            work_pool_name=spec.work_pool,
            description=spec.description,
            parameters=spec.parameters,
            schedules=schedules,
            concurrency_limit=limit,
        )
        ids.append(str(deployment.apply()))  # type: ignore[union-attr]
    return ids


def runner_deployments(specs: list[DeploymentSpec]) -> list[Any]:
    deployments = []
    for spec in specs:
        schedules, limit = _schedules_and_limit(spec)
        deployments.append(
            load_flow(spec.entrypoint).to_deployment(
                name=spec.name,
                description=spec.description,
                parameters=spec.parameters,
                schedules=schedules,
                concurrency_limit=limit,
            )
        )
    return deployments


def trigger_commands(api_url: str, deployments: list[Any]) -> list[str]:
    """A shell command per served deployment that starts a run of it now, as printed: Prefect's own CLI (by
    its full path: the virtualenv need not be active) pointed at this server."""
    prefect_bin = Path(sys.executable).with_name("prefect")
    return [
        f"PREFECT_API_URL={shlex.quote(api_url)} {shlex.quote(str(prefect_bin))} deployment run "
        + shlex.quote(f"{deployment.flow_name}/{deployment.name}")
        for deployment in deployments
    ]


def _run_deployments(deployments: list[Any], api_url: str) -> None:
    """What `prefect.serve` does, with our own start message: it names the deployments in a command that
    runs as printed (Prefect's says `prefect deployment run [DEPLOYMENT_NAME]`)."""
    from prefect.exceptions import TerminationSignal
    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(deployment)  # registers it with the API before the commands are printed
    print("Serving the prefect.yaml deployments. To start a run now, from any shell:", flush=True)
    for command in trigger_commands(api_url, deployments):
        print(f"  {command}", flush=True)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal) as exc:
        print(f"newswatch serve: {type(exc).__name__}, stopping", flush=True)


def _serve_reports(api_url: str) -> ReportServer | None:
    port = reports_port(api_url)
    if port is None:
        return None
    try:
        server = ReportServer(DEFAULT_REPORTS_DIR, port)
    except OSError as exc:
        print(f"Reports are not served over HTTP: 127.0.0.1:{port}: {exc.strerror or exc}", flush=True)
        return None
    print(f"Reports ({DEFAULT_REPORTS_DIR}): {server.url}/latest.html", flush=True)
    return server


def serve_forever(port: int = DEFAULT_PORT, *, browser_port: int | None = None, browser: bool = True) -> None:
    """Start (or reuse) the API on 127.0.0.1 and serve every prefect.yaml deployment until interrupted; beside
    them, the story browser (flows/browser/) on `browser_port` (default: the configured one)."""
    from flows.browser.server import start_story_browser
    from flows.ops.prefect_server import prefect_environment, start_server, stop_server, wait_healthy

    prefect_environment()
    api_url = configured_prefect_api()
    proc = None
    if not api_url:
        api_url = f"http://127.0.0.1:{port}/api"
        log_path = prefect_home() / "server.log"
        proc = start_server(port, log_path)
        wait_healthy(api_url, proc, log_path)
        use_prefect_api(api_url)
        print(f"Prefect dashboard: http://127.0.0.1:{port}  (server log: {log_path})", flush=True)
    stop_browser = None
    try:
        if browser:
            stop_browser = start_story_browser(browser_port)
        with _serve_reports(api_url) or nullcontext():
            _run_deployments(runner_deployments(read_deployments()), api_url)
    finally:
        if stop_browser is not None:
            stop_browser()
        if proc is not None:
            stop_server(proc)
