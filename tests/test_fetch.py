import gzip
import time

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.fetch import FetchSettings, HttpFetcher


def test_loopback_only_refuses_other_hosts() -> None:
    with HttpFetcher(FetchSettings(loopback_only=True)) as fetcher:
        result = fetcher.get("http://example.com/feed.xml")
    assert result.status is None
    assert result.error is not None and "RefusedHost" in result.error


def test_redirect_to_another_host_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r").respond_with_data("", status=302, headers={"Location": "http://example.com/"})
    with HttpFetcher(FetchSettings(loopback_only=True)) as fetcher:
        result = fetcher.get(httpserver.url_for("/r"))
    assert result.error is not None and "RefusedHost" in result.error


def test_size_cap_bounds_decompressed_body(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}
    )
    with HttpFetcher(FetchSettings(loopback_only=True, max_bytes=1_000_000)) as fetcher:
        result = fetcher.get(httpserver.url_for("/bomb"))
    assert result.error is not None and "ResponseTooLarge" in result.error


def test_read_timeout_is_recorded(httpserver: HTTPServer) -> None:
    def slow(_: Request) -> Response:
        time.sleep(2)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with HttpFetcher(FetchSettings(loopback_only=True, read_timeout=0.5)) as fetcher:
        started = time.monotonic()
        result = fetcher.get(httpserver.url_for("/slow"))
    assert result.error is not None and "Timeout" in result.error
    assert time.monotonic() - started < 1.9


def test_http_error_status_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("gone", status=410)
    with HttpFetcher(FetchSettings(loopback_only=True)) as fetcher:
        result = fetcher.get(httpserver.url_for("/gone"))
    assert result.status == 410 and result.error == "HTTP 410"
