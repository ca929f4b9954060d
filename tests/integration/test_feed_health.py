"""Incremental polling, feed health, auto-disable and revival, and the `newswatch feeds` table, on 127.0.0.1."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from extractors.sources.poll_policy import FeedHealth
from warehouse import db, source_health

ITEM = "<item><title>India and Russia {n}</title><link>{link}</link></item>"


class ConditionalFeed:
    """A feed that answers If-None-Match with 304, and counts what it was asked."""

    def __init__(self, body: str) -> None:
        self.body = body.encode()
        self.etag = '"' + hashlib.sha1(self.body).hexdigest() + '"'
        self.plain = 0
        self.conditional = 0

    def __call__(self, request: Request) -> Response:
        if request.headers.get("If-None-Match"):
            self.conditional += 1
            if request.headers["If-None-Match"] == self.etag:
                return Response(status=304, headers={"ETag": self.etag})
        else:
            self.plain += 1
        return Response(self.body, content_type="application/rss+xml", headers={"ETag": self.etag})


def sources_file(tmp_path: Path, feeds: dict[str, str]) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text("".join(f'[[source]]\nname = "{n}"\nkind = "rss"\nurl = "{u}"\n\n' for n, u in feeds.items()))
    return path


def test_unchanged_feeds_cost_one_conditional_request_and_no_parsing(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest.flow import ingest

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    feeds = {}
    handlers = []
    for i in range(5):
        link = httpserver.url_for(f"/story{i}")
        handler = ConditionalFeed(f'<rss version="2.0"><channel>{ITEM.format(n=i, link=link)}</channel></rss>')
        httpserver.expect_request(f"/feed{i}.xml").respond_with_handler(handler)
        httpserver.expect_request(f"/story{i}").respond_with_data("<html><body>short</body></html>")
        handlers.append(handler)
        feeds[f"feed {i}"] = httpserver.url_for(f"/feed{i}.xml")
    path = sources_file(tmp_path, feeds)
    first = ingest(db_path=str(db_path), feeds_file=str(path), capture=False)
    assert first.feeds == {"parsed": 5} and first.entries == 5
    second = ingest(db_path=str(db_path), feeds_file=str(path), capture=False)
    assert second.feeds == {"not_modified": 5} and second.entries == 0 and second.fetched == 0
    assert [(h.plain, h.conditional) for h in handlers] == [(1, 1)] * 5
    con = db.connect(db_path)
    polls = con.execute("SELECT outcome, count(*), sum(new_items) FROM feed_polls GROUP BY ALL ORDER BY ALL").fetchall()
    assert polls == [("not_modified", 5, 0), ("parsed", 5, 5)]
    con.close()


def test_failing_feed_is_disabled_then_probed_and_revived(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path, db_path: Path
) -> None:
    from flows.ingest.flow import ingest

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/fine.xml").respond_with_data(
        f'<rss version="2.0"><channel>{ITEM.format(n=1, link=httpserver.url_for("/s"))}</channel></rss>'
    )
    httpserver.expect_request("/s").respond_with_data("<html><body>short</body></html>")
    path = sources_file(tmp_path, {"gone": httpserver.url_for("/gone.xml"), "fine": httpserver.url_for("/fine.xml")})
    con = db.connect(db_path)
    source_health.save_health(con, [FeedHealth(source="gone", failure_score=29.5)])
    con.close()

    first = ingest(db_path=str(db_path), feeds_file=str(path), capture=False)
    assert first.failing == {"gone": "HTTP 404"}
    con = db.connect(db_path)
    gone = source_health.load_health(con, ["gone"])["gone"]
    assert gone.disabled and gone.failure_score == 30.5 and "reached 30" in (gone.disabled_reason or "")
    con.close()

    # Disabled: a manual run leaves it alone until its probe is due; a scheduled run also skips the fresh feed.
    second = ingest(db_path=str(db_path), feeds_file=str(path), capture=False)
    assert second.sources_not_due == 1 and second.feeds == {"unchanged": 1}
    scheduled = ingest(db_path=str(db_path), feeds_file=str(path), capture=False, due_only=True)
    assert scheduled.sources_not_due == 2 and scheduled.feeds == {}

    runner = CliRunner()
    from flows.cli.app import app

    table = runner.invoke(app, ["feeds", "--db", str(db_path), "--json"])
    assert table.exit_code == 0, table.output
    rows = {r["name"]: r for r in map(__import__("json").loads, table.output.splitlines())}
    assert rows["gone"]["status"] == "disabled" and rows["gone"]["consecutive_failures"] == 1
    assert rows["fine"]["status"] == "ok" and rows["fine"]["new_items_7d"] == 1
    assert rows["fine"]["last_success"] is not None and rows["gone"]["last_success"] is None

    # The probe comes due and the feed is back: it is revived.
    httpserver.clear_all_handlers()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/gone.xml").respond_with_data(
        f'<rss version="2.0"><channel>{ITEM.format(n=2, link=httpserver.url_for("/s2"))}</channel></rss>'
    )
    httpserver.expect_request("/fine.xml").respond_with_data(
        "<rss version='2.0'><channel></channel></rss>", content_type="application/rss+xml"
    )
    httpserver.expect_request("/s2").respond_with_data("<html><body>short</body></html>")
    con = db.connect(db_path)
    con.execute(
        "UPDATE feed_health SET next_poll_at = ? WHERE source = 'gone'", [datetime.now() - timedelta(minutes=1)]
    )
    con.close()
    third = ingest(db_path=str(db_path), feeds_file=str(path), capture=False)
    assert "gone" not in third.failing
    con = db.connect(db_path)
    revived = source_health.load_health(con, ["gone"])["gone"]
    assert not revived.disabled and revived.failure_score == 0 and revived.poll_interval_s == 3600
    fine = source_health.load_health(con, ["fine"])["fine"]
    assert fine.failure_score == 0.25  # a readable feed with no entries is a soft failure
    con.close()
    human = runner.invoke(app, ["feeds", "--db", str(db_path)])
    assert human.exit_code == 0 and "gone" in human.output and "fine" in human.output
