"""Scale-out: the same local corpus through 1, then 2 concurrent ingest workers writing to DuckLake
(PostgreSQL catalog from Debian's packages, data files in a local directory), and through one worker on the
embedded DuckDB file for comparison.

    python -m bench.scale --html-dir ../shared/data/extraction-dev/html --pages 400 --feeds 8
    python -m bench.scale --html-dir ../shared/data/extraction-dev/html --pages 400 --feeds 8 --cores-per-worker 1

Each worker is a separate `newswatch run --shard i/N` process with its own analysis processes
(--analysis-processes), as one small machine would be. With --cores-per-worker C each worker and its analysis
processes are pinned (`taskset`) to C cores of their own, with NEWSWATCH_WORKERS=C: on a machine with as many
cores as the workers need, the CPU then scales with the workers and what does not is the warehouse's share.
Pages/s is corpus pages over wall-clock time from the first worker's start to the last one's end (process
start-up included). Each run also prints the CPU time a page took in the workers (their analysis processes
included) and in PostgreSQL: on a shared machine these say what the wall clock cannot, whether a second
worker adds work (commits lost to the other and redone). lost/doubled compare the stored article ids (plus
rejected pages) with the ids expected from the corpus URLs, and count repeated keys. Each run also prints the
write turns its workers took, the seconds they waited for them and the units they reran, from the runs'
summaries (zero on the embedded file).

Last line: workers_1_pps=… workers_2_pps=… embedded_pps=… lake_vs_embedded=… (1-worker lake over embedded)
lost=L doubled=D feeds_refetched=F (the last three must be 0).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.corpus import read_pages
from extractors.article.urls import article_id, canonical_url
from flows.ops.prefect_server import prefect_api
from flows.settings import load_settings
from tests.support.corpus import Corpus, CorpusServer
from tests.support.postgres import LocalPostgres
from warehouse import db

KEYED = {
    "articles": "article_id",
    "article_aliases": "alias_url",
    "fingerprints": "article_id",
    "raw_pages": "article_id",
    "duplicates": "article_id",
    "lsh_bands": "band_key || ' ' || article_id",
    "topic_tags": "article_id || ' ' || topic || ' ' || tagger_version",
    "rejected_pages": "url",
}
# The one-time set-up a deployed warehouse has had before any worker runs: catalog, schema files, views.
CREATE_WAREHOUSE = (
    "from flows.settings import load_settings; from warehouse import db;"
    " s = load_settings(); db.connect(s.location, options=s.warehouse).close()"
)


@dataclass(frozen=True, kw_only=True)
class Pinning:
    """How many cores each worker gets (0: unpinned, the kernel schedules everything everywhere)."""

    cores_per_worker: int
    analysis_processes: int

    def prefix(self, worker: int) -> list[str]:
        if not self.cores_per_worker:
            return []
        total = os.cpu_count() or 1
        first = worker * self.cores_per_worker
        cores = [(first + k) % total for k in range(self.cores_per_worker)]
        return ["taskset", "-c", ",".join(str(c) for c in cores)]

    @property
    def processes(self) -> int:
        return self.cores_per_worker or self.analysis_processes


def children_cpu_s() -> float:
    """CPU seconds of the waited-for children so far: the workers and their analysis processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def postgres_cpu_s(pg: LocalPostgres) -> float:
    """CPU seconds of the PostgreSQL server and its ended backends (the catalog's side of every round trip)."""
    pid = (pg.data / "postmaster.pid").read_text(encoding="ascii").split()[0]
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def bench_env(location: str, data_dir: Path, api_url: str, processes: int) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSWATCH_DB": location,
        "NEWSWATCH_LAKE_DATA": str(data_dir),
        "PREFECT_API_URL": api_url,
        "NEWSWATCH_LOOPBACK_ONLY": "1",
        "NEWSWATCH_MIN_INTERVAL": "0",
        "NEWSWATCH_PER_HOST": "8",
        "NEWSWATCH_WORKERS": str(processes),
        "PYTHONFAULTHANDLER": "1",  # a worker that crashes in native code leaves its threads' tracebacks
    }


def run_workers(
    count: int, feeds: Path, env: dict[str, str], log: Path, pinning: Pinning, batch_size: int | None
) -> float:
    command = [sys.executable, "-m", "flows.cli", "run", "--feeds", str(feeds), "--no-capture", "--no-relevance"]
    if batch_size:
        command += ["--batch-size", str(batch_size)]
    started = time.monotonic()
    with log.open("ab") as out:
        procs = [
            subprocess.Popen(
                [*pinning.prefix(i), *command, "--shard", f"{i}/{count}"], stdout=out, stderr=subprocess.STDOUT, env=env
            )
            for i in range(count)
        ]
        codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"a worker failed ({codes}); see {log}")
    return time.monotonic() - started


