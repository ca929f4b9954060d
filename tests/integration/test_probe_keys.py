"""The dedup look-ups find fingerprints, stored articles and story verdicts by BIGINT probe keys
(warehouse/probe_keys.py, schema 015): at a million stored articles a scan of a 64-character key column
decompresses every value, a probe key does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.analysis import analyze_article
from extractors.dedup.story_links import link_batch
from extractors.dedup.story_profile import story_profile
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_taxonomy
from tests.support.helpers import copy_of, judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load, lookups, maintenance
from warehouse.probe_keys import probe_key, probe_key_sql, stored_articles
from warehouse.story_index import story_index

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")
STRING_KEYS = {"text_hash", "article_id"}


class _Profiled:
    """A connection that keeps the profile (DuckDB's JSON) of every statement it runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, output: Path) -> None:
        self.con, self.output, self.plans = con, output, list[dict[str, Any]]()
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{output}'")

    def execute(self, sql: str, *params: Any) -> _Profiled:
        self.rows = self.con.execute(sql, *params).fetchall()
        self.plans.append(json.loads(self.output.read_text(encoding="utf-8")))
        return self

    def fetchall(self) -> list[Any]:
        return self.rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def _key_scans(node: dict[str, Any], table: str, by_row_id: bool = False) -> list[set[str]]:
    """The projected columns of each scan of `table` in a profile that reads every row: all but the reads by
    row id (bulk.rows_of: a join on `rowid`), and but the title look-up's, which still scans the titles."""
    found = []
    extra = node.get("extra_info") or {}
    if node.get("operator_type") == "TABLE_SCAN" and str(extra.get("Table", "")).endswith(f".{table}"):
        projections = extra.get("Projections", [])
        columns = {projections} if isinstance(projections, str) else set(projections)
        if not by_row_id and "title_key" not in columns:
            found.append(columns)
    joins_row_ids = "JOIN" in str(node.get("operator_type")) and "rowid" in str(extra.get("Conditions", ""))
    for child in node.get("children", []):
        found.extend(_key_scans(child, table, joins_row_ids))
    return found


def _scans(profiled: _Profiled, table: str) -> list[set[str]]:
    return [columns for plan in profiled.plans for columns in _key_scans(plan, table)]


def test_the_look_ups_scan_probe_keys_not_the_string_keys(tmp_path: Path) -> None:
    seed = seed_article("000")
    con = db.connect(tmp_path / "w.duckdb")
    load.load_articles(con, judged(con, [seed], TAXONOMY), "run-1")
    copy = analyze_article(copy_of(seed, "https://copy.example/1"), TAXONOMY, None)
    profiled = _Profiled(con, tmp_path / "profile.json")

    known = lookups.known_fingerprints(profiled, [(copy.article, copy.fingerprint)])  # type: ignore[arg-type]

    assert known.by_text_hash == {copy.fingerprint.text_hash: seed.article_id}
    assert seed.article_id in known.signatures
    key_scans = _scans(profiled, "fingerprints")
    assert {"text_key"} in key_scans and {"article_key"} in key_scans
    assert not [columns for columns in key_scans if columns & STRING_KEYS], key_scans
    con.close()


def test_storing_and_linking_a_batch_scan_the_probe_keys_of_articles_and_story_verdicts(tmp_path: Path) -> None:
    seed, other = seed_article("000"), seed_article("001")
    con = db.connect(tmp_path / "w.duckdb")
    store_analyzed(con, [analyze_article(seed, TAXONOMY, None)], "run-1")
    batch = judged(con, [seed, other], TAXONOMY)  # the seed again, as a rerun brings it
    profiles = [story_profile(p.article) for p in batch]
    profiled = _Profiled(con, tmp_path / "profile.json")

    index = story_index(profiled, batch, profiles)  # type: ignore[arg-type]
    assert index.stored == {seed.article_id} and index.story_of[seed.article_id] == seed.article_id
    assert _scans(profiled, "article_stories") == [{"article_key"}]
    # the new article only: the rerun's rows would take the anti-join inserts, which scan the stored keys
    linked = [p for p in link_batch(batch, profiles, index) if p.article.article_id == other.article_id]
    stored = load.store_articles(profiled, linked, "run-2", index.moved.values())  # type: ignore[arg-type]
    assert stored == {other.article_id}
    assert _scans(profiled, "articles") == [{"article_key"}]
    con.close()


def test_rows_without_probe_keys_are_still_found(tmp_path: Path) -> None:
    """A row written without its probe keys (by hand, or imported from an export made before schema 015)
    costs the look-up time, never a match."""
    seed = seed_article("000")
    con = db.connect(tmp_path / "w.duckdb")
    store_analyzed(con, [analyze_article(seed, TAXONOMY, None)], "run-1")
    con.execute("UPDATE fingerprints SET text_key = NULL, article_key = NULL")
    con.execute("UPDATE articles SET article_key = NULL")
    con.execute("UPDATE article_stories SET article_key = NULL")
    copy = analyze_article(copy_of(seed, "https://copy.example/1"), TAXONOMY, None)

    known = lookups.known_fingerprints(con, [(copy.article, copy.fingerprint)])
    assert known.by_text_hash == {copy.fingerprint.text_hash: seed.article_id}
    assert seed.article_id in known.signatures
    assert stored_articles(con, [seed.article_id, copy.article.article_id]) == {seed.article_id}
    again = judged(con, [seed], TAXONOMY)
    assert story_index(con, again, [story_profile(seed)]).stored == {seed.article_id}
    assert {p.check for p in maintenance.check_integrity(con)} >= {
        "fingerprints without probe keys",
        "articles without probe keys",
        "story verdicts without probe keys",
    }
    con.close()


@pytest.mark.parametrize("value", ["", "a", "0" * 64, "ff" * 32, "भारत और रूस", "zz'; DROP TABLE x; --", "\x00\n"])
def test_python_and_duckdb_compute_the_same_probe_key(value: str) -> None:
    row = duckdb.connect().execute(f"SELECT {probe_key_sql('?::VARCHAR')}", [value]).fetchone()
    assert row == (probe_key(value),)
    assert 0 <= probe_key(value) < 2**60


def test_schema_015_gives_stored_fingerprints_their_probe_keys(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "upgraded.duckdb"))
    db.migrate(con, up_to=14)
    con.execute("INSERT INTO articles (article_id, url, source, body) VALUES ('a1', 'https://x.example/1', 's', 'b')")
    con.execute("INSERT INTO fingerprints VALUES ('a1', 'hash-1', 'title', ''::BLOB)")
    con.execute("INSERT INTO article_stories (article_id, story_id, kind, score) VALUES ('a1', 'a1', 'new', 0)")
    assert db.migrate(con)[:1] == ["015_probe_keys.sql"]

    row = con.execute("SELECT text_key, article_key FROM fingerprints").fetchone()
    assert row == (probe_key("hash-1"), probe_key("a1"))
    assert con.execute("SELECT article_key FROM articles").fetchone() == (probe_key("a1"),)
    assert con.execute("SELECT article_key FROM article_stories").fetchone() == (probe_key("a1"),)
    problems = {p.check for p in maintenance.check_integrity(con)}
    assert "fingerprints without probe keys" not in problems
    con.execute("UPDATE fingerprints SET text_key = NULL")
    assert "fingerprints without probe keys" in {p.check for p in maintenance.check_integrity(con)}
    con.close()
