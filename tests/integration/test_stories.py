"""Same-story linking: the seeds, stored verdicts, reruns, and the DuckDB-backed index."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extractors.analysis import analyze_article
from extractors.dedup.story_links import LINK_THRESHOLD
from extractors.records import AnalyzedArticle, Article
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_seed_articles, load_taxonomy
from flows.settings import CORPUS_DIR, DEFAULT_TOPICS
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
    # 004 (the Kremlin spokesman before the summit) is its own story: see docs/dedup-and-stories.md.
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
