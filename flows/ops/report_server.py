"""The reports folder over HTTP on 127.0.0.1, beside the dashboard, while `make serve` runs.

`newswatch serve` serves `reports/` on the port after the Prefect server's (4201 beside 4200), so the report
artifact on the dashboard can link to the report over HTTP. A report flow asks that port which folder it
serves (`served_report_url`); a report written elsewhere, or with no such server, gets its file:// link only.
Like the Prefect health probe, this is a request to this machine only.
"""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

# Answers {"root": "<the folder served>"}: how a report flow tells this server from anything else on the port.
ROOT_PATH = "/.newswatch-reports"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def reports_port(api_url: str | None) -> int | None:
    """Where reports are served beside the Prefect API at `api_url`: the next port, on this machine only."""
    if not api_url:
        return None
    parts = urlsplit(api_url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.hostname not in LOOPBACK_HOSTS or port >= 65535:
        return None
    return port + 1


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == ROOT_PATH:
            body = json.dumps({"root": str(Path(self.directory).resolve())}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


class ReportServer:
    """Serves `root` on 127.0.0.1:`port` from a daemon thread; raises OSError when the port is taken."""

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), partial(_Handler, directory=str(root)))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.2,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ReportServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def served_report_url(path: Path, api_url: str | None) -> str | None:
    """The http:// address of the report file at `path`, when a report server beside `api_url` serves the
    folder it is in; else None."""
    port = reports_port(api_url)
    if port is None:
        return None
    base = f"http://127.0.0.1:{port}"
    try:
        answer = httpx.get(base + ROOT_PATH, timeout=1.0)
        root = Path(answer.json()["root"]) if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return None
    if root is None:
        return None
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        return None
    return f"{base}/{quote(relative.as_posix())}"
