"""Offline: names that do not resolve. Each such name is looked up once per run; every other URL on its host
fails at once with a recorded error, without another lookup, a wait for the host's interval or a request; and
a run whose every live source is unreachable records each failure in source health as before. Lookups and
the gate's waits are counted, never timed; no lookup leaves the process (the resolvers here fail every name)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

from flows.http import client
from flows.http.client import HttpFetcher
from flows.http.politeness import HostGate
from tests.support.helpers import quick_settings
from warehouse import db, source_health

HOST = "news.example.invalid"
CANNOT_RESOLVE = f"ConnectError: cannot resolve {HOST}"
EARLIER = f"host unreachable earlier in this run ({CANNOT_RESOLVE}"


class FailingResolver:
    """A resolver for which no name resolves; it counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, host: str, port: int) -> list[str]:
        with self._lock:
            self.asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


class CountingGate(HostGate):
    """A HostGate that records every wait it books for a host's interval."""

    booked: ClassVar[list[tuple[str, float]]] = []  # the fetcher builds its own gate: shared, reset per test

    def _reserve(self, host: str, spaced: bool) -> float:
        wait = super()._reserve(host, spaced)
        if wait > 0:
            CountingGate.booked.append((host, wait))
        return wait


@pytest.fixture
def gate_waits(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    CountingGate.booked = []
    monkeypatch.setattr(client, "HostGate", CountingGate)
    return CountingGate.booked


def offline_fetcher(resolver: FailingResolver, **overrides: object) -> HttpFetcher:
    # A real interval and per-host cap, as in a run; short enough that the code before the fix, which waited
    # for it, finishes the test (and fails it) rather than hanging.
    values: dict[str, object] = {"loopback_only": False, "min_interval": 0.5, "per_host": 2, "max_workers": 8}
    return HttpFetcher(quick_settings(**values | overrides), resolver=resolver)


def _one_first_failure_then_earlier(errors: list[str | None]) -> None:
    assert sum(1 for e in errors if e is not None and e.startswith(CANNOT_RESOLVE)) == 1, errors
    assert sum(1 for e in errors if e is not None and e.startswith(EARLIER)) == len(errors) - 1, errors


def test_a_name_that_does_not_resolve_is_looked_up_once_for_all_its_feeds(gate_waits: list[Any]) -> None:
    resolver = FailingResolver()
    urls = [f"https://{HOST}/feed/{i}.xml" for i in range(6)]
    with offline_fetcher(resolver) as fetcher:
        results = fetcher.get_many(urls, purpose="feed")
        events = fetcher.drain_events()
    assert resolver.asked == [HOST]  # before the fix: twice for the first URL, and again for any that raced it
    assert gate_waits == []  # before the fix, URLs queued behind the host waited out its interval
    assert all(r.status is None and r.attempts == 1 and not r.ok for r in results)
    _one_first_failure_then_earlier([r.error for r in results])
    assert sorted(e.url for e in events) == sorted(urls) and all(e.error for e in events)  # each one recorded


def test_pages_on_a_name_that_does_not_resolve_ask_for_no_robots_txt(gate_waits: list[Any]) -> None:
    resolver = FailingResolver()
    urls = [f"https://{HOST}/story/{i}" for i in range(4)]
    with offline_fetcher(resolver, robots=True) as fetcher:
        results = [fetcher.get(url) for url in urls]
        events = fetcher.drain_events()
    assert resolver.asked == [HOST]  # before the fix: three lookups, two for the robots.txt request
    assert [e.purpose for e in events] == ["page"] * 4 and gate_waits == []
    _one_first_failure_then_earlier([r.error for r in results])


def test_each_name_is_looked_up_once_and_one_does_not_stop_the_others(gate_waits: list[Any]) -> None:
    resolver = FailingResolver()
    hosts = [f"outlet{n}.example.invalid" for n in range(3)]
    urls = [f"https://{host}/rss/{i}" for i in range(3) for host in hosts]
    with offline_fetcher(resolver) as fetcher:
        results = fetcher.get_many(urls, purpose="feed")
    assert sorted(resolver.asked) == hosts and gate_waits == []
    for host in hosts:
        errors = [r.error for r in results if host in r.url]
        assert sum(1 for e in errors if e and e.startswith(f"ConnectError: cannot resolve {host}")) == 1


def test_a_run_with_every_live_source_unresolvable_records_each_failure(
    prefect_harness: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest.flow import ingest

    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *rest: Any, **kw: Any) -> Any:
        if host in ("127.0.0.1", "localhost", "::1"):  # the Prefect harness
            return real_getaddrinfo(host, *rest, **kw)
        lookups.append(str(host))
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # The system resolver, as in a real run (loopback-only mode would refuse the names unasked), failing in
    # process: nothing is asked of a nameserver.
    monkeypatch.setenv("NEWSWATCH_LOOPBACK_ONLY", "0")
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    names = {f"feed {i}": f"https://{HOST}/feed/{i}.xml" for i in range(4)}
    names["other"] = "https://other.example.invalid/rss"
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[source]]\nname = "{n}"\nkind = "rss"\nurl = "{u}"\n\n' for n, u in names.items()))
    summary = ingest(db_path=str(db_path), feeds_file=str(feeds), capture=False)
    assert sorted(lookups) == sorted([HOST, "other.example.invalid"])
    assert summary.sources_ok == 0 and summary.sources_failing == 5
    con = db.connect(db_path)
    polls = con.execute("SELECT source, outcome, error FROM feed_polls ORDER BY source").fetchall()
    events = con.execute("SELECT url, error FROM fetch_events").fetchall()
    health = source_health.load_health(con, list(names))
    con.close()
    assert [(source, outcome) for source, outcome, _ in polls] == [(n, "failed") for n in sorted(names)]
    assert all("cannot resolve" in error for _, _, error in polls)
    assert sorted(url for url, _ in events) == sorted(names.values()) and all(error for _, error in events)
    # Every live source unreachable is this machine's network, not the feeds: recorded, not held against them.
    assert sorted(health) == sorted(names) and all(h.failure_score == 0 for h in health.values())
