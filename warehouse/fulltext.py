"""Full-text search over articles with DuckDB's fts extension, loaded from its pip package (no download)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

# The index is over `search_documents`: each article's title and body as search terms, each word stemmed by
# its script's stemmer (search_terms_sql), so one index serves English, Russian and Hindi articles and
# articles that mix them.
DOCUMENTS = "search_documents"
INDEX_NAME = f"fts_main_{DOCUMENTS}"
# The index before per-script stemming, dropped when the new one is built.
OLD_INDEX_TABLE = "articles"
# What separates words: anything but letters, digits and marks of any script. Marks (\p{M}) are kept
# because Devanagari vowel signs are marks: without them 'भारत' would be split into 'भ' and 'रत'.
TOKEN_SPLIT = r"(\.|[^\p{L}\p{N}\p{M}])+"


def search_terms_sql(text: str) -> str:
    """A SQL expression: the words of `text` (a SQL expression) lowercased, each stemmed by its script.

    Cyrillic words by DuckDB's Russian Snowball stemmer (нефти, нефтью -> нефт); Devanagari words stay
    as written (no accent stripping either: it would drop the vowel signs); other words lose their accents
    and go through Porter, as the index did before. Documents and queries go through the same expression.
    """
    words = f"regexp_split_to_array(lower(coalesce({text}, '')), '{TOKEN_SPLIT}')"
    stemmed = f"""list_transform({words},
        w -> CASE WHEN regexp_matches(w, '\\p{{Cyrillic}}') THEN stem(w, 'russian')
                  WHEN regexp_matches(w, '\\p{{Devanagari}}') THEN w
                  ELSE stem(strip_accents(w), 'porter') END)"""
    # Porter stems a lone letter ('s' of S-400) to nothing: empty terms are dropped.
    return f"array_to_string(list_filter({stemmed}, w -> w <> ''), ' ')"


class SearchUnavailable(RuntimeError):
    """The fts extension package is missing or does not match the installed duckdb."""


@dataclass(frozen=True, kw_only=True)
class SearchQuery:
    text: str
    topic: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int = 20


@dataclass(frozen=True, kw_only=True)
class SearchHit:
    story_id: str
    article_id: str
    score: float
    title: str
    url: str
    source: str
    day: date
    day_is: str  # 'published' (the story's earliest publication date) or 'first seen' (no article has one)
    topics: tuple[str, ...]
    articles: int  # every article of the story, its first one included
    copies: int  # of them, copies of another (exact, title or near), as the `stories` view counts: never the original


def fts_extension_path() -> Path:
    spec = importlib.util.find_spec("duckdb_extension_fts")
    if spec is None or not spec.submodule_search_locations:
        raise SearchUnavailable("the duckdb-extension-fts package is not installed")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    path = package_dir / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        raise SearchUnavailable(f"no fts extension for duckdb {duckdb.__version__} at {path}")
    return path


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{fts_extension_path()}'")


@contextmanager
def scratch_index(rows: pa.Table) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory `articles` table of `rows` (article_id, title, body and any other columns) under the
    same index as the warehouse's: a few stories are matched as search would, without rebuilding the
    warehouse's index (which covers every article) or writing to the warehouse."""
    con = duckdb.connect()
    try:
        load_fts(con)
        con.register("_scratch_rows", rows)
        con.execute("CREATE TABLE articles AS SELECT * FROM _scratch_rows")
        con.unregister("_scratch_rows")
        create_index(con)
        yield con
    finally:
        con.close()


def all_words(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    """The words of `text` that the index in `con` can find, as it splits them (stopwords left out, before
    stemming): what a query must contain all of (`match_bm25(..., conjunctive := 1)` counts stopwords too,
    so a query with one would match nothing)."""
    row = con.execute(
        f"SELECT coalesce(list(w), []) FROM (SELECT unnest({INDEX_NAME}.tokenize(?)) AS w)"
        f" WHERE w <> '' AND w NOT IN (SELECT sw FROM {INDEX_NAME}.stopwords)",
        [text],
    ).fetchone()
    return list(row[0]) if row else []


def _corpus_state(con: duckdb.DuckDBPyConnection) -> tuple[int, datetime | None]:
    row = con.execute("SELECT count(*), max(first_seen_at) FROM articles").fetchone()
    assert row is not None
    return int(row[0]), row[1]


def index_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    count, newest = _corpus_state(con)
    row = con.execute(
        "SELECT articles, newest_seen FROM search_index_state WHERE index_name = ?", [INDEX_NAME]
    ).fetchone()
    has_schema = con.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", [INDEX_NAME]
    ).fetchone()
    return bool(has_schema and has_schema[0]) and row is not None and (row[0], row[1]) == (count, newest)


