"""Cost of a rerun with nothing new, against an empty Prefect flow run.

    python -m bench.noop --html-dir ../shared/data/extraction-dev/html --feeds 200

Serves `--feeds` local RSS feeds, ingests them once, then times a rerun (nothing new) and an
empty flow under the same local Prefect server. Last line: rerun_s=… empty_flow_s=… ratio=…
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from prefect import flow

from bench.corpus import read_pages, use_local_env
from flows.ops.prefect_server import prefect_api
from tests.support.corpus import Corpus, CorpusServer


@flow(name="bench-empty-flow")
def empty_flow() -> None:
    return None


def timed(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    use_local_env()
    corpus = Corpus(pages=read_pages(args.html_dir), n_pages=args.pages, n_feeds=args.feeds)
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-noop-"))
    with CorpusServer(corpus) as server, prefect_api():
        from flows.ingest.flow import ingest

        feeds = workdir / "feeds.toml"
        feeds.write_text(server.feeds_toml(), encoding="utf-8")
        db_path = str(workdir / "noop.duckdb")

        def rerun() -> None:
            summary = ingest(db_path=db_path, feeds_file=str(feeds), capture=False, live=True, relevance=False)
            assert summary.stored_articles == 0, summary

        first = ingest(db_path=db_path, feeds_file=str(feeds), capture=False, live=True, relevance=False)
        print(f"first run stored {first.stored_articles} articles from {first.sources_ok} feeds", flush=True)
        empty_flow()  # warm-up: the first flow run of a process pays for client start-up
        empty_s = timed(empty_flow, args.repeats)
        rerun_s = timed(rerun, args.repeats)
    print(f"feeds={args.feeds} rerun_s={rerun_s:.3f} empty_flow_s={empty_s:.3f} ratio={rerun_s / empty_s:.2f}")


if __name__ == "__main__":
    main()
