"""The SSRF guard, with a fake resolver: nothing here sends traffic to a non-loopback address."""

import pytest
from pytest_httpserver import HTTPServer

from flows.http.client import HttpFetcher
from tests.support.helpers import quick_settings

FAKE_DNS = {
    "metadata-alias.test": ["169.254.169.254"],
    "intranet.test": ["10.1.2.3"],
    "home-router.test": ["192.168.1.1"],
    "link-local.test": ["169.254.10.10"],
    "cgnat.test": ["100.64.3.4"],
    "ula.test": ["fd12:3456::1"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "rebind.test": ["127.0.0.1"],
    "mixed.test": ["93.184.216.34", "10.0.0.7"],
}
asked: list[str] = []


def fake_resolver(host: str, port: int) -> list[str]:
    asked.append(host)
    if host not in FAKE_DNS:
        raise OSError(f"no such host {host}")
    return FAKE_DNS[host]


def guarded(**overrides: object) -> HttpFetcher:
    values: dict[str, object] = {"loopback_only": False, "max_retries": 0}
    values.update(overrides)
    return HttpFetcher(quick_settings(**values), resolver=fake_resolver)


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("metadata-alias.test", "cloud metadata address"),
        ("metadata.google.internal", "cloud metadata host"),
        ("169.254.169.254", "cloud metadata address"),
        ("intranet.test", "private address"),
        ("home-router.test", "private address"),
        ("link-local.test", "link-local address"),
        ("cgnat.test", "private address"),
        ("ula.test", "private address"),
        ("mapped.test", "loopback address"),
        ("rebind.test", "loopback address"),
        ("127.0.0.1", "loopback address"),
        ("localhost", "loopback address"),
        ("mixed.test", "private address"),
    ],
)
def test_guard_refuses_internal_addresses_by_default(host: str, reason: str) -> None:
    with guarded() as fetcher:
        result = fetcher.get(f"http://{host}/feed.xml", purpose="feed")
    assert result.refused and result.status is None
    assert result.error is not None and "RefusedHost" in result.error and reason in result.error


def test_metadata_name_is_refused_without_a_lookup() -> None:
    asked.clear()
    with guarded(allow_private=True, allow_loopback=True) as fetcher:
        result = fetcher.get("http://metadata.google.internal/computeMetadata/v1/", purpose="feed")
    assert result.refused and asked == []


def test_allowed_loopback_is_reached_through_the_vetted_address(httpserver: HTTPServer) -> None:
    # rebind.test exists only in the fake resolver: reaching the server proves the request went to the
    # address the guard checked, with the original name in the Host header.
    httpserver.expect_request("/feed.xml", headers={"Host": f"rebind.test:{httpserver.port}"}).respond_with_data("ok")
    with guarded(allow_loopback=True) as fetcher:
        result = fetcher.get(f"http://rebind.test:{httpserver.port}/feed.xml", purpose="feed")
    assert result.ok and result.body == b"ok"
    assert result.final_url == f"http://rebind.test:{httpserver.port}/feed.xml"


def test_redirect_into_the_private_network_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "http://intranet.test/"})
    with guarded(allow_loopback=True) as fetcher:
        result = fetcher.get(f"http://rebind.test:{httpserver.port}/go", purpose="feed")
    assert result.error is not None and "intranet.test: 10.1.2.3 is a private address" in result.error


def test_loopback_only_mode_never_resolves_other_names() -> None:
    asked.clear()
    with HttpFetcher(quick_settings()) as fetcher:
        result = fetcher.get("http://news.example.com/rss", purpose="feed")
    assert result.refused and "loopback-only mode refuses news.example.com" in (result.error or "")
    assert asked == []


def test_capture_origin_is_trusted_but_other_loopback_ports_are_not(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/c").respond_with_data("capture")
    trusted_origin = f"http://127.0.0.1:{httpserver.port}"
    settings = quick_settings(loopback_only=False)
    with HttpFetcher(settings, trusted_origins=[trusted_origin]) as fetcher:
        ok = fetcher.get(f"{trusted_origin}/c")
        other = fetcher.get("http://127.0.0.1:9/c")
    assert ok.ok
    assert other.refused and "loopback address" in (other.error or "")
