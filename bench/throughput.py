"""Throughput: trafilatura alone vs the full newswatch ingest vs newspaper4k, on the same pages.

    python -m bench.throughput --html-dir ../shared/data/extraction-dev/html --pages 2000

The pages are served with RSS feeds from 127.0.0.1 under distinct URLs, by a server in a process of its
own (in this process its threads would compete for the GIL that the flow needs). Last line:
pages=N trafilatura_pps=… pipeline_pps=… newspaper4k_pps=… ratio_vs_trafilatura=… ratio_vs_newspaper4k=…
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import trafilatura

from bench.corpus import SeparateCorpusServer, read_pages, use_local_env
from flows.ingest.summary import RunSummary
from flows.ops.prefect_server import prefect_api
from tests.support.corpus import Corpus

# Any request a library makes to a host other than loopback goes to a closed local port and fails.
NO_EGRESS = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}


def time_trafilatura(corpus: Corpus) -> float:
    started = time.perf_counter()
    for i in range(corpus.n_pages):
        trafilatura.extract(corpus.page_for(i))
    return corpus.n_pages / (time.perf_counter() - started)


def time_pipeline(server: SeparateCorpusServer, workdir: Path, batch_size: int) -> tuple[float, RunSummary]:
    feeds = workdir / "feeds.toml"
    feeds.write_text(server.feeds_toml(), encoding="utf-8")
    from flows.ingest.flow import ingest

    started = time.perf_counter()
    summary = ingest(
        db_path=str(workdir / "bench.duckdb"),
        feeds_file=str(feeds),
        capture=False,
        live=True,
        relevance=False,
        batch_size=batch_size,
    )
    elapsed = time.perf_counter() - started
    return server.corpus.n_pages / elapsed, summary


def time_newspaper4k(server: SeparateCorpusServer, limit: int) -> tuple[float, int]:
    """Pages per second, and how many pages newspaper4k raised on (it wants nltk for some languages)."""
    warnings.filterwarnings("ignore")
    import newspaper

    urls = [f"{server.base_url}/page/{i}" for i in range(limit)]
    failures = 0
    started = time.perf_counter()
    for url in urls:
        article = newspaper.Article(url, fetch_images=False, memorize_articles=False)
        try:
            article.download()
            article.parse()
        except Exception:
            failures += 1
    return len(urls) / (time.perf_counter() - started), failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--newspaper-pages", type=int, default=500, help="newspaper4k is slow: time it on a prefix.")
    args = parser.parse_args()
    os.environ.update(NO_EGRESS)
    use_local_env()
    corpus = Corpus(pages=read_pages(args.html_dir), n_pages=args.pages, n_feeds=args.feeds)
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-throughput-"))
    traf_pps = time_trafilatura(corpus)
    print(f"trafilatura.extract alone: {traf_pps:.1f} pages/s", flush=True)
    with SeparateCorpusServer(corpus) as server:
        with prefect_api():
            pipe_pps, summary = time_pipeline(server, workdir, args.batch_size)
        print(
            f"pipeline: {pipe_pps:.1f} pages/s; stored={summary.stored_articles} new={summary.new_articles} "
            f"duplicates={summary.duplicates} rejected={summary.rejected}",
            flush=True,
        )
        np_pps, np_failures = time_newspaper4k(server, min(args.newspaper_pages, args.pages))
        print(f"newspaper4k: {np_pps:.1f} pages/s ({np_failures} pages raised)", flush=True)
    print(
        f"pages={args.pages} trafilatura_pps={traf_pps:.1f} pipeline_pps={pipe_pps:.1f} newspaper4k_pps={np_pps:.1f}"
        f" ratio_vs_trafilatura={pipe_pps / traf_pps:.2f} ratio_vs_newspaper4k={pipe_pps / np_pps:.2f}"
    )


if __name__ == "__main__":
    main()
