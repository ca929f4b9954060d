"""Per-article cost and peak memory of the dedup and same-story stage as the stored corpus grows.

    python -m bench.dedup_scale --html-dir ../shared/data/extraction-dev/html \
        --articles ../shared/data/realnews/articles.jsonl --sizes 10000,100000,1000000

For each size N a child process fills a fresh DuckDB file with N synthetic stored articles
(bench/synthetic_warehouse.py: set-based SQL, shaped like what the look-ups read), then a fresh child
opens it the way the flow does (warehouse.db.connect) and times `flows.ingest.batches.store_analyzed` — the look-ups,
the ladder, same-story linking and the load, one transaction per batch — on batches of new articles.
The new articles are the real texts given (extracted pages, JSONL articles), each remixed into distinct
articles: about 60% of its sentences, three sentences of another text, its own numbers, title and URL,
published within the last three days of the stored corpus, except a share (--undated-share) that carries no
publication date, only the day it was fetched, as pages without a date do. They are analyzed before timing.
With --no-seen-date the undated ones lack that day too and are compared with every stored article.
Per-article ms is the total time of all batches (the first, cold one included) over the articles.
Peak RSS is the measuring child's ru_maxrss: the whole process (Python, Prefect imports, DuckDB). CPU ms
are that child's process time over the same calls (every thread, DuckDB's included): on a busy machine
they move less than the wall time does.
With --profile, another child stores more batches at the largest size under cProfile.

Last line: per_article_ms_10k=… per_article_ms_1m=… ratio=… peak_rss_mb_1m=… cpu_ms_10k=… cpu_ms_1m=… cpu_ratio=…
(smallest and largest size).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pickle
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import synthetic_warehouse
from bench.remixed_articles import TODAY, read_texts, real_terms, remix


def run_fill(db_path: Path, stored: int, per_day: int, terms_file: Path) -> None:
    from warehouse import db

    con = db.connect(db_path)
    synthetic_warehouse.fill(
        con, stored, per_day=per_day, today=TODAY, real_terms=json.loads(terms_file.read_text(encoding="utf-8"))
    )
    print(json.dumps(synthetic_warehouse.table_rows(con)))
    con.close()


def run_store(db_path: Path, analyzed_file: Path, batch: int, first: int, batches: int, profile: Path | None) -> None:
    from flows.ingest.batches import store_analyzed
    from warehouse import db

    analyzed = pickle.loads(analyzed_file.read_bytes())[first : first + batch * batches]
    con = db.connect(db_path)
    profiler = cProfile.Profile() if profile else None
    times, cpu_times, outcomes = [], [], Counter[str]()
    for start in range(0, len(analyzed), batch):
        chunk = analyzed[start : start + batch]
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        outcome = store_analyzed(con, chunk, "bench-dedup-scale")
        if profiler:
            profiler.disable()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        outcomes.update(outcome.duplicates)
        outcomes["new_articles"] += outcome.new_articles
    con.close()
    if profiler and profile:
        profiler.dump_stats(str(profile))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {"articles": len(analyzed), "batch_seconds": times, "batch_cpu_seconds": cpu_times}
    print(json.dumps(report | {"outcomes": outcomes, "self_rss_mb": peak}))


def child(args: list[str]) -> tuple[str, float, float]:
    """Run this module in a fresh process; return (stdout, seconds, peak RSS MB of that process)."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bench.dedup_scale", *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"child {args[:2]} failed with status {status}")
    return out.strip().splitlines()[-1], time.monotonic() - started, usage.ru_maxrss / 1024


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def print_profile(path: Path, limit: int = 25) -> None:
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(r"newswatch|extractors|warehouse|flows|duckdb", limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path)
    parser.add_argument("--articles", type=Path, help="JSONL with title and text per line")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--per-day", type=int, default=400, help="stored articles per publication day")
    parser.add_argument("--batch", type=int, default=25, help="articles per store_analyzed call (the flow's default)")
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--undated-share", type=float, default=0.25, help="new articles without a publication date")
    parser.add_argument(
        "--no-seen-date",
        action="store_true",
        help="undated articles lack the day they were fetched too (compared with every stored article)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile 4 more batches at the largest size")
    parser.add_argument("--work-dir", type=Path, help="fill the DuckDB files here (default: a temp dir)")
    parser.add_argument(
        "--keep-fill",
        action="store_true",
        help="keep each filled file in --work-dir and measure a copy (needs 2x disk)",
    )
    parser.add_argument("--fill", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stored", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--terms", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--analyzed", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        return run_fill(args.fill, args.stored, args.per_day, args.terms)
    if args.store:
        return run_store(args.store, args.analyzed, args.batch, args.first, args.batches, args.profile_out)

    from extractors.analysis import analyze_article
    from flows.seed_files import load_taxonomy
    from flows.settings import DEFAULT_TOPICS

    sizes = sorted(int(s) for s in args.sizes.split(","))
    extra = 4 if args.profile else 0
    texts = read_texts(args.html_dir, args.articles)
    articles = remix(texts, args.batch * (args.batches + extra), args.undated_share, not args.no_seen_date)
    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    analyzed = [analyze_article(a, taxonomy, None) for a in articles]
    undated = sum(a.published is None for a in articles)
    print(
        f"texts={len(texts)} new_articles={len(analyzed)} undated={undated} seen_date={not args.no_seen_date}"
        f" batch={args.batch} per_day={args.per_day}",
        flush=True,
    )
    results: dict[int, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="newswatch-dedup-scale-") as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        analyzed_file, terms_file = work / "analyzed.pickle", work / "terms.json"
        analyzed_file.write_bytes(pickle.dumps(analyzed))
        terms_file.write_text(json.dumps(real_terms(articles)), encoding="utf-8")
        for n in sizes:
            pristine = work / f"stored-{label(n)}.duckdb"
            fill_args = ["--stored", str(n), "--per-day", str(args.per_day), "--terms", str(terms_file)]
            stamp = pristine.with_suffix(".fill.json")
            if (
                args.work_dir
                and pristine.exists()
                and stamp.exists()
                and json.loads(stamp.read_text())["args"]
                == [
                    *fill_args[:4],
                    terms_file.read_text(encoding="utf-8"),
                ]
            ):
                size_mb = pristine.stat().st_size / 2**20
                print(f"stored={n} reusing {pristine} (filled earlier with the same arguments) file_mb={size_mb:.0f}")
            else:
                pristine.unlink(missing_ok=True)
                rows, fill_s, fill_rss = child(["--fill", str(pristine), *fill_args])
                stamp.write_text(json.dumps({"args": [*fill_args[:4], terms_file.read_text(encoding="utf-8")]}))
                size_mb = pristine.stat().st_size / 2**20
                print(f"stored={n} fill_s={fill_s:.1f} fill_rss_mb={fill_rss:.0f} file_mb={size_mb:.0f} rows={rows}")
            db_path = pristine
            if args.keep_fill:  # storing changes the file: measure a copy so the fill can be measured again
                db_path = work / f"stored-{label(n)}.run.duckdb"
                shutil.copyfile(pristine, db_path)
            else:
                stamp.unlink()
            store_args = ["--analyzed", str(analyzed_file), "--batch", str(args.batch), "--batches", str(args.batches)]
            out, _, rss = child(["--store", str(db_path), *store_args])
            report = json.loads(out)
            seconds = report["batch_seconds"]
            per_article = 1000 * sum(seconds) / report["articles"]
            steady = 1000 * sum(seconds[1:]) / max(1, report["articles"] - args.batch)
            cpu_per_article = 1000 * sum(report["batch_cpu_seconds"]) / report["articles"]
            results[n] = (per_article, rss, cpu_per_article)
            print(
                f"stored={n} per_article_ms={per_article:.1f} per_article_cpu_ms={cpu_per_article:.1f}"
                " first_batch_ms_per_article="
                f"{1000 * seconds[0] / args.batch:.1f} later_batches_ms_per_article={steady:.1f}"
                f" peak_rss_mb={rss:.0f} outcomes={dict(report['outcomes'])}",
                flush=True,
            )
            if args.profile and n == sizes[-1]:
                profile_out = work / "profile.pstats"
                first = str(args.batch * args.batches)
                child(
                    [
                        "--store",
                        str(db_path),
                        *store_args[:4],
                        "--batches",
                        "4",
                        "--first",
                        first,
                        "--profile-out",
                        str(profile_out),
                    ]
                )
                print_profile(profile_out)
            if args.keep_fill:
                db_path.unlink()
            else:
                pristine.unlink()
    small, large = sizes[0], sizes[-1]
    ratio = results[large][0] / results[small][0]
    print(
        f"per_article_ms_{label(small)}={results[small][0]:.1f} per_article_ms_{label(large)}={results[large][0]:.1f}"
        f" ratio={ratio:.2f} peak_rss_mb_{label(large)}={results[large][1]:.0f}"
        f" cpu_ms_{label(small)}={results[small][2]:.1f} cpu_ms_{label(large)}={results[large][2]:.1f}"
        f" cpu_ratio={results[large][2] / results[small][2]:.2f}"
    )


if __name__ == "__main__":
    main()
