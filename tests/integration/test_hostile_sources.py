"""Hostile sources served from 127.0.0.1: a feed body is data, never a path or a URL, and a source whose poll
raises is that source's recorded failure while the run goes on."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from flows.ingest import poll
from warehouse import db

STORY = (
    "New Delhi and Moscow agreed on Tuesday to expand defence production in {place}, officials said. India and "
    "Russia will set up joint ventures for spare parts, and the defence ministry said talks on payment in rupees "
    "and roubles would continue next month. Officials in {place} called the partnership strategic."
)
RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
ITEM = "<item><title>{title}</title><link>{link}</link></item>"

# Paths whose opening the audit hook below reports; /dev/zero is refused outright, before anything reads it.
_watched: set[str] = set()
_opened: list[str] = []
_hook_installed = False


def _watch_opens(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not _watched or not args or not isinstance(args[0], str | bytes):
        return
    name = os.fsdecode(args[0])
    if name in _watched:
        _opened.append(name)
        if name == "/dev/zero":
            raise RuntimeError("test: /dev/zero opened; reading it would exhaust memory")


@pytest.fixture
def opened_paths() -> Iterator[set[str]]:
    """Add paths to the yielded set; afterwards `_opened` lists those the process tried to open."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_watch_opens)  # an audit hook cannot be removed: it idles while nothing is watched
        _hook_installed = True
    _opened.clear()
    yield _watched
    _watched.clear()


def _page(title: str, place: str) -> str:
    story = STORY.format(place=place)
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1><p>{story}</p></article></body></html>"


def _serve_story(server: HTTPServer, path: str, place: str) -> str:
    server.expect_request(path).respond_with_data(
        _page(f"India and Russia in {place}", place), content_type="text/html; charset=utf-8"
    )
    return server.url_for(path)


def _feeds_file(tmp_path: Path, feeds: dict[str, str]) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text("".join(f'[[source]]\nname = "{n}"\nkind = "rss"\nurl = "{u}"\n\n' for n, u in feeds.items()))
    return path


def _stored_sources(db_path: Path) -> dict[str, int]:
    con = db.connect(db_path)
    rows = con.execute("SELECT source, count(*) FROM articles WHERE NOT is_seed GROUP BY source").fetchall()
    con.close()
    return dict(rows)


def _requested(server: HTTPServer) -> set[str]:
    return {request.path for request, _ in server.log}


@pytest.mark.parametrize("case", ["etc-passwd", "temp-feed", "dev-zero", "url"])
def test_feed_body_naming_a_path_or_url_is_never_opened_or_fetched(
    case: str,
    prefect_harness: None,
    httpserver: HTTPServer,
    tmp_path: Path,
    db_path: Path,
    opened_paths: set[str],
) -> None:
    from flows.ingest.flow import ingest

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    good = _serve_story(httpserver, "/a/good", "Chennai")
    httpserver.expect_request("/good.xml").respond_with_data(
        RSS.format(items=ITEM.format(title="India and Russia in Chennai", link=good)),
        content_type="application/rss+xml",
    )
    # A valid feed on this machine, whose entry would be fetched if the body were taken for its path.
    local_feed = tmp_path / "local-feed.xml"
    leak = httpserver.url_for("/a/leaked")
    local_feed.write_text(RSS.format(items=ITEM.format(title="India and Russia leaked", link=leak)))
    httpserver.expect_request("/a/leaked").respond_with_data(_page("leaked", "Pune"), content_type="text/html")
    httpserver.expect_request("/trap.xml").respond_with_data(local_feed.read_text(), content_type="application/rss+xml")
    body = {
        "etc-passwd": "/etc/passwd",
        "temp-feed": str(local_feed),
        "dev-zero": "/dev/zero",
        "url": httpserver.url_for("/trap.xml"),
    }[case]
    opened_paths.update({"/etc/passwd", str(local_feed), "/dev/zero"})
    httpserver.expect_request("/hostile.xml").respond_with_data(body, content_type="application/rss+xml")
    feeds = _feeds_file(
        tmp_path, {"good": httpserver.url_for("/good.xml"), "hostile": httpserver.url_for("/hostile.xml")}
    )

    summary = ingest(db_path=str(db_path), feeds_file=str(feeds), capture=False, relevance=False)

    assert _opened == []
    assert "/a/leaked" not in _requested(httpserver) and "/trap.xml" not in _requested(httpserver)
    hostile_error = summary.failing["hostile"]
    assert hostile_error is not None and hostile_error.startswith("unreadable feed"), hostile_error
    assert _stored_sources(db_path) == {"good": 1}
    con = db.connect(db_path)
    (score,) = con.execute("SELECT failure_score FROM feed_health WHERE source = 'hostile'").fetchone()  # type: ignore[misc]
    con.close()
    assert score == 1.0


