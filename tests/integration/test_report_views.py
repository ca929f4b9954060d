"""The report views on real DuckDB files: stories counted once, ratios, entities, timelines, health."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from warehouse import db


def _article(
    con: duckdb.DuckDBPyConnection,
    aid: str,
    source: str,
    *,
    title: str = "",
    url: str | None = None,
    published: date | None = None,
    seen: datetime | None = None,
) -> None:
    con.execute(
        "INSERT INTO articles (article_id, url, source, title, published, body, first_seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            aid,
            url or f"https://{source}.example/{aid}",
            source,
            title,
            published,
            f"body of {aid}",
            seen or datetime.now(),
        ],
    )
    # As the flow does: every article opens its own story until a verdict links it to another.
    con.execute("INSERT INTO article_stories (article_id, story_id, kind, score) VALUES (?, ?, 'new', 1.0)", [aid, aid])


def _duplicate(con: duckdb.DuckDBPyConnection, aid: str, of: str, kind: str = "exact") -> None:
    con.execute(
        "INSERT INTO duplicates (article_id, kind, score, matched_article_id) VALUES (?, ?, 1.0, ?)", [aid, kind, of]
    )
    # A copy takes its original's story.
    con.execute(
        "UPDATE article_stories SET kind = ?, matched_article_id = ?,"
        " story_id = (SELECT story_id FROM article_stories WHERE article_id = ?) WHERE article_id = ?",
        [kind, of, of, aid],
    )


def _tag(con: duckdb.DuckDBPyConnection, aid: str, topic: str) -> None:
    con.execute(
        "INSERT INTO topic_tags (article_id, topic, score, evidence, tagger_version) VALUES (?, ?, 5.0, [], 'v1')",
        [aid, topic],
    )


@pytest.fixture
def con(db_path: Path) -> duckdb.DuckDBPyConnection:
    return db.connect(db_path)


def test_story_counts_each_story_once_and_follow_duplicate_chains(con: duckdb.DuckDBPyConnection) -> None:
    day = date(2026, 11, 2)  # a Monday
    t0 = datetime(2026, 11, 3, 8, 0)
    _article(con, "a", "seed", url="seed://corpus/a", published=day, seen=t0)
    _article(con, "b", "ani", title="Russia offers Su-57", published=day, seen=t0 + timedelta(hours=1))
    _article(con, "c", "theprint", title="Russia offers Su-57 (copy)", seen=t0 + timedelta(hours=5))
    _article(con, "d", "tass", title="Oil imports rise", published=day + timedelta(days=1), seen=t0)
    _duplicate(con, "b", "a")
    _duplicate(con, "c", "b", kind="near")  # a copy of a copy belongs to the first story
    for aid in ("a", "b", "c"):
        _tag(con, aid, "defence")
    _tag(con, "d", "energy")
    _tag(con, "c", "trade")  # only one member carries it: the story still counts for trade

    members = dict(con.execute("SELECT article_id, story_id FROM story_members").fetchall())
    assert members == {"a": "a", "b": "a", "c": "a", "d": "d"}

    daily = con.execute("SELECT day, topic, stories, articles FROM topic_daily_counts ORDER BY topic").fetchall()
    assert daily == [(day, "defence", 1, 3), (day + timedelta(days=1), "energy", 1, 1), (day, "trade", 1, 3)]
    weekly = con.execute("SELECT week_start, topic, stories FROM topic_weekly_counts ORDER BY topic").fetchall()
    assert weekly == [(day, "defence", 1), (day, "energy", 1), (day, "trade", 1)]

    row = con.execute(
        "SELECT title, url, first_seen_at, last_update_at, articles, outlets, outlet_names, topics"
        " FROM story_timelines WHERE story_id = 'a'"
    ).fetchone()
    assert row == (
        "Russia offers Su-57",  # the seed has no headline: the first real one is used
        "https://ani.example/b",  # seed:// is not a link an analyst can open
        t0,
        t0 + timedelta(hours=5),
        3,
        3,
        ["ani", "seed", "theprint"],
        ["defence", "trade"],
    )


def test_new_to_duplicate_ratio_per_source(con: duckdb.DuckDBPyConnection) -> None:
    for aid in ("x1", "x2", "x3"):
        _article(con, aid, "wire")
    _article(con, "y1", "aggregator")
    _article(con, "y2", "aggregator")
    _duplicate(con, "x3", "x1", kind="title")
    _duplicate(con, "y1", "x1")
    _duplicate(con, "y2", "x2", kind="near")
    rows = con.execute(
        "SELECT source, articles, new_articles, duplicates, title_duplicates, near_duplicates, new_to_duplicate,"
        " duplicate_share FROM source_dedup_ratio ORDER BY source"
    ).fetchall()
    assert rows == [("aggregator", 2, 0, 2, 0, 1, 0.0, 1.0), ("wire", 3, 2, 1, 1, 0, 2.0, 0.333)]
    _article(con, "z", "original")
    (ratio,) = con.execute("SELECT new_to_duplicate FROM source_dedup_ratio WHERE source = 'original'").fetchone()
    assert ratio is None  # no duplicates: no finite ratio


def test_entities_top_and_trend_count_stories_not_copies(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse.report_data import collect_report

    now = datetime.now()
    today = now.date()
    _article(con, "s1", "a", published=today - timedelta(days=1), seen=now - timedelta(days=1))
    _article(con, "s1copy", "b", published=today - timedelta(days=1), seen=now - timedelta(days=1))
    _duplicate(con, "s1copy", "s1")
    _article(con, "s2", "a", published=today - timedelta(days=2), seen=now - timedelta(days=2))
    _article(con, "old", "a", published=today - timedelta(days=9), seen=now - timedelta(days=9))
    rows = [
        ("s1", "Rosneft", "org", 3),
        ("s1copy", "Rosneft", "org", 2),
        ("s2", "Rosneft", "org", 1),
        ("old", "S-400", "weapon", 4),
        ("s2", "Modi", "person", 1),
        ("old", "Modi", "person", 2),
        ("old", "Lavrov", "person", 1),
        ("s1", "Lavrov", "person", 1),
    ]
    con.executemany(
        "INSERT INTO article_entities (article_id, entity, kind, mentions, in_title, aliases, gazetteer_version)"
        " VALUES (?, ?, ?, ?, false, [], 'g1')",
        rows,
    )
    top = con.execute("SELECT entity, stories, mentions FROM entity_top ORDER BY stories DESC, entity").fetchall()
    # Rosneft: two stories; the copy's mentions are added but the copy is not another story.
    assert top == [("Lavrov", 2, 2), ("Modi", 2, 3), ("Rosneft", 2, 6), ("S-400", 1, 4)]
    # The report's period (the last 7 days here) against the 7 days before it.
    report = collect_report(con, now - timedelta(days=7), now)
    trend = {e.entity: (e.stories_in_period, e.stories_before, e.direction) for e in report.entities}
    assert trend["Rosneft"] == (2, 0, "new")
    assert trend["S-400"] == (0, 1, "falling")
    assert trend["Modi"] == (1, 1, "steady")
    daily = con.execute("SELECT count(*) FROM entity_daily_counts WHERE entity = 'Rosneft'").fetchone()
    assert daily == (2,)


def test_source_fetch_health_from_the_fetch_log(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT INTO sources (name, kind, url) VALUES ('A', 'rss', 'http://a'), ('B', 'rss', 'http://b')")
    con.execute("INSERT INTO sources (name, kind, url, enabled) VALUES ('off', 'rss', 'http://off', false)")
    events = [
        ("A", "feed", None, 100),
        ("A", "feed", None, 300),
        ("A", "feed", "ConnectError", 50),
        ("A", "page", "HTTP 404", 20),
        ("B", "feed", "timeout", 9000),
    ]
    con.executemany(
        "INSERT INTO fetch_events (source, target, url, error, duration_ms) VALUES (?, ?, 'u', ?, ?)", events
    )
    con.execute(
        "INSERT INTO fetch_events (fetched_at, source, target, url, error) VALUES (?, 'B', 'feed', 'u', 'old')",
        [datetime.now() - timedelta(days=30)],
    )
    rows = con.execute(
        "SELECT source, feed_fetches_7d, feed_failures_7d, feed_success_rate_7d, feed_median_ms, pages_7d,"
        " page_failures_7d FROM source_fetch_health ORDER BY source"
    ).fetchall()
    assert rows == [("A", 3, 1, 0.667, 100, 1, 1), ("B", 1, 1, 0.0, 9000, 0, 0)]


def test_views_need_no_creation_order(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "x.duckdb")
    db.create_views(con, sorted(db.VIEWS_DIR.glob("*.sql"), reverse=True))
    assert db.migrate(con) == []  # idempotent
    con.close()
