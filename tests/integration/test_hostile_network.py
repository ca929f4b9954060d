"""Hostile network input against real local servers: a host that asks for a long wait; a warehouse location
with a password, which Prefect must not keep."""

from __future__ import annotations

import json
import logging
import time
from contextlib import nullcontext
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.cli.common import flow_location
from flows.http.client import HttpFetcher
from flows.ops.log_redaction import RedactPasswords
from flows.settings import load_settings
from tests.support.helpers import flow_run_record, quick_settings
from tests.support.postgres import free_port

LONG_WAIT = {"Retry-After": "300"}


def _paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def test_a_retry_after_beyond_the_limit_stops_the_host_without_stalling_it(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("slow down", status=429, headers=LONG_WAIT)
    for path in ("/a", "/b", "/c"):
        httpserver.expect_request(path).respond_with_data("ok")
    started = time.monotonic()
    with HttpFetcher(quick_settings(max_retries=2, max_retry_wait=2, per_host=2, max_workers=4)) as fetcher:
        feed = fetcher.get(httpserver.url_for("/feed.xml"), purpose="feed")
        pages = fetcher.get_many([httpserver.url_for(p) for p in ("/a", "/b", "/c")])
        events = fetcher.drain_events()
    # Loose: the bug held every request to the host for max_retry_wait (120 s by default).
    assert time.monotonic() - started < 10
    assert feed.status == 429 and feed.attempts == 1
    assert feed.error is not None and "Retry-After 300 s exceeds 2 s, not retried" in feed.error
    for page in pages:
        assert page.status is None and page.error is not None
        assert page.error.startswith("host asked to wait 300 s (Retry-After)")
    assert _paths(httpserver) == ["/feed.xml"]  # the other requests were never sent
    assert len(events) == 4 and all(e.error for e in events)  # and every one of them is recorded


def test_requests_queued_for_the_host_are_not_sent_after_the_long_retry_after(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/first").respond_with_data("slow down", status=503, headers=LONG_WAIT)
    for path in ("/a", "/b", "/c", "/d"):
        httpserver.expect_request(path).respond_with_data("ok")
    urls = [httpserver.url_for(p) for p in ("/first", "/a", "/b", "/c", "/d")]
    with HttpFetcher(quick_settings(max_retries=2, max_retry_wait=2, per_host=1, max_workers=5)) as fetcher:
        results = fetcher.get_many(urls)
    sent = _paths(httpserver)
    # One request at a time to the host: whatever went before /first was answered; nothing after it.
    assert sent[-1] == "/first"
    held = [r for r in results if r.error and r.error.startswith("host asked to wait 300 s")]
    assert len(held) == len(urls) - len(sent)


def test_a_host_backing_off_does_not_hold_back_another_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("slow down", status=429, headers=LONG_WAIT)
    httpserver.expect_request("/a").respond_with_data("ok")
    with HttpFetcher(quick_settings(max_retry_wait=2)) as fetcher:
        fetcher.get(httpserver.url_for("/feed.xml"), purpose="feed")
        same_host = fetcher.get(httpserver.url_for("/a"))
        # The same server under its other name is another host key.
        other_name = "127.0.0.1" if httpserver.host == "localhost" else "localhost"
        other_host = fetcher.get(f"http://{other_name}:{httpserver.port}/a")
    assert same_host.error is not None and "Retry-After" in same_host.error
    assert other_host.ok, other_host.error


def test_a_retry_after_within_the_limit_is_waited_and_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"}
    )
    httpserver.expect_ordered_request("/feed.xml").respond_with_data("ok")
    httpserver.expect_request("/a").respond_with_data("ok")
    with HttpFetcher(quick_settings(max_retries=1, max_retry_wait=2)) as fetcher:
        feed = fetcher.get(httpserver.url_for("/feed.xml"), purpose="feed")
        page = fetcher.get(httpserver.url_for("/a"))
    assert feed.ok and feed.attempts == 2
    assert page.ok


SECRET = "s3cret-Pa55"


def test_a_password_in_the_db_location_stays_out_of_prefect(
    prefect_harness: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The run fails to reach its PostgreSQL catalog (nothing listens on the port), and DuckDB's error quotes
    the whole location: neither the run's parameters nor its logged traceback may keep the password."""
    pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra")
    pytest.importorskip("duckdb_extension_postgres", reason="DuckLake on PostgreSQL needs the scale extra")
    from flows.ingest.flow import ingest

    monkeypatch.setenv("NEWSWATCH_DB", "")  # the CLI sets it below; restored after the test
    monkeypatch.setenv("NEWSWATCH_LAKE_DATA", str(tmp_path / "lake-files"))
    location = f"ducklake:postgres:dbname=nw host=127.0.0.1 port={free_port()} user=nw password={SECRET}"
    state = ingest(db_path=flow_location(location), capture=True, live=False, return_state=True)
    assert state.is_failed()
    parameters, logs = flow_run_record(state.state_details.flow_run_id)
    assert parameters["db_path"] == location.replace(SECRET, "***")
    assert any("to connect to Postgres" in line for line in logs)  # the failure itself is logged
    assert SECRET not in json.dumps(parameters)
    assert [line for line in logs if SECRET in line] == []
    # And the backstop for any other message that might quote the location is in place on the run's handlers.
    handlers = logging.getLogger("prefect.flow_runs").handlers
    assert handlers and all(any(isinstance(f, RedactPasswords) for f in h.filters) for h in handlers)


def test_the_run_command_hands_the_flow_a_redacted_location(monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.cli.app as cli_app
    import flows.ingest.flow as ingest_module

    given: dict[str, object] = {}

    class Stop(Exception):
        pass

    def fake_ingest(**parameters: object) -> None:
        given.update(parameters)
        given["environment"] = load_settings().db
        raise Stop

    monkeypatch.setenv("NEWSWATCH_DB", "")
    monkeypatch.setattr(cli_app, "prefect_for_command", lambda: nullcontext("http://127.0.0.1:9/api"))
    monkeypatch.setattr(ingest_module, "ingest", fake_ingest)
    location = f"ducklake:postgres:dbname=nw host=127.0.0.1 password={SECRET}"
    result = CliRunner().invoke(cli_app.app, ["--debug", "run", "--db", location, "--no-live"])  # Stop raised
    assert isinstance(result.exception, Stop)
    assert given["db_path"] == "ducklake:postgres:dbname=nw host=127.0.0.1 password=***"
    assert given["environment"] == location
