"""Where the CPU-bound analysis runs: in this process for small runs, else in a process pool, or on a
Dask cluster (prefect-dask, the `scale` extra) when NEWSWATCH_DASK_ADDRESS names a scheduler.

Workers get the parsed taxonomy and gazetteer (flows/seed_files.TaggingFiles) and build the models once,
so only pages travel to them afterwards and only analyzed records come back. A Dask worker needs the
installed package, not the checkout or the seed files.
"""

from __future__ import annotations

import contextvars
import os
import threading
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from extractors.analysis import analyze_pages
from extractors.records import AnalyzedArticle, FetchedPage, Rejection
from extractors.screened_analysis import ScreenedAnalysis, screen_and_analyze_pages
from extractors.tagging.relevance import RelevanceQuery
from flows.ingest.pool_worker import analyze_in_worker, screen_and_analyze_in_worker, screen_for, worker_pool
from flows.seed_files import TaggingFiles

# Below this many pages, starting worker processes costs more than it saves.
POOL_MIN_PAGES = 60


def in_page_order(analyzed: list[AnalyzedArticle], pages: list[FetchedPage]) -> None:
    """Sort `analyzed` as their pages came: chunks interleave pages, and the feed's order is what makes dedup
    pick the same original every run."""
    order = {p.canonical_url: i for i, p in enumerate(pages)}
    analyzed.sort(key=lambda a: order.get(a.article.url, len(order)))


@dataclass(frozen=True)
class PendingScreen:
    """A batch being screened and analyzed: its chunks queued in the workers (or one task in this process)."""

    pages: list[FetchedPage]
    chunks: list[Future[ScreenedAnalysis]]

    def result(self) -> ScreenedAnalysis:
        """Wait for every chunk; analyzed pages in the batch's order, so dedup picks the same original every run."""
        result = ScreenedAnalysis(analyzed=[], rejected=[], off_topic=[])
        for chunk in self.chunks:
            done = chunk.result()
            result.analyzed.extend(done.analyzed)
            result.rejected.extend(done.rejected)
            result.off_topic.extend(done.off_topic)
        if len(self.chunks) > 1:
            in_page_order(result.analyzed, self.pages)
        return result


def analyze_on_worker(pages: list[FetchedPage], tagging: TaggingFiles) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    """On a Dask worker: the models are built on the first chunk and kept by content digest."""
    return analyze_pages(pages, *tagging.models())


# A task over a module-level function, so Dask pickles it by reference rather than by value.
analyze_chunk = task(name="analyze-on-dask", cache_policy=NO_CACHE)(analyze_on_worker)


class Analyzer:
    """Analyze batches of pages, in worker processes when the run is big enough to pay for them."""

    def __init__(
        self, tagging: TaggingFiles, *, expected_pages: int, workers: int, dask_address: str | None = None
    ) -> None:
        self.tagging = tagging
        self.taxonomy, self.gazetteer = tagging.models()
        self.workers = workers
        self._pool: Executor | None = None
        self._background: ThreadPoolExecutor | None = None
        self._dask: Any = None
        self._stack = ExitStack()
        # The flow analyzes batches in task threads, several at once; lxml and trafilatura are not safe to run
        # in two threads of one process (a worker segfaulted so), so in-process analysis takes turns.
        self._inline = threading.Lock()
        if dask_address:
            from prefect_dask import DaskTaskRunner

            self._dask = self._stack.enter_context(DaskTaskRunner(address=dask_address))
            self.workers = max(1, len(self._dask.client.scheduler_info().get("workers", {})))
        elif expected_pages >= POOL_MIN_PAGES and self.workers > 1:
            self._pool = worker_pool(tagging, self.workers)
            # A worker starts on a submission that finds no idle one, from the submitting thread: start
            # them all now, so their imports and model loading overlap the first batch's fetch, and so
            # each one's parent-death signal (pool_worker.exit_with_owner) follows this thread, which
            # outlives the pool, rather than a task thread.
            for _ in range(self.workers):
                self._pool.submit(os.getpid)

    @property
    def parallel(self) -> bool:
        return self._pool is not None or self._dask is not None

    def _chunk_results(self, chunks: list[list[FetchedPage]]) -> list[tuple[list[AnalyzedArticle], list[Rejection]]]:
        if self._dask is not None:
            # Submitted outside the calling task's run context: that context (event loop tasks) cannot be
            # pickled to the cluster, and each chunk is recorded as a task run of its own anyway.
            futures = [
                contextvars.Context().run(
                    self._dask.submit,
                    analyze_chunk,
                    {"pages": chunk, "tagging": self.tagging},
                )
                for chunk in chunks
            ]
            return [future.result() for future in futures]
        assert self._pool is not None
        return list(self._pool.map(analyze_in_worker, chunks))

    def analyze(self, pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
        if not self.parallel or not pages:
            with self._inline:
                return analyze_pages(pages, self.taxonomy, self.gazetteer)
        n_chunks = min(len(pages), self.workers * 2) or 1
        chunks = [pages[i::n_chunks] for i in range(n_chunks)]
        analyzed: list[AnalyzedArticle] = []
        rejected: list[Rejection] = []
        for chunk_analyzed, chunk_rejected in self._chunk_results(chunks):
            analyzed.extend(chunk_analyzed)
            rejected.extend(chunk_rejected)
        in_page_order(analyzed, pages)
        return analyzed, rejected

    def submit_screen_and_analyze(self, pages: list[FetchedPage], query: RelevanceQuery | None) -> PendingScreen:
        """Relevance first, then analysis (extractors/screened_analysis.py), started at once: in the worker
        processes when there are some, each batch's chunks queued behind the last batch's, so that no worker
        waits for another's last chunk of a batch before starting on the next; else in one thread of this
        process (on Dask too), one batch at a time."""
        if self._pool is None or not pages:
            if self._background is None:
                self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screened-analysis")
            inline = self._background.submit(
                screen_and_analyze_pages, pages, self.taxonomy, self.gazetteer, query, screen_for(query)
            )
            return PendingScreen(pages=pages, chunks=[inline])
        n_chunks = min(len(pages), self.workers * 2)
        chunks = [pages[i::n_chunks] for i in range(n_chunks)]
        futures = [self._pool.submit(screen_and_analyze_in_worker, chunk, query) for chunk in chunks]
        return PendingScreen(pages=pages, chunks=futures)

    def close(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._stack.close()

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
