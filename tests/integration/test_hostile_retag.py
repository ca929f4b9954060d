"""The automatic re-tag at scale (issue 19, item 4): it ran in the flow's own thread, one pass over every
stored article, and a re-tag killed halfway started again from the first article. Now batches go to the
analysis worker processes, and each batch's rows are written with how far the re-tag got."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pytest

from flows import retag
from flows.seed_files import load_tagging
from tests.support.helpers import judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load, tag_versions

TOPICS = PROJECT / "seeds" / "topics.toml"
ENTITIES = PROJECT / "seeds" / "entities.toml"
ROWS = (
    "SELECT article_id, topic, tagger_version, score, evidence FROM topic_tags WHERE tagger_version = ? ORDER BY 1, 2"
)


class Killed(Exception):
    """Stands for the process dying between two batches."""


def _warehouse(path: Path, tmp_path: Path, copies: int) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """Seeds 000, 003 and 004, each stored `copies` times under other URLs, and a taxonomy of a new version."""
    tagging = load_tagging(TOPICS, ENTITIES)
    taxonomy, gazetteer = tagging.models()
    seeds = [seed_article(p) for p in ("000", "003", "004")]
    articles = [
        dataclasses.replace(a, article_id=f"{n:05d}-{a.article_id}", url=f"{a.url}?copy={n}")
        for n in range(copies)
        for a in seeds
    ]
    con = db.connect(path)
    load.load_articles(con, judged(con, articles, taxonomy, gazetteer), "run-1")
    changed = tmp_path / "topics.toml"
    changed.write_text(re.sub(r'^version = ".*"', 'version = "9999.2"', TOPICS.read_text("utf-8"), flags=re.M), "utf-8")
    return con, changed


def test_a_killed_retag_resumes_after_the_last_batch_it_wrote(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con, changed = _warehouse(db_path, tmp_path, copies=4)  # 12 articles: 6 batches of 2
    taxonomy, gazetteer = load_tagging(changed, ENTITIES).models()
    written = tag_versions.write_versioned_rows
    calls = 0

    def dies_at_the_fourth_batch(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise Killed
        written(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(retag, "write_versioned_rows", dies_at_the_fourth_batch)
    with pytest.raises(Killed):
        retag.retag_if_versions_changed(con, taxonomy, gazetteer)
    monkeypatch.setattr(retag, "write_versioned_rows", written)

    resumed = retag.retag_if_versions_changed(con, taxonomy, gazetteer)
    assert resumed is not None and (resumed.resumed_after, resumed.articles) == (6, 6)
    assert retag.retag_if_versions_changed(con, taxonomy, gazetteer) is None  # finished and recorded
    assert con.execute("SELECT count(*) FROM retag_progress").fetchone() == (0,)
    after_resume = con.execute(ROWS, [taxonomy.tagger_version]).fetchall()

    # The same rows as one re-tag that was never interrupted, none twice.
    fresh, _ = _warehouse(tmp_path / "fresh.duckdb", tmp_path, copies=4)
    retag.retag_stored(fresh, taxonomy, gazetteer)
    assert after_resume == fresh.execute(ROWS, [taxonomy.tagger_version]).fetchall()
    keys = [(r[0], r[1]) for r in after_resume]
    assert len(keys) == len(set(keys)) > 0
    con.close()
    fresh.close()


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retag, "BATCH_SIZE", 2)


def test_worker_processes_write_the_same_rows_as_the_flow_thread(db_path: Path, tmp_path: Path) -> None:
    con, changed = _warehouse(db_path, tmp_path, copies=4)
    tagging = load_tagging(changed, ENTITIES)
    taxonomy, gazetteer = tagging.models()
    pooled = retag.retag_stored(con, taxonomy, gazetteer, tagging=tagging, workers=2)
    assert pooled.articles == 12 and retag.POOL_MIN_BATCHES * retag.BATCH_SIZE <= 12  # big enough for the pool
    single, _ = _warehouse(tmp_path / "single.duckdb", tmp_path, copies=4)
    retag.retag_stored(single, taxonomy, gazetteer)
    assert (
        con.execute(ROWS, [taxonomy.tagger_version]).fetchall()
        == single.execute(ROWS, [taxonomy.tagger_version]).fetchall()
    )
    entities = "SELECT * EXCLUDE (extracted_at) FROM article_entities ORDER BY ALL"
    assert con.execute(entities).fetchall() == single.execute(entities).fetchall()
    con.close()
    single.close()
