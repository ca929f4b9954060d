"""Read-side queries the pipeline needs before loading: seen URLs and candidate fingerprints."""

from __future__ import annotations

import duckdb

from extractors.dedup.ladder import KnownFingerprints
from extractors.dedup.signatures import signature_from_bytes
from extractors.records import Article, Fingerprint
from warehouse.bulk import key_list, rows_of
from warehouse.probe_keys import probe_key, probe_key_sql, probe_match

# {col} must be qualified: a bare `article_id` inside the subquery would mean d.article_id.
NOT_A_DUPLICATE = "NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.article_id = {col})"
# The fingerprints of the articles the batch's bands hit (a few rows), found by their probe keys; the join
# USING (article_id) then checks the full ids.
BAND_HIT_FINGERPRINTS = rows_of(
    "fingerprints",
    "f",
    f"WHERE f.article_key IN (SELECT {probe_key_sql('article_id')} FROM lsh_bands_rows) OR f.article_key IS NULL",
)


def seen_urls(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[str]:
    if not urls:
        return set()
    with key_list(con, "_wanted_urls", urls) as wanted:
        rows = con.execute(
            f"SELECT alias_url FROM article_aliases JOIN {wanted} ON alias_url = key"
            f" UNION SELECT url FROM rejected_pages JOIN {wanted} ON url = key"
        ).fetchall()
    return {r[0] for r in rows}


def seeds_loaded(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT url FROM articles WHERE is_seed").fetchall()}


def known_fingerprints(con: duckdb.DuckDBPyConnection, items: list[tuple[Article, Fingerprint]]) -> KnownFingerprints:
    """Stored originals sharing a text hash, a (source, title) or an LSH band with the batch.

    Each look-up scans only the key column and collects row ids, then reads the other columns of just those
    rows (see ROWS_OF): a join would read every column it returns, 1 KB MinHash BLOBs included, of every
    row it scans. Text hashes and the articles the bands hit are found by their BIGINT probe keys
    (warehouse/probe_keys.py), and the full strings checked on the rows found."""
    known = KnownFingerprints()
    if not items:
        return known
    text_hashes = sorted({fp.text_hash for _, fp in items})
    with key_list(con, "_batch_hash_keys", [probe_key(h) for h in text_hashes], "BIGINT") as hash_keys:
        for text_hash, article_id in con.execute(
            f"WITH {rows_of('fingerprints', 'f', probe_match('f', 'text_key', hash_keys))},"
            " found AS MATERIALIZED (SELECT f.text_hash, f.article_id FROM fingerprints_rows f"
            "  WHERE f.text_hash IN (SELECT unnest(?::VARCHAR[])))"
            " SELECT f.text_hash, arg_min(f.article_id, a.first_seen_at) FROM found f"
            " JOIN articles a USING (article_id)"
            f" WHERE {NOT_A_DUPLICATE.format(col='f.article_id')} GROUP BY f.text_hash",
            [text_hashes],
        ).fetchall():
            known.by_text_hash[text_hash] = article_id
    with key_list(con, "_batch_titles", sorted({fp.title_key for _, fp in items if fp.title_key})) as titles:
        for source, title_key, article_id, published in con.execute(
            f"WITH {rows_of('fingerprints', 'f', f'JOIN {titles} ON f.title_key = key')},"
            " found AS MATERIALIZED (SELECT f.title_key, f.article_id FROM fingerprints_rows f)"
            " SELECT a.source, f.title_key, a.article_id, a.published FROM found f JOIN articles a USING (article_id)"
            f" WHERE {NOT_A_DUPLICATE.format(col='f.article_id')}"
        ).fetchall():
            known.by_title.setdefault((source, title_key), []).append((article_id, published))
    band_keys = [key for _, fp in items for key in fp.band_keys]
    with key_list(con, "_batch_bands", band_keys, "BIGINT") as bands:
        rows = con.execute(
            f"WITH {rows_of('lsh_bands', 'b', f'JOIN {bands} ON b.band_key = key')},"
            f" {BAND_HIT_FINGERPRINTS}"
            " SELECT b.band_key, b.article_id, f.minhash FROM lsh_bands_rows b"
            " JOIN fingerprints_rows f USING (article_id)"
            f" WHERE {NOT_A_DUPLICATE.format(col='b.article_id')}"
        ).fetchall()
    for band_key, article_id, minhash in rows:
        known.band_members.setdefault(band_key, []).append(article_id)
        if article_id not in known.signatures:
            known.signatures[article_id] = signature_from_bytes(minhash)
    return known
