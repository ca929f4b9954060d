"""Prefect at scale: the Prefect server on PostgreSQL (asyncpg), prefect.yaml deployed on the process work pool,
and a worker started by command that runs the ingest deployment against the warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows.ops.prefect_server import free_port, stop_server, wait_healthy
from tests.support.paths import PROJECT
from tests.support.postgres import LocalPostgres

PREFECT = str(Path(sys.executable).with_name("prefect"))


def test_server_on_postgres_runs_a_deployment_through_a_process_worker(postgres: LocalPostgres, tmp_path: Path) -> None:
    database = postgres.create("prefect_server")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_DATABASE_CONNECTION_URL": postgres.sqlalchemy_url(database),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "NEWSWATCH_HOME": str(PROJECT),
        "NEWSWATCH_DB": str(tmp_path / "worker.duckdb"),
    }
    env.pop("PREFECT_API_URL", None)
    log = tmp_path / "server.log"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        wait_healthy(api_url, server, log)
        client_env = {**env, "PREFECT_API_URL": api_url}
        client_env.pop("PREFECT_API_DATABASE_CONNECTION_URL")

        def prefect(*args: str, timeout: float = 180) -> str:
            done = subprocess.run(
                [PREFECT, "--no-prompt", *args],
                cwd=PROJECT,
                env=client_env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
            return done.stdout

        prefect("work-pool", "create", "newswatch-process", "--type", "process")
        deployed = subprocess.run(
            [sys.executable, "-m", "flows.cli", "deploy"], cwd=PROJECT, env=client_env, capture_output=True, text=True
        )
        assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
        prefect(
            "deployment", "run", "newswatch-ingest/ingest-every-30-min",
            "--param", "capture=true", "--param", "live=false", "--param", "due_only=false",
        )  # fmt: skip
        prefect("worker", "start", "--pool", "newswatch-process", "--run-once", timeout=300)
        # Flow runs and deployments live in PostgreSQL, not in a SQLite file under PREFECT_HOME.
        runs = postgres.query(database, "SELECT name, state_type FROM flow_run")
        assert any(state == "COMPLETED" for _, state in runs), runs
        deployments = {r[0] for r in postgres.query(database, "SELECT name FROM deployment")}
        assert {"ingest-every-30-min", "daily-report"} <= deployments
        assert not list((tmp_path / "prefect-home").glob("*.db"))
        assert (tmp_path / "worker.duckdb").is_file()
    finally:
        stop_server(server)
