"""Writers of one DuckLake (real PostgreSQL catalog) take turns: of two units that would overlap, the second
starts after the first committed, so neither redoes its look-ups; a killed holder never holds the others up."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.support.helpers import connect_lake
from tests.support.postgres import LocalPostgres
from warehouse import backend, db, lake_turns

pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra: pip install -e '.[scale]'")
psycopg = pytest.importorskip("psycopg", reason="write turns need psycopg (the scale extra)")

UNIT_SECONDS = 0.5


def test_overlapping_units_take_turns_instead_of_rerunning(lake: str) -> None:
    connect_lake(lake).close()  # migrated once; the writers then start together
    attempts: list[tuple[str, frozenset[str]]] = []
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    counted: list[lake_turns.TurnCounts] = []

    def worker(run_id: str) -> None:
        con = connect_lake(lake)
        before = lake_turns.turn_counts(con)

        @backend.retry_conflicts
        def store_run(con: duckdb.DuckDBPyConnection) -> None:
            with db.transaction(con):
                seen = frozenset(r[0] for r in con.execute("SELECT run_id FROM runs").fetchall())
                attempts.append((run_id, seen))
                time.sleep(UNIT_SECONDS)  # the look-ups and load of a batch
                con.execute("INSERT INTO runs (run_id, started_at) VALUES (?, now())", [run_id])

        try:
            barrier.wait()
            store_run(con)
            after = lake_turns.turn_counts(con)
            counted.append(
                lake_turns.TurnCounts(
                    turns=after.turns - before.turns,
                    waited_s=after.waited_s - before.waited_s,
                    reruns=after.reruns - before.reruns,
                )
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=worker, args=(f"run-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # One attempt each: the second read the first one's commit, so it had no race to lose.
    assert len(attempts) == 2, attempts
    (first, first_seen), (_, second_seen) = attempts
    assert first_seen == frozenset() and second_seen == {first}
    # Each connection counts its turn; the one that went second waited about a unit's length for it.
    assert [c.turns for c in counted] == [1, 1] and [c.reruns for c in counted] == [0, 0]
    assert max(c.waited_s for c in counted) >= 0.8 * UNIT_SECONDS


def test_a_holder_that_died_leaves_the_turn_free(lake: str, postgres: LocalPostgres) -> None:
    con = connect_lake(lake)  # migrating takes a turn too
    holder = psycopg.connect(lake.removeprefix("ducklake:postgres:"), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s, %s)", lake_turns.TURN_KEY)
    try:
        freed = threading.Timer(1.0, holder.close)  # the session ends as a killed worker's would
        freed.start()
        started = time.monotonic()
        with lake_turns.write_turn(con) as turn:
            waited = time.monotonic() - started
            assert turn is True
        freed.join()
        assert waited >= 0.9  # it waited for the holder, then had the turn
    finally:
        con.close()
        holder.close()


def test_a_file_catalog_or_a_reader_has_no_turns(tmp_path: Path) -> None:
    con = duckdb.connect()
    with lake_turns.write_turn(con) as turn:
        assert turn is False
    con.close()


def test_workers_starting_together_on_a_new_lake_record_versions_without_failing(lake: str) -> None:
    """Each run's start records the text feature version; two workers starting at once on a new lake made one
    fail on DuckLake's conflict (one replaced the inlined version row as the other inserted)."""
    from warehouse import text_versions

    connect_lake(lake).close()
    rounds, workers = 6, 2
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def start(worker: int) -> None:
        con = connect_lake(lake)
        try:
            barrier.wait()
            for n in range(rounds):
                text_versions.record_version(con, "fingerprints", f"fp-{worker}-{n}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=start, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_workers_profiling_stored_stories_again_at_once_neither_fails_nor_doubles_terms(lake: str) -> None:
    """After an upgrade every worker finds the story profile version changed and profiles the stored
    articles again; the replacement is one write unit that takes its turn, and the second worker, finding
    the version already recorded, leaves the terms alone."""
    from flows.story_reprofile import reprofile_if_version_changed

    con = connect_lake(lake)
    body = "India and Russia signed a defence agreement on S-400 deliveries and joint BrahMos production. " * 20
    for n in range(60):
        con.execute(
            "INSERT INTO articles (article_id, url, source, title, body) VALUES (?, ?, 'test', ?, ?)",
            [f"a{n:03d}", f"https://example.test/{n}", f"Story {n} on India and Russia", f"{body} Item {n}."],
        )
    con.close()
    workers = 2
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def start() -> None:
        con = connect_lake(lake)
        try:
            barrier.wait()
            reprofile_if_version_changed(con, None)
        except BaseException as exc:
            errors.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=start) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    con = connect_lake(lake)
    try:
        terms = con.execute("SELECT count(*), count(DISTINCT (term, article_id)) FROM story_terms").fetchone()
        profiled = con.execute("SELECT count(DISTINCT article_id) FROM story_terms").fetchone()
        versions = con.execute("SELECT count(*) FROM story_profile_versions WHERE articles > 0").fetchone()
    finally:
        con.close()
    assert terms is not None and terms[0] > 0 and terms[0] == terms[1]
    assert profiled == (60,)
    assert versions == (1,)


def test_appending_poll_and_request_logs_waits_for_the_turn(lake: str) -> None:
    """Log appends outside a batch (the poll outcomes, the feed and robots requests) take their turn, as every
    other write does: DuckLake failed an insert into a table whose inlined rows another transaction had deleted
    meanwhile (the re-profiling test above), and a maintenance flush moves inlined rows out of their table."""
    from datetime import UTC, datetime

    from extractors.records import FetchEvent
    from warehouse import source_health

    con = connect_lake(lake)
    holder = psycopg.connect(lake.removeprefix("ducklake:postgres:"), autocommit=True)
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        for append in (
            lambda: source_health.record_polls(con, [[now, "feed", "ok", 200, 1, 1, 0.0, None]], "run-1"),
            lambda: source_health.record_fetch_events(
                con,
                [FetchEvent(fetched_at=now, source="feed", purpose="feed", url="http://127.0.0.1/f", status=200,
                            bytes=10, duration_ms=1, error=None)],
                "run-1",
            ),
        ):  # fmt: skip
            holder.execute("SELECT pg_advisory_lock(%s, %s)", lake_turns.TURN_KEY)
            released = threading.Timer(1.0, holder.execute, ["SELECT pg_advisory_unlock(%s, %s)", lake_turns.TURN_KEY])
            released.start()
            started = time.monotonic()
            append()
            waited = time.monotonic() - started
            released.join()
            assert waited >= 0.9
        assert con.execute("SELECT count(*) FROM feed_polls").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM fetch_events").fetchone() == (1,)
    finally:
        con.close()
        holder.close()
