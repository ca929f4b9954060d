"""The story browser over a real warehouse (the seed corpus and the bundled capture), through its HTTP
interface in process: the list and its filters, search, a story's page, watch hits, source health, and a
long-running browser seeing each newly published read copy."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flows.browser.app import create_app
from warehouse import db, fulltext, read_copy
from warehouse.backend import WarehouseOptions

JOINT_STATEMENT = "India and Russia are reorienting military and military-technical cooperation"
KREMLIN = "Kremlin Spokesperson Dmitry Peskov"


@pytest.fixture(scope="module")
def capture_db(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.ingest.flow import ingest

    path = tmp_path_factory.mktemp("browser") / "newswatch.duckdb"
    ingest(db_path=str(path), capture=True, live=False)  # publishes the read copy at its end
    return path


@pytest.fixture
def warehouse(capture_db: Path, tmp_path: Path) -> Path:
    """A copy of the capture warehouse and its read copy, for a test that changes them."""
    path = tmp_path / "newswatch.duckdb"
    shutil.copy(capture_db, path)
    shutil.copy(read_copy.read_copy_path(capture_db), read_copy.read_copy_path(path))
    return path


def _client(location: Path) -> TestClient:
    return TestClient(create_app(location, WarehouseOptions()), base_url="http://127.0.0.1")


def _with_index(location: Path) -> None:
    con = db.connect(location)
    fulltext.build_index(con)
    read_copy.publish(con, location)
    con.close()


def _story_rows(html: str) -> list[str]:
    return re.findall(r'<a class="story-link" href="/story/[^"]+">([^<]*)</a>', html)


def _story_id(html: str, headline: str) -> str:
    match = re.search(r'href="/story/([0-9a-f]+)">' + re.escape(headline), html)
    assert match, headline
    return match.group(1)


@pytest.fixture
def client(warehouse: Path) -> Iterator[TestClient]:
    _with_index(warehouse)
    with _client(warehouse) as c:
        yield c


def test_the_list_filters_by_topic_outlet_language_and_date(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    # Three stories, newest first: the joint statement (Dec 5), the Peskov remarks (Dec 3), the Manturov interview.
    rows = _story_rows(page.text)
    assert len(rows) == 3 and rows[0].startswith(JOINT_STATEMENT) and rows[1].startswith(KREMLIN)
    assert "3 stories, newest first." in page.text
    assert '<option value="energy">energy</option>' in page.text  # the filters offer what the warehouse holds

    energy = _story_rows(client.get("/", params={"topic": "energy"}).text)
    assert len(energy) == 1 and energy[0].startswith(KREMLIN)
    ani = _story_rows(client.get("/", params={"outlet": "ANI national (capture)"}).text)
    assert ani == ["Russia has reaffirmed that its defence partnership with India remains strategic"]
    assert len(_story_rows(client.get("/", params={"lang": "en"}).text)) == 3
    dated = _story_rows(client.get("/", params={"since": "2025-12-03", "until": "2025-12-04"}).text)
    assert len(dated) == 1 and dated[0].startswith(KREMLIN)
    both = client.get("/", params={"topic": "defence", "outlet": "IANS national (capture)", "since": "2025-12-05"})
    assert [r[: len(JOINT_STATEMENT)] for r in _story_rows(both.text)] == [JOINT_STATEMENT]
    # The chosen filters stay chosen.
    assert '<option value="defence" selected>' in both.text and 'value="2025-12-05"' in both.text


def test_search_uses_the_full_text_index_within_the_filters(client: TestClient) -> None:
    found = client.get("/", params={"q": "S-400"})
    assert "2 stories matching “S-400”, best match first." in found.text
    assert "<th>Match</th>" in found.text
    narrowed = _story_rows(client.get("/", params={"q": "S-400", "outlet": "ANI national (capture)"}).text)
    assert narrowed == ["Russia has reaffirmed that its defence partnership with India remains strategic"]
    stemmed = _story_rows(client.get("/", params={"q": "tariff", "topic": "trade"}).text)  # "tariffs" stems to it
    assert len(stemmed) == 1 and stemmed[0].startswith(KREMLIN)
    assert "0 stories matching" in client.get("/", params={"q": "zzzyxw"}).text


def test_search_says_when_there_is_no_index_yet(warehouse: Path) -> None:
    with _client(warehouse) as c:
        page = c.get("/", params={"q": "S-400"})
    assert page.status_code == 200
    assert "The search index is not built yet: `newswatch search WORDS` builds it" in page.text
    assert "0 stories matching" in page.text


def test_a_story_page_shows_its_timeline_copies_evidence_and_entities(client: TestClient) -> None:
    story = client.get(f"/story/{_story_id(client.get('/').text, JOINT_STATEMENT)}")
    assert story.status_code == 200
    html = story.text
    assert f'<h1 id="headline">{JOINT_STATEMENT}' in html
    timeline = html.split('<table id="timeline">', 1)[1].split("</table>", 1)[0]
    # Five articles: seeds 002 and 003 (one joint statement, two outlets' own reports) and three captured copies.
    assert timeline.count('<tr id="article-') == 5
    assert timeline.count('class="copy"') == 3 and timeline.count('class="report"') == 2
    assert timeline.count(">exact copy<") == 2 and timeline.count(">near copy<") == 1
    assert "identical normalized text" in timeline and "MinHash Jaccard 0.96 over 5-word shingles" in timeline
    assert ">opened the story<" in timeline and ">own report of the story<" in timeline
    assert "tf-idf cosine 0.179" in timeline  # why the second seed joined the story
    assert "IANS national (capture)" in timeline and "seed corpus" in timeline
    # Each copy names what it copies, linked within the page.
    assert re.search(r'copies\s*<a href="#article-[0-9a-f]+">', timeline)

    assert '<h3 id="topic-defence">defence' in html and '<h3 id="topic-tariffs">tariffs' in html
    assert "military-technical (lead ×2)" in html and "tariff* (body ×2)" in html
    entities = html.split('<table id="entities">', 1)[1].split("</table>", 1)[0]
    assert "S-400 Triumf" in entities and "Andrei Belousov" in entities
    assert "No watch has matched this story." in html  # the table is schema 011's; no watch yet


def test_watch_hits_show_when_the_table_exists(warehouse: Path) -> None:
    with _client(warehouse) as c:
        assert "None yet: no watch has matched a story" in c.get("/watches").text  # schema 011 made the table
        story_id = _story_id(c.get("/").text, JOINT_STATEMENT)
    # The rows the watches module writes (warehouse/watches.py); the browser shows whatever columns they have.
    con = db.connect(warehouse)
    con.execute(
        "INSERT INTO watch_hits (watch, story_id, article_id, outlets, alerts, first_hit_at, last_hit_at) VALUES"
        " ('s400', ?, 'a1', ['ANI'], 1, TIMESTAMP '2026-12-01 10:00', TIMESTAMP '2026-12-01 10:00'),"
        " ('oil', 'gone', 'a2', ['TASS'], 2, TIMESTAMP '2026-12-01 11:00', TIMESTAMP '2026-12-01 12:00')",
        [story_id],
    )
    read_copy.publish(con, warehouse)
    con.close()
    with _client(warehouse) as c:
        hits = c.get("/watches").text
        assert "None yet" not in hits
        table = hits.split('<table id="watch-hits">', 1)[1].split("</table>", 1)[0]
        assert "<th>watch</th>" in table and "<th>outlets</th>" in table
        assert table.index("oil") < table.index("s400")  # newest first
        assert f'<a href="/story/{story_id}">{JOINT_STATEMENT}' in table
        story = c.get(f"/story/{story_id}").text.split("<h2>Watch hits</h2>", 1)[1]
        assert "s400" in story and "oil" not in story


def test_source_health_lists_the_polled_sources(client: TestClient) -> None:
    html = client.get("/sources").text
    table = html.split('<table id="sources">', 1)[1]
    assert "ThePrint world (capture)" in table and "<th>Failed in a row</th>" in table


def test_a_long_running_browser_reads_each_new_read_copy_and_never_the_file_being_written(warehouse: Path) -> None:
    with _client(warehouse) as c:
        assert len(_story_rows(c.get("/").text)) == 3
        writer = db.connect(warehouse)  # holds the file: a reader of the file itself would be refused
        try:
            writer.execute(
                "INSERT INTO articles (article_id, url, source, title, body, language)"
                " VALUES ('fresh', 'https://tass.example/fresh', 'TASS', 'A fresh story', 'text', 'ru')"
            )
            writer.execute(
                "INSERT INTO article_stories (article_id, story_id, kind, score) VALUES ('fresh', 'fresh', 'new', 0)"
            )
            assert len(_story_rows(c.get("/").text)) == 3  # not yet published: the copy is as it was
            read_copy.publish(writer, warehouse)
            rows = _story_rows(c.get("/").text)
            assert "A fresh story" in rows and len(rows) == 4
            assert _story_rows(c.get("/", params={"lang": "ru"}).text) == ["A fresh story"]
        finally:
            writer.close()


def test_the_browser_takes_no_writes(client: TestClient) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        refused = client.request(method, "/")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD", method
    assert client.post("/story/x").status_code == 405
    assert client.head("/").status_code == 200 and client.head("/story/x").status_code == 404
    page = client.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]  # and no script would run
    assert "<script" not in page.text.lower()
    # Another host name pointed at 127.0.0.1 (DNS rebinding) is refused.
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400


def test_make_serve_starts_the_browser_and_says_when_its_port_is_taken(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import httpx

    from flows.browser.server import start_story_browser
    from flows.ops.prefect_server import free_port

    monkeypatch.setenv("NEWSWATCH_DB", str(warehouse))
    port = free_port()
    stop = start_story_browser(port)
    try:
        said = capsys.readouterr().out
        # It brought the search index up to date first (no writer held the file), then listened.
        assert "Search index built over 10 articles." in said and f"Story browser: http://127.0.0.1:{port}" in said
        found = httpx.get(f"http://127.0.0.1:{port}/", params={"q": "S-400"}, timeout=10)
        assert found.status_code == 200 and "2 stories matching" in found.text

        taken = start_story_browser(port)  # a second one finds the port in use: it says so and serve goes on
        assert f"Story browser not started: nothing listens on 127.0.0.1:{port}" in capsys.readouterr().out
        taken()
        assert httpx.get(f"http://127.0.0.1:{port}/sources", timeout=10).status_code == 200
    finally:
        stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/", timeout=5)


def test_serve_runs_the_browser_beside_the_schedules_and_stops_it_with_them(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from flows.ops import serve as serve_module
    from flows.ops.prefect_server import free_port
    from flows.ops.serve import serve_forever

    port = free_port()
    seen: dict[str, object] = {}

    def schedules_served(deployments: list[object], api_url: str) -> None:  # runs until Ctrl-C, in life
        seen["deployments"] = {getattr(d, "name", None) for d in deployments}
        seen["page"] = httpx.get(f"http://127.0.0.1:{port}/", timeout=10).text

    monkeypatch.setattr(serve_module, "_run_deployments", schedules_served)
    monkeypatch.setattr(serve_module, "_serve_reports", lambda api_url: None)  # tests/system cover that server
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # a server is configured: none is started
    monkeypatch.setenv("NEWSWATCH_DB", str(warehouse))
    serve_forever(browser_port=port)
    assert seen["deployments"] == {"ingest-every-30-min", "daily-report", "lake-maintenance"}
    assert "3 stories, newest first." in str(seen["page"])
    with pytest.raises(httpx.ConnectError):  # stopped with the schedules
        httpx.get(f"http://127.0.0.1:{port}/", timeout=5)


def test_the_report_links_its_stories_into_the_browser(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.report.flow import report

    monkeypatch.setenv("NEWSWATCH_BROWSER_PORT", "8411")
    html = Path(report(db_path=str(warehouse), since="7d", out_dir=str(tmp_path / "reports"))["html"]).read_text()
    with _client(warehouse) as c:
        story_id = _story_id(c.get("/").text, JOINT_STATEMENT)
    assert f'<a class="story-page" href="http://127.0.0.1:8411/story/{story_id}">story page</a>' in html
    assert "https://www.aninews.in/" in html  # the outlets' links stay: the file works without the browser
