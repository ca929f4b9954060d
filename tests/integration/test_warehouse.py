from pathlib import Path

from flows.seed_files import load_taxonomy
from tests.support.helpers import copy_of, judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load, lookups, stats

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")


def _counts(con) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = ("articles", "article_aliases", "fingerprints", "lsh_bands", "duplicates", "topic_tags")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_migrations_apply_once(db_path: Path) -> None:
    con = db.connect(db_path)
    assert db.migrate(con) == []
    versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()]
    assert versions == [int(p.name[:3]) for p in db.schema_files()]
    con.close()


def test_batch_load_is_idempotent_and_dedup_reads_the_store(db_path: Path) -> None:
    seed = seed_article("000")
    copy = copy_of(seed, "https://theprint.in/world/x/1")
    con = db.connect(db_path)
    first = judged(con, [seed], TAXONOMY)
    assert load.load_articles(con, first, "run-1") == 1
    assert load.load_articles(con, first, "run-2") == 0
    before = _counts(con)

    second = judged(con, [copy], TAXONOMY)
    assert second[0].duplicate is not None
    assert second[0].duplicate.matched_article_id == seed.article_id
    assert load.load_articles(con, second, "run-3") == 1
    assert load.load_articles(con, second, "run-4") == 0
    after = _counts(con)
    assert after["articles"] == before["articles"] + 1
    assert after["duplicates"] == 1
    con.close()

    con = db.connect(db_path)
    figures = stats.collect_stats(con)
    assert figures["articles"] == 2
    assert figures["duplicates"] == {"exact": 1}
    assert lookups.seen_urls(con, [copy.url, "https://nowhere.example/x"]) == {copy.url}
    con.close()


def test_no_key_is_stored_twice_without_primary_keys(db_path: Path) -> None:
    """The corpus tables have no keys in DuckDB (schema 007): the loaders alone keep them unique, whether
    an article is new, stored before, repeated within a batch, or brings an alias another article holds."""
    from dataclasses import replace

    from extractors.analysis import analyze_article
    from flows.ingest.batches import store_analyzed
    from warehouse.story_index import STORY_TABLES, TERM_DF

    seeds = [seed_article(p) for p in ("000", "001", "002", "003")]
    other = replace(
        copy_of(seeds[3], "https://example.org/other", text=seeds[3].text + " More."), aliases=(seeds[0].url,)
    )
    con = db.connect(db_path)
    for batch in ([seeds[0], seeds[1]], [seeds[0], seeds[2], seeds[2]], [seeds[1], seeds[3], other, seeds[3]]):
        store_analyzed(con, [analyze_article(a, TAXONOMY, None) for a in batch], "run")
    for table in [*load.TABLES.values(), *STORY_TABLES.values(), TERM_DF]:
        keys = ", ".join(table.key)
        total, distinct = con.execute(f"SELECT count(*), count(DISTINCT ({keys})) FROM {table.name}").fetchone()
        assert total == distinct, table.name
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (5,)
    aliases = con.execute("SELECT article_id FROM article_aliases WHERE alias_url = ?", [seeds[0].url]).fetchall()
    assert aliases == [(seeds[0].article_id,)]
    assert con.execute("SELECT count(*) FROM lsh_bands").fetchone() == (5 * 32,)
    con.close()
