"""robots.txt by RFC 9309 through the client, against a server on 127.0.0.1: what is fetched, what is refused,
and a fractional Crawl-delay spacing requests to its host."""

from __future__ import annotations

import time

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.http.client import HttpFetcher
from tests.support.helpers import quick_settings


def test_wildcards_longest_match_and_a_fractional_crawl_delay(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /*.pdf$\nDisallow: /news/\nAllow: /news/india/\nCrawl-delay: 0.5\n"
    )
    arrivals: list[float] = []

    def page(_: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response("ok")

    for path in ("/a/report.pdf", "/a/report.html", "/news/india/x", "/news/world/x"):
        httpserver.expect_request(path).respond_with_handler(page)
    paths = ["/a/report.pdf", "/a/report.html", "/news/india/x", "/news/world/x"]
    with HttpFetcher(quick_settings(robots=True, min_interval=0.01)) as fetcher:
        results = dict(zip(paths, fetcher.get_many([httpserver.url_for(p) for p in paths]), strict=True))
    refused = {p for p, r in results.items() if r.refused}
    assert refused == {"/a/report.pdf", "/news/world/x"}
    assert results["/a/report.html"].ok and results["/news/india/x"].ok
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 0.45  # Crawl-delay 0.5 over the 0.01 s interval
