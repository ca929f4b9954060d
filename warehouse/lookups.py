"""Read-side queries the pipeline needs before loading: seen URLs and candidate fingerprints."""

from __future__ import annotations

import duckdb

from extractors.dedup import KnownFingerprints
from extractors.records import Article, Fingerprint

# {col} must be qualified: a bare `article_id` inside the subquery would mean d.article_id.
NOT_A_DUPLICATE = "NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.article_id = {col})"


def seen_urls(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[str]:
    if not urls:
        return set()
    rows = con.execute(
        "SELECT alias_url FROM article_aliases WHERE alias_url IN (SELECT unnest(?))"
        " UNION SELECT url FROM rejected_pages WHERE url IN (SELECT unnest(?))",
        [urls, urls],
    ).fetchall()
    return {r[0] for r in rows}


def seeds_loaded(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT url FROM articles WHERE is_seed").fetchall()}


def known_fingerprints(con: duckdb.DuckDBPyConnection, items: list[tuple[Article, Fingerprint]]) -> KnownFingerprints:
    """Stored originals sharing a text hash, a (source, title) or an LSH band with the batch."""
    known = KnownFingerprints()
    if not items:
        return known
    hashes = [fp.text_hash for _, fp in items]
    for text_hash, article_id in con.execute(
        "SELECT text_hash, arg_min(f.article_id, a.first_seen_at) FROM fingerprints f"
        " JOIN articles a USING (article_id)"
        f" WHERE text_hash IN (SELECT unnest(?)) AND {NOT_A_DUPLICATE.format(col='f.article_id')}"
        " GROUP BY text_hash",
        [hashes],
    ).fetchall():
        known.by_text_hash[text_hash] = article_id
    title_keys = [fp.title_key for _, fp in items if fp.title_key]
    for source, title_key, article_id, published in con.execute(
        "SELECT a.source, f.title_key, a.article_id, a.published FROM fingerprints f"
        " JOIN articles a USING (article_id)"
        f" WHERE f.title_key IN (SELECT unnest(?)) AND {NOT_A_DUPLICATE.format(col='f.article_id')}",
        [title_keys],
    ).fetchall():
        known.by_title.setdefault((source, title_key), []).append((article_id, published))
    bands = [key for _, fp in items for key in fp.band_keys]
    for band_key, article_id in con.execute(
        "SELECT b.band_key, b.article_id FROM lsh_bands b"
        f" WHERE b.band_key IN (SELECT unnest(?)) AND {NOT_A_DUPLICATE.format(col='b.article_id')}",
        [bands],
    ).fetchall():
        known.band_members.setdefault(band_key, []).append(article_id)
    candidates = sorted({aid for ids in known.band_members.values() for aid in ids})
    if candidates:
        for article_id, minhash in con.execute(
            "SELECT article_id, minhash FROM fingerprints WHERE article_id IN (SELECT unnest(?))",
            [candidates],
        ).fetchall():
            known.signatures[article_id] = tuple(minhash)
    return known