def create_index(con: duckdb.DuckDBPyConnection) -> None:
    """The index over title and body of the `articles` table in `con`: the warehouse's, or a scratch one."""
    con.execute(
        f"CREATE OR REPLACE TABLE {DOCUMENTS} AS SELECT article_id,"
        f" {search_terms_sql('title')} AS title_terms, {search_terms_sql('body')} AS body_terms FROM articles"
    )
    # The terms are stemmed already: the index only splits them at spaces (the same pattern as above, so
    # a query's terms are split the same way) and leaves out English stopwords, as it did before.
    con.execute(
        f"PRAGMA create_fts_index('{DOCUMENTS}', 'article_id', 'title_terms', 'body_terms', stemmer = 'none',"
        f" stopwords = 'english', ignore = '{TOKEN_SPLIT}', strip_accents = 0, lower = 1, overwrite = 1)"
    )


def build_index(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the index over title and body of every article; returns how many articles it covers."""
    load_fts(con)
    count, newest = _corpus_state(con)
    create_index(con)
    _drop_old_index(con)
    con.execute(
        "INSERT INTO search_index_state (index_name, articles, newest_seen, built_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (index_name) DO UPDATE SET articles = excluded.articles,"
        " newest_seen = excluded.newest_seen, built_at = excluded.built_at",
        [INDEX_NAME, count, newest, datetime.now()],
    )
    return count


def _drop_old_index(con: duckdb.DuckDBPyConnection) -> None:
    old = con.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", [f"fts_main_{OLD_INDEX_TABLE}"]
    ).fetchone()
    if old and old[0]:
        con.execute(f"PRAGMA drop_fts_index('{OLD_INDEX_TABLE}')")


SEARCH_SQL = f"""
WITH query AS (SELECT {search_terms_sql("$text")} AS terms),
scored AS (
    SELECT a.article_id, {INDEX_NAME}.match_bm25(a.article_id, (SELECT terms FROM query)) AS score
    FROM articles a
),
hits AS (
    SELECT m.story_id, s.article_id, s.score
    FROM scored s
    JOIN story_members m ON m.article_id = s.article_id
    WHERE s.score IS NOT NULL
),
best AS (
    SELECT story_id, arg_max(article_id, score) AS article_id, max(score) AS score, count(*) AS matching
    FROM hits GROUP BY story_id
)
SELECT b.story_id, b.article_id, b.score, t.title, t.url, a.source, t.story_date, t.date_source, t.topics,
       t.articles, s.copies
FROM best b
JOIN story_timelines t ON t.story_id = b.story_id
JOIN stories s ON s.story_id = b.story_id
JOIN articles a ON a.article_id = b.article_id
WHERE ($topic IS NULL OR list_contains(t.topics, $topic))
  AND ($since IS NULL OR t.story_date >= $since)
  AND ($until IS NULL OR t.story_date <= $until)
ORDER BY b.score DESC, t.story_date DESC
LIMIT $limit
"""


def search(con: duckdb.DuckDBPyConnection, query: SearchQuery) -> list[SearchHit]:
    """Best-matching stories first; each story once, shown by its best-matching article."""
    load_fts(con)
    rows = con.execute(
        SEARCH_SQL,
        {
            "text": query.text,
            "topic": query.topic,
            "since": query.since,
            "until": query.until,
            "limit": query.limit,
        },
    ).fetchall()
    return [
        SearchHit(
            story_id=r[0],
            article_id=r[1],
            score=float(r[2]),
            title=r[3] or "",
            url=r[4],
            source=r[5],
            day=r[6],
            day_is=r[7],
            topics=tuple(r[8]),
            articles=int(r[9]),
            copies=int(r[10]),
        )
        for r in rows
    ]
