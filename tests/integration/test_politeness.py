"""Politeness, retries and robots.txt, against a real server on 127.0.0.1 with tiny intervals."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.http.client import HttpFetcher
from tests.support.helpers import quick_settings


class Recorder:
    """A handler that records arrival times and the most requests in flight at once."""

    def __init__(self, delay: float = 0.0, replies: list[Response] | None = None) -> None:
        self.delay = delay
        self.replies = replies or []
        self.arrivals: list[float] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, _: Request) -> Response:
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            reply = self.replies.pop(0) if self.replies else Response("ok")
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
        return reply


@pytest.fixture
def threaded() -> Iterator[HTTPServer]:
    """A server that answers requests concurrently, so client-side caps are what limits concurrency."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_min_interval_spaces_requests_to_one_host(httpserver: HTTPServer) -> None:
    rec = Recorder()
    httpserver.expect_request("/p").respond_with_handler(rec)
    with HttpFetcher(quick_settings(min_interval=0.15, per_host=4, max_workers=4)) as fetcher:
        results = fetcher.get_many([httpserver.url_for("/p")] * 4)
    assert all(r.ok for r in results)
    gaps = [b - a for a, b in zip(rec.arrivals, rec.arrivals[1:], strict=False)]
    # Arrival times carry the server's scheduling jitter on a loaded machine: the span must hold three full
    # intervals, and no two requests may come close together (without spacing they arrive ~1 ms apart).
    assert len(gaps) == 3 and sum(gaps) >= 0.42 and min(gaps) >= 0.075


def test_per_host_cap_under_global_cap(threaded: HTTPServer) -> None:
    httpserver = threaded
    rec = Recorder(delay=0.5)  # long enough that requests overlap even on a loaded machine
    httpserver.expect_request("/slow").respond_with_handler(rec)
    with HttpFetcher(quick_settings(per_host=2, max_workers=8)) as fetcher:
        fetcher.get_many([httpserver.url_for("/slow")] * 6)
    assert rec.peak == 2
    rec2 = Recorder(delay=0.5)
    httpserver.expect_request("/slow2").respond_with_handler(rec2)
    # Two host keys (127.0.0.1:port and localhost:port), five slots each, but only three global slots.
    urls = [httpserver.url_for("/slow2"), httpserver.url_for("/slow2").replace("127.0.0.1", "localhost")] * 4
    with HttpFetcher(quick_settings(per_host=5, max_workers=3)) as fetcher, ThreadPoolExecutor(8) as pool:
        list(pool.map(fetcher.get, urls))
    assert rec2.peak == 3


def test_retry_after_on_429_is_honoured(httpserver: HTTPServer) -> None:
    rec = Recorder(replies=[Response("slow down", status=429, headers={"Retry-After": "1"})])
    httpserver.expect_request("/limited").respond_with_handler(rec)
    with HttpFetcher(quick_settings(max_retries=2)) as fetcher:
        result = fetcher.get(httpserver.url_for("/limited"))
        events = fetcher.drain_events()
    assert result.ok and result.attempts == 2
    assert rec.arrivals[1] - rec.arrivals[0] >= 0.95
    assert [e.status for e in events] == [429, 200]


