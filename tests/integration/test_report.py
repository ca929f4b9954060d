"""The report flow under Prefect's test harness: files, offline HTML with charts, digest, artifacts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest


@pytest.fixture(scope="module")
def capture_db(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.ingest.flow import ingest

    path = tmp_path_factory.mktemp("report") / "newswatch.duckdb"
    ingest(db_path=str(path), capture=True, live=False)
    return path


def test_report_flow_writes_offline_html_and_digest_and_publishes_artifacts(capture_db: Path, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    from flows.report.flow import report

    result = report(db_path=str(capture_db), since="7d", out_dir=str(tmp_path))
    html = Path(result["html"]).read_text(encoding="utf-8")
    digest = Path(result["markdown"]).read_text(encoding="utf-8")
    # Five seeds make three stories (001 rewrites 000; 002 and 003 report one joint statement);
    # the five captured pages are copies of seeds.
    assert result["stories"] == 3
    assert result["topics"] == ["defence", "energy", "tariffs", "trade"]

    # The seeds name gazetteer entities (S-400, Putin, ...), so the entity chart is drawn too.
    for chart in ("chart-daily", "chart-weekly", "chart-sources", "chart-entities"):
        assert re.search(rf'<figure class="chart" id="{chart}"><svg', html), chart
    assert html.count("<svg") == 4
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)', html)  # nothing to fetch to render
    assert "No entity counts yet" not in html

    # Each story once per topic, ranked by how many outlets carried it; links point at the outlets.
    defence = digest.split("## defence")[1].split("## ")[0]
    # Three defence stories: the joint statement (IANS, its copy, Business Standard, the seeds), the
    # Manturov interview (ANI, its copy, the seeds), and Peskov's summit preview (seed 004 alone, with its
    # paragraph on BrahMos production). The seed corpus is not an outlet.
    assert defence.count("\n1. ") == 1 and "\n2. " in defence and "\n4. " not in defence
    assert "3. Kremlin Spokesperson Dmitry Peskov" in defence and "only in the seed corpus" in defence
    assert "3 outlets: " in defence.splitlines()[2] and "also in the seed corpus" in defence.splitlines()[2]
    assert (
        "2. [Russia has reaffirmed that its defence partnership with India remains strategic]"
        "(https://www.aninews.in/news/national/" in defence
    )
    assert (tmp_path / "latest.html").read_text(encoding="utf-8") == html

    keys = ["newswatch-digest", "newswatch-top-stories", "newswatch-report-html"]
    response = httpx.post(
        f"{PREFECT_API_URL.value()}/artifacts/filter",
        json={"artifacts": {"key": {"any_": keys}}, "limit": 50, "sort": "CREATED_DESC"},
    )
    response.raise_for_status()
    found: dict[str, dict[str, Any]] = {}
    for artifact in response.json():
        found.setdefault(artifact["key"], artifact)  # newest first: keep the one this run made
    assert set(found) == set(keys)
    assert found["newswatch-digest"]["type"] == "markdown"
    assert found["newswatch-digest"]["data"] == digest
    assert found["newswatch-top-stories"]["type"] == "table"
    assert "aninews.in" in str(found["newswatch-top-stories"]["data"])


def test_report_of_an_empty_database_says_so(capture_db: Path, tmp_path: Path) -> None:
    from flows.report.flow import report
    from warehouse import db

    empty = tmp_path / "empty.duckdb"
    db.connect(empty).close()
    result = report(db_path=str(empty), since="30d", out_dir=str(tmp_path))
    assert result["stories"] == 0 and result["topics"] == []
    html = Path(result["html"]).read_text(encoding="utf-8")
    assert "No stories were seen in this period." in html and "<svg" not in html
    assert "_No stories were seen in this period._" in Path(result["markdown"]).read_text(encoding="utf-8")
