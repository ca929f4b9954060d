"""The dedup look-ups find fingerprints by BIGINT probe keys (warehouse/probe_keys.py, schema 015): at a
million stored articles a scan of a 64-character key column decompresses every value, a probe key does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.analysis import analyze_article
from flows.seed_files import load_taxonomy
from tests.support.helpers import copy_of, judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load, lookups, maintenance
from warehouse.probe_keys import probe_key, probe_key_sql

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


def _fingerprint_key_scans(node: dict[str, Any]) -> list[set[str]]:
    """The projected columns of each scan of `fingerprints` in a profile that reads every row: all but the
    reads by row id (rows_of), and but the title look-up's, which still scans the titles."""
    found = []
    extra = node.get("extra_info") or {}
    if node.get("operator_type") == "TABLE_SCAN" and str(extra.get("Table", "")).endswith(".fingerprints"):
        projections = extra.get("Projections", [])
        columns = {projections} if isinstance(projections, str) else set(projections)
        if "rowid" not in str(extra.get("Dynamic Filters", "")) and "title_key" not in columns:
            found.append(columns)
    for child in node.get("children", []):
        found.extend(_fingerprint_key_scans(child))
    return found


def test_the_look_ups_scan_probe_keys_not_the_string_keys(tmp_path: Path) -> None:
    seed = seed_article("000")
    con = db.connect(tmp_path / "w.duckdb")
    load.load_articles(con, judged(con, [seed], TAXONOMY), "run-1")
    copy = analyze_article(copy_of(seed, "https://copy.example/1"), TAXONOMY, None)
    profiled = _Profiled(con, tmp_path / "profile.json")

    known = lookups.known_fingerprints(profiled, [(copy.article, copy.fingerprint)])  # type: ignore[arg-type]

    assert known.by_text_hash == {copy.fingerprint.text_hash: seed.article_id}
    assert seed.article_id in known.signatures
    key_scans = [columns for plan in profiled.plans for columns in _fingerprint_key_scans(plan)]
    assert {"text_key"} in key_scans and {"article_key"} in key_scans
    assert not [columns for columns in key_scans if columns & STRING_KEYS], key_scans
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
    assert db.migrate(con)[:1] == ["015_fingerprint_probe_keys.sql"]

    row = con.execute("SELECT text_key, article_key FROM fingerprints").fetchone()
    assert row == (probe_key("hash-1"), probe_key("a1"))
    problems = {p.check for p in maintenance.check_integrity(con)}
    assert "fingerprints without probe keys" not in problems
    con.execute("UPDATE fingerprints SET text_key = NULL")
    assert "fingerprints without probe keys" in {p.check for p in maintenance.check_integrity(con)}
    con.close()
