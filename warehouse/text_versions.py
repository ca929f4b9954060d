"""The stored fingerprints of articles, rewritten when the code computing them changed (flows/refresh_text.py),
and the version they were last computed with (`text_feature_versions`). Story terms have their own versions
(warehouse/story_profiles.py), since the gazetteer they hold changes them too."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import duckdb

from extractors.records import Article, Fingerprint
from warehouse.backend import retry_conflicts
from warehouse.bulk import Table, bulk_insert, key_list
from warehouse.db import transaction
from warehouse.load import TABLES, fingerprint_row

FEATURES = ("fingerprints",)


def recorded_version(con: duckdb.DuckDBPyConnection, feature: str) -> str | None:
    row = con.execute("SELECT version FROM text_feature_versions WHERE feature = ?", [feature]).fetchone()
    return str(row[0]) if row else None


@retry_conflicts
def record_version(con: duckdb.DuckDBPyConnection, feature: str, version: str) -> None:
    if feature not in FEATURES:
        raise ValueError(f"not a text feature: {feature}")
    with transaction(con):
        con.execute("DELETE FROM text_feature_versions WHERE feature = ?", [feature])
        con.execute("INSERT INTO text_feature_versions (feature, version) VALUES (?, ?)", [feature, version])


def article_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return sorted(row[0] for row in con.execute("SELECT article_id FROM articles").fetchall())


def stored_articles(con: duckdb.DuckDBPyConnection, ids: Sequence[str], batch_size: int) -> Iterator[list[Article]]:
    """The articles `ids` as stored (title, extracted body, publication date), a batch at a time."""
    for start in range(0, len(ids), batch_size):
        with key_list(con, "refresh_ids", list(ids[start : start + batch_size])) as keys:
            rows = con.execute(
                "SELECT article_id, url, source, coalesce(title, ''), body, published FROM articles"
                f" WHERE article_id IN (SELECT key FROM {keys}) ORDER BY article_id"
            ).fetchall()
        yield [Article(article_id=r[0], url=r[1], source=r[2], title=r[3], text=r[4], published=r[5]) for r in rows]


def _delete_owned(con: duckdb.DuckDBPyConnection, table: Table, ids: Sequence[str]) -> None:
    with key_list(con, "refresh_owned", list(ids)) as keys:
        con.execute(f"DELETE FROM {table.name} WHERE article_id IN (SELECT key FROM {keys})")


@retry_conflicts
def replace_fingerprints(con: duckdb.DuckDBPyConnection, fingerprints: Sequence[Fingerprint]) -> None:
    """The fingerprints and LSH bands of these articles, replacing what was stored for them."""
    ids = [fp.article_id for fp in fingerprints]
    with transaction(con):
        for table in (TABLES["fps"], TABLES["bands"]):
            _delete_owned(con, table, ids)
        bulk_insert(
            con,
            TABLES["fps"],
            [fingerprint_row(fp.article_id, fp) for fp in fingerprints],
        )
        bulk_insert(con, TABLES["bands"], [[key, fp.article_id] for fp in fingerprints for key in fp.band_keys])
