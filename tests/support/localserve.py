"""Shared by benches: serve a directory on 127.0.0.1 (honouring pretend headers and conditional GETs, counting
requests), write a sources file for it, and run the ingest flow under a local Prefect server."""

from __future__ import annotations

import email.utils
import hashlib
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

HEADER_LINE = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)

if TYPE_CHECKING:
    from flows.ingest.summary import RunSummary


def bench_environment() -> None:
    """Loopback only, and no per-host spacing: every feed here lives on one local server of our own."""
    os.environ["NEWSWATCH_LOOPBACK_ONLY"] = "1"
    os.environ.setdefault("NEWSWATCH_MIN_INTERVAL", "0")
    os.environ.setdefault("NEWSWATCH_BACKOFF_BASE", "0.01")


class CountingServer:
    """Serves files under root. `Header: Name: value` lines in a file's leading comment become response headers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def count(self, key: str) -> None:
        with self.lock:
            self.requests[key] += 1

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = (self.root / h.path.split("?", 1)[0].lstrip("/")).resolve()
        conditional = "If-None-Match" in h.headers or "If-Modified-Since" in h.headers
        self.count("total")
        self.count("conditional" if conditional else "plain")
        if not path.is_file() or self.root.resolve() not in path.parents:
            self.count("404")
            h.send_response(404)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        if h.headers.get("If-None-Match") == etag:
            self.count("304")
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in HEADER_LINE.findall(body[:2048])}
        h.send_response(200)
        h.send_header("Content-Type", headers.pop("content-type", "application/xml"))
        for name, value in headers.items():
            if name not in {"content-length", "transfer-encoding", "content-encoding"}:
                h.send_header(name, value)
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", modified)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def write_sources(path: Path, base_url: str, files: list[str]) -> None:
    blocks = [f'[[source]]\nname = "{rel}"\nkind = "rss"\nurl = "{base_url}/{rel}"\n' for rel in files]
    path.write_text("\n".join(blocks), encoding="utf-8")


@contextmanager
def prefect_session() -> Iterator[None]:
    """One local Prefect server for all the runs of a bench (a client outlives the server it first met)."""
    from flows.ops.prefect_server import prefect_api, prefect_environment

    prefect_environment()
    with prefect_api():
        yield


def run_ingest(**kwargs: Any) -> RunSummary:
    from flows.ingest.flow import ingest

    return ingest(**kwargs)
