"""The story browser as an analyst uses it: `newswatch browse` started as a command, driven by headless
Chromium (Debian's `chromium`, through Playwright, with JavaScript off: the pages need none). It opens the
list, filters by topic, opens a story and searches; each step checks what the page says and saves a
screenshot to test-output/story-browser/ (gitignored)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from flows.ops.prefect_server import free_port
from tests.support.paths import PROJECT

CHROMIUM = shutil.which("chromium")
OUTPUT = PROJECT / "test-output" / "story-browser"
JOINT_STATEMENT = "India and Russia are reorienting military and military-technical cooperation"
KREMLIN = "Kremlin Spokesperson Dmitry Peskov"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y chromium; .ci/run does this)"
)


@pytest.fixture(scope="module")
def browser_url(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The capture ingested, then `newswatch browse` on a free port (it builds the search index first)."""
    from flows.ingest.flow import ingest

    home = tmp_path_factory.mktemp("story-browser")
    db_file = home / "newswatch.duckdb"
    ingest(db_path=str(db_file), capture=True, live=False)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    log = (home / "browse.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "browse", "--db", str(db_file), "--port", str(port)],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (home / "browse.log").read_text()
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (home / "browse.log").read_text()
            time.sleep(0.3)
        yield url
        assert "Search index built over 10 articles." in (home / "browse.log").read_text()
    finally:
        proc.send_signal(signal.SIGINT)  # uvicorn's Ctrl-C: a clean stop
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def _rows(page: Any) -> list[str]:
    return [text.strip() for text in page.locator("table#stories a.story-link").all_inner_texts()]


def _shot(page: Any, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank window
    return path


def test_list_filter_story_and_search_in_headless_chromium(browser_url: str) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
            page = context.new_page()

            # 1. The list: every story, newest first.
            page.goto(browser_url + "/")
            assert page.locator("h1").inner_text() == "Stories"
            assert page.locator("#summary").inner_text() == "3 stories, newest first."
            rows = _rows(page)
            assert len(rows) == 3 and rows[0].startswith(JOINT_STATEMENT) and rows[1].startswith(KREMLIN)
            _shot(page, "1-list.png")

            # 2. Filter by topic, with the form (a plain GET; no script).
            page.select_option("#topic", "energy")
            page.click("form.filters button[type=submit]")
            page.wait_for_url("**topic=energy**")
            assert page.locator("#summary").inner_text().startswith("1 story, newest first · topic energy")
            rows = _rows(page)
            assert len(rows) == 1 and rows[0].startswith(KREMLIN)
            assert page.locator("#topic").input_value() == "energy"  # the filter stays chosen
            _shot(page, "2-topic-energy.png")

            # 3. Open a story: its timeline, which articles are copies and why, evidence, entities.
            page.click("text=Clear")
            page.get_by_role("link", name=JOINT_STATEMENT).click()
            page.wait_for_url("**/story/**")
            assert page.locator("h1#headline").inner_text().startswith(JOINT_STATEMENT)
            timeline = page.locator("table#timeline tr[id^=article-]")
            assert timeline.count() == 5
            verdicts = page.locator("table#timeline td.verdict").all_inner_texts()
            assert sorted(verdicts) == sorted(
                ["opened the story", "own report of the story", "near copy", "exact copy", "exact copy"]
            )
            assert page.locator("table#timeline tr.copy").count() == 3
            assert "identical normalized text" in page.locator("table#timeline").inner_text()
            assert "military-technical (lead ×2)" in page.locator("#topic-defence + table").inner_text()
            assert "S-400 Triumf" in page.locator("table#entities").inner_text()
            assert "No watch has matched this story." in page.locator("#no-hits").inner_text()  # none added yet
            _shot(page, "3-story.png")

            # 4. Search, from the list's search box.
            page.click("header nav >> text=Stories")
            page.fill("#q", "S-400")
            page.press("#q", "Enter")
            page.wait_for_url("**q=S-400**")
            assert page.locator("#summary").inner_text() == "2 stories matching “S-400”, best match first."
            rows = _rows(page)
            assert len(rows) == 2 and not any(r.startswith(KREMLIN) for r in rows)
            _shot(page, "4-search-s400.png")
        finally:
            browser.close()
