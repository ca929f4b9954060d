"""A real browser looks at what the analyst sees: the HTML report and the Prefect dashboard.

Headless Chromium (Debian's `chromium` package; .ci/run installs it) loads the report file and the
flow-runs and artifacts pages of a real local Prefect server that ran `newswatch run` and
`newswatch report`. Screenshots go to test-output/browser/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flows.ops.prefect_server import free_port, stop_server, wait_healthy
from tests.support.paths import PROJECT

CHROMIUM = shutil.which("chromium")
OUTPUT = PROJECT / "test-output" / "browser"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
    "--virtual-time-budget=15000",  # let the dashboard's scripts fetch from the API and render
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y chromium; .ci/run does this)"
)


def chromium(url: str, profile: Path, *, screenshot: Path | None = None) -> str:
    """The DOM after scripts ran; with `screenshot`, also a PNG of the window."""
    assert CHROMIUM is not None
    action = [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    done = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *action, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def chromium_showing(url: str, profile: Path, *expected: str, within: float = 150.0) -> str:
    """The DOM once the single-page app has rendered all of `expected`. The dashboard fills its lists in as
    the API answers, and a load sometimes ends with part of a list drawn, so loads are retried with growing
    pauses."""
    deadline = time.monotonic() + within
    attempt = 0
    while True:
        dom = chromium(url, profile / f"try-{attempt}")
        if all(text in dom for text in expected) or time.monotonic() > deadline:
            return dom
        time.sleep(min(2.0**attempt, 20.0))
        attempt += 1


def colours(png: Path) -> set[tuple[int, ...]]:
    from PIL import Image

    with Image.open(png) as image:
        return {tuple(c) for _, c in (image.convert("RGB").getcolors(maxcolors=1 << 20) or [])}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A Prefect server on 127.0.0.1, and the newswatch CLI run against it: ingest, then report."""
    home = tmp_path_factory.mktemp("browser")
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_API_URL": api_url,
    }
    log_path = home / "server.log"
    prefect_bin = Path(sys.executable).with_name("prefect")
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        wait_healthy(api_url, server, log_path)
        client_env = env | {"PREFECT_API_URL": api_url}
        db_file, reports = home / "newswatch.duckdb", home / "reports"
        for args in (["run", "--no-live"], ["report", "--since", "7d", "--out", str(reports)]):
            done = subprocess.run(
                [sys.executable, "-m", "flows.cli", *args, "--db", str(db_file)],
                cwd=PROJECT,
                env=client_env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        runs = httpx.post(f"{api_url}/flow_runs/filter", json={"limit": 10}).json()
        yield {
            "url": f"http://127.0.0.1:{port}",
            "report": next(reports.glob("report-*.html")),
            "runs": {r["name"]: r["state_type"] for r in runs},
            "profile": home / "chromium",
        }
    finally:
        stop_server(server)


def test_html_report_shows_its_charts(served: dict[str, object]) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    report = Path(str(served["report"]))
    dom = chromium(report.as_uri(), Path(str(served["profile"])) / "report-dom")
    for chart in ("chart-daily", "chart-weekly", "chart-sources"):
        figure = dom.split(f'id="{chart}"', 1)[1].split("</figure>", 1)[0]
        assert "<svg" in figure and figure.count("<path") > 5, chart  # bars and axes were drawn
    assert "Top stories per topic" in dom and "https://www.aninews.in/" in dom

    shot = OUTPUT / "report.png"
    shot.unlink(missing_ok=True)
    chromium(report.as_uri(), Path(str(served["profile"])) / "report-shot", screenshot=shot)
    seen = colours(shot)
    assert len(seen) > 50  # a rendered page, not a blank window
    assert (0x1F, 0x5F, 0x99) in seen  # the first topic's bar colour: the charts are on screen


def test_dashboard_shows_the_runs_and_artifacts(served: dict[str, object]) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    runs = served["runs"]
    assert isinstance(runs, dict) and len(runs) == 2 and set(runs.values()) == {"COMPLETED"}
    base, profile = str(served["url"]), Path(str(served["profile"]))

    dom = chromium_showing(f"{base}/runs", profile / "runs-dom", "newswatch-ingest", "newswatch-report", *runs)
    assert "Can't connect to Server API" not in dom
    for name in runs:
        assert name in dom, f"flow run {name} not shown on the runs page"
    assert "newswatch-ingest" in dom and "newswatch-report" in dom and "Completed" in dom
    chromium(f"{base}/runs", profile / "runs-shot", screenshot=OUTPUT / "dashboard-runs.png")

    artifacts = ("newswatch-digest", "newswatch-top-stories", "newswatch-report-html")
    dom = chromium_showing(f"{base}/artifacts", profile / "artifacts-dom", *artifacts)
    for key in artifacts:
        assert key in dom, f"artifact {key} not shown"
    chromium(f"{base}/artifacts", profile / "artifacts-shot", screenshot=OUTPUT / "dashboard-artifacts.png")
    assert (OUTPUT / "dashboard-runs.png").stat().st_size > 10_000
