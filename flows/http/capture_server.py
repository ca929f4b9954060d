"""Serve the bundled capture (seeds/capture) over HTTP on 127.0.0.1 and replay its URLs.

Layout: `feeds/<file>` are feeds, named in feeds.toml as `capture:feeds/<file>`;
`sites/<host>/<path>/index.html` is the page captured at `https://<host>/<path>/`.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from flows.settings import CAPTURE_DIR

CAPTURE_SCHEME = "capture:"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class CaptureServer:
    def __init__(self, root: Path = CAPTURE_DIR) -> None:
        self.root = root
        handler = partial(_QuietHandler, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # A short poll interval: shutdown waits up to one interval, and every run pays it at the end.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def replay(self, url: str) -> str | None:
        """The local URL for a captured or `capture:` URL, or None when it is not in the capture."""
        if url.startswith(CAPTURE_SCHEME):
            rel = url[len(CAPTURE_SCHEME) :].lstrip("/")
            return f"{self.base_url}/{rel}" if (self.root / rel).is_file() else None
        parts = urlsplit(url)
        if not parts.hostname:
            return None
        rel_path = parts.path.strip("/")
        page = self.root / "sites" / parts.hostname / rel_path / "index.html"
        if page.is_file():
            return f"{self.base_url}/sites/{parts.hostname}/{rel_path}/index.html"
        return None

    def __enter__(self) -> CaptureServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
