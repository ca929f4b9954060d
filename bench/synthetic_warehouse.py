"""A warehouse holding N synthetic stored articles, filled by set-based SQL inside DuckDB, shaped like the
rows the dedup and same-story look-ups meet (see bench/dedup_scale.py for what is measured).

Shapes, per stored article i (0 <= i < N), in publication order (a live deployment stores articles
roughly as they are published, so the date filter of the story look-up can skip old row groups):
- articles / article_aliases / raw_pages: one row each; `per_day` articles a day, the newest on `today`;
  300 sources. Bodies and raw pages are short placeholders (no look-up reads them; they only make the file
  smaller than a real one).
- fingerprints: a unique text hash and title, a 128 x uint64 MinHash BLOB (1 KB, as the loader writes it),
  and the probe keys of the text hash and the article id (warehouse/probe_keys.py), as articles and
  article_stories have theirs.
- lsh_bands: 32 BIGINT keys (band number over a 58-bit hash) as extractors/dedup/fingerprints.py makes them,
  unique except that copies share the first 8 bands (all 32 for exact copies) with the article they copy.
- duplicates: about 3% of articles, pointing at an article stored shortly before, kinds exact/title/near.
- article_stories: every article; about 40% of the originals join an earlier article's story.
- story_terms: the up-to-64 top terms of each original (copies are not indexed, as in the flow), ranks drawn
  log-uniformly (Zipf, s=1) from a vocabulary of VOCAB_K * sqrt(N * WORDS_PER_ARTICLE) terms (Heaps' law).
  The first ranks are the real terms of the new articles' texts, most common first: every query term of
  the measured batches is then a fairly common stored term, which makes the candidate join larger than
  real rare names would (a conservative choice).
- story_term_df: a term's df is the expected number of originals holding it among their
  TERMS_PER_ARTICLE distinct terms under the same Zipf law (never below its count in story_terms);
  the empty term counts the indexed articles.
"""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pyarrow as pa

from warehouse.probe_keys import probe_key_sql

TOP_TERMS = 64
TERMS_PER_ARTICLE = 250  # distinct terms of an article's full vocabulary (title, body, names)
WORDS_PER_ARTICLE = 400
VOCAB_K = 20  # Heaps' law V = K * tokens^0.5: 400k terms at a million articles
SOURCES = 300
DUPLICATE_PERCENT = 3
STORY_JOIN_PERCENT = 40
CHUNK = 100_000  # articles per INSERT, so each statement's rows stay in one date range and memory stays small


def vocabulary_size(stored: int) -> int:
    return int(VOCAB_K * math.sqrt(max(stored, 1) * WORDS_PER_ARTICLE))


def _unit(expr: str) -> str:
    """A deterministic uniform number in [0, 1) from DuckDB's 64-bit hash of `expr`."""
    return f"(hash({expr}) / 18446744073709551616.0)"


def _create_vocabulary(con: duckdb.DuckDBPyConnection, real_terms: list[str], size: int) -> None:
    con.register("_real_terms", pa.table({"term": real_terms, "rank": list(range(1, len(real_terms) + 1))}))
    con.execute(
        "CREATE TEMP TABLE vocab AS SELECT r AS rank,"
        " coalesce(t.term, CASE WHEN r % 5 = 0 THEN '@n' ELSE 'w' END || r::VARCHAR) AS term"
        f" FROM range(1, {size + 1}) v(r) LEFT JOIN _real_terms t ON t.rank = r"
    )
    con.unregister("_real_terms")


def _create_base(con: duckdb.DuckDBPyConnection, stored: int, per_day: int, today: date) -> None:
    days = (stored + per_day - 1) // per_day
    dup = f"(i >= 50 AND (hash(i, 'dup') % 100)::BIGINT < {DUPLICATE_PERCENT})"
    con.execute(
        "CREATE TEMP TABLE base AS SELECT i,"
        " sha256('synthetic:' || i) AS article_id,"
        f" DATE '{today.isoformat()}' - INTERVAL ({days - 1} - i // {per_day}) DAY AS published_ts,"
        f" 'source-' || (i % {SOURCES}) AS source,"
        f" {dup} AS is_copy,"
        f" CASE WHEN {dup} THEN i - 1 - (hash(i, 'of') % 40)::BIGINT END AS copy_of,"
        " ['exact', 'title', 'near', 'near'][1 + (hash(i, 'kind') % 4)::BIGINT] AS copy_kind,"
        f" CASE WHEN NOT {dup} AND i >= 50 AND (hash(i, 'story') % 100)::BIGINT < {STORY_JOIN_PERCENT}"
        "  THEN i - 1 - (hash(i, 'joins') % 30)::BIGINT END AS joins"
        f" FROM range({stored}) r(i)"
    )


