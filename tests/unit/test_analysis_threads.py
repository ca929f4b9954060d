"""In-process analysis (one analysis worker, or a small run) is never run in two threads at once: the flow
analyzes batches in several task threads, and lxml and trafilatura crashed a worker process so."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from flows.ingest import analysis_pool
from flows.seed_files import load_tagging
from flows.settings import DEFAULT_TOPICS


def test_batches_analyzed_in_one_process_take_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    running: list[int] = []
    most = [0]
    lock = threading.Lock()

    def analyze_pages(pages: list[Any], *models: object) -> tuple[list[Any], list[Any]]:
        with lock:
            running.append(1)
            most[0] = max(most[0], len(running))
        time.sleep(0.2)  # long enough for the other thread to arrive while this one runs
        with lock:
            running.pop()
        return [], []

    monkeypatch.setattr(analysis_pool, "analyze_pages", analyze_pages)
    analyzer = analysis_pool.Analyzer(load_tagging(DEFAULT_TOPICS, None), expected_pages=10, workers=1)
    assert not analyzer.parallel
    start = threading.Barrier(2)

    def batch() -> None:
        start.wait()
        analyzer.analyze([object()])  # type: ignore[list-item]

    threads = [threading.Thread(target=batch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    analyzer.close()
    assert most[0] == 1
