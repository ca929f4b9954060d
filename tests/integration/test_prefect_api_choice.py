"""`newswatch run` and `report` use the server `make serve` runs when it answers, else start their own."""

from __future__ import annotations

import os

import pytest
from pytest_httpserver import HTTPServer

from flows.ops import prefect_server


def test_a_running_serve_server_is_used_instead_of_starting_one(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/api/health").respond_with_json(True)
    monkeypatch.setattr(prefect_server, "SERVE_PORT", httpserver.port)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    started: list[int] = []
    monkeypatch.setattr(prefect_server, "start_server", lambda port, log: started.append(port))
    with prefect_server.prefect_api() as api_url:
        assert api_url == f"http://127.0.0.1:{httpserver.port}/api"
        assert os.environ["PREFECT_API_URL"] == api_url
    assert started == [] and "PREFECT_API_URL" not in os.environ


def test_nothing_answering_means_no_serve_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefect_server, "SERVE_PORT", prefect_server.free_port())
    assert prefect_server.serving_api() is None
