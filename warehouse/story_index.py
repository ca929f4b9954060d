"""The story index in DuckDB: candidate look-ups for the same-story stage, and its rows at load time.

Only the articles sharing rare terms with the batch, within the date window, leave the database,
so memory stays flat however many articles are stored.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from extractors.dedup.story_candidates import (
    CANDIDATES_PER_ARTICLE,
    WINDOW_DAYS,
    IndexedArticle,
    StoryIndex,
    retrieval_terms,
)
from extractors.dedup.story_profile import language_of, story_date
from extractors.records import ProcessedArticle, StoryLink, StoryProfile
from warehouse.bulk import Table, bulk_insert, bulk_merge, key_list, rows_of
from warehouse.probe_keys import probe_key, probe_match

DOCUMENT_COUNT_TERM = ""  # a word is never empty, so this row of story_term_df counts indexed articles


def _document_frequencies(con: duckdb.DuckDBPyConnection, terms: list[str]) -> dict[str, int]:
    rows = con.execute("SELECT term, df FROM story_term_df WHERE term IN (SELECT unnest(?))", [terms]).fetchall()
    return {term: int(df) for term, df in rows}


def _story_terms_between(low: date | None, high: date | None) -> tuple[str, list[Any]]:
    """story_terms rows published between `low` and `high` or undated, as a FROM-clause source. Rows arrive
    roughly in publication order, so DuckDB skips the row groups outside a plain date range; it scans them
    all behind `published IS NULL OR published BETWEEN ...`."""
    if low is None or high is None:
        return "story_terms", []
    columns = "term, article_id, count, published, language"
    return (
        f"(SELECT {columns} FROM story_terms WHERE published BETWEEN ?::DATE AND ?::DATE"
        f" UNION ALL SELECT {columns} FROM story_terms WHERE published IS NULL)",
        [low, high],
    )


def _candidates(
    con: duckdb.DuckDBPyConnection, profiles: list[StoryProfile], index: StoryIndex
) -> dict[str, date | None]:
    """The stored articles (and their dates) sharing the most retrieval weight with each batch article,
    within WINDOW_DAYS of it. A dated article looks within the batch's window; an undated one everywhere."""
    query: dict[bool, list[tuple[str, str, float, date | None]]] = {True: [], False: []}
    for p in profiles:
        vector = retrieval_terms(p.counts, index.document_frequency, index.documents)
        query[p.published is not None].extend((p.article_id, term, w, p.published) for term, w in vector.items())
    dates = [p.published for p in profiles if p.published is not None]
    window = timedelta(days=WINDOW_DAYS)
    parts, params = [], []
    for dated, pairs in query.items():
        if not pairs:
            continue
        source, source_params = (
            _story_terms_between(min(dates) - window, max(dates) + window) if dated else ("story_terms", [])
        )
        qid, term, weight, published = (list(col) for col in zip(*pairs, strict=True))
        parts.append(
            "SELECT q.qid, st.article_id, st.published, q.w FROM"
            " (SELECT unnest(?) AS qid, unnest(?) AS term, unnest(?) AS w, unnest(?::DATE[]) AS qdate) q"
            f" JOIN {source} st USING (term)"
            " WHERE q.qdate IS NULL OR st.published IS NULL OR abs(date_diff('day', st.published, q.qdate)) <= ?"
        )
        params += [qid, term, weight, published, *source_params, WINDOW_DAYS]
    if not parts:
        return {}
    rows = con.execute(
        "SELECT qid, article_id, published FROM ("
        "  SELECT qid, article_id, any_value(published) AS published,"
        "   row_number() OVER (PARTITION BY qid ORDER BY sum(w) DESC, article_id) AS rank"
        f"  FROM ({' UNION ALL '.join(parts)}) GROUP BY qid, article_id"
        " ) WHERE rank <= ?",
        [*params, CANDIDATES_PER_ARTICLE],
    ).fetchall()
    found: dict[str, list[str]] = {}
    for qid, article_id, _ in sorted(rows):
        found.setdefault(qid, []).append(article_id)
    index.candidates_of.update({qid: tuple(ids) for qid, ids in found.items()})
    return {article_id: published for _, article_id, published in sorted(rows, key=lambda r: r[1])}


