"""The DuckLake backend on a real PostgreSQL catalog: same schema files, views and loaders; concurrent writers
neither lose nor double rows; sharded ingest workers split the sources and take over a dead worker's shard."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from extractors.analysis import analyze_article
from extractors.sources.shards import ShardSpec, shard_of
from flows.seed_files import load_seed_articles, load_taxonomy
from flows.settings import DEFAULT_TOPICS
from tests.support.corpus import Corpus, CorpusServer
from tests.support.helpers import connect_lake, copy_of
from tests.support.paths import CAPTURE, CORPUS
from warehouse import backend, db, lake_turns, leases

pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra: pip install -e '.[scale]'")

KEYS = {
    "articles": "article_id",
    "article_aliases": "alias_url",
    "fingerprints": "article_id",
    "raw_pages": "article_id",
    "duplicates": "article_id",
    "lsh_bands": "band_key || ' ' || article_id",
    "topic_tags": "article_id || ' ' || topic || ' ' || tagger_version",
    "sources": "name",
    "feed_state": "source",
    "feed_health": "source",
}


def _doubles(con: object, table: str, key: str) -> int:
    row = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()  # type: ignore[attr-defined]
    return int(row[0])


def test_same_schema_files_and_views_migrate_on_ducklake(lake: str) -> None:
    con = connect_lake(lake)
    try:
        assert backend.connection_is_lake(con)
        applied = [
            r[0]
            for r in con.execute("SELECT name FROM schema_migrations WHERE version > 0 ORDER BY version").fetchall()
        ]
        assert applied == [p.name for p in db.schema_files()]
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        shipped = {p.stem for p in db.VIEWS_DIR.glob("*.sql")}
        assert shipped and shipped <= views
        assert con.execute("SELECT count(*) FROM unique_articles").fetchone() == (0,)
    finally:
        con.close()
    again = connect_lake(lake)
    try:
        assert db.migrate(again) == []
        # One claims row, left at 0 by migrating twice; a keyed transaction bumps it, an unkeyed one does not.
        assert again.execute("SELECT claims FROM write_claims").fetchall() == [(0,)]
        with db.transaction(again):
            pass
        assert again.execute("SELECT claims FROM write_claims").fetchall() == [(1,)]
        with db.transaction(again, keyed=False):
            pass
        assert again.execute("SELECT claims FROM write_claims").fetchall() == [(1,)]
    finally:
        again.close()


def _claims(lake: str) -> int:
    con = connect_lake(lake, read_only=True)
    try:
        row = con.execute("SELECT claims FROM write_claims").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


def test_overlapping_keyed_transactions_conflict_and_the_later_one_reruns(lake: str) -> None:
    """Two workers insert keys inside overlapping transactions. DuckLake appends alone would both commit; the
    claims bump makes the later commit fail, and retry_conflicts reruns that unit against the newer snapshot."""
    mine, other = connect_lake(lake), connect_lake(lake)
    attempts: list[set[str]] = []

    @backend.retry_conflicts
    def store_run(mine: duckdb.DuckDBPyConnection, run_id: str) -> None:
        with db.transaction(mine):
            attempts.append({r[0] for r in mine.execute("SELECT run_id FROM runs").fetchall()})
            mine.execute("INSERT INTO runs (run_id, started_at) VALUES (?, now())", [run_id])
            if len(attempts) == 1:  # another worker commits a keyed write while this transaction is open
                with db.transaction(other):
                    other.execute("INSERT INTO runs (run_id, started_at) VALUES ('other-run', now())")

    try:
        store_run(mine, "my-run")
        runs = sorted(r[0] for r in mine.execute("SELECT run_id FROM runs").fetchall())
        assert lake_turns.turn_counts(mine).reruns == 1  # a run's summary reports it
    finally:
        mine.close()
        other.close()
    # The first attempt lost at commit and was rolled back; the rerun saw the other worker's row.
    assert attempts == [set(), {"other-run"}]
    assert runs == ["my-run", "other-run"]
    assert _claims(lake) == 2  # the other worker's commit and the rerun's; the failed attempt left no trace


def test_concurrent_writers_neither_lose_nor_double(lake: str) -> None:
    from flows.ingest.batches import store_analyzed

    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    seeds = load_seed_articles(CORPUS)
    copies = [copy_of(a, f"http://127.0.0.1/copy/{n}/{i}") for n in range(3) for i, a in enumerate(seeds)]
    analyzed = [analyze_article(a, taxonomy, None) for a in [*seeds, *copies]]
    assert len(analyzed) >= 16
    connect_lake(lake).close()  # migrate once; the writers then start together
    writers = 4
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def write(worker: int) -> None:
        con = connect_lake(lake)
        try:
            barrier.wait()
            # Overlapping batches: every article is offered by two writers, in different orders.
            mine = [a for i, a in enumerate(analyzed) if i % writers in (worker, (worker + 1) % writers)]
            for start in range(0, len(mine), 3):
                store_analyzed(con, mine[start : start + 3], f"run-{worker}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    con = connect_lake(lake, read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        assert stored == {a.article.article_id for a in analyzed}
        for table, key in KEYS.items():
            assert _doubles(con, table, key) == 0, table
        # Each copy of a seed story was judged once, against whichever original committed first.
        assert _doubles(con, "duplicates", "article_id") == 0
    finally:
        con.close()


def _feeds(server: CorpusServer, tmp_path: Path) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(server.feeds_toml(), encoding="utf-8")
    return path


@pytest.fixture
def corpus_server() -> Iterator[CorpusServer]:
    pages = [p.read_bytes() for p in sorted(CAPTURE.rglob("*.html")) if p.is_file()]
    with CorpusServer(Corpus(pages=pages, n_pages=48, n_feeds=8)) as server:
        yield server


def test_sharded_workers_split_sources_and_take_over_a_dead_workers_shard(
    prefect_harness: None, lake: str, tmp_path: Path, corpus_server: CorpusServer
) -> None:
    from flows.ingest.flow import ingest

    feeds = _feeds(corpus_server, tmp_path)
    names = [f"bench feed {k}" for k in range(8)]
    by_shard = {i: [n for n in names if shard_of(n, 3) == i] for i in range(3)}
    assert all(by_shard.values()), by_shard  # rendezvous hashing spreads 8 sources over 3 shards
    common = {"feeds_file": str(feeds), "capture": False, "live": True, "relevance": False, "batch_size": 8}
    # A worker for shard 2 claims its shard and dies before fetching anything: its lease stays, stale.
    con = connect_lake(lake)
    try:
        leases.claim_shards(
            con, ShardSpec(index=2, count=3), "dead-worker", timedelta(seconds=60), datetime(2020, 1, 1)
        )
    finally:
        con.close()
    first = ingest(db_path=lake, shard="0/3", lease_ttl_s=60, **common)
    assert first.shards == [0, 2] and first.shards_taken_over == [2]
    assert first.write_turns["turns"] > 0 and first.write_turns["reruns"] == 0  # alone: nothing to rerun
    second = ingest(db_path=lake, shard="1/3", lease_ttl_s=60, **common)
    assert second.shards == [1] and second.shards_taken_over == []
    feed_hits = {k: v for k, v in corpus_server.requests.items() if k.startswith("/feed/")}
    assert sorted(feed_hits) == sorted(f"/feed/{k}.xml" for k in range(8))
    assert set(feed_hits.values()) == {1}  # every feed fetched exactly once in the cycle
    con = connect_lake(lake, read_only=True)
    try:
        expected_pages = {f"{corpus_server.base_url}/page/{i}" for i in range(48)}
        seen = {
            r[0]
            for r in con.execute("SELECT alias_url FROM article_aliases WHERE alias_url LIKE 'http://127%'").fetchall()
        }
        rejected = {r[0] for r in con.execute("SELECT url FROM rejected_pages").fetchall()}
        assert seen | rejected == expected_pages
        for table, key in KEYS.items():
            assert _doubles(con, table, key) == 0, table
        holders = dict(con.execute("SELECT shard, holder FROM shard_leases WHERE shards = 3").fetchall())
        assert "dead-worker" not in holders.values()
    finally:
        con.close()
    # A live, running lease is not taken: a second worker for shard 1 while the first runs gets nothing.
    con = connect_lake(lake)
    try:
        leases.claim_shards(con, ShardSpec(index=1, count=3), "busy-worker", timedelta(seconds=60))
        own, taken = leases.claim_shards(con, ShardSpec(index=1, count=3), "twin-worker", timedelta(seconds=60))
        assert (own, taken) == (set(), set())
    finally:
        con.close()


def test_workers_creating_a_new_lake_at_once_all_attach_and_every_write_lands(lake: str) -> None:
    from warehouse import load

    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def start(worker: int) -> None:
        try:
            barrier.wait()
            con = connect_lake(lake)  # each creates, or finds being created, the same catalog
            try:
                load.start_run(con, f"run-{worker}")
            finally:
                con.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    con = connect_lake(lake, read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("SELECT run_id FROM runs").fetchall()) == [
            f"run-{w}" for w in range(workers)
        ]
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations WHERE version > 0").fetchall()]
        assert sorted(versions) == [int(p.name[:3]) for p in db.schema_files()]
        assert con.execute("SELECT count(*) FROM write_claims").fetchone() == (1,)
    finally:
        con.close()
