"""A throwaway PostgreSQL server from Debian's packages, on a free 127.0.0.1 port in a temporary directory.

Tests and benches use it for the DuckLake catalog and the Prefect server's database. PostgreSQL refuses to
run as root, so as root the cluster belongs to the `postgres` user (which the Debian package creates).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER = "nw"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start; the message says which."""


def find_bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for found in (shutil.which("initdb"), shutil.which("pg_ctl")):
        if found:
            candidates.insert(0, Path(found).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PostgresUnavailable("PostgreSQL is not installed (apt-get install -y postgresql)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalPostgres:
    """`with LocalPostgres() as pg:` a server with role `nw` (no password, loopback only); `pg.create(name)`."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
        self.data = self.root / "data"
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running as root without runuser: cannot start PostgreSQL as `postgres`")
            self._as_postgres = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, user="postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as_postgres, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")

    def __enter__(self) -> LocalPostgres:
        try:
            self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8")
            options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200"
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w",
                "start",
            )  # fmt: skip
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(
            [*self._as_postgres, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def create(self, name: str) -> str:
        self._run(str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return name

    def query(self, database: str, sql: str) -> list[list[str]]:
        """Rows of `sql` through psql, each a list of text fields."""
        done = subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", database,
             "-At", "-F", "\t", "-c", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [line.split("\t") for line in done.stdout.splitlines() if line]

    def libpq(self, database: str) -> str:
        """A libpq connection string, as DuckLake's PostgreSQL catalog takes it."""
        return f"dbname={database} host=127.0.0.1 port={self.port} user={USER}"

    def lake_location(self, database: str) -> str:
        return f"ducklake:postgres:{self.libpq(database)}"

    def sqlalchemy_url(self, database: str) -> str:
        """For PREFECT_API_DATABASE_CONNECTION_URL (asyncpg driver)."""
        return f"postgresql+asyncpg://{USER}@127.0.0.1:{self.port}/{database}"
