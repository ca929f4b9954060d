"""The report artifact links to the report over HTTP while a report server (`make serve`) serves its folder,
and always gives its file:// address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from flows.ops import report_server
from flows.ops.prefect_server import free_port
from flows.ops.report_server import ReportServer
from warehouse import db


@pytest.fixture
def empty_db(prefect_harness: None, db_path: Path) -> Path:
    db.connect(db_path).close()
    return db_path


def report_artifact() -> dict[str, Any]:
    from prefect.settings import PREFECT_API_URL

    response = httpx.post(
        f"{PREFECT_API_URL.value()}/artifacts/filter",
        json={"artifacts": {"key": {"any_": ["newswatch-report-html"]}}, "limit": 1, "sort": "CREATED_DESC"},
    )
    response.raise_for_status()
    return dict(response.json()[0])


def link_of(artifact: dict[str, Any]) -> str:
    """A link artifact's address: Prefect stores it as the Markdown link `[text](address)`."""
    match = re.fullmatch(r"\[[^\]]*\]\((.*)\)", artifact["data"])
    assert match, artifact["data"]
    return match.group(1)


def run_report(db_file: Path, out_dir: Path) -> Path:
    from flows.report.flow import report

    return Path(report(db_path=str(db_file), since="7d", out_dir=str(out_dir))["html"])


def test_the_artifact_links_over_http_while_the_folder_is_served(
    empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = tmp_path / "reports"
    with ReportServer(reports, free_port()) as server:
        port = int(server.url.rsplit(":", 1)[1])
        monkeypatch.setattr(report_server, "reports_port", lambda api_url: port)  # beside the harness's API
        html = run_report(empty_db, reports)
        artifact = report_artifact()
        assert link_of(artifact) == f"{server.url}/{html.name}"
        answer = httpx.get(link_of(artifact))
        assert answer.status_code == 200 and answer.text == html.read_text(encoding="utf-8")
    assert f"({html.resolve().as_uri()})" in artifact["description"]


def test_without_a_report_server_or_outside_its_folder_the_link_is_the_file(
    empty_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nothing_there = free_port()
    monkeypatch.setattr(report_server, "reports_port", lambda api_url: nothing_there)
    html = run_report(empty_db, tmp_path / "alone")
    assert link_of(report_artifact()) == html.resolve().as_uri()

    with ReportServer(tmp_path / "served", free_port()) as server:
        port = int(server.url.rsplit(":", 1)[1])
        monkeypatch.setattr(report_server, "reports_port", lambda api_url: port)
        elsewhere = run_report(empty_db, tmp_path / "elsewhere")
    artifact = report_artifact()
    assert link_of(artifact) == elsewhere.resolve().as_uri()
    assert f"({elsewhere.resolve().as_uri()})" in artifact["description"]
