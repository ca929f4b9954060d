"""SQL while it runs: the CLI's readers and an analyst's own read-only session work during an ingest, and a
reader held open through a whole run does not make it fail."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.ingest.summary import RunSummary
from tests.support.paths import PROJECT
from warehouse.read_copy import read_copy_path

WORDS = [
    "India",
    "Russia",
    "defence",
    "cooperation",
    "joint",
    "production",
    "BrahMos",
    "S-400",
    "delivery",
    "schedule",
    "agreement",
]


def _page(n: int) -> str:
    text = " ".join(f"{WORDS[(n + i) % len(WORDS)]}{n}x{i}" for i in range(400))
    head = f"<head><title>Report {n}</title></head>"
    return f"<html>{head}<body><article><h1>Report {n}</h1><p>{text}</p></article></body></html>"


def _feed(server: HTTPServer, prefix: str, pages: int) -> str:
    items = "".join(
        f"<item><title>Report {prefix}{n}</title><link>{server.url_for(f'/{prefix}/{n}')}</link></item>"
        for n in range(pages)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>{items}</channel></rss>'


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )


def test_readers_work_during_an_ingest_and_a_held_reader_does_not_block_it(
    prefect_harness: None, httpserver: HTTPServer, tmp_path: Path
) -> None:
    from flows.ingest.flow import ingest

    db_file = tmp_path / "newswatch.duckdb"
    readers_done, writer_busy = threading.Event(), threading.Event()

    def slow_page(request: Request) -> Response:
        writer_busy.set()  # the second run is fetching its pages: it holds the database now
        readers_done.wait(timeout=120)
        return Response(_page(int(request.path.rsplit("/", 1)[1]) + 100), content_type="text/html")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for n in range(3):
        httpserver.expect_request(f"/first/{n}").respond_with_data(_page(n), content_type="text/html")
    for n in range(4):
        httpserver.expect_request(f"/second/{n}").respond_with_handler(slow_page)
    httpserver.expect_request("/first.xml").respond_with_data(_feed(httpserver, "first", 3), content_type="text/xml")
    httpserver.expect_request("/second.xml").respond_with_data(_feed(httpserver, "second", 4), content_type="text/xml")
    feeds = tmp_path / "feeds.toml"
    common = {"db_path": str(db_file), "feeds_file": str(feeds), "capture": False, "relevance": False}

    feeds.write_text(f'[[source]]\nname = "first"\nkind = "rss"\nurl = "{httpserver.url_for("/first.xml")}"\n')
    first = ingest(**common)
    assert isinstance(first, RunSummary) and first.new_articles == 3
    assert _cli("search", "India", "--db", str(db_file), "--json").returncode == 0  # builds the search index
    copy = read_copy_path(db_file)
    assert _cli("db", "path", "--db", str(db_file)).stdout.strip() == str(copy)
    stored_before = first.totals["articles"]

    held = duckdb.connect(str(copy), read_only=True)  # an analyst's session, open through the whole run
    feeds.write_text(f'[[source]]\nname = "second"\nkind = "rss"\nurl = "{httpserver.url_for("/second.xml")}"\n')
    outcome: dict[str, object] = {}
    writer = threading.Thread(target=lambda: outcome.update(summary=ingest(**common)))
    writer.start()
    try:
        assert writer_busy.wait(timeout=120), "the second run never fetched a page"
        stats = _cli("stats", "--json", "--db", str(db_file))
        found = _cli("search", "India", "--db", str(db_file), "--json")
        feeds_table = _cli("feeds", "--db", str(db_file))
        own_query = subprocess.run(
            [sys.executable, "-c", f"import duckdb; print(duckdb.connect({str(copy)!r}, read_only=True)"
             ".execute('SELECT count(*) FROM articles').fetchone()[0])"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert writer.is_alive(), "the readers must have run while the ingest was in progress"
    finally:
        readers_done.set()
        writer.join(timeout=300)
    assert stats.returncode == 0, stats.stdout + stats.stderr
    assert json.loads(stats.stdout)["articles"] == stored_before
    assert found.returncode == 0 and found.stdout.strip(), found.stdout + found.stderr
    assert feeds_table.returncode == 0, feeds_table.stdout + feeds_table.stderr
    assert own_query.returncode == 0 and int(own_query.stdout) == stored_before, own_query.stderr

    second = outcome["summary"]
    assert isinstance(second, RunSummary) and second.new_articles == 4
    assert held.execute("SELECT count(*) FROM articles").fetchone() == (stored_before,)  # its snapshot
    held.close()
    with duckdb.connect(str(copy), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM articles").fetchone() == (stored_before + 4,)


@pytest.mark.parametrize("command", [["stats", "--json"], ["feeds"]])
def test_readers_never_open_the_file_a_writer_holds(command: list[str], tmp_path: Path) -> None:
    """With a read copy published, a reader opens it and not the file: a process holding the file (as an
    ingest does) does not stop the reader, and the reader does not stop the writer."""
    from flows.ops.open_db import open_for_writing
    from flows.settings import load_settings

    db_file = tmp_path / "newswatch.duckdb"
    with open_for_writing(db_file, load_settings().warehouse, purpose="test"):
        pass  # migrates and publishes the read copy
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; con = duckdb.connect({str(db_file)!r});"
         " print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = _cli(*command, "--db", str(db_file))
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        holder.kill()
        holder.wait()
