"""The story index in DuckDB: candidate look-ups for the same-story stage, and its rows at load time.

Only the articles sharing rare terms with the batch, within the date window, leave the database,
so memory stays flat however many articles are stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb

from extractors.records import ProcessedArticle, StoryProfile
from extractors.stories import (
    CANDIDATES_PER_ARTICLE,
    WINDOW_DAYS,
    IndexedArticle,
    StoryIndex,
    weighted_terms,
)
from warehouse.bulk import Table, bulk_insert, bulk_merge

# Terms in more than this share of indexed articles say little about which event it is; they
# still weigh in the cosine but do not fetch candidates (keeps the join small at a million articles).
RETRIEVAL_MAX_DF_SHARE = 0.1
DOCUMENT_COUNT_TERM = ""  # a word is never empty, so this row of story_term_df counts indexed articles


def _document_frequencies(con: duckdb.DuckDBPyConnection, terms: list[str]) -> dict[str, int]:
    rows = con.execute("SELECT term, df FROM story_term_df WHERE term IN (SELECT unnest(?))", [terms]).fetchall()
    return {term: int(df) for term, df in rows}


def _window_filter(column: str, profiles: list[StoryProfile]) -> tuple[str, list[Any]]:
    """The batch's date window as a plain range on `column`: DuckDB then skips row groups outside it (rows
    arrive roughly in publication order), which it does not behind an `? IS NULL OR ...` on a parameter.
    An undated article in the batch lifts the window."""
    dates = [p.published for p in profiles if p.published is not None]
    if not dates or len(dates) != len(profiles):
        return "TRUE", []
    window = timedelta(days=WINDOW_DAYS)
    return f"({column} IS NULL OR {column} BETWEEN ?::DATE AND ?::DATE)", [min(dates) - window, max(dates) + window]


def _candidate_ids(con: duckdb.DuckDBPyConnection, profiles: list[StoryProfile], index: StoryIndex) -> list[str]:
    query: list[tuple[str, str, float, Any]] = []
    max_df = max(2, int(index.documents * RETRIEVAL_MAX_DF_SHARE))
    for p in profiles:
        vector = weighted_terms(p.counts, index.document_frequency, index.documents)
        query.extend(
            (p.article_id, term, w, p.published)
            for term, w in vector.items()
            if 0 < index.document_frequency.get(term, 0) <= max_df
        )
    if not query:
        return []
    qid, term, weight, published = (list(col) for col in zip(*query, strict=True))
    window, window_params = _window_filter("st.published", profiles)
    rows = con.execute(
        "WITH q AS (SELECT unnest(?) AS qid, unnest(?) AS term, unnest(?) AS w, unnest(?::DATE[]) AS qdate)"
        " SELECT article_id FROM ("
        "  SELECT q.qid, st.article_id,"
        "   row_number() OVER (PARTITION BY q.qid ORDER BY sum(q.w) DESC, st.article_id) AS rank"
        "  FROM q JOIN story_terms st USING (term)"
        f"  WHERE {window}"
        "   AND (q.qdate IS NULL OR st.published IS NULL OR abs(date_diff('day', st.published, q.qdate)) <= ?)"
        "  GROUP BY q.qid, st.article_id"
        " ) WHERE rank <= ?",
        [qid, term, weight, published, *window_params, WINDOW_DAYS, CANDIDATES_PER_ARTICLE],
    ).fetchall()
    return sorted({r[0] for r in rows})


def story_index(
    con: duckdb.DuckDBPyConnection, items: list[ProcessedArticle], profiles: list[StoryProfile]
) -> StoryIndex:
    """Document frequencies for the batch's terms, stored candidates, and the stories copies point to."""
    vocabulary = sorted({term for p in profiles for term, _ in p.counts})
    document_frequency = _document_frequencies(con, [DOCUMENT_COUNT_TERM, *vocabulary])
    index = StoryIndex(documents=document_frequency.pop(DOCUMENT_COUNT_TERM, 0), document_frequency=document_frequency)
    matched = [i.duplicate.matched_article_id for i in items if i.duplicate is not None]
    candidates = _candidate_ids(con, profiles, index)
    wanted = sorted(set(matched) | set(candidates))
    if wanted:
        for article_id, story_id in con.execute(
            "SELECT article_id, story_id FROM article_stories WHERE article_id IN (SELECT unnest(?))", [wanted]
        ).fetchall():
            index.story_of[article_id] = story_id
    if candidates:
        # Every candidate's rows lie in the window (it was retrieved through them): the filter only prunes.
        window, window_params = _window_filter("published", profiles)
        for article_id, published, terms, counts in con.execute(
            "SELECT article_id, any_value(published), list(term ORDER BY term), list(count ORDER BY term)"
            f" FROM story_terms WHERE article_id IN (SELECT unnest(?)) AND {window} GROUP BY article_id",
            [candidates, *window_params],
        ).fetchall():
            index.candidates[article_id] = IndexedArticle(
                article_id=article_id,
                story_id=index.story_of.get(article_id, article_id),
                published=published,
                terms=tuple(zip(terms, counts, strict=True)),
            )
    return index


def story_rows(items: list[ProcessedArticle], new_ids: set[str]) -> dict[str, list[list[Any]]]:
    """Rows for one load. Terms and frequencies only for articles not stored before, so reruns add nothing."""
    rows: dict[str, list[list[Any]]] = {"stories": [], "terms": [], "df": []}
    df: dict[str, int] = {}
    for item in items:
        link = item.story
        if link is None:
            continue
        rows["stories"].append(
            [link.article_id, link.story_id, link.kind, link.score, link.matched_article_id, link.detail]
        )
        if link.article_id not in new_ids or not link.indexed_terms:
            continue
        df[DOCUMENT_COUNT_TERM] = df.get(DOCUMENT_COUNT_TERM, 0) + 1
        published = item.article.published
        rows["terms"].extend([term, link.article_id, count, published] for term, count in link.indexed_terms)
        for term in link.vocabulary:
            df[term] = df.get(term, 0) + 1
    rows["df"] = [[term, n] for term, n in sorted(df.items())]
    return rows


STORY_TABLES = {
    "stories": Table(
        name="article_stories",
        columns=(
            ("article_id", "VARCHAR"),
            ("story_id", "VARCHAR"),
            ("kind", "VARCHAR"),
            ("score", "DOUBLE"),
            ("matched_article_id", "VARCHAR"),
            ("detail", "VARCHAR"),
        ),
        key=("article_id",),
        owner="article_id",
    ),
    "terms": Table(
        name="story_terms",
        columns=(("term", "VARCHAR"), ("article_id", "VARCHAR"), ("count", "DOUBLE"), ("published", "DATE")),
        key=("term", "article_id"),
        owner="article_id",
    ),
}
TERM_DF = Table(name="story_term_df", columns=(("term", "VARCHAR"), ("df", "BIGINT")), key=("term",))


def write_stories(con: duckdb.DuckDBPyConnection, items: list[ProcessedArticle], new_ids: set[str]) -> None:
    """Write inside the caller's transaction (the batch load), one statement per table."""
    rows = story_rows(items, new_ids)
    for name, table in STORY_TABLES.items():
        bulk_insert(con, table, rows[name], new_ids)
    bulk_merge(con, TERM_DF, rows["df"], {"df": f"{TERM_DF.name}.df + _bulk_{TERM_DF.name}.df"})
