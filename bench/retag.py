"""The automatic re-tag after a taxonomy change, at scale: stored articles tagged again from their text.

    python -m bench.retag --articles ../shared/data/realnews/articles.jsonl --stored 100000 --workers 1,2

A fresh DuckDB file gets --stored articles, each one of the given texts (JSONL with title and text per line)
under an id of its own, in one SQL insert; then, for each worker count, a child process re-tags them all
with the shipped taxonomy and gazetteer under a new taxonomy version, as an ingest after a taxonomy edit
does (flows/retag.py: batches in article_id order, each written with its progress). With --kill-after S,
another child is killed S seconds into a re-tag and a fresh one resumes it; the bench checks that the
tag rows equal those of the uninterrupted re-tag. Seconds are wall time of the re-tag call in the child;
CPU ms are that child's and its workers' CPU over the call, which a busy machine moves less.

Last line: stored=N workers_1_s=… workers_1_ms_per_article=… workers_2_s=… … [resumed_after=… resume_rows_equal=1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS

ROWS = "SELECT article_id, topic, score, evidence::VARCHAR FROM topic_tags WHERE tagger_version = ? ORDER BY 1, 2"


def fill(db_path: Path, texts_file: Path, stored: int) -> None:
    from warehouse import db

    texts = [json.loads(line) for line in texts_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    con = db.connect(db_path)
    con.execute("CREATE TEMP TABLE texts (n INTEGER, title VARCHAR, body VARCHAR)")
    con.executemany("INSERT INTO texts VALUES (?, ?, ?)", [[n, t["title"], t["text"]] for n, t in enumerate(texts)])
    con.execute(
        "INSERT INTO articles (article_id, url, source, title, body, language)"
        " SELECT printf('%012d', i), 'https://bench.example/a/' || i, 'bench-' || (i % 20), t.title, t.body, 'en'"
        f" FROM range({stored}) r(i) JOIN texts t ON t.n = i % {len(texts)}"
    )
    con.close()


def changed_taxonomy(work: Path) -> Path:
    text = re.sub(r'^version = ".*"', 'version = "9999.3"', DEFAULT_TOPICS.read_text(encoding="utf-8"), flags=re.M)
    path = work / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_retag(db_path: Path, topics: Path, workers: int) -> None:
    from flows.retag import retag_if_versions_changed
    from flows.seed_files import load_tagging
    from warehouse import db

    tagging = load_tagging(topics, DEFAULT_ENTITIES)
    taxonomy, gazetteer = tagging.models()
    con = db.connect(db_path)
    started, cpu_before = time.perf_counter(), _cpu_seconds()
    summary = retag_if_versions_changed(con, taxonomy, gazetteer, tagging=tagging, workers=workers)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_before
    con.close()
    assert summary is not None
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "articles": summary.articles,
                "resumed_after": summary.resumed_after,
            }
        )
    )


def _cpu_seconds() -> float:
    """CPU of this process and of its finished workers (the pool is shut down when the re-tag returns)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def child(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.retag", *args], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def tag_rows(db_path: Path, topics: Path) -> list[tuple[object, ...]]:
    import duckdb

    from flows.seed_files import load_taxonomy

    version = load_taxonomy(topics).tagger_version
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(ROWS, [version]).fetchall()


def killed_then_resumed(pristine: Path, work: Path, topics: Path, workers: int, kill_after: float) -> dict[str, float]:
    db_path = work / "killed.duckdb"
    shutil.copyfile(pristine, db_path)
    args = ["--retag", str(db_path), "--topics", str(topics), "--workers", str(workers)]
    proc = subprocess.Popen([sys.executable, "-m", "bench.retag", *args], start_new_session=True)
    time.sleep(kill_after)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return child(args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, help="JSONL with title and text per line")
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--kill-after", type=float, help="also kill a re-tag this many seconds in and resume it")
    parser.add_argument("--retag", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--topics", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.retag:
        return run_retag(args.retag, args.topics, int(args.workers))
    if args.articles is None:
        parser.error("--articles is required")
    figures: dict[str, str] = {"stored": str(args.stored)}
    with tempfile.TemporaryDirectory(prefix="newswatch-retag-") as tmp:
        work = Path(tmp)
        pristine = work / "stored.duckdb"
        started = time.perf_counter()
        fill(pristine, args.articles, args.stored)
        print(f"filled {args.stored} articles in {time.perf_counter() - started:.1f} s", flush=True)
        topics = changed_taxonomy(work)
        reference: list[tuple[object, ...]] = []
        for workers in (int(w) for w in args.workers.split(",")):
            db_path = work / f"workers-{workers}.duckdb"
            shutil.copyfile(pristine, db_path)
            result = child(["--retag", str(db_path), "--topics", str(topics), "--workers", str(workers)])
            ms = 1000 * result["seconds"] / max(1, result["articles"])
            cpu_ms = 1000 * result["cpu_seconds"] / max(1, result["articles"])
            print(
                f"workers={workers} seconds={result['seconds']:.1f} ms_per_article={ms:.2f} cpu_ms={cpu_ms:.2f}",
                flush=True,
            )
            figures[f"workers_{workers}_s"] = f"{result['seconds']:.1f}"
            figures[f"workers_{workers}_ms_per_article"] = f"{ms:.2f}"
            figures[f"workers_{workers}_cpu_ms_per_article"] = f"{cpu_ms:.2f}"
            reference = reference or tag_rows(db_path, topics)
            db_path.unlink()
        if args.kill_after:
            workers = int(args.workers.split(",")[-1])
            resumed = killed_then_resumed(pristine, work, topics, workers, args.kill_after)
            figures["resumed_after"] = str(resumed["resumed_after"])
            figures["resume_rows_equal"] = str(int(tag_rows(work / "killed.duckdb", topics) == reference))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
