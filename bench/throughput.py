"""Throughput: trafilatura alone vs the full newswatch ingest vs newspaper4k, on the same pages.

    python -m bench.throughput --html-dir ../shared/data/extraction-dev/html --pages 2000

The pages are served with RSS feeds from 127.0.0.1 under distinct URLs, by a server in a process of its
own (in this process its threads would compete for the GIL that the flow needs). Last line:
pages=N trafilatura_pps=… pipeline_pps=… newspaper4k_pps=… ratio_vs_trafilatura=… ratio_vs_newspaper4k=…
cpu_ms_per_page=… trafilatura_cpu_ms_per_page=… cpu_ratio=…

trafilatura alone runs just before the pipeline and again just after it, and its figures are the mean of the two: on a
shared machine CPU time a page grows with the load, which the two runs bracket.

CPU is user + system time from getrusage: for the pipeline, this process (the flow and its threads) and the
children it reaped during the run (the analysis workers, joined before the flow returns); the corpus server
and the Prefect server are children still running then, so none of their CPU is counted.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import trafilatura

from bench.corpus import SeparateCorpusServer, read_pages, use_local_env
from flows.ops.prefect_server import prefect_api
from tests.support.corpus import Corpus

# Nothing here imports Prefect at the top, as the CLI does not: imported before prefect_api() points it at the
# server, Prefect would have read its settings already and start an ephemeral server of its own inside the
# flow; and each spawned analysis worker imports this module again (as __mp_main__), Prefect with it.
if TYPE_CHECKING:
    from flows.ingest.summary import RunSummary

# Any request a library makes to a host other than loopback goes to a closed local port and fails.
NO_EGRESS = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,localhost",
}


@dataclass(frozen=True)
class Timing:
    pages_per_s: float
    own_cpu_ms_per_page: float  # this process
    children_cpu_ms_per_page: float = 0.0  # the children it reaped: the analysis workers

    @property
    def cpu_ms_per_page(self) -> float:
        return self.own_cpu_ms_per_page + self.children_cpu_ms_per_page


def cpu_seconds(who: int) -> float:
    """User + system CPU of this process (RUSAGE_SELF) or of its children reaped so far (RUSAGE_CHILDREN)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def time_trafilatura(corpus: Corpus) -> Timing:
    cpu, started = cpu_seconds(resource.RUSAGE_SELF), time.perf_counter()
    for i in range(corpus.n_pages):
        trafilatura.extract(corpus.page_for(i))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(resource.RUSAGE_SELF) - cpu
    return Timing(corpus.n_pages / elapsed, 1000 * cpu / corpus.n_pages)


def time_pipeline(server: SeparateCorpusServer, workdir: Path, batch_size: int) -> tuple[Timing, RunSummary]:
    feeds = workdir / "feeds.toml"
    feeds.write_text(server.feeds_toml(), encoding="utf-8")
    from flows.ingest.flow import ingest

    own, children = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    summary = ingest(
        db_path=str(workdir / "bench.duckdb"),
        feeds_file=str(feeds),
        capture=False,
        live=True,
        relevance=False,
        batch_size=batch_size,
    )
    # Read before the servers stop: only then are they reaped and their CPU counted as this process's children.
    elapsed = time.perf_counter() - started
    own, children = cpu_seconds(resource.RUSAGE_SELF) - own, cpu_seconds(resource.RUSAGE_CHILDREN) - children
    n_pages = server.corpus.n_pages
    return Timing(n_pages / elapsed, 1000 * own / n_pages, 1000 * children / n_pages), summary


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


def last_line(pages: int, traf: Timing, pipe: Timing, newspaper4k_pps: float) -> str:
    traf_pps, pipe_pps, np_pps = traf.pages_per_s, pipe.pages_per_s, newspaper4k_pps
    return (
        f"pages={pages} trafilatura_pps={traf_pps:.1f} pipeline_pps={pipe_pps:.1f} newspaper4k_pps={np_pps:.1f}"
        f" ratio_vs_trafilatura={pipe_pps / traf_pps:.2f} ratio_vs_newspaper4k={pipe_pps / np_pps:.2f}"
        f" cpu_ms_per_page={pipe.cpu_ms_per_page:.1f} trafilatura_cpu_ms_per_page={traf.cpu_ms_per_page:.1f}"
        f" cpu_ratio={pipe.cpu_ms_per_page / traf.cpu_ms_per_page:.2f}"
    )


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
    if "prefect" in sys.modules:
        raise SystemExit("prefect was imported before the bench chose its API: the flow would start its own server")
    corpus = Corpus(pages=read_pages(args.html_dir), n_pages=args.pages, n_feeds=args.feeds)
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-throughput-"))
    before = time_trafilatura(corpus)
    print(f"trafilatura.extract alone: {before.pages_per_s:.1f} pages/s, {before.cpu_ms_per_page:.1f} ms CPU a page")
    with SeparateCorpusServer(corpus) as server:
        with prefect_api():
            pipe, summary = time_pipeline(server, workdir, args.batch_size)
        print(
            f"pipeline: {pipe.pages_per_s:.1f} pages/s, {pipe.cpu_ms_per_page:.1f} ms CPU a page "
            f"({pipe.own_cpu_ms_per_page:.1f} in the flow process, {pipe.children_cpu_ms_per_page:.1f} in workers); "
            f"stored={summary.stored_articles} new={summary.new_articles} "
            f"duplicates={summary.duplicates} rejected={summary.rejected}",
            flush=True,
        )
        after = time_trafilatura(corpus)
        print(f"trafilatura.extract again: {after.pages_per_s:.1f} pages/s, {after.cpu_ms_per_page:.1f} ms CPU a page")
        np_pps, np_failures = time_newspaper4k(server, min(args.newspaper_pages, args.pages))
        print(f"newspaper4k: {np_pps:.1f} pages/s ({np_failures} pages raised)", flush=True)
    traf = Timing((before.pages_per_s + after.pages_per_s) / 2, (before.cpu_ms_per_page + after.cpu_ms_per_page) / 2)
    if server.cpu_seconds is not None:
        print(f"corpus server (not counted): {server.cpu_seconds:.1f} s CPU over the whole bench", flush=True)
    print(last_line(args.pages, traf, pipe, np_pps))


if __name__ == "__main__":
    main()