def test_a_source_whose_poll_raises_is_its_failure_and_the_run_goes_on(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest.flow import ingest

    real_parse = poll.parse_feed

    def parser_with_bugs(body: bytes, **kwargs: object) -> object:
        # Stand-ins for a library bug that a hostile body sets off (the /dev/zero case ended in MemoryError).
        if b"<crash/>" in body:
            raise RuntimeError("parser bug")
        if b"<exhaust/>" in body:
            raise MemoryError()
        return real_parse(body, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(poll, "parse_feed", parser_with_bugs)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    feeds = {}
    for n, place in enumerate(("Chennai", "Kolkata")):
        link = _serve_story(httpserver, f"/a/{n}", place)
        httpserver.expect_request(f"/ok{n}.xml").respond_with_data(
            RSS.format(items=ITEM.format(title=f"India and Russia in {place}", link=link)),
            content_type="application/rss+xml",
        )
        feeds[f"ok {n}"] = httpserver.url_for(f"/ok{n}.xml")
    for name in ("crash", "exhaust"):
        httpserver.expect_request(f"/{name}.xml").respond_with_data(f"<rss><{name}/></rss>")
        feeds[name] = httpserver.url_for(f"/{name}.xml")
    # A real hostile body: one link urllib cannot even split, next to a good one.
    good = _serve_story(httpserver, "/a/mixed", "Mumbai")
    bad_link = "http://[not-an-ipv6/a"
    httpserver.expect_request("/mixed.xml").respond_with_data(
        RSS.format(items=ITEM.format(title="broken", link=bad_link) + ITEM.format(title="India Mumbai", link=good)),
        content_type="application/rss+xml",
    )
    feeds["mixed"] = httpserver.url_for("/mixed.xml")

    summary = ingest(db_path=str(db_path), feeds_file=str(_feeds_file(tmp_path, feeds)), capture=False, relevance=False)

    assert summary.failing == {
        "crash": "poll failed: RuntimeError: parser bug",
        "exhaust": "poll failed: MemoryError",
    }
    assert _stored_sources(db_path) == {"ok 0": 1, "ok 1": 1, "mixed": 1}
    con = db.connect(db_path)
    polls = dict(con.execute("SELECT source, outcome FROM feed_polls").fetchall())
    health = dict(con.execute("SELECT source, failure_score FROM feed_health").fetchall())
    con.close()
    assert polls == {"ok 0": "parsed", "ok 1": "parsed", "mixed": "parsed", "crash": "failed", "exhaust": "failed"}
    assert health["crash"] == health["exhaust"] == 1.0  # scored like any failure, so the feed is disabled in time
    assert health["mixed"] == 0.0


def test_undated_sitemap_urls_are_fetched_the_first_time_only_unless_news(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest.flow import ingest

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    u = httpserver.url_for
    for n, place in enumerate(("Chennai", "Kolkata", "Pune", "Delhi", "Goa", "Agra")):
        _serve_story(httpserver, f"/a/{n}", place)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    month = datetime.now(UTC).strftime("%Y-%m")

    def urlset(rows: list[tuple[str, str | None]], news: str = "") -> str:
        body = "".join(f"<url><loc>{u(p)}</loc>{f'<lastmod>{d}</lastmod>' if d else ''}</url>" for p, d in rows)
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{news}>{body}</urlset>'

    news_ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    plain = [urlset([("/a/0", None), ("/a/1", today)]), urlset([("/a/0", None), ("/a/2", None), ("/a/3", month)])]
    news = [urlset([("/a/4", None)], news_ns), urlset([("/a/4", None), ("/a/5", None)], news_ns)]
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        f'[[source]]\nname = "plain"\nkind = "sitemap"\nurl = "{u("/plain.xml")}"\n\n'
        f'[[source]]\nname = "news"\nkind = "sitemap"\nurl = "{u("/news.xml")}"\n'
    )
    fetched: list[set[str]] = []
    for run in range(2):
        httpserver.clear_log()
        httpserver.expect_request("/plain.xml").respond_with_data(plain[run], content_type="application/xml")
        httpserver.expect_request("/news.xml").respond_with_data(news[run], content_type="application/xml")
        ingest(db_path=str(db_path), feeds_file=str(feeds), capture=False, relevance=False)
        fetched.append({p for p in _requested(httpserver) if p.startswith("/a/")})
        httpserver.clear()
        httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
        for n, place in enumerate(("Chennai", "Kolkata", "Pune", "Delhi", "Goa", "Agra")):
            _serve_story(httpserver, f"/a/{n}", place)
    assert fetched[0] == {"/a/0", "/a/1", "/a/4"}  # first read: the undated /a/0 too
    assert fetched[1] == {"/a/3", "/a/5"}  # read before: the undated /a/2 is an old URL; news: /a/5 is not
