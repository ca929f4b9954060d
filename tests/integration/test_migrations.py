"""Upgrading a database built by an older schema keeps its data and reaches the current schema."""

import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pytest

from extractors.dedup.fingerprints import BANDS, ROWS_PER_BAND, band_key, band_keys
from warehouse import db

VERSIONS = [int(p.name[:3]) for p in db.schema_files()]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize("old_version", VERSIONS)
def test_upgrade_from_older_schema_keeps_rows(tmp_path: Path, old_version: int) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con, up_to=old_version)
    con.execute(
        "INSERT INTO articles (article_id, url, source, title, body, is_seed)"
        " VALUES ('a1', 'seed://x', 's', 't', 'b', true)"
    )
    con.close()

    upgraded = db.connect(path)
    applied = [r[0] for r in upgraded.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert applied == VERSIONS
    assert upgraded.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    fresh = db.connect(tmp_path / "fresh.duckdb")
    assert _tables(upgraded) == _tables(fresh)
    upgraded.close()
    fresh.close()


def test_migrate_twice_is_a_no_op(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "x.duckdb")
    assert db.migrate(con) == []
    con.close()


CORPUS_TABLES = (
    "articles",
    "article_aliases",
    "raw_pages",
    "rejected_pages",
    "fingerprints",
    "lsh_bands",
    "duplicates",
    "topic_tags",
    "skipped_entries",
    "article_stories",
    "story_terms",
    "story_term_df",
    "article_entities",
)


def _columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, ...]]:
    return con.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
        " WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()


def test_migration_007_drops_corpus_keys_and_converts_band_keys(tmp_path: Path) -> None:
    path = tmp_path / "v6.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con, up_to=6)
    signature = np.arange(128, dtype=np.uint64) * np.uint64(7919)
    digests = [
        hashlib.blake2b(signature[b * ROWS_PER_BAND : (b + 1) * ROWS_PER_BAND].tobytes(), digest_size=8).digest()
        for b in range(BANDS)
    ]
    # how versions up to 006 wrote band keys
    con.executemany("INSERT INTO lsh_bands VALUES (?, 'a1')", [[f"{b:02d}:{d.hex()}"] for b, d in enumerate(digests)])
    con.execute("INSERT INTO articles (article_id, url, source, body) VALUES ('a1', 'https://x.example/1', 's', 'b')")
    con.execute("INSERT INTO story_terms VALUES ('summit', 'a1', 2.0, DATE '2025-12-05')")
    con.execute(
        "INSERT INTO topic_tags (article_id, topic, score, evidence, tagger_version) VALUES ('a1', 't', 1, ['x'], 'v')"
    )
    before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in CORPUS_TABLES}
    con.close()

    upgraded = db.connect(path)
    assert {t: upgraded.execute(f"SELECT count(*) FROM {t}").fetchone() for t in CORPUS_TABLES} == before
    stored = [r[0] for r in upgraded.execute("SELECT band_key FROM lsh_bands ORDER BY band_key").fetchall()]
    assert stored == sorted(band_keys(signature))
    assert stored == sorted(band_key(b, d) for b, d in enumerate(digests))
    keyed = {
        r[0]
        for r in upgraded.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    }
    assert keyed.isdisjoint(CORPUS_TABLES)
    assert upgraded.execute("SELECT count(*) FROM duckdb_indexes()").fetchone() == (0,)
    # the defaults survive the rebuild
    upgraded.execute(
        "INSERT INTO articles (article_id, url, source, body) VALUES ('a2', 'https://x.example/2', 's', 'b')"
    )
    assert upgraded.execute(
        "SELECT is_seed, first_seen_at IS NOT NULL FROM articles WHERE article_id = 'a2'"
    ).fetchone() == (False, True)
    fresh = db.connect(tmp_path / "fresh.duckdb")
    assert _columns(upgraded) == _columns(fresh)
    upgraded.close()
    fresh.close()
