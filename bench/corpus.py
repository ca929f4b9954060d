"""A local news corpus for benches: real pages from a directory, replicated under distinct
URLs, listed in RSS feeds, served over HTTP on 127.0.0.1 (the server is tests/support/corpus.py)."""

from __future__ import annotations

import gzip
import multiprocessing
import os
import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from tests.support.corpus import Corpus, CorpusServer, feeds_toml

# A local corpus is not a politeness concern: no per-host interval, more connections per host.
# Loopback-only keeps any link inside the test pages from leaving the machine.
LOCAL_ENV = {
    "NEWSWATCH_LOOPBACK_ONLY": "1",
    "NEWSWATCH_MIN_INTERVAL": "0",
    "NEWSWATCH_PER_HOST": "8",
}


def use_local_env() -> None:
    os.environ.update(LOCAL_ENV)


def ingest_command(db: Path, feeds: Path) -> list[str]:
    """`newswatch run` on a local corpus, as a child process: every source from `feeds`, no filter."""
    run = [sys.executable, "-m", "flows.cli", "run"]
    return [*run, "--db", str(db), "--feeds", str(feeds), "--no-capture", "--no-relevance"]


def read_pages(html_dir: Path) -> list[bytes]:
    pages = []
    for path in sorted(html_dir.iterdir()):
        if path.name.endswith(".html.gz"):
            pages.append(gzip.decompress(path.read_bytes()))
        elif path.name.endswith(".html"):
            pages.append(path.read_bytes())
    if not pages:
        raise SystemExit(f"no .html or .html.gz files in {html_dir}")
    return pages


def _serve_until_told(corpus: Corpus, conn: Connection) -> None:
    with CorpusServer(corpus) as server:
        conn.send(server.base_url)
        conn.recv()  # any message, or the parent closing its end, stops the server
    usage = resource.getrusage(resource.RUSAGE_SELF)
    conn.send(usage.ru_utime + usage.ru_stime)


class SeparateCorpusServer:
    """A CorpusServer in a process of its own, as a real site is: in the measuring process its
    threads would compete with the code under test for the GIL."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._conn, child_conn = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve_until_told, args=(corpus, child_conn), daemon=True
        )
        self.base_url = ""
        self.cpu_seconds: float | None = None  # the server's own CPU, known once it has stopped

    def feeds_toml(self) -> str:
        return feeds_toml(self.base_url, self.corpus.n_feeds)

    def __enter__(self) -> SeparateCorpusServer:
        self._process.start()
        if not self._conn.poll(60):
            self._process.kill()
            raise RuntimeError("the corpus server process did not start within 60 s")
        self.base_url = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        if self._conn.poll(10):
            self.cpu_seconds = self._conn.recv()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
