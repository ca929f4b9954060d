"""The ingest flow end to end, under Prefect's test harness, against servers on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.support.paths import ANI_PATH, CAPTURE
from warehouse import db, stats


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss(items: list[tuple[str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{u}</link></item>" for t, u in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


@pytest.fixture
def feeds_file(tmp_path: Path, httpserver: HTTPServer) -> Path:
    page = (CAPTURE / "sites" / "www.aninews.in" / ANI_PATH / "index.html").read_bytes()
    httpserver.expect_request("/ani/story").respond_with_data(page, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/ani/empty").respond_with_data(
        "<html><body>Home</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/ani/missing").respond_with_data("no", status=404)
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/ani/feed.xml").respond_with_data(
        _rss(
            [
                ("Russia reaffirms defence partnership", httpserver.url_for("/ani/story?utm_source=rss")),
                ("India and Russia: empty page", httpserver.url_for("/ani/empty")),
                ("India and Russia: missing page", httpserver.url_for("/ani/missing")),
            ]
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/broken.xml").respond_with_data("<html><p>oops</p>", content_type="text/html")
    path = tmp_path / "feeds.toml"
    path.write_text(
        f"""
[[source]]
name = "ANI test feed"
kind = "rss"
url = "{httpserver.url_for("/ani/feed.xml")}"

[[source]]
name = "Down"
kind = "rss"
url = "http://127.0.0.1:{_closed_port()}/feed.xml"

[[source]]
name = "Not a feed"
kind = "rss"
url = "{httpserver.url_for("/broken.xml")}"

[[source]]
name = "Switched off"
kind = "rss"
url = "http://127.0.0.1:1/never"
enabled = false
""",
        encoding="utf-8",
    )
    return path


def test_ingest_flow_fetches_dedups_tags_and_reruns_cleanly(
    prefect_harness: None, feeds_file: Path, db_path: Path
) -> None:
    from flows.ingest.flow import ingest

    first = ingest(db_path=str(db_path), feeds_file=str(feeds_file), capture=False, live=True)
    assert first.sources_ok == 1
    assert first.sources_failing == 2
    assert "ConnectError" in first.failing["Down"]
    assert "unreadable feed" in first.failing["Not a feed"]
    assert first.seeds_loaded == 5
    assert first.entries == 3
    assert (first.fetched, first.fetch_errors, first.rejected) == (2, 1, 1)
    # The one page stored copies a seed: stored, but not new.
    assert (first.stored_articles, first.new_articles, first.duplicates) == (1, 0, {"exact": 1})
    assert first.tags == {"defence": 1}

    second = ingest(db_path=str(db_path), feeds_file=str(feeds_file), capture=False, live=True)
    assert second.stored_articles == second.new_articles == 0
    assert second.seeds_loaded == 0
    # The feed body did not change: one request, not parsed, so no entries to look up at all.
    assert second.feeds == {"unchanged": 1, "failed": 2}
    assert second.entries == 0 and second.already_stored == 0
    assert second.duplicates == {}

    con = db.connect(db_path)
    figures = stats.collect_stats(con)
    assert figures["articles"] == 6 and figures["seeds"] == 5
    assert figures["duplicates"] == {"exact": 1}
    assert figures["sources_ok"] == 1 and figures["sources_failing"] == 2
    events = con.execute(
        "SELECT target, status, error IS NOT NULL, count(*) FROM fetch_events GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    # Every request of both runs: three feeds twice (the refused connection has no status), robots.txt once,
    # the story, the empty page and the 404 page once each.
    assert events == [
        ("feed", 200, False, 4),
        ("feed", None, True, 2),
        ("page", 200, False, 2),
        ("page", 404, True, 1),
        ("robots", 404, True, 1),
    ]
    polls = con.execute("SELECT outcome, count(*) FROM feed_polls GROUP BY ALL ORDER BY ALL").fetchall()
    assert polls == [("failed", 4), ("parsed", 1), ("unchanged", 1)]
    con.close()


def test_bundled_capture_run_flags_every_copy(prefect_harness: None, db_path: Path) -> None:
    from flows.ingest.flow import ingest

    summary = ingest(db_path=str(db_path), capture=True, live=False)
    assert summary.sources_ok == 5 and summary.sources_failing == 0
    # All five captured pages are copies of seeds: five stored, none new, five duplicates.
    assert (summary.stored_articles, summary.new_articles, summary.duplicate_articles) == (5, 0, 5)
    con = db.connect(db_path)
    rows = con.execute("SELECT matched_is_seed FROM duplicate_pairs").fetchall()
    assert rows == [(True,)] * 5
    con.close()
    again = ingest(db_path=str(db_path), capture=True, live=False)
    assert again.stored_articles == again.new_articles == 0 and again.duplicates == {}


def test_big_run_analyzes_in_worker_processes_in_feed_order(
    prefect_harness: None, tmp_path: Path, httpserver: HTTPServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest.analysis_pool import POOL_MIN_PAGES
    from flows.ingest.flow import ingest

    monkeypatch.setenv("NEWSWATCH_WORKERS", "2")
    page = (CAPTURE / "sites" / "www.aninews.in" / ANI_PATH / "index.html").read_text(encoding="utf-8")
    n = POOL_MIN_PAGES + 10
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    for i in range(n):
        # Each copy gets its own closing paragraph, so each is a near-copy of the seed, not an exact one.
        body = page.replace(
            "</article>", f"<p>Copy number {i} of the syndicated report, filed separately.</p></article>"
        )
        httpserver.expect_request(f"/copy/{i}").respond_with_data(body, content_type="text/html")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _rss([(f"Russia and India defence partnership, copy {i}", httpserver.url_for(f"/copy/{i}")) for i in range(n)]),
        content_type="application/rss+xml",
    )
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[source]]\nname = "copies"\nkind = "rss"\nurl = "{httpserver.url_for("/feed.xml")}"\n')

    summary = ingest(db_path=str(db_path), feeds_file=str(feeds), capture=False, live=True, batch_size=20)
    assert (summary.stored_articles, summary.new_articles, summary.duplicate_articles) == (n, 0, n)
    con = db.connect(db_path)
    matched = con.execute(
        "SELECT DISTINCT m.is_seed FROM duplicates d JOIN articles m ON m.article_id = d.matched_article_id"
    ).fetchall()
    assert matched == [(True,)]
    (raw,) = con.execute("SELECT count(*) FROM raw_pages").fetchone()  # type: ignore[misc]
    assert raw == n
    con.close()


def test_run_that_dies_midway_leaves_the_feed_to_be_read_again(
    prefect_harness: None, feeds_file: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed's validators and body hash are saved only after its entries are stored: a run that dies in
    between must not make the next run treat the feed as unchanged and skip the entries never stored."""
    import flows.ingest.batches as batches_module
    import flows.ingest.flow as ingest_module

    def dies(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash while storing the first batch")

    with monkeypatch.context() as patch:
        patch.setattr(batches_module, "screen_articles", dies)
        with pytest.raises(RuntimeError):
            ingest_module.ingest(db_path=str(db_path), feeds_file=str(feeds_file), capture=False, live=True)

    rerun = ingest_module.ingest(db_path=str(db_path), feeds_file=str(feeds_file), capture=False, live=True)
    assert rerun.entries == 3
    assert (rerun.stored_articles, rerun.new_articles) == (1, 0)  # the page copies a seed
