"""BIGINT probe keys for string keys the dedup look-ups scan for (warehouse/schema/015).

A look-up without an index scans the key column. A 64-character hex key is stored FSST-compressed and every
value is decompressed to compare it; a BIGINT is compared as it lies. So the look-up scans a probe key, the
first 60 bits of the MD5 of the string, keeps the row ids, and checks the full string on those rows only
(two strings may share a probe key; they never pass that check). `stored_articles` is that look-up on
`articles` (the load's and the screening's); warehouse/lookups.py and warehouse/story_index.py have the others.
"""

from __future__ import annotations

import hashlib

import duckdb

from warehouse.bulk import key_list, rows_of


def probe_key(value: str) -> int:
    """The probe key of a string: what `probe_key_sql` computes in DuckDB (60 bits, never negative)."""
    return int(hashlib.md5(value.encode("utf-8"), usedforsecurity=False).hexdigest()[:15], 16)


def probe_key_sql(column: str) -> str:
    """The same key computed by DuckDB from a VARCHAR expression (schema 015 fills stored rows with it)."""
    return f"CAST('0x' || md5({column})[1:15] AS BIGINT)"


def probe_match(alias: str, key_column: str, keys_view: str) -> str:
    """A WHERE clause for bulk.rows_of: the rows of `alias` whose probe key is in `keys_view(key)`, and those
    without one (written before schema 015 filled them, or by hand), which the caller's check on the full
    string then settles, so a missing key costs time, never a match."""
    return f"WHERE {alias}.{key_column} IN (SELECT key FROM {keys_view}) OR {alias}.{key_column} IS NULL"


def stored_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    """Which of these articles are stored: found by probe key, the full ids checked on the rows found."""
    with (
        key_list(con, "_stored_keys", [probe_key(i) for i in ids], "BIGINT") as keys,
        key_list(con, "_stored_ids", ids) as wanted,
    ):
        rows = con.execute(
            f"WITH {rows_of('articles', 'a', probe_match('a', 'article_key', keys))}"
            f" SELECT article_id FROM articles_rows JOIN {wanted} ON article_id = key"
        ).fetchall()
    return {r[0] for r in rows}
