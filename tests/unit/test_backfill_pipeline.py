"""The backfill keeps its worker processes fed: a batch's chunks are queued in the pool as soon as the batch is
read, without waiting for the batch before it, and each batch's result comes back whole and in page order."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from extractors.records import FeedEntry, FetchedPage
from extractors.screened_analysis import OffTopic, ScreenedAnalysis
from flows.ingest import analysis_pool
from flows.seed_files import load_tagging
from flows.settings import DEFAULT_TOPICS


class QueuingPool:
    """A process pool stand-in that runs nothing until told: it only records what was queued."""

    def __init__(self) -> None:
        self.queued: list[tuple[list[FetchedPage], Future[ScreenedAnalysis]]] = []

    def submit(self, fn: Any, pages: list[FetchedPage], query: object) -> Future[ScreenedAnalysis]:
        future: Future[ScreenedAnalysis] = Future()
        self.queued.append((pages, future))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def pages(batch: str, n: int) -> list[FetchedPage]:
    urls = [f"https://news.example/{batch}/{i}" for i in range(n)]
    return [FetchedPage(entry=FeedEntry(source="t", link=u), canonical_url=u, final_url=u, status=200) for u in urls]


def turned_away(chunk: list[FetchedPage]) -> ScreenedAnalysis:
    off = [OffTopic(url=p.canonical_url, source="t", title="", stage="markup", reason="r") for p in chunk]
    return ScreenedAnalysis(analyzed=[], rejected=[], off_topic=off)


def test_the_next_batch_is_queued_before_the_last_one_is_done() -> None:
    analyzer = analysis_pool.Analyzer(load_tagging(DEFAULT_TOPICS, None), expected_pages=1, workers=1)
    pool = QueuingPool()
    analyzer._pool, analyzer.workers = pool, 2  # type: ignore[assignment]
    first, second = pages("a", 8), pages("b", 8)
    pending_first = analyzer.submit_screen_and_analyze(first, None)
    pending_second = analyzer.submit_screen_and_analyze(second, None)
    # Both batches are in the pool's queue, and nothing of the first has finished.
    assert sum(len(chunk) for chunk, _future in pool.queued) == 16
    assert not any(future.done() for _chunk, future in pool.queued)
    for chunk, future in pool.queued:
        future.set_result(turned_away(chunk))
    assert {o.url for o in pending_first.result().off_topic} == {p.canonical_url for p in first}
    assert {o.url for o in pending_second.result().off_topic} == {p.canonical_url for p in second}
    analyzer.close()


def test_without_workers_a_batch_is_screened_in_this_process() -> None:
    analyzer = analysis_pool.Analyzer(load_tagging(DEFAULT_TOPICS, None), expected_pages=1, workers=1)
    result = analyzer.submit_screen_and_analyze([], None).result()
    assert result.analyzed == [] and result.off_topic == []
    analyzer.close()
