"""Peak memory of an ingest run as the corpus grows: 20k pages against 2k pages.

    python -m bench.memory --html-dir ../shared/data/extraction-dev/html --small 2000 --large 20000

Each size runs `newswatch run` in its own process against a local corpus and a shared local
Prefect server; peak RSS is the child's ru_maxrss. Last line: small_mb=… large_mb=… ratio=…
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.corpus import ingest_command, read_pages, use_local_env
from flows.ops.prefect_server import prefect_api
from tests.support.corpus import Corpus, CorpusServer


def peak_rss_mb(db: Path, feeds: Path, log: Path) -> tuple[float, float]:
    """Run one ingest in a child process; return (peak RSS in MB, seconds)."""
    command = ingest_command(db, feeds)
    started = time.monotonic()
    with log.open("ab") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=os.environ.copy())
        _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"ingest failed (status {status}); see {log}")
    return usage.ru_maxrss / 1024, time.monotonic() - started


def measure(html_dir: Path, pages: int, feeds: int, workdir: Path) -> tuple[float, float]:
    corpus = Corpus(pages=read_pages(html_dir), n_pages=pages, n_feeds=feeds)
    with CorpusServer(corpus) as server:
        feeds_file = workdir / f"feeds-{pages}.toml"
        feeds_file.write_text(server.feeds_toml(), encoding="utf-8")
        return peak_rss_mb(workdir / f"memory-{pages}.duckdb", feeds_file, workdir / "runs.log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000)
    parser.add_argument("--feeds", type=int, default=20)
    args = parser.parse_args()
    use_local_env()
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-memory-"))
    with prefect_api():
        small_mb, small_s = measure(args.html_dir, args.small, args.feeds, workdir)
        print(f"{args.small} pages: peak {small_mb:.0f} MB in {small_s:.0f} s", flush=True)
        large_mb, large_s = measure(args.html_dir, args.large, args.feeds, workdir)
        print(f"{args.large} pages: peak {large_mb:.0f} MB in {large_s:.0f} s", flush=True)
    print(f"small_mb={small_mb:.0f} large_mb={large_mb:.0f} ratio={large_mb / small_mb:.2f}")


if __name__ == "__main__":
    main()
