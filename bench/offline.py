"""What an offline machine costs a run: `newswatch run` with every live source unreachable, against `--no-live`.

    python -m bench.offline --repeats 5 [--dns-delay 0.05]

The bundled feeds.toml is copied with each live source's host moved under `.invalid` (RFC 6761), and each
run is the real CLI in a child process whose resolver fails every name but loopback at once, without asking
any nameserver (glibc would send `.invalid` names to the configured one): no traffic leaves 127.0.0.1.
`--dns-delay` makes each failed lookup take that long, like a slow resolver. Every run starts on a fresh
database; all runs share one local Prefect server, so its start-up is not in the figures. Runs alternate
(live, then --no-live). Last line: live_seconds=… no_live_seconds=… extra_seconds=… (medians) and the
name lookups a live run made.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import runpy
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flows.ops.prefect_server import free_port, start_server, stop_server, wait_healthy
from flows.settings import DEFAULT_FEEDS

LIVE_HOST = re.compile(r'^(url\s*=\s*"https?://)([^/":]+)', re.MULTILINE)
LOOKUPS_LINE = re.compile(r"^offline-bench: (\d+) lookups of (\d+) names$", re.MULTILINE)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def unreachable_feeds(text: str) -> str:
    """feeds.toml with every live source's host under .invalid; capture sources stay as they are."""
    return LIVE_HOST.sub(lambda m: f"{m.group(1)}{m.group(2)}.invalid", text)


def as_cli(args: list[str], dns_delay: float) -> None:
    """The child: the newswatch CLI, with every lookup of a name other than loopback failing in-process."""
    real = socket.getaddrinfo
    lookups: dict[str, int] = {}
    lock = threading.Lock()

    def failing_getaddrinfo(host: Any, *rest: Any, **kw: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in LOOPBACK or name.startswith("127."):
            return real(host, *rest, **kw)
        with lock:
            lookups[name] = lookups.get(name, 0) + 1
        time.sleep(dns_delay)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    socket.getaddrinfo = failing_getaddrinfo

    def report() -> None:
        print(f"offline-bench: {sum(lookups.values())} lookups of {len(lookups)} names", file=sys.stderr)

    atexit.register(report)
    sys.argv = ["newswatch", *args]
    runpy.run_module("flows.cli", run_name="__main__")


def child_env(api_url: str) -> dict[str, str]:
    # Loopback-only mode would refuse the names before looking them up: this bench is about failed lookups.
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    return {**env, "PREFECT_API_URL": api_url}


@contextmanager
def own_prefect_server(home: Path) -> Iterator[str]:
    """A Prefect server of the bench's own (never one `make serve` or someone else runs), for every run."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = home / "server.log"
    proc = start_server(port, log_path)
    try:
        wait_healthy(api_url, proc, log_path)
        yield api_url
    finally:
        stop_server(proc)


def one_run(
    workdir: Path, feeds: Path, *, live: bool, dns_delay: float, env: dict[str, str], n: int
) -> tuple[float, int]:
    db = workdir / f"run{n}-{'live' if live else 'nolive'}.duckdb"
    command = [sys.executable, "-m", "bench.offline", "--as-cli", "--dns-delay", str(dns_delay), "--"]
    command += ["run", "--db", str(db), "--feeds", str(feeds), "--live" if live else "--no-live"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"run failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    found = LOOKUPS_LINE.search(done.stderr)
    return seconds, int(found.group(1)) if found else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dns-delay", type=float, default=0.0, help="seconds each failed lookup takes")
    parser.add_argument("--as-cli", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("cli_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_cli:
        as_cli(args.cli_args, args.dns_delay)
        return
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-offline-"))
    feeds = workdir / "feeds.toml"
    feeds.write_text(unreachable_feeds(DEFAULT_FEEDS.read_text(encoding="utf-8")), encoding="utf-8")
    os.environ["PREFECT_HOME"] = str(workdir / "prefect")
    live_s: list[float] = []
    no_live_s: list[float] = []
    lookups: list[int] = []
    with own_prefect_server(workdir / "prefect") as api_url:
        env = child_env(api_url)
        for n in range(args.repeats):
            seconds, count = one_run(workdir, feeds, live=True, dns_delay=args.dns_delay, env=env, n=n)
            live_s.append(seconds)
            lookups.append(count)
            no_live, _ = one_run(workdir, feeds, live=False, dns_delay=args.dns_delay, env=env, n=n)
            no_live_s.append(no_live)
            print(f"repeat {n + 1}: live {seconds:.2f} s ({count} lookups), --no-live {no_live:.2f} s", flush=True)
    live, no_live = statistics.median(live_s), statistics.median(no_live_s)
    print(
        f"live_seconds={live:.2f} no_live_seconds={no_live:.2f} extra_seconds={live - no_live:.2f} "
        f"live_lookups={statistics.median(lookups):.0f}"
    )


if __name__ == "__main__":
    main()
