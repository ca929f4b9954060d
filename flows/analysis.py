"""Where the CPU-bound analysis runs: in this process for small runs, else in a process pool.

Workers load the taxonomy and gazetteer once, from the same files as the flow, so only pages
travel to them and only analyzed records come back.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from extractors.analyze import analyze_pages
from extractors.entities import Gazetteer, load_gazetteer
from extractors.records import AnalyzedArticle, FetchedPage, Rejection
from extractors.topics import Taxonomy, load_taxonomy

# Below this many pages, starting worker processes (about 2 s each) costs more than it saves.
POOL_MIN_PAGES = 60
WORKERS_ENV = "NEWSWATCH_WORKERS"

_worker_models: tuple[Taxonomy, Gazetteer | None] | None = None


def _init_worker(topics_file: Path, entities_file: Path | None) -> None:
    global _worker_models
    _worker_models = (load_taxonomy(topics_file), load_gazetteer(entities_file) if entities_file else None)


def _analyze_in_worker(pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    assert _worker_models is not None, "worker not initialised"
    return analyze_pages(pages, *_worker_models)


def default_workers() -> int:
    configured = os.environ.get(WORKERS_ENV)
    return max(1, int(configured)) if configured else max(1, os.cpu_count() or 1)


class Analyzer:
    """Analyze batches of pages, in worker processes when the run is big enough to pay for them."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        gazetteer: Gazetteer | None,
        *,
        topics_file: Path,
        entities_file: Path | None,
        expected_pages: int,
        workers: int | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.workers = workers or default_workers()
        self._pool: Executor | None = None
        if expected_pages >= POOL_MIN_PAGES and self.workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(topics_file, entities_file),
            )

    @property
    def parallel(self) -> bool:
        return self._pool is not None

    def analyze(self, pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
        if self._pool is None:
            return analyze_pages(pages, self.taxonomy, self.gazetteer)
        n_chunks = min(len(pages), self.workers * 2) or 1
        chunks = [pages[i::n_chunks] for i in range(n_chunks)]
        analyzed: list[AnalyzedArticle] = []
        rejected: list[Rejection] = []
        for chunk_analyzed, chunk_rejected in self._pool.map(_analyze_in_worker, chunks):
            analyzed.extend(chunk_analyzed)
            rejected.extend(chunk_rejected)
        # Chunks interleave pages; restore feed order so dedup picks the same original every run.
        order = {p.canonical_url: i for i, p in enumerate(pages)}
        analyzed.sort(key=lambda a: order.get(a.article.url, len(order)))
        return analyzed, rejected

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
