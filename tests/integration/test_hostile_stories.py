"""Same-story linking in DuckDB against what broke it (issue 18): a stored article that a later one moves to
a new story (its copies follow), stored terms made by an older story profile, and a young warehouse whose
common event words could fetch no candidates."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extractors.analysis import analyze_article
from extractors.article.urls import article_id
from extractors.dedup.story_profile import profile_version, story_profile
from extractors.pipeline import judge_analyzed
from extractors.records import Article
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_gazetteer, load_seed_articles, load_taxonomy
from flows.settings import CORPUS_DIR, DEFAULT_ENTITIES, DEFAULT_TOPICS
from flows.story_reprofile import reprofile_if_version_changed
from tests.support.helpers import copy_of
from tests.unit.test_hostile_stories import NEWER, OLDER
from warehouse import db, lookups
from warehouse.story_index import story_index

TAXONOMY = load_taxonomy(DEFAULT_TOPICS)
GAZETTEER = load_gazetteer(DEFAULT_ENTITIES)


def _store(con: duckdb.DuckDBPyConnection, articles: list[Article], run: str = "test") -> None:
    store_analyzed(con, [analyze_article(a, TAXONOMY, GAZETTEER) for a in articles], run)


def _story(con: duckdb.DuckDBPyConnection, article: str) -> tuple[str, str, str]:
    row = con.execute("SELECT story_id, kind, detail FROM article_stories WHERE article_id = ?", [article]).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def test_a_stored_article_moved_to_a_new_story_takes_its_copies_along(db_path: Path) -> None:
    con = db.connect(db_path)
    _store(con, OLDER)
    first = NEWER[0]
    _store(con, [first])
    _store(con, [copy_of(first, "https://example.org/copy-of-williams-0")])
    copy = article_id("https://example.org/copy-of-williams-0")
    assert _story(con, first.article_id)[0] == _story(con, copy)[0] == OLDER[0].article_id
    _store(con, [NEWER[1]])
    story, kind, detail = _story(con, first.article_id)
    assert (story, kind) == (first.article_id, "new") and "moved out of story" in detail
    assert _story(con, copy)[0] == _story(con, NEWER[1].article_id)[0] == first.article_id
    assert {_story(con, a.article_id)[0] for a in OLDER} == {OLDER[0].article_id}
    (stories,) = con.execute("SELECT count(*) FROM stories").fetchone() or (0,)
    assert stories == 2
    # storing the same articles again (a rerun) moves nothing back or forth
    rows = "SELECT article_id, story_id, kind, score, matched_article_id, detail FROM article_stories ORDER BY 1"
    before = con.execute(rows).fetchall()
    _store(con, [*OLDER, *NEWER[:2]], "rerun")
    _store(con, [first], "rerun-first")
    assert con.execute(rows).fetchall() == before
    con.close()


def test_stored_articles_are_profiled_again_when_the_profile_version_changes(db_path: Path) -> None:
    con = db.connect(db_path)
    _store(con, load_seed_articles(CORPUS_DIR))
    # what an older profile stored: words and names only, no entities, dates or language, no version row
    con.execute("DELETE FROM story_terms WHERE term LIKE '#%' OR term LIKE '\\%%' ESCAPE '\\'")
    con.execute("UPDATE story_terms SET language = NULL")
    con.execute("DELETE FROM story_profile_versions")
    stories_before = con.execute("SELECT article_id, story_id FROM article_stories ORDER BY 1").fetchall()

    summary = reprofile_if_version_changed(con, GAZETTEER)

    assert summary is not None and summary.articles == 5 and summary.version == profile_version(GAZETTEER.version)
    (entities,) = con.execute("SELECT count(*) FROM story_terms WHERE term = '#vladimir putin'").fetchone() or (0,)
    assert entities >= 2
    assert con.execute("SELECT df FROM story_term_df WHERE term = ''").fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM story_terms WHERE language IS NULL").fetchone() == (0,)
    assert con.execute("SELECT article_id, story_id FROM article_stories ORDER BY 1").fetchall() == stories_before
    assert reprofile_if_version_changed(con, GAZETTEER) is None  # recorded: the next run does nothing
    con.close()


def test_a_young_warehouse_finds_candidates_through_words_most_articles_hold(db_path: Path) -> None:
    con = db.connect(db_path)
    # four stored reports whose only shared words are in every one of them: more than a tenth of the index
    fillers = ["harbour pilots ferry", "orchard frost growers", "museum ticket queues", "violin luthier workshop"]
    reports = [
        Article(
            article_id=article_id(f"https://example.org/young-{n}"),
            url=f"https://example.org/young-{n}",
            source=f"outlet{n}",
            title="",
            text=f"Kudankulam reactor coolant inspection resumed. {filler} {filler} story number {n}.",
        )
        for n, filler in enumerate(fillers)
    ]
    _store(con, reports)
    arriving = Article(
        article_id=article_id("https://example.org/young-new"),
        url="https://example.org/young-new",
        source="outlet9",
        title="",
        text="Kudankulam reactor coolant inspection resumed after repairs, engineers said on Monday.",
    )
    analyzed = [analyze_article(arriving, TAXONOMY, GAZETTEER)]
    processed = judge_analyzed(
        analyzed, lookups.known_fingerprints(con, [(a.article, a.fingerprint) for a in analyzed])
    )
    profiles = [a.story_profile or story_profile(a.article) for a in analyzed]
    index = story_index(con, processed, profiles)
    assert set(index.candidates) == {r.article_id for r in reports}
    con.close()
