"""What a process-pool worker runs. Kept apart from the Prefect tasks: a spawned worker imports this
module, and importing Prefect would cost each worker a lot of CPU at every run's start."""

from __future__ import annotations

from extractors.analysis import analyze_pages
from extractors.records import AnalyzedArticle, FetchedPage, Rejection
from flows.seed_files import Models, TaggingFiles

_worker_models: Models | None = None


def init_worker(tagging: TaggingFiles) -> None:
    global _worker_models
    _worker_models = tagging.models()


def analyze_in_worker(pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    assert _worker_models is not None, "worker not initialised"
    return analyze_pages(pages, *_worker_models)
