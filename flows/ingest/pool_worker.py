"""What a process-pool worker runs. Kept apart from the Prefect tasks: a spawned worker imports this
module, and importing Prefect would cost each worker a lot of CPU at every run's start."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

from extractors.analysis import analyze_pages
from extractors.records import AnalyzedArticle, Article, EntityCount, FetchedPage, Rejection, TopicTag
from extractors.screened_analysis import ScreenedAnalysis, screen_and_analyze_pages
from extractors.tagging.entities import Gazetteer
from extractors.tagging.entities import extract_batch as extract_entity_batch
from extractors.tagging.markup_screen import MarkupScreen, markup_screen
from extractors.tagging.relevance import RelevanceQuery
from extractors.tagging.taxonomy import Taxonomy
from extractors.tagging.topics import tag_batch
from flows.ops.parent_death import ask_for_parent_death_signal
from flows.tagging_files import Models, TaggingFiles

PARENT_POLL_S = 0.5

_worker_models: Models | None = None


def worker_pool(tagging: TaggingFiles, workers: int) -> ProcessPoolExecutor:
    """Spawned worker processes that build the tagging models once and die with the process that owns them."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(tagging, os.getpid()),
    )


def init_worker(tagging: TaggingFiles, owner_pid: int) -> None:
    exit_with_owner(owner_pid)
    global _worker_models
    _worker_models = tagging.models()


def analyze_in_worker(pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    assert _worker_models is not None, "worker not initialised"
    return analyze_pages(pages, *_worker_models)


def tag_in_worker(articles: list[Article]) -> tuple[list[TopicTag], list[EntityCount]]:
    """Re-tag stored articles (flows/retag.py): their topic tags and, with a gazetteer, their entities."""
    assert _worker_models is not None, "worker not initialised"
    return tag_articles(articles, *_worker_models)


def tag_articles(
    articles: list[Article], taxonomy: Taxonomy, gazetteer: Gazetteer | None
) -> tuple[list[TopicTag], list[EntityCount]]:
    tags = [t for per_article in tag_batch(articles, taxonomy) for t in per_article]
    entities = (
        [e for per_article in extract_entity_batch(articles, gazetteer) for e in per_article] if gazetteer else []
    )
    return tags, entities


@lru_cache(maxsize=4)
def screen_for(query: RelevanceQuery | None) -> MarkupScreen | None:
    """The markup screen of a query, built once per process (queries travel with each chunk, screens do not)."""
    return markup_screen(query) if query is not None else None


def screen_and_analyze_in_worker(pages: list[FetchedPage], query: RelevanceQuery | None) -> ScreenedAnalysis:
    assert _worker_models is not None, "worker not initialised"
    return screen_and_analyze_pages(pages, *_worker_models, query, screen_for(query))


def exit_with_owner(owner_pid: int) -> None:
    """End this worker when the process that owns its pool dies, however it dies (flows/ops/parent_death.py):
    at once by the kernel's signal on Linux (the Analyzer starts every worker from its own thread, which
    outlives the pool), else, and as a fallback, by a watchdog thread that polls for a new parent."""
    ask_for_parent_death_signal(signal.SIGKILL)
    if os.getppid() != owner_pid:  # the owner died before the signal was asked for
        os._exit(1)
    threading.Thread(target=_watch_owner, args=(owner_pid,), name="owner-watchdog", daemon=True).start()


def _watch_owner(owner_pid: int) -> None:
    while os.getppid() == owner_pid:
        time.sleep(PARENT_POLL_S)
    os._exit(1)
