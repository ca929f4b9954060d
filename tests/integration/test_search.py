"""Full-text search with the fts extension loaded from its pip package, on the bundled capture."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warehouse import db
from warehouse.fulltext import SearchQuery, build_index, index_is_current, search


@pytest.fixture(scope="module")
def capture_db(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.ingest.flow import ingest

    path = tmp_path_factory.mktemp("search") / "newswatch.duckdb"
    ingest(db_path=str(path), capture=True, live=False)
    return path


@pytest.fixture
def searchable(capture_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.duckdb"
    shutil.copy(capture_db, path)
    return path


def test_search_ranks_stories_once_with_topic_and_date_filters(searchable: Path) -> None:
    con = db.connect(searchable)
    assert not index_is_current(con)
    assert build_index(con) == 10
    assert index_is_current(con)

    hits = search(con, SearchQuery(text="reorienting military-technical cooperation"))
    ids = [h.story_id for h in hits]
    assert len(ids) == len(set(ids))  # each story once, though its copies match too
    best = hits[0]
    # One story: seeds 002 and 003 (one joint statement, two outlets) and their three captured copies. Copies
    # are the three captured pages, not the seeds that filed the story.
    assert "reorienting" in best.title.lower() and (best.articles, best.copies) == (5, 3)
    assert best.day_is == "published"

    # Stemming: "tariffs" finds the story that says "tariff", and only stories tagged tariffs pass the filter.
    tariffs = search(con, SearchQuery(text="tariff", topic="tariffs"))
    assert tariffs and all("tariffs" in h.topics for h in tariffs)
    assert not search(con, SearchQuery(text="tariff", topic="no-such-topic"))

    later = search(con, SearchQuery(text="defence", since=date(2025, 12, 4)))
    assert later and all(h.day >= date(2025, 12, 4) for h in later)
    earlier = search(con, SearchQuery(text="defence", until=date(2025, 12, 3)))
    assert earlier and all(h.day <= date(2025, 12, 3) for h in earlier)
    assert {h.story_id for h in later}.isdisjoint({h.story_id for h in earlier})
    assert not search(con, SearchQuery(text="zzzyxw"))

    con.execute(
        "INSERT INTO articles (article_id, url, source, title, body) VALUES ('n', 'https://x/n', 'x', 't', 'new text')"
    )
    assert not index_is_current(con)  # a new article makes the index stale: search rebuilds it
    con.close()


def test_search_command_prints_json_and_rebuilds_the_index(searchable: Path) -> None:
    from flows.cli.app import app

    result = CliRunner().invoke(app, ["search", "S-400", "--db", str(searchable), "--json", "--since", "2025-12-01"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert lines and all(line["day"] >= "2025-12-01" for line in lines)
    bad = CliRunner().invoke(app, ["search", "x", "--db", str(searchable), "--since", "someday"])
    assert bad.exit_code != 0 and "not a period" in bad.output


def _articles_db(path: Path, bodies: dict[str, str]) -> Path:
    con = db.connect(path)
    for article_id, body in bodies.items():
        con.execute(
            "INSERT INTO articles (article_id, url, source, title, body) VALUES (?, ?, 'test', ?, ?)",
            [article_id, f"https://news.example/{article_id}", article_id, body],
        )
        con.execute(
            "INSERT INTO article_stories (article_id, story_id, kind, score) VALUES (?, ?, 'new', 1.0)",
            [article_id, article_id],
        )
    con.close()
    return path


def test_search_stems_russian_with_the_russian_stemmer_and_keeps_hindi_words_whole(tmp_path: Path) -> None:
    path = _articles_db(
        tmp_path / "languages.duckdb",
        {
            "ru-oil": "Индия увеличила закупки российской нефти в декабре.",
            "ru-gas": "Поставки газа выросли.",
            "hi-india": "भारत और रूस के बीच व्यापार बढ़ा।",
            # भरत (a name) differs from भारत (India) only by a vowel sign
            "hi-name": "भरत ने किताबें पढ़ीं।",
            "en": "India raised tariffs on steel.",
        },
    )
    con = db.connect(path)
    build_index(con)

    def found(text: str) -> set[str]:
        return {h.article_id for h in search(con, SearchQuery(text=text))}

    # Russian inflected forms find each other: нефть (nominative) finds нефти (genitive), газ finds газа.
    assert found("нефть") == {"ru-oil"}
    assert found("нефтью") == {"ru-oil"}
    assert found("газ") == {"ru-gas"}
    # Hindi words stay whole with their vowel signs: not split at them, and not stripped of them.
    assert found("भारत") == {"hi-india"}
    assert found("भरत") == {"hi-name"}
    assert found("किताबें") == {"hi-name"}
    assert not found("रत")  # a fragment of भारत after its vowel sign is no word of either text
    # English still goes through Porter.
    assert found("tariff") == {"en"}
    con.close()


def test_a_database_indexed_before_per_script_stemming_is_rebuilt(tmp_path: Path) -> None:
    path = _articles_db(tmp_path / "old.duckdb", {"ru-oil": "Закупки нефти выросли."})
    con = db.connect(path)
    from warehouse.fulltext import load_fts

    load_fts(con)
    # the index as it was built before: over the articles table, with Porter
    con.execute("PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', stemmer = 'porter')")
    con.execute(
        "INSERT INTO search_index_state (index_name, articles, newest_seen, built_at)"
        " SELECT 'fts_main_articles', count(*), max(first_seen_at), now() FROM articles"
    )
    assert not index_is_current(con)
    build_index(con)
    assert index_is_current(con)
    old_schema = con.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'fts_main_articles'"
    ).fetchone()
    assert old_schema == (0,)
    assert [h.article_id for h in search(con, SearchQuery(text="нефть"))] == ["ru-oil"]
    con.close()
