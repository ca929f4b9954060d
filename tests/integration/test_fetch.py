import gzip
import time

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.http.client import HttpFetcher
from tests.support.helpers import quick_settings


def test_loopback_only_refuses_other_hosts() -> None:
    with HttpFetcher(quick_settings()) as fetcher:
        result = fetcher.get("http://example.com/feed.xml")
    assert result.status is None and result.refused
    assert result.error is not None and "RefusedHost" in result.error
    assert [(e.url, e.error) for e in fetcher.drain_events()] == [("http://example.com/feed.xml", result.error)]


def test_redirect_to_another_host_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r").respond_with_data("", status=302, headers={"Location": "http://example.com/"})
    with HttpFetcher(quick_settings()) as fetcher:
        result = fetcher.get(httpserver.url_for("/r"))
    assert result.error is not None and "RefusedHost" in result.error


def test_size_cap_bounds_decompressed_body(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}
    )
    with HttpFetcher(quick_settings(max_bytes=1_000_000)) as fetcher:
        result = fetcher.get(httpserver.url_for("/bomb"))
    assert result.error is not None and "ResponseTooLarge" in result.error


def test_redirect_cap(httpserver: HTTPServer) -> None:
    for i in range(5):
        httpserver.expect_request(f"/hop{i}").respond_with_data(
            "", status=302, headers={"Location": httpserver.url_for(f"/hop{i + 1}")}
        )
    httpserver.expect_request("/hop5").respond_with_data("end")
    with HttpFetcher(quick_settings(max_redirects=3)) as fetcher:
        capped = fetcher.get(httpserver.url_for("/hop0"))
    with HttpFetcher(quick_settings(max_redirects=5)) as fetcher:
        followed = fetcher.get(httpserver.url_for("/hop0"))
    assert capped.error is not None and "TooManyRedirects" in capped.error
    assert followed.ok and followed.final_url == httpserver.url_for("/hop5")


def test_read_timeout_is_recorded(httpserver: HTTPServer) -> None:
    def slow(_: Request) -> Response:
        time.sleep(2)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with HttpFetcher(quick_settings(read_timeout=0.5)) as fetcher:
        started = time.monotonic()
        result = fetcher.get(httpserver.url_for("/slow"))
    assert result.error is not None and "Timeout" in result.error
    assert time.monotonic() - started < 1.9


def test_http_error_status_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("gone", status=410)
    with HttpFetcher(quick_settings()) as fetcher:
        result = fetcher.get(httpserver.url_for("/gone"))
    assert result.status == 410 and result.error == "HTTP 410"


def test_user_agent_is_configurable(httpserver: HTTPServer) -> None:
    seen: list[str] = []

    def record(request: Request) -> Response:
        seen.append(request.headers.get("User-Agent", ""))
        return Response("ok")

    httpserver.expect_request("/ua").respond_with_handler(record)
    with HttpFetcher(quick_settings(user_agent="analyst-bot/2.0 (+mailto:desk@example.org)")) as fetcher:
        fetcher.get(httpserver.url_for("/ua"))
    assert seen == ["analyst-bot/2.0 (+mailto:desk@example.org)"]


def test_charset_from_header_meta_and_detection(httpserver: HTTPServer) -> None:
    russian = "Россия и Индия договорились о поставках нефти и совместном производстве вооружений."
    httpserver.expect_request("/koi8").respond_with_data(
        russian.encode("koi8-r"), content_type="text/html; charset=koi8-r"
    )
    httpserver.expect_request("/meta").respond_with_data(
        b'<html><head><meta charset="windows-1251"></head><body>' + russian.encode("cp1251") + b"</body></html>",
        content_type="text/html",
    )
    httpserver.expect_request("/bom").respond_with_data(
        b"\xef\xbb\xbf" + "भारत और रूस".encode(), content_type="text/plain"
    )
    with HttpFetcher(quick_settings()) as fetcher:
        koi8 = fetcher.get(httpserver.url_for("/koi8"))
        meta = fetcher.get(httpserver.url_for("/meta"))
        bom = fetcher.get(httpserver.url_for("/bom"))
    assert koi8.text == russian
    assert russian in meta.text
    assert bom.text == "भारत और रूस"
