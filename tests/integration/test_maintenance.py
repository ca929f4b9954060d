from pathlib import Path

import duckdb
import pytest

from flows.seed_files import load_taxonomy
from tests.support.helpers import copy_of, judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load, maintenance, stats

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")


def _filled(db_path: Path) -> duckdb.DuckDBPyConnection:
    seed = seed_article("003")
    copy = copy_of(seed, "https://example.org/copy")
    con = db.connect(db_path)
    articles = [seed, copy]
    processed = judged(con, articles, TAXONOMY)
    load.load_articles(con, processed, "run-1")
    return con


def test_export_then_import_reproduces_the_database(tmp_path: Path) -> None:
    con = _filled(tmp_path / "a.duckdb")
    before = stats.collect_stats(con)
    maintenance.export_parquet(con, tmp_path / "export")
    con.close()
    assert (tmp_path / "export" / "articles.parquet").is_file()

    target = duckdb.connect(str(tmp_path / "b.duckdb"))
    loaded = maintenance.import_parquet(target, tmp_path / "export")
    assert loaded["articles"] == 2
    assert db.migrate(target) == []
    assert stats.collect_stats(target) == before
    with pytest.raises(FileExistsError):
        maintenance.import_parquet(target, tmp_path / "export")
    target.close()


def test_export_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    con = _filled(tmp_path / "a.duckdb")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        maintenance.export_parquet(con, tmp_path / "out")
    con.close()


def test_integrity_check_reports_orphans_and_dangling_links(tmp_path: Path) -> None:
    con = _filled(tmp_path / "a.duckdb")
    assert maintenance.check_integrity(con) == []
    (matched,) = con.execute("SELECT matched_article_id FROM duplicates").fetchone()  # type: ignore[misc]
    con.execute("DELETE FROM fingerprints WHERE article_id = ?", [matched])
    con.execute("DELETE FROM topic_tags WHERE article_id = ?", [matched])
    con.execute("DELETE FROM article_aliases WHERE article_id = ?", [matched])
    con.execute("DELETE FROM articles WHERE article_id = ?", [matched])
    found = {p.check: p.count for p in maintenance.check_integrity(con)}
    assert found["duplicates pointing at a missing article"] == 1
    assert found["LSH bands without fingerprint"] == 1
    con.close()


def test_integrity_check_reports_keys_stored_twice(tmp_path: Path) -> None:
    con = _filled(tmp_path / "a.duckdb")
    con.execute("INSERT INTO fingerprints SELECT * FROM fingerprints LIMIT 1")
    con.execute("INSERT INTO lsh_bands SELECT * FROM lsh_bands LIMIT 2")
    found = {p.check: p.count for p in maintenance.check_integrity(con)}
    assert found == {"repeated keys in fingerprints": 1, "repeated keys in lsh_bands": 2}
    con.close()
