"""Stored fingerprints and story terms are computed again when the code computing them changed: fingerprints
by flows/refresh_text.py, story terms by flows/story_reprofile.py (which has tests of its own)."""

from __future__ import annotations

from pathlib import Path

from extractors.dedup.fingerprints import FINGERPRINT_VERSION, fingerprint
from extractors.dedup.story_profile import profile_version
from extractors.records import Article
from flows.refresh_text import refingerprint_if_version_changed
from flows.story_reprofile import reprofile_if_version_changed
from warehouse import db

HINDI = Article(
    article_id="hi-1",
    url="https://news.example/hi-1",
    source="test",
    title="भारत और रूस",
    text="भारत और रूस के बीच व्यापार बढ़ा। दोनों देशों ने तेल पर समझौता किया।",
)
ENGLISH = Article(
    article_id="en-1",
    url="https://news.example/en-1",
    source="test",
    title="Trade talks",
    text="India and Russia held trade talks on oil and defence.",
)


def _stale_db(path: Path) -> Path:
    """Two articles whose fingerprints and story terms were computed before versions were recorded, by
    code that split Hindi words at their vowel signs (the stored values show the fragments)."""
    con = db.connect(path)
    for a in (HINDI, ENGLISH):
        con.execute(
            "INSERT INTO articles (article_id, url, source, title, body) VALUES (?, ?, ?, ?, ?)",
            [a.article_id, a.url, a.source, a.title, a.text],
        )
        con.execute(
            "INSERT INTO fingerprints (article_id, text_hash, title_key, minhash)"
            " VALUES (?, 'stale', 'stale', ''::BLOB)",
            [a.article_id],
        )
        con.execute("INSERT INTO lsh_bands VALUES (42, ?)", [a.article_id])
        con.execute("INSERT INTO story_terms VALUES ('रत', ?, 1.0, NULL, 'hi')", [a.article_id])
    con.execute("INSERT INTO story_term_df VALUES ('', 2), ('रत', 2)")
    con.close()
    return path


def test_a_run_refreshes_stored_fingerprints_and_story_terms_once_per_version(tmp_path: Path) -> None:
    con = db.connect(_stale_db(tmp_path / "stale.duckdb"))

    assert refingerprint_if_version_changed(con) == 2
    reprofiled = reprofile_if_version_changed(con, None)
    assert reprofiled is not None and reprofiled.version == profile_version(None)

    for a in (HINDI, ENGLISH):
        expected = fingerprint(a)
        stored = con.execute("SELECT text_hash, title_key FROM fingerprints WHERE article_id = ?", [a.article_id])
        assert stored.fetchall() == [(expected.text_hash, expected.title_key)]
        bands = con.execute("SELECT band_key FROM lsh_bands WHERE article_id = ?", [a.article_id]).fetchall()
        assert sorted(b for (b,) in bands) == sorted(set(expected.band_keys))
    hindi_terms = {t for (t,) in con.execute("SELECT term FROM story_terms WHERE article_id = 'hi-1'").fetchall()}
    assert "भारत" in hindi_terms and "रत" not in hindi_terms  # whole words, not fragments
    frequencies = dict(con.execute("SELECT term, df FROM story_term_df").fetchall())
    assert frequencies["भारत"] == 1 and "रत" not in frequencies
    versions = dict(con.execute("SELECT feature, version FROM text_feature_versions").fetchall())
    assert versions == {"fingerprints": FINGERPRINT_VERSION}

    # Recorded: the next run leaves them alone.
    assert refingerprint_if_version_changed(con) is None
    assert reprofile_if_version_changed(con, None) is None
    con.close()


def test_a_new_version_refreshes_again(tmp_path: Path) -> None:
    con = db.connect(_stale_db(tmp_path / "old.duckdb"))
    refingerprint_if_version_changed(con)
    con.execute("UPDATE text_feature_versions SET version = 'older' WHERE feature = 'fingerprints'")
    con.execute("UPDATE fingerprints SET text_hash = 'stale'")
    assert refingerprint_if_version_changed(con) == 2
    assert con.execute("SELECT count(*) FROM fingerprints WHERE text_hash = 'stale'").fetchone() == (0,)
    con.close()
