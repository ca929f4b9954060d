"""`python -m tests.support.run_owner pool|prefect-server`: a process that owns what an ingest run starts,
for tests that kill it: an analysis pool, or the local Prefect server. It prints `ready` once its workers
have analyzed pages, or once the server answers, then sleeps."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor

from extractors.records import FeedEntry, FetchedPage
from flows.ingest.analysis_pool import POOL_MIN_PAGES, Analyzer
from flows.ops.prefect_server import prefect_api
from flows.seed_files import load_tagging
from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS
from tests.support.paths import ANI_PATH, CAPTURE

WORKERS = 2


def _pages(n: int) -> list[FetchedPage]:
    html = (CAPTURE / "sites" / "www.aninews.in" / ANI_PATH / "index.html").read_bytes()
    pages = []
    for i in range(n):
        url = f"https://www.aninews.in/{ANI_PATH}/copy-{i}"
        entry = FeedEntry(source="copies", link=url, title=f"copy {i}")
        pages.append(
            FetchedPage(entry=entry, canonical_url=url, final_url=url, status=200, html=html, content_type="text/html")
        )
    return pages


def own_a_pool() -> None:
    tagging = load_tagging(DEFAULT_TOPICS, DEFAULT_ENTITIES)
    analyzer = Analyzer(tagging, expected_pages=POOL_MIN_PAGES, workers=WORKERS)
    pages = _pages(2 * WORKERS)  # as many chunks as a real batch makes
    assert analyzer.parallel
    # As in the flow: batches are analyzed in a task thread, which ends before the pool does.
    with ThreadPoolExecutor(1) as task_thread:
        analyzed, _ = task_thread.submit(analyzer.analyze, pages).result()
    assert len(analyzed) == len(pages)
    time.sleep(1)  # a worker tied to that thread's death would be gone now, and the pool broken
    analyzed, _ = analyzer.analyze(pages)
    assert len(analyzed) == len(pages)
    print("ready", flush=True)
    time.sleep(600)
    analyzer.close()


def own_a_prefect_server() -> None:
    with prefect_api():  # waits until the server is healthy
        print("ready", flush=True)
        time.sleep(600)


if __name__ == "__main__":
    sys.exit({"pool": own_a_pool, "prefect-server": own_a_prefect_server}[sys.argv[1]]())
