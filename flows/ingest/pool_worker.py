"""What a process-pool worker runs. Kept apart from the Prefect tasks: a spawned worker imports this
module, and importing Prefect would cost each worker more than a second of CPU at every run's start."""

from __future__ import annotations

from pathlib import Path

from extractors.analysis import analyze_pages
from extractors.records import AnalyzedArticle, FetchedPage, Rejection
from extractors.tagging.entities import Gazetteer, load_gazetteer
from extractors.tagging.topics import Taxonomy, load_taxonomy

_worker_models: tuple[Taxonomy, Gazetteer | None] | None = None


def init_worker(topics_file: Path, entities_file: Path | None) -> None:
    global _worker_models
    _worker_models = (load_taxonomy(topics_file), load_gazetteer(entities_file) if entities_file else None)


def analyze_in_worker(pages: list[FetchedPage]) -> tuple[list[AnalyzedArticle], list[Rejection]]:
    assert _worker_models is not None, "worker not initialised"
    return analyze_pages(pages, *_worker_models)