def _fill_chunk(con: duckdb.DuckDBPyConnection, low: int, high: int, vocabulary: int) -> None:
    chunk = f"(SELECT *, published_ts::DATE AS published FROM base WHERE i >= {low} AND i < {high})"
    original = "coalesce(copy_of, i)"
    title = f"'Synthetic report ' || {original} || ' on ' || md5({original}::VARCHAR)[1:8]"
    con.execute(
        "INSERT INTO articles (article_id, url, source, title, published, language, site, body, run_id,"
        " first_seen_at, article_key)"
        f" SELECT article_id, 'https://' || source || '.example/news/' || i, source, {title}, published, 'en',"
        f" source || '.example', repeat(md5(i::VARCHAR) || ' ', 8), 'synthetic',"
        f" published_ts + INTERVAL ((hash(i, 'seen') % 86400)::BIGINT) SECOND, {probe_key_sql('article_id')}"
        f" FROM {chunk}"
    )
    con.execute(
        f"INSERT INTO article_aliases SELECT 'https://' || source || '.example/news/' || i, article_id FROM {chunk}"
    )
    con.execute(
        f"INSERT INTO raw_pages (article_id, content_encoding, body) SELECT article_id, 'gzip',"
        f" from_hex(md5(i::VARCHAR)) FROM {chunk}"
    )
    text_of = "CASE WHEN copy_kind = 'exact' AND is_copy THEN copy_of ELSE i END"
    title_of = "CASE WHEN copy_kind = 'title' AND is_copy THEN copy_of ELSE i END"
    con.execute(
        "INSERT INTO fingerprints (article_id, text_hash, title_key, minhash, text_key, article_key)"
        f" SELECT *, {probe_key_sql('text_hash')}, {probe_key_sql('article_id')} FROM ("
        "  SELECT article_id, sha256('text:' || " + text_of + ") AS text_hash,"
        f"  lower('synthetic report ' || {title_of} || ' on ' || md5({title_of}::VARCHAR)[1:8]),"
        f"  from_hex(repeat(md5(i::VARCHAR), 64)) FROM {chunk})"
    )
    shared = "is_copy AND (copy_kind = 'exact' OR b < 8)"
    con.execute(
        "INSERT INTO lsh_bands SELECT (b << 58)"
        f" | CAST(CAST('0x' || md5((CASE WHEN {shared} THEN copy_of ELSE i END) || ':' || b)[1:16] AS UBIGINT)"
        f" >> 6 AS BIGINT), article_id FROM {chunk}, range(32) t(b)"
    )
    con.execute(
        "INSERT INTO duplicates (article_id, kind, score, matched_article_id, detail)"
        " SELECT article_id, copy_kind, 1.0, sha256('synthetic:' || copy_of), 'synthetic copy'"
        f" FROM {chunk} WHERE is_copy"
    )
    con.execute(
        "INSERT INTO article_stories (article_id, story_id, kind, score, matched_article_id, detail, article_key)"
        " SELECT article_id, sha256('synthetic:' || coalesce(copy_of, joins, i)),"
        " CASE WHEN is_copy THEN copy_kind WHEN joins IS NOT NULL THEN 'story' ELSE 'new' END,"
        " CASE WHEN copy_of IS NULL AND joins IS NULL THEN 0.0 ELSE 0.3 END,"
        f" sha256('synthetic:' || coalesce(copy_of, joins)), 'synthetic', {probe_key_sql('article_id')}"
        f" FROM {chunk}"
    )
    rank = f"CAST(floor(exp({_unit('i, k')} * ln({vocabulary}))) AS BIGINT)"
    con.execute(
        "INSERT INTO story_terms SELECT v.term, c.article_id, any_value(c.count), any_value(c.published), NULL"
        f" FROM (SELECT article_id, published, {rank} AS rank, 1.0 + (hash(i, k, 'n') % 6)::BIGINT AS count"
        f"       FROM {chunk}, range({TOP_TERMS}) t(k) WHERE NOT is_copy) c"
        " JOIN vocab v USING (rank) GROUP BY v.term, c.article_id ORDER BY any_value(c.published)"
    )


def _fill_document_frequencies(con: duckdb.DuckDBPyConnection, vocabulary: int) -> None:
    indexed = con.execute("SELECT count(*) FROM base WHERE NOT is_copy").fetchone()
    documents = int(indexed[0]) if indexed else 0
    expected = f"least({documents}, round({documents} * {TERMS_PER_ARTICLE} / (v.rank * ln({vocabulary}))))"
    con.execute(
        "INSERT INTO story_term_df"
        f" SELECT v.term, greatest(coalesce(p.n, 0), {expected})::BIGINT AS df FROM vocab v"
        " LEFT JOIN (SELECT term, count(*) AS n FROM story_terms GROUP BY term) p USING (term)"
        f" WHERE greatest(coalesce(p.n, 0), {expected}) >= 1"
        f" UNION ALL SELECT '', {documents}"
    )


def fill(con: duckdb.DuckDBPyConnection, stored: int, *, per_day: int, today: date, real_terms: list[str]) -> None:
    """Fill an empty, migrated warehouse with `stored` synthetic articles (one transaction per chunk)."""
    vocabulary = vocabulary_size(stored)
    _create_vocabulary(con, real_terms[:vocabulary], vocabulary)
    _create_base(con, stored, per_day, today)
    for low in range(0, stored, CHUNK):
        con.execute("BEGIN TRANSACTION")
        _fill_chunk(con, low, min(stored, low + CHUNK), vocabulary)
        con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")
    _fill_document_frequencies(con, vocabulary)
    con.execute("COMMIT")
    con.execute("DROP TABLE base")
    con.execute("DROP TABLE vocab")
    con.execute("CHECKPOINT")


def table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("articles", "fingerprints", "lsh_bands", "duplicates", "article_stories", "story_terms", "story_term_df")
    counts = {}
    for table in tables:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts
