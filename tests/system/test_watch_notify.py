"""A watch's hit reaches a webhook through a real Prefect server, as an analyst would set it up.

A Prefect server on 127.0.0.1, and the CLI as subprocesses against it: `newswatch run --no-live` on the
bundled data, `watch add s400 "S-400"`, a custom-webhook notification block pointing at a local HTTP
server, `watch notify s400 --block ...`, then an ingest of a local feed that carries one new S-400 article.
The run makes exactly one hit; the event is on the server's events API; the webhook receives it. Removing
the watch deletes its automation from the server.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.ops.prefect_server import free_port, stop_server, wait_healthy
from tests.support.paths import PROJECT

HEADLINE = "India receives fourth S-400 squadron from Russia ahead of schedule"
ARTICLE = f"""<html lang="en"><head><title>{HEADLINE}</title></head><body><article><h1>{HEADLINE}</h1>
<p>India has taken delivery of the fourth squadron of the S-400 Triumf air defence system from Russia, officials
said on Monday, months ahead of the revised schedule agreed between the two governments last year.</p>
<p>The squadron, which includes radars, command posts and launchers, arrived by sea and rail and is being deployed
along the northern border. The Indian Air Force will operate it after acceptance trials with Russian engineers.</p>
<p>India signed the contract for five S-400 squadrons with Russia in 2018. Deliveries slowed after 2022, and
payments had to be routed through national currencies, officials in New Delhi said.</p>
</article></body></html>"""
WEBHOOK_WAIT_S = 120.0
EVENTS_WAIT_S = 60.0


class Receiver:
    """HTTP on 127.0.0.1: serves `pages` on GET, records every POST body (the webhook)."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.posts: list[bytes] = []
        self.posted = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                content_type, body = receiver.pages.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in receiver.pages else 404)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                receiver.posts.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                receiver.posted.set()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture(scope="module")
def prefect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A Prefect server on 127.0.0.1 of its own, and the environment of commands that use it."""
    home = tmp_path_factory.mktemp("watch-notify")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(home / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log_path = home / "server.log"
    prefect_bin = Path(sys.executable).with_name("prefect")
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        wait_healthy(api_url, server, log_path)
        yield api_url, env | {"PREFECT_API_URL": api_url, "NEWSWATCH_ATOM_DIR": str(home / "feeds")}
    finally:
        stop_server(server)


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def stored_hit_events(api_url: str, deadline: float) -> list[dict[str, object]]:
    """The `newswatch.watch.hit` events the server has stored, once it has stored any (or at the deadline)."""
    while True:
        found: list[dict[str, object]] = httpx.post(
            f"{api_url}/events/filter",
            json={"filter": {"event": {"name": ["newswatch.watch.hit"]}}, "limit": 10},
            timeout=30,
        ).json()["events"]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(1.0)


def newswatch(env: dict[str, str], *args: str) -> str:
    return run(env, sys.executable, "-m", "flows.cli", *args)


def test_one_new_matching_article_is_one_hit_an_event_and_a_webhook_call(
    prefect: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    api_url, env = prefect
    db_file = str(tmp_path / "newswatch.duckdb")
    with Receiver() as web:
        newswatch(env, "run", "--no-live", "--db", db_file)  # the bundled data
        added = newswatch(env, "watch", "add", "s400", "S-400", "--db", db_file)
        assert "watch s400 added" in added

        block = (
            "from prefect.blocks.notifications import CustomWebhookNotificationBlock as Hook\n"
            f"Hook(name='newswatch test', url={web.url('/hook')!r},"
            " json_data={'subject': '{{subject}}', 'body': '{{body}}'}).save('newswatch-test')\n"
        )
        run(env, sys.executable, "-c", block)
        hook = "custom-webhook/newswatch-test"
        notified = newswatch(env, "watch", "notify", "s400", "--block", hook, "--db", db_file)
        assert hook in notified

        web.pages["/feed.xml"] = (
            "application/rss+xml",
            (
                '<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>'
                f"<item><title>{HEADLINE}</title><link>{web.url('/news/s400')}</link></item></channel></rss>"
            ).encode(),
        )
        web.pages["/news/s400"] = ("text/html; charset=utf-8", ARTICLE.encode())
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(f'[[source]]\nname = "Local Wire"\nkind = "rss"\nurl = "{web.url("/feed.xml")}"\n')
        summary = newswatch(env, "run", "--no-capture", "--feeds", str(feeds), "--db", db_file)
        assert re.search(r"watch alerts / topic spikes\s*│\s*1 / none", summary), summary

        with duckdb.connect(str(tmp_path / "newswatch.read.duckdb"), read_only=True) as con:
            rows = con.execute("SELECT watch, outlets, alerts FROM watch_hits").fetchall()
        assert rows == [("s400", ["Local Wire"], 1)]

        # The automation acts on the event as the server receives it; the server stores events in batches
        # (every few seconds), so the events API may show it a little later.
        deadline = time.monotonic() + WEBHOOK_WAIT_S
        while not web.posted.wait(timeout=1.0) and time.monotonic() < deadline:
            pass
        assert len(web.posts) == 1, "the automation sent nothing to the webhook"
        sent = json.loads(web.posts[0])
        assert HEADLINE in sent["subject"]
        assert web.url("/news/s400") in sent["body"] and "Local Wire" in sent["body"]

        found = stored_hit_events(api_url, deadline=time.monotonic() + EVENTS_WAIT_S)
        [event] = found
        assert event["resource"]["prefect.resource.id"] == "newswatch.watch.s400"
        assert event["payload"]["headline"] == HEADLINE
        assert event["payload"]["link"] == web.url("/news/s400")

        removed = newswatch(env, "watch", "remove", "s400", "--db", db_file)
        assert "automation 'newswatch watch s400' was deleted" in removed, removed
        left = httpx.post(f"{api_url}/automations/filter", json={}, timeout=30).json()
        assert [a["name"] for a in left if a["name"].startswith("newswatch watch")] == []
