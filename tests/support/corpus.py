"""A local news corpus served over HTTP on 127.0.0.1: real pages replicated under distinct URLs and listed
in RSS feeds. Tests serve the bundled capture with it; bench/corpus.py builds its benches on it."""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True, kw_only=True)
class Corpus:
    pages: list[bytes]
    n_pages: int
    n_feeds: int

    def page_for(self, index: int) -> bytes:
        return self.pages[index % len(self.pages)]

    def feed_items(self, feed: int) -> range:
        return range(feed, self.n_pages, self.n_feeds)


def _rss(base: str, corpus: Corpus, feed: int) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}/page/{i}</link><guid>{base}/page/{i}</guid></item>"
        for i in corpus.feed_items(feed)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>feed {feed}</title>{items}</channel></rss>'.encode()
    )


def feeds_toml(base_url: str, n_feeds: int) -> str:
    return "".join(
        f'[[source]]\nname = "bench feed {k}"\nkind = "rss"\nurl = "{base_url}/feed/{k}.xml"\n\n'
        for k in range(n_feeds)
    )


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 overflows under concurrent clients, and every refused SYN costs a retry.
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up early (newspaper4k does) is not the corpus server's problem.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class CorpusServer:
    """Serves /feed/<k>.xml and /page/<i> for a Corpus until closed."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.requests: Counter[str] = Counter()  # path -> times served, to check no feed is fetched twice
        self._count_lock = threading.Lock()
        server_ref = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like real servers; every response sets Content-Length
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server_ref._count_lock:
                    server_ref.requests[path] += 1
                parts = path.strip("/").split("/")
                body, ctype = server_ref.respond(parts)
                # Feeds carry an ETag and answer a matching If-None-Match with 304, as most real ones do.
                etag = f'"{hashlib.sha1(body).hexdigest()}"' if body is not None and parts[0] == "feed" else None
                if etag is not None and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", ctype)
                if etag is not None:
                    self.send_header("ETag", etag)
                payload = body or b"not found"
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def respond(self, parts: list[str]) -> tuple[bytes | None, str]:
        if len(parts) == 2 and parts[0] == "feed" and parts[1].endswith(".xml"):
            feed = int(parts[1].removesuffix(".xml"))
            if 0 <= feed < self.corpus.n_feeds:
                return _rss(self.base_url, self.corpus, feed), "application/rss+xml"
        if len(parts) == 2 and parts[0] == "page" and parts[1].isdigit():
            index = int(parts[1])
            if index < self.corpus.n_pages:
                return self.corpus.page_for(index), "text/html; charset=utf-8"
        return None, "text/plain"

    def feeds_toml(self) -> str:
        return feeds_toml(self.base_url, self.corpus.n_feeds)

    def __enter__(self) -> CorpusServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