@contextmanager
def reading(env: dict[str, str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse the workers of `env` wrote."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        settings = load_settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    con = db.connect(settings.location, read_only=True, options=settings.warehouse)
    try:
        yield con
    finally:
        con.close()


def write_turns(env: dict[str, str]) -> dict[str, float]:
    """The write turns, seconds waited for them and reruns the runs' summaries report, summed over workers."""
    names = ("turns", "waited_s", "reruns")
    with reading(env) as con:
        row = con.execute(
            "SELECT "
            + ", ".join(f"coalesce(sum(CAST(json_extract(summary, '$.write_turns.{n}') AS DOUBLE)), 0)" for n in names)
            + " FROM runs"
        ).fetchone()
    return {n: float(v) for n, v in zip(names, row or (0, 0, 0), strict=True)}


def check(env: dict[str, str], expected_ids: set[str], expected_urls: set[str]) -> tuple[int, int]:
    with reading(env) as con:
        stored = {r[0] for r in con.execute("SELECT article_id FROM articles WHERE NOT is_seed").fetchall()}
        rejected = {r[0] for r in con.execute("SELECT url FROM rejected_pages").fetchall()}
        lost = len(expected_ids - stored - {article_id(u) for u in rejected & expected_urls})
        doubled = len(stored - expected_ids)
        for table, key in KEYED.items():
            row = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()
            doubled += int(row[0]) if row else 0
        return lost, doubled


@dataclass(kw_only=True)
class Totals:
    lost: int = 0
    doubled: int = 0
    refetched: int = 0


def measure(
    label: str,
    workers: int,
    env: dict[str, str],
    args: argparse.Namespace,
    context: tuple[CorpusServer, Path, set[str], set[str], LocalPostgres],
    totals: Totals,
    pinning: Pinning,
) -> float:
    """One timed run on a freshly created warehouse; returns pages/s and adds its checks to `totals`."""
    server, workdir, ids, urls, pg = context
    subprocess.run([sys.executable, "-c", CREATE_WAREHOUSE], env=env, check=True)
    server.requests.clear()
    load = os.getloadavg()[0]
    cpu, pg_cpu = children_cpu_s(), postgres_cpu_s(pg)
    elapsed = run_workers(workers, workdir / "feeds.toml", env, workdir / f"{label}.log", pinning, args.batch_size)
    cpu, pg_cpu = children_cpu_s() - cpu, postgres_cpu_s(pg) - pg_cpu
    pps = args.pages / elapsed
    lost, doubled = check(env, ids, urls)
    turns = write_turns(env)
    feed_hits = [n for path, n in server.requests.items() if path.startswith("/feed/")]
    refetched = sum(n - 1 for n in feed_hits) + (args.feeds - len(feed_hits))
    print(
        f"{label}: {elapsed:.1f} s, {pps:.1f} pages/s, lost={lost} doubled={doubled}"
        f" feeds_refetched_or_missed={refetched}; CPU ms a page: workers {1000 * cpu / args.pages:.0f},"
        f" PostgreSQL {1000 * pg_cpu / args.pages:.0f}; write turns {turns['turns']:.0f},"
        f" waited {turns['waited_s']:.1f} s, reruns {turns['reruns']:.0f} (load average before: {load:.2f})",
        flush=True,
    )
    totals.lost, totals.doubled, totals.refetched = (
        totals.lost + lost,
        totals.doubled + doubled,
        totals.refetched + refetched,
    )
    return pps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--feeds", type=int, default=8)
    parser.add_argument("--analysis-processes", type=int, default=1, help="NEWSWATCH_WORKERS for each worker")
    parser.add_argument(
        "--cores-per-worker", type=int, default=0, help="pin each worker to this many cores of its own (taskset)"
    )
    parser.add_argument("--batch-size", type=int, default=None, help="newswatch run --batch-size (default: its own)")
    args = parser.parse_args()
    if args.cores_per_worker and shutil.which("taskset") is None:
        raise SystemExit("--cores-per-worker needs taskset (util-linux)")
    pinning = Pinning(cores_per_worker=args.cores_per_worker, analysis_processes=args.analysis_processes)
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-scale-"))
    corpus = Corpus(pages=read_pages(args.html_dir), n_pages=args.pages, n_feeds=args.feeds)
    pps: dict[str, float] = {}
    totals = Totals()
    with LocalPostgres() as pg, CorpusServer(corpus) as server, prefect_api() as api_url:
        (workdir / "feeds.toml").write_text(server.feeds_toml(), encoding="utf-8")
        urls = {canonical_url(f"{server.base_url}/page/{i}") for i in range(args.pages)}
        context = (server, workdir, {article_id(u) for u in urls}, urls, pg)
        embedded = bench_env(str(workdir / "embedded.duckdb"), workdir / "unused", api_url, pinning.processes)
        pps["embedded"] = measure("embedded, 1 worker", 1, embedded, args, context, totals, pinning)
        for workers in (1, 2):
            location = pg.lake_location(pg.create(f"scale_{workers}"))
            env = bench_env(location, workdir / f"lake-{workers}", api_url, pinning.processes)
            pps[f"workers_{workers}"] = measure(
                f"lake, {workers} worker(s)", workers, env, args, context, totals, pinning
            )
    print(f"pages={args.pages} feeds={args.feeds} cores_per_worker={args.cores_per_worker} workdir={workdir}")
    print(
        f"workers_1_pps={pps['workers_1']:.1f} workers_2_pps={pps['workers_2']:.1f}"
        f" embedded_pps={pps['embedded']:.1f} lake_vs_embedded={pps['workers_1'] / pps['embedded']:.2f}"
        f" lost={totals.lost} doubled={totals.doubled} feeds_refetched={totals.refetched}"
    )


if __name__ == "__main__":
    main()