def story_index(
    con: duckdb.DuckDBPyConnection, items: list[ProcessedArticle], profiles: list[StoryProfile]
) -> StoryIndex:
    """Document frequencies for the batch's terms, stored candidates, and the stories copies point to."""
    vocabulary = sorted({term for p in profiles for term, _ in p.counts})
    document_frequency = _document_frequencies(con, [DOCUMENT_COUNT_TERM, *vocabulary])
    index = StoryIndex(documents=document_frequency.pop(DOCUMENT_COUNT_TERM, 0), document_frequency=document_frequency)
    matched = [i.duplicate.matched_article_id for i in items if i.duplicate is not None]
    candidates = _candidates(con, profiles, index)
    batch_ids = {i.article.article_id for i in items}
    wanted = sorted(set(matched) | set(candidates) | batch_ids)
    verdicts: dict[str, tuple[str | None, float]] = {}
    languages: dict[str, str | None] = {}
    if wanted:
        with (
            key_list(con, "_story_wanted_keys", [probe_key(a) for a in wanted], "BIGINT") as keys,
            key_list(con, "_story_wanted", wanted) as ids,
        ):
            for article_id, story_id, matched_id, score in con.execute(
                f"WITH {rows_of('article_stories', 's', probe_match('s', 'article_key', keys))}"
                " SELECT article_id, story_id, matched_article_id, score FROM article_stories_rows"
                f" JOIN {ids} ON article_id = key"
            ).fetchall():
                index.story_of[article_id] = story_id
                verdicts[article_id] = (matched_id, float(score or 0.0))
                if article_id in batch_ids:
                    index.stored.add(article_id)
    if candidates:
        dated = [d for d in candidates.values() if d is not None]
        source, params = _story_terms_between(min(dated, default=None), max(dated, default=None))
        with key_list(con, "_story_candidates", list(candidates)) as keys:
            rows = con.execute(
                f"SELECT st.article_id, st.term, st.count, st.language FROM {source} st"
                f" JOIN {keys} ON st.article_id = key",
                params,
            ).fetchall()
        terms: dict[str, list[tuple[str, float]]] = {}
        for article_id, term, count, language in rows:
            terms.setdefault(article_id, []).append((term, count))
            languages[article_id] = language
        for article_id, published in candidates.items():
            if article_id in terms:
                matched_id, score = verdicts.get(article_id, (None, 0.0))
                index.candidates[article_id] = IndexedArticle(
                    article_id=article_id,
                    story_id=index.story_of.get(article_id, article_id),
                    published=published,
                    terms=tuple(sorted(terms[article_id])),
                    language=languages.get(article_id),
                    matched_article_id=matched_id,
                    match_score=score,
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
            [
                link.article_id,
                link.story_id,
                link.kind,
                link.score,
                link.matched_article_id,
                link.detail,
                probe_key(link.article_id),
            ]
        )
        if link.article_id not in new_ids or not link.indexed_terms:
            continue
        df[DOCUMENT_COUNT_TERM] = df.get(DOCUMENT_COUNT_TERM, 0) + 1
        published, language = story_date(item.article), language_of(item.article.language)
        rows["terms"].extend([term, link.article_id, count, published, language] for term, count in link.indexed_terms)
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
            ("article_key", "BIGINT"),
        ),
        key=("article_id",),
        owner="article_id",
    ),
    "terms": Table(
        name="story_terms",
        columns=(
            ("term", "VARCHAR"),
            ("article_id", "VARCHAR"),
            ("count", "DOUBLE"),
            ("published", "DATE"),
            ("language", "VARCHAR"),
        ),
        key=("term", "article_id"),
        owner="article_id",
    ),
}
TERM_DF = Table(name="story_term_df", columns=(("term", "VARCHAR"), ("df", "BIGINT")), key=("term",))


def write_stories(
    con: duckdb.DuckDBPyConnection,
    items: list[ProcessedArticle],
    new_ids: set[str],
    moved: Collection[StoryLink] = (),
) -> None:
    """Write inside the caller's transaction (the batch load), one statement per table; then move the stored
    articles the batch moved to another story, and their copies with them."""
    rows = story_rows(items, new_ids)
    for name, table in STORY_TABLES.items():
        bulk_insert(con, table, rows[name], new_ids)
    bulk_merge(con, TERM_DF, rows["df"], {"df": f"{TERM_DF.name}.df + _bulk_{TERM_DF.name}.df"})
    if moved:
        move_stories(con, moved)


def move_stories(con: duckdb.DuckDBPyConnection, moved: Collection[StoryLink]) -> None:
    """Rewrite the verdicts of moved articles; their copies (exact, title, near) take the new story too."""
    table = pa.table(
        {
            "article_id": [m.article_id for m in moved],
            "story_id": [m.story_id for m in moved],
            "kind": [m.kind for m in moved],
            "score": pa.array([m.score for m in moved], type=pa.float64()),
            "matched_article_id": pa.array([m.matched_article_id for m in moved], type=pa.string()),
            "detail": [m.detail for m in moved],
        }
    )
    con.register("_story_moves", table)
    try:
        con.execute(
            "UPDATE article_stories SET story_id = m.story_id, kind = m.kind, score = m.score,"
            " matched_article_id = m.matched_article_id, detail = m.detail"
            " FROM _story_moves m WHERE article_stories.article_id = m.article_id"
        )
        con.execute(
            "UPDATE article_stories SET story_id = m.story_id FROM _story_moves m"
            " WHERE article_stories.matched_article_id = m.article_id"
            " AND article_stories.kind IN ('exact', 'title', 'near')"
        )
    finally:
        con.unregister("_story_moves")
