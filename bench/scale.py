"""Scale-out: the same local corpus through 1, then 2 concurrent ingest workers writing to DuckLake
(PostgreSQL catalog from Debian's packages, data files in a local directory).

    python -m bench.scale --html-dir ../shared/data/extraction-dev/html --pages 400 --feeds 8

Each worker is a separate `newswatch run --shard i/N` process with one analysis process of its own
(--analysis-processes), as one small machine would be. Pages/s is corpus pages over wall-clock time from the
first worker's start to the last one's end (process start-up included). lost/doubled compare the stored
article ids (plus rejected pages) with the ids expected from the corpus URLs, and count repeated keys.

Last line: workers_1_pps=… workers_2_pps=… lost=L doubled=D feeds_refetched=F (all three must be 0).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import read_pages
from extractors.article.urls import article_id, canonical_url
from flows.ops.prefect_server import prefect_api
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
    }


def run_workers(count: int, feeds: Path, env: dict[str, str], log: Path) -> float:
    command = [sys.executable, "-m", "flows.cli", "run", "--feeds", str(feeds), "--no-capture", "--no-relevance"]
    started = time.monotonic()
    with log.open("ab") as out:
        procs = [
            subprocess.Popen([*command, "--shard", f"{i}/{count}"], stdout=out, stderr=subprocess.STDOUT, env=env)
            for i in range(count)
        ]
        codes = [p.wait() for p in procs]
    if any(codes):
        raise SystemExit(f"a worker failed ({codes}); see {log}")
    return time.monotonic() - started


def check(location: str, expected_ids: set[str], expected_urls: set[str]) -> tuple[int, int]:
    con = db.connect(location, read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT article_id FROM articles WHERE NOT is_seed").fetchall()}
        rejected = {r[0] for r in con.execute("SELECT url FROM rejected_pages").fetchall()}
        lost = len(expected_ids - stored - {article_id(u) for u in rejected & expected_urls})
        doubled = len(stored - expected_ids)
        for table, key in KEYED.items():
            row = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()
            doubled += int(row[0]) if row else 0
        return lost, doubled
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--feeds", type=int, default=8)
    parser.add_argument("--analysis-processes", type=int, default=1, help="NEWSWATCH_WORKERS for each worker")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-scale-"))
    corpus = Corpus(pages=read_pages(args.html_dir), n_pages=args.pages, n_feeds=args.feeds)
    pps: dict[int, float] = {}
    lost = doubled = refetched = 0
    with LocalPostgres() as pg, CorpusServer(corpus) as server, prefect_api() as api_url:
        feeds = workdir / "feeds.toml"
        feeds.write_text(server.feeds_toml(), encoding="utf-8")
        urls = {canonical_url(f"{server.base_url}/page/{i}") for i in range(args.pages)}
        ids = {article_id(u) for u in urls}
        for workers in (1, 2):
            location = pg.lake_location(pg.create(f"scale_{workers}"))
            env = bench_env(location, workdir / f"lake-{workers}", api_url, args.analysis_processes)
            subprocess.run(  # create the catalog and schema before the clock starts, as a deployed lake would be
                [sys.executable, "-c", "from warehouse import db; db.connect().close()"], env=env, check=True
            )
            server.requests.clear()
            elapsed = run_workers(workers, feeds, env, workdir / f"workers-{workers}.log")
            pps[workers] = args.pages / elapsed
            os.environ["NEWSWATCH_LAKE_DATA"] = env["NEWSWATCH_LAKE_DATA"]
            run_lost, run_doubled = check(location, ids, urls)
            feed_hits = [n for path, n in server.requests.items() if path.startswith("/feed/")]
            run_refetched = sum(n - 1 for n in feed_hits) + (args.feeds - len(feed_hits))
            print(
                f"{workers} worker(s): {elapsed:.1f} s, {pps[workers]:.1f} pages/s,"
                f" lost={run_lost} doubled={run_doubled} feeds_refetched_or_missed={run_refetched}",
                flush=True,
            )
            lost, doubled, refetched = lost + run_lost, doubled + run_doubled, refetched + run_refetched
    print(f"pages={args.pages} feeds={args.feeds} workdir={workdir}")
    print(
        f"workers_1_pps={pps[1]:.1f} workers_2_pps={pps[2]:.1f} lost={lost} doubled={doubled}"
        f" feeds_refetched={refetched}"
    )


if __name__ == "__main__":
    main()
