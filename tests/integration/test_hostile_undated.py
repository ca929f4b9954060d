"""An article without a publication date is matched around the day it was fetched (issue 19, item 4): at a
million stored articles a look-up against every stored article took over a second per batch, and a page
without a date is common. Only an article with neither date is compared with every stored article."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import duckdb

from extractors.analysis import analyze_article
from extractors.records import Article
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_gazetteer, load_taxonomy
from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS
from tests.unit.test_hostile_stories import OLDER
from warehouse import db

TAXONOMY = load_taxonomy(DEFAULT_TOPICS)
GAZETTEER = load_gazetteer(DEFAULT_ENTITIES)
FIRST_REPORT_DAY = date(2026, 1, 5)


def _store(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> None:
    store_analyzed(con, [analyze_article(a, TAXONOMY, GAZETTEER) for a in articles], "test")


def _story_of(con: duckdb.DuckDBPyConnection, article: Article) -> str:
    row = con.execute("SELECT story_id FROM article_stories WHERE article_id = ?", [article.article_id]).fetchone()
    assert row is not None
    return str(row[0])


def _warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """One stored report of the event, published on FIRST_REPORT_DAY."""
    con = db.connect(path)
    _store(con, [dataclasses.replace(OLDER[0], published=FIRST_REPORT_DAY)])
    return con


def test_an_undated_report_fetched_days_later_joins_the_story(db_path: Path) -> None:
    con = _warehouse(db_path)
    retold = dataclasses.replace(OLDER[1], seen_on=date(2026, 1, 7))
    _store(con, [retold])
    assert _story_of(con, retold) == OLDER[0].article_id
    dates = con.execute("SELECT DISTINCT published FROM story_terms WHERE article_id = ?", [retold.article_id])
    assert dates.fetchall() == [(date(2026, 1, 7),)]  # indexed under the day it was fetched
    con.close()


def test_an_undated_report_fetched_months_later_is_not_compared_with_the_old_story(db_path: Path) -> None:
    con = _warehouse(db_path)
    retold = dataclasses.replace(OLDER[1], seen_on=date(2026, 6, 1))
    _store(con, [retold])
    assert _story_of(con, retold) == retold.article_id
    con.close()


def test_a_report_with_neither_date_is_still_compared_with_every_stored_article(db_path: Path) -> None:
    con = _warehouse(db_path)
    _store(con, [OLDER[2]])
    assert _story_of(con, OLDER[2]) == OLDER[0].article_id
    con.close()