def test_retry_after_on_503_as_http_date_pauses_the_host(httpserver: HTTPServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    rec = Recorder(replies=[Response("maintenance", status=503, headers={"Retry-After": when})])
    httpserver.expect_request("/maint").respond_with_handler(rec)
    other = Recorder()
    httpserver.expect_request("/other").respond_with_handler(other)
    with HttpFetcher(quick_settings(max_retries=0)) as fetcher:
        first = fetcher.get(httpserver.url_for("/maint"))
        second = fetcher.get(httpserver.url_for("/other"))
    assert first.status == 503 and first.retry_after is not None
    assert second.ok
    # The whole host waited, not only the URL that was told to.
    assert other.arrivals[0] - rec.arrivals[0] >= 0.9


def test_retry_after_longer_than_the_limit_is_recorded_not_waited(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/later").respond_with_data("no", status=429, headers={"Retry-After": "3600"})
    with HttpFetcher(quick_settings(max_retries=3, max_retry_wait=5)) as fetcher:
        started = time.monotonic()
        result = fetcher.get(httpserver.url_for("/later"))
    assert time.monotonic() - started < 1
    assert result.attempts == 1 and result.error is not None and "exceeds" in result.error


def test_backoff_retries_5xx_and_408_then_succeeds(httpserver: HTTPServer) -> None:
    rec = Recorder(replies=[Response("x", status=500), Response("x", status=408), Response("x", status=502)])
    httpserver.expect_request("/flaky").respond_with_handler(rec)
    with HttpFetcher(quick_settings(max_retries=3, backoff_base=0.05)) as fetcher:
        result = fetcher.get(httpserver.url_for("/flaky"))
        statuses = [e.status for e in fetcher.drain_events()]
    assert result.ok and result.attempts == 4
    assert statuses == [500, 408, 502, 200]


def test_gives_up_after_max_retries_and_does_not_retry_404(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("x", status=503)
    httpserver.expect_request("/missing").respond_with_data("x", status=404)
    with HttpFetcher(quick_settings(max_retries=2)) as fetcher:
        down = fetcher.get(httpserver.url_for("/down"))
        missing = fetcher.get(httpserver.url_for("/missing"))
    assert (down.status, down.attempts, down.error) == (503, 3, "HTTP 503")
    assert (missing.status, missing.attempts) == (404, 1)


def test_timeouts_are_retried(threaded: HTTPServer) -> None:
    httpserver = threaded
    calls: list[int] = []

    def first_slow(_: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(1.0)
        return Response("ok")

    httpserver.expect_request("/t").respond_with_handler(first_slow)
    with HttpFetcher(quick_settings(read_timeout=0.3, max_retries=1)) as fetcher:
        result = fetcher.get(httpserver.url_for("/t"))
    assert result.ok and result.attempts == 2


def test_unreachable_host_fails_fast_for_the_rest_of_the_run(httpserver: HTTPServer) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with HttpFetcher(quick_settings(max_retries=2)) as fetcher:
        first = fetcher.get(f"http://127.0.0.1:{port}/feed")
        second = fetcher.get(f"http://127.0.0.1:{port}/other")
    assert first.error is not None and "ConnectError" in first.error and first.attempts == 1
    assert second.error is not None and "unreachable earlier in this run" in second.error


def test_robots_txt_is_fetched_once_per_host_and_obeyed(httpserver: HTTPServer) -> None:
    robots = Recorder(replies=[Response("User-agent: newswatch\nDisallow: /private/\n\nUser-agent: *\nDisallow: /")])
    httpserver.expect_request("/robots.txt").respond_with_handler(robots)
    httpserver.expect_request("/news/a").respond_with_data("a")
    httpserver.expect_request("/news/b").respond_with_data("b")
    httpserver.expect_request("/private/c").respond_with_data("c")
    with HttpFetcher(quick_settings(robots=True)) as fetcher:
        a, b, c = fetcher.get_many([httpserver.url_for(p) for p in ("/news/a", "/news/b", "/private/c")])
        feed = fetcher.get(httpserver.url_for("/private/c"), purpose="feed")
    assert a.ok and b.ok
    assert c.refused and c.error is not None and "robots.txt disallows /private/c" in c.error
    assert feed.ok  # robots.txt governs article pages, not feeds the publisher lists for readers
    assert len(robots.arrivals) == 1


def test_robots_txt_missing_allows_and_server_error_blocks(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("nope", status=404)
    httpserver.expect_request("/a").respond_with_data("a")
    with HttpFetcher(quick_settings(robots=True)) as fetcher:
        assert fetcher.get(httpserver.url_for("/a")).ok
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=500)
    httpserver.expect_request("/a").respond_with_data("a")
    with HttpFetcher(quick_settings(robots=True)) as fetcher:
        blocked = fetcher.get(httpserver.url_for("/a"))
    assert blocked.refused and blocked.error is not None and "robots.txt unavailable (HTTP 500)" in blocked.error


def test_robots_crawl_delay_lengthens_the_interval(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nCrawl-delay: 1\n")
    rec = Recorder()
    httpserver.expect_request("/n").respond_with_handler(rec)
    with HttpFetcher(quick_settings(robots=True, min_interval=0.01)) as fetcher:
        fetcher.get_many([httpserver.url_for("/n")] * 2)
    gaps = [b - a for a, b in zip(rec.arrivals, rec.arrivals[1:], strict=False)]
    # The gate spaces request starts, and arrivals jitter on a busy machine: half the Crawl-delay still
    # tells it apart from the 0.01 s interval it would use without one.
    assert min(gaps) >= 0.5
