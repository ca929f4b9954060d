"""DuckLake workers racing each other (real PostgreSQL catalog): a commit landing in the middle of another
worker's unit never fails it and never leaves it judging against what it read before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from extractors.analysis import analyze_article
from flows.seed_files import load_seed_articles, load_taxonomy
from flows.settings import DEFAULT_TOPICS
from tests.support.helpers import connect_lake, copy_of
from tests.support.paths import CORPUS
from warehouse import load

pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra: pip install -e '.[scale]'")


@pytest.fixture
def lake(lake: str) -> str:
    """The test's lake, migrated once before the racing workers open it."""
    connect_lake(lake).close()
    return lake


def _first_call_then(real: Callable[..., Any], meanwhile: Callable[[], None]) -> Callable[..., Any]:
    """`real`, but the first call is followed by `meanwhile` (another worker committing) before it returns."""
    calls: list[int] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not calls:
            calls.append(1)
            meanwhile()
        return result

    return wrapped


def test_retag_bookkeeping_racing_another_workers_commit_reruns_instead_of_failing(
    lake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a taxonomy edit every worker's next run re-tags at once; the one whose commit loses the race
    must redo its unit, not fail the run with a DuckLake conflict."""
    from warehouse import tag_versions

    mine, other = connect_lake(lake), connect_lake(lake)
    try:
        racing = _first_call_then(tag_versions.all_tagged_with, lambda: load.start_run(other, "other-worker"))
        monkeypatch.setattr(tag_versions, "all_tagged_with", racing)
        tag_versions.record_all_tagged(mine, "tagger-v2", "gazetteer-v2")
        rows = mine.execute("SELECT tagger_version, gazetteer_version FROM tagging_versions").fetchall()
    finally:
        mine.close()
        other.close()
    assert rows == [("tagger-v2", "gazetteer-v2")]


def test_a_copy_judged_while_another_worker_stores_its_original_is_marked_a_copy(
    lake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker A looks up a batch holding a copy of an article that worker B commits right after A's look-up.
    A's judgement must not stand on the older snapshot: its commit fails and its look-ups are redone, so
    the copy is stored as a duplicate of B's original, not as a second original."""
    from flows.ingest.batches import Batch, store_analyzed, store_batch
    from flows.ingest.screening import Screen
    from warehouse import lookups

    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    original = load_seed_articles(CORPUS)[0]
    original_analyzed = analyze_article(original, taxonomy, None)
    copy = analyze_article(copy_of(original, "http://127.0.0.1/elsewhere/copy"), taxonomy, None)
    worker_a, worker_b = connect_lake(lake), connect_lake(lake)
    try:
        racing = _first_call_then(
            lookups.known_fingerprints, lambda: store_analyzed(worker_b, [original_analyzed], "run-b")
        )
        monkeypatch.setattr(lookups, "known_fingerprints", racing)
        store_batch.fn(worker_a, Batch([]), Batch(([copy], [])), "run-a", Screen(query=None))
        duplicates = worker_a.execute("SELECT article_id, kind, matched_article_id FROM duplicates").fetchall()
        stored = {r[0] for r in worker_a.execute("SELECT article_id FROM articles").fetchall()}
    finally:
        worker_a.close()
        worker_b.close()
    assert stored == {original.article_id, copy.article.article_id}
    assert [(a, m) for a, _, m in duplicates] == [(copy.article.article_id, original.article_id)]
