"""Extraction on a Dask cluster through prefect-dask: a LocalCluster of 2 workers gives the same articles,
duplicates and tags as the in-process analysis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.corpus import Corpus, CorpusServer
from tests.support.paths import CAPTURE
from warehouse import db

distributed = pytest.importorskip("distributed", reason="Dask needs the scale extra: pip install -e '.[scale]'")
pytest.importorskip("prefect_dask", reason="prefect-dask needs the scale extra: pip install -e '.[scale]'")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as local:
        yield local


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = db.connect(path, read_only=True)
    try:
        return {
            "articles": con.execute("SELECT article_id, title FROM articles ORDER BY 1").fetchall(),
            "duplicates": con.execute(
                "SELECT article_id, kind, matched_article_id FROM duplicates ORDER BY 1"
            ).fetchall(),
            "tags": con.execute("SELECT article_id, topic, score FROM topic_tags ORDER BY 1, 2").fetchall(),
        }
    finally:
        con.close()


def test_extraction_on_a_two_worker_dask_cluster_matches_local(
    prefect_harness: None, cluster: object, tmp_path: Path
) -> None:
    from flows.ingest.flow import ingest

    pages = [p.read_bytes() for p in sorted(CAPTURE.rglob("*.html")) if p.is_file()]
    with CorpusServer(Corpus(pages=pages, n_pages=24, n_feeds=3)) as server:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(server.feeds_toml(), encoding="utf-8")
        common = {"feeds_file": str(feeds), "capture": False, "live": True, "relevance": False, "batch_size": 8}
        on_dask = ingest(db_path=str(tmp_path / "dask.duckdb"), dask_address=cluster.scheduler_address, **common)  # type: ignore[attr-defined]
        local = ingest(db_path=str(tmp_path / "local.duckdb"), **common)
    assert on_dask.fetched == local.fetched == 24
    assert on_dask.stored_articles == local.stored_articles > 0
    assert on_dask.new_articles == local.new_articles
    assert _rows(tmp_path / "dask.duckdb") == _rows(tmp_path / "local.duckdb")
    with distributed.Client(cluster.scheduler_address) as client:  # type: ignore[attr-defined]
        from flows import tagging_files

        loaded = client.run(lambda: len(tagging_files._taxonomies))
    assert len(loaded) == 2 and sum(loaded.values()) >= 1  # the chunks ran on the cluster's workers
