"""Crash safety: SIGKILL ingest runs at random moments, rerun cleanly, compare with an
uninterrupted run on the same local corpus.

    python -m bench.crash --html-dir ../shared/data/extraction-dev/html --pages 300 --kills 5

Last line: kills=N lost=L doubled=D (both must be 0).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from bench.corpus import ingest_command, read_pages, use_local_env
from flows.ops.prefect_server import prefect_api
from tests.support.corpus import Corpus, CorpusServer

# Tables whose rows must match the uninterrupted run exactly (run bookkeeping is left out).
COMPARED = {
    "articles": "SELECT article_id FROM articles",
    "article_aliases": "SELECT alias_url || ' ' || article_id FROM article_aliases",
    "fingerprints": "SELECT article_id FROM fingerprints",
    "lsh_bands": "SELECT band_key || ' ' || article_id FROM lsh_bands",
    "duplicates": "SELECT article_id || ' ' || kind || ' ' || matched_article_id FROM duplicates",
    "topic_tags": "SELECT article_id || ' ' || topic FROM topic_tags",
    "raw_pages": "SELECT article_id FROM raw_pages",
}


def run_to_end(db: Path, feeds: Path, log: Path) -> float:
    started = time.monotonic()
    with log.open("ab") as out:
        subprocess.run(ingest_command(db, feeds), check=True, stdout=out, stderr=subprocess.STDOUT)
    return time.monotonic() - started


def run_and_kill(db: Path, feeds: Path, log: Path, after_s: float) -> bool:
    """Start a run and SIGKILL it after `after_s` seconds; True if it was still running."""
    with log.open("ab") as out:
        proc = subprocess.Popen(ingest_command(db, feeds), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=after_s)
            return False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return True


def rows(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {table: [r[0] for r in con.execute(sql).fetchall()] for table, sql in COMPARED.items()}
    finally:
        con.close()


def compare(clean: dict[str, list[str]], crashed: dict[str, list[str]]) -> tuple[int, int]:
    lost = doubled = 0
    for table in COMPARED:
        want, got = clean[table], crashed[table]
        lost += len(set(want) - set(got))
        doubled += (len(got) - len(set(got))) + len(set(got) - set(want))
    return lost, doubled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--feeds", type=int, default=4)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    use_local_env()
    rng = random.Random(args.seed)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newswatch-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(pages=read_pages(args.html_dir), n_pages=args.pages, n_feeds=args.feeds)
    log = workdir / "runs.log"
    with CorpusServer(corpus) as server, prefect_api():
        feeds = workdir / "feeds.toml"
        feeds.write_text(server.feeds_toml(), encoding="utf-8")
        clean_db, crash_db = workdir / "clean.duckdb", workdir / "crash.duckdb"
        clean_s = run_to_end(clean_db, feeds, log)
        print(f"uninterrupted run: {clean_s:.1f} s", flush=True)
        kills = 0
        for attempt in range(args.kills):
            after = rng.uniform(0.3, clean_s)
            killed = run_and_kill(crash_db, feeds, log, after)
            kills += killed
            print(f"attempt {attempt + 1}: {'killed' if killed else 'finished'} after {after:.1f} s", flush=True)
        rerun_s = run_to_end(crash_db, feeds, log)
        print(f"clean rerun: {rerun_s:.1f} s", flush=True)
        lost, doubled = compare(rows(clean_db), rows(crash_db))
    counts = rows(crash_db)
    print(f"articles={len(counts['articles'])} duplicates={len(counts['duplicates'])} workdir={workdir}")
    print(f"kills={kills} lost={lost} doubled={doubled}")


if __name__ == "__main__":
    main()
