"""Same-story linking: the seeds, stored verdicts, reruns, and the DuckDB-backed index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb

from extractors.analysis import analyze_article
from extractors.article.urls import article_id
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_groups import join_groups, resolve_stories
from extractors.dedup.story_links import LINK_THRESHOLD, StoryIndex, link_batch, profile_batch
from extractors.pipeline import load_seed_articles
from extractors.records import AnalyzedArticle, Article, ProcessedArticle, StoryLink
from extractors.tagging.topics import load_taxonomy
from flows.ingest.batches import store_analyzed
from flows.ingest.flow import CORPUS_DIR, DEFAULT_TOPICS
from tests.support.helpers import copy_of, seed_article
from warehouse import db

TAXONOMY = load_taxonomy(DEFAULT_TOPICS)


def _analyzed(articles: list[Article]) -> list[AnalyzedArticle]:
    return [analyze_article(a, TAXONOMY, None) for a in articles]


def _stories(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, float, str | None, str]]:
    rows = con.execute(
        "SELECT substr(a.url, 15, 3), s.story_id, s.kind, s.score, s.matched_article_id, s.detail"
        " FROM article_stories s JOIN articles a USING (article_id) WHERE a.is_seed"
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}


def _processed(article: Article) -> ProcessedArticle:
    return ProcessedArticle(article=article, fingerprint=fingerprint(article), duplicate=None, tags=())


def _load_seeds(db_path: Path) -> duckdb.DuckDBPyConnection:
    con = db.connect(db_path)
    store_analyzed(con, _analyzed(load_seed_articles(CORPUS_DIR)), "test")
    return con


def test_seed_rewrite_and_joint_statement_pairs_share_stories(db_path: Path) -> None:
    con = _load_seeds(db_path)
    s = _stories(con)
    assert s["001"][0] == s["000"][0]
    assert s["003"][0] == s["002"][0]
    assert s["000"][0] != s["002"][0]
    # 004 (the Kremlin spokesman before the summit) is its own story: see README.
    assert s["004"][0] not in {s["000"][0], s["002"][0]}
    (stories,) = con.execute("SELECT count(*) FROM stories").fetchone() or (0,)
    assert stories == 3
    con.close()


def test_story_verdict_is_stored_with_score_match_and_reason(db_path: Path) -> None:
    con = _load_seeds(db_path)
    s = _stories(con)
    story_id, kind, score, matched, detail = s["001"]
    (seed_000,) = con.execute("SELECT article_id FROM articles WHERE url LIKE '%/000_%'").fetchone() or ("",)
    assert kind == "story" and matched == seed_000 and story_id == seed_000
    assert score >= LINK_THRESHOLD
    assert "cosine" in detail and "shared:" in detail
    first = s["000"]
    assert first[1] == "new" and first[3] is None and "opens a story" in first[4]
    con.close()


def test_rerun_adds_no_story_rows_or_frequencies(db_path: Path) -> None:
    con = _load_seeds(db_path)
    counts = (
        "SELECT (SELECT count(*) FROM article_stories), (SELECT count(*) FROM story_terms),"
        " (SELECT sum(df) FROM story_term_df)"
    )
    before = con.execute(counts).fetchone()
    store_analyzed(con, _analyzed(load_seed_articles(CORPUS_DIR)), "again")
    assert con.execute(counts).fetchone() == before
    (documents,) = con.execute("SELECT df FROM story_term_df WHERE term = ''").fetchone() or (0,)
    assert documents == 5
    con.close()


def test_copies_take_their_originals_story_and_are_not_indexed(db_path: Path) -> None:
    con = _load_seeds(db_path)
    seed = seed_article("001")
    paragraphs = seed.text.split("\n\n")
    copies = [
        copy_of(seed, "https://example.org/verbatim"),
        copy_of(seed, "https://example.org/trimmed", text="\n\n".join(paragraphs[:-1])),
    ]
    store_analyzed(con, _analyzed(copies), "copies")
    rows = con.execute(
        "SELECT a.url, s.kind, s.story_id FROM article_stories s JOIN articles a USING (article_id)"
        " WHERE a.url LIKE 'https://example.org/%' ORDER BY a.url"
    ).fetchall()
    seed_story = _stories(con)["000"][0]
    assert [(kind, story) for _, kind, story in rows] == [("near", seed_story), ("exact", seed_story)]
    (indexed,) = con.execute(
        "SELECT count(DISTINCT article_id) FROM story_terms WHERE article_id IN (SELECT unnest(?))",
        [[c.article_id for c in copies]],
    ).fetchone() or (0,)
    assert indexed == 0
    (row,) = con.execute("SELECT articles, copies FROM stories WHERE story_id = ?", [seed_story]).fetchall()
    assert row == (4, 2)
    con.close()


def test_near_copy_is_found_after_other_duplicates_are_stored(db_path: Path) -> None:
    # Regression: the band look-up once ignored every band as soon as any duplicate existed.
    con = _load_seeds(db_path)
    seed = seed_article("002")
    store_analyzed(con, _analyzed([copy_of(seed, "https://example.org/first")]), "a")
    trimmed = "\n\n".join(seed.text.split("\n\n")[:-1])
    store_analyzed(con, _analyzed([copy_of(seed, "https://example.org/second", text=trimmed)]), "b")
    kinds = con.execute(
        "SELECT d.kind FROM duplicates d JOIN articles a USING (article_id) WHERE a.url LIKE 'https://example.org/%'"
        " ORDER BY a.url"
    ).fetchall()
    assert kinds == [("exact",), ("near",)]
    con.close()


def test_time_window_keeps_a_similar_article_months_later_out_of_the_story() -> None:
    original, rewrite = seed_article("000"), seed_article("001")
    assert original.published is not None

    def link(published: date) -> StoryLink:
        index = StoryIndex()
        items = [_processed(original), _processed(replace(rewrite, published=published))]
        linked = link_batch(items, profile_batch(items), index)
        assert linked[1].story is not None
        return linked[1].story

    same_week = link(original.published + timedelta(days=1))
    assert same_week.kind == "story" and same_week.story_id == original.article_id
    assert "time 0.91" in same_week.detail
    months_later = link(original.published + timedelta(days=60))
    assert months_later.kind == "new" and months_later.story_id == rewrite.article_id


def test_flow_gives_every_article_a_story(prefect_harness: None, db_path: Path) -> None:
    from flows.ingest.flow import ingest

    ingest(db_path=str(db_path), capture=True, live=False)
    con = db.connect(db_path)
    (missing,) = con.execute(
        "SELECT count(*) FROM articles a"
        " WHERE NOT EXISTS (SELECT 1 FROM article_stories s WHERE s.article_id = a.article_id)"
    ).fetchone() or (1,)
    assert missing == 0
    # The five capture pages are copies of the seeds: they add articles but no stories.
    assert con.execute("SELECT count(*), sum(articles) FROM stories").fetchone() == (3, 10)
    con.close()


def test_migration_003_gives_old_articles_a_story(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute((db.SCHEMA_DIR / "001_core.sql").read_text(encoding="utf-8"))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (1, '001_core.sql')")
    con.execute(
        "INSERT INTO articles (article_id, url, source, body) VALUES ('a', 'u1', 's', 't'), ('b', 'u2', 's', 't')"
    )
    con.execute("INSERT INTO duplicates (article_id, kind, score, matched_article_id) VALUES ('b', 'exact', 1, 'a')")
    con.close()
    con = db.connect(path)
    rows = con.execute("SELECT article_id, story_id, kind FROM article_stories ORDER BY article_id").fetchall()
    assert rows == [("a", "a", "new"), ("b", "a", "exact")]
    db.migrate(con)
    assert con.execute("SELECT count(*) FROM article_stories").fetchone() == (2,)
    con.close()


def test_best_match_chains_end_at_a_stored_story_or_open_one_named_after_the_earliest() -> None:
    ids = ["a", "b", "c", "d", "e", "f"]
    # a and b match each other; c matches a stored article; d matches nothing; e follows c; f follows d.
    edges: list[int | str | None] = [1, 0, "stored", None, 2, 3]
    assert resolve_stories(edges, ids, {"stored": "S"}) == ["a", "a", "S", "d", "S", "d"]
    # A chain that ends at a later article is still named after its earliest article.
    assert resolve_stories([1, None], ["x", "y"], {}) == ["x", "x"]


def test_a_group_joins_an_older_story_only_when_it_matches_it_about_as_well_as_itself() -> None:
    ids = ["n1", "n2"]
    tight = [{"n2": 0.8, "old": 0.3}, {"n1": 0.8, "old": 0.3}]
    # 0.3 into the old story against 0.8 within: a same-kind event of its own.
    assert join_groups(["n1", "n1"], ids, tight, {"old": "S"}, 0.1, 0.6) == ["n1", "n1"]
    loose = [{"n2": 0.4, "old": 0.3}, {"n1": 0.4, "old": 0.3}]
    assert join_groups(["n1", "n1"], ids, loose, {"old": "S"}, 0.1, 0.6) == ["S", "S"]


def _report(n: int, player: str, day: str, detail: str) -> Article:
    url = f"https://example.org/{player.split()[-1].lower()}-{n}"
    text = (
        f"San Diego Chargers player {player} was arrested on suspicion of drunk driving early {day}.\n\n"
        f"{player} was stopped on a freeway in San Diego, the California Highway Patrol said. {detail}\n\n"
        f"The Chargers said they were aware of the arrest of {player} and would not comment further."
    )
    return Article(article_id=article_id(url), url=url, source=f"outlet{n}", title="", text=text)


def test_reports_of_a_new_same_kind_event_in_one_batch_form_their_own_story() -> None:
    older = [
        _report(n, "Vincent Jackson", "Tuesday", "Jackson failed sobriety tests on State Route 52 after 2 a.m.")
        for n in range(3)
    ]
    newer = [
        _report(n, "Jamal Williams", "Sunday", "Williams gave a blood sample after being pulled over for speeding.")
        for n in range(3)
    ]
    index = StoryIndex()
    first = link_batch([_processed(a) for a in older], profile_batch([_processed(a) for a in older]), index)
    assert len({i.story.story_id for i in first if i.story}) == 1
    batch = [_processed(a) for a in newer]
    linked = [i.story for i in link_batch(batch, profile_batch(batch), index) if i.story]
    old_story = older[0].article_id
    assert {s.story_id for s in linked} == {newer[0].article_id}
    assert linked[0].kind == "new" and all(s.kind == "story" for s in linked[1:])
    # Each new report alone would have matched the older story: the batch is what tells them apart.
    assert all(s.story_id != old_story for s in linked)
    alone = StoryIndex()
    link_batch([_processed(a) for a in older], profile_batch([_processed(a) for a in older]), alone)
    single = link_batch(batch[:1], profile_batch(batch[:1]), alone)[0].story
    assert single is not None and single.story_id == old_story
