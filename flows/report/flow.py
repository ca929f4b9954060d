"""The report flow: read the report views, write an HTML report and a Markdown digest, publish artifacts."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_API_URL

from flows.ops import progress
from flows.ops.db_lock import hold_database
from flows.ops.log_redaction import redact_run_logs
from flows.ops.open_db import open_for_reading, reading_location
from flows.ops.report_server import served_report_url
from flows.report.digest import render_markdown, story_table_rows
from flows.report.periods import parse_since
from flows.report.render import render_html
from flows.settings import DEFAULT_REPORTS_DIR, load_settings
from warehouse import backend, db
from warehouse.report_data import ReportData, collect_report

STAGE = "report"
STEPS = 4


@dataclass(frozen=True, kw_only=True)
class ReportFiles:
    html: Path
    markdown: Path


@task(name="collect-report-data", cache_policy=NO_CACHE)
def collect(
    location: Path | str, options: backend.WarehouseOptions, since: datetime, until: datetime, per_topic: int
) -> ReportData:
    with open_for_reading(location, options) as con:
        return collect_report(con, since, until, per_topic=per_topic)


@task(name="write-report-files", cache_policy=NO_CACHE)
def write_files(data: ReportData, out_dir: Path, location: Path | str, browser_url: str | None = None) -> ReportFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{data.until:%Y-%m-%d}"
    files = ReportFiles(html=out_dir / f"report-{stamp}.html", markdown=out_dir / f"digest-{stamp}.md")
    html = render_html(data, generated_at=datetime.now(), database=db.location_label(location), browser_url=browser_url)
    markdown = render_markdown(data)
    files.html.write_text(html, encoding="utf-8")
    files.markdown.write_text(markdown, encoding="utf-8")
    # Stable names for bookmarks and for whatever publishes the newest report.
    (out_dir / "latest.html").write_text(html, encoding="utf-8")
    (out_dir / "latest.md").write_text(markdown, encoding="utf-8")
    return files


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish(data: ReportData, files: ReportFiles) -> None:
    create_markdown_artifact(
        key="newswatch-digest",
        markdown=files.markdown.read_text(encoding="utf-8"),
        description="Top stories per topic for the report period",
    )
    create_table_artifact(
        key="newswatch-top-stories",
        table=story_table_rows(data),
        description="Top stories per topic: outlets, articles, last update",
    )
    file_link = files.html.resolve().as_uri()
    # Over HTTP while `make serve` serves the reports folder; the file:// address always.
    http_link = served_report_url(files.html, PREFECT_API_URL.value())
    create_link_artifact(
        key="newswatch-report-html",
        link=http_link or file_link,
        link_text=files.html.name,
        # as_uri() percent-encodes every character that could end a Markdown link
        description=f"The HTML report with charts. On the machine that ran the flow: [{files.html.name}]({file_link})",
    )


@flow(name="newswatch-report", log_prints=True)
def report(
    db_path: str | None = None,
    since: str = "7d",
    out_dir: str | None = None,
    per_topic: int = 5,
    lock_wait_s: float = 1800.0,
) -> dict[str, Any]:
    """Write reports/report-DATE.html (charts) and reports/digest-DATE.md for stories seen since `since`."""
    logger = get_run_logger()
    until = datetime.now()
    start = parse_since(since, until)
    redact_run_logs()
    env = load_settings()
    location = env.resolve_location(db_path)
    lake = backend.is_lake(location)
    if not lake and not Path(location).exists():
        raise FileNotFoundError(f"no database at {location}; run the ingest flow first")
    progress.advance(STAGE, 0, total=STEPS)
    # It reads the published read copy; only before the first one exists does it wait for a running writer.
    unpublished = not lake and reading_location(location) == location
    with hold_database(Path(location), "report", wait_s=lock_wait_s) if unpublished else nullcontext():
        data = collect(location, env.warehouse, start, until, per_topic)
    progress.advance(STAGE)
    files = write_files(data, Path(out_dir) if out_dir else DEFAULT_REPORTS_DIR, location, env.browser_url)
    progress.advance(STAGE)
    publish(data, files)
    progress.advance(STAGE, 2)
    logger.info(
        "report: %d stories, %d topics; wrote %s and %s",
        data.totals.stories,
        len(data.topics()),
        files.html,
        files.markdown,
    )
    return {
        "html": str(files.html),
        "markdown": str(files.markdown),
        "stories": data.totals.stories,
        "top_stories": len(data.top_stories),
        "topics": data.topics(),
        "since": start.isoformat(timespec="minutes"),
        "until": until.isoformat(timespec="minutes"),
    }
