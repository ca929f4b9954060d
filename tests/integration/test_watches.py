"""Watches end to end under Prefect's test harness: `newswatch watch` on a warehouse of the bundled capture,
ingests of local feeds on 127.0.0.1 that bring a matching article, a rerun, and a syndicated copy in
another outlet; the hits, the events and the Atom feeds they make."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import feedparser
import httpx
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner, Result

from flows.alerts import events

HEADLINE = "India receives fourth S-400 squadron from Russia ahead of schedule"
PARAGRAPHS = [
    "India has taken delivery of the fourth squadron of the S-400 Triumf air defence system from Russia, officials"
    " said on Monday, months ahead of the revised schedule agreed between the two governments last year.",
    "The squadron, which includes radars, command posts and launchers, arrived by sea and rail and is being"
    " deployed along the northern border. The Indian Air Force will operate it after acceptance trials.",
    "India signed the contract for five S-400 squadrons with Russia in 2018. Deliveries slowed after 2022, and"
    " payments had to be routed through national currencies, officials in New Delhi said.",
    "Analysts said the early delivery showed that military-technical cooperation between India and Russia remains"
    " intact even as India diversifies its suppliers and expands domestic production of missiles.",
]


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f'<html lang="en"><head><title>{title}</title></head>'
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>"


def rss(items: list[tuple[str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{u}</link></item>" for t, u in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>wire</title>{body}</channel></rss>'


def cli(*args: str) -> Result:
    from flows.cli.app import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def capture_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A warehouse after a run on the bundled data, and the feeds that run wrote."""
    from flows.ingest.flow import ingest

    home = tmp_path_factory.mktemp("watches")
    path, feeds = home / "newswatch.duckdb", home / "feeds"
    ingest(db_path=str(path), capture=True, live=False, atom_dir=str(feeds))
    return path, feeds


@pytest.fixture
def warehouse(capture_run: tuple[Path, Path], tmp_path: Path) -> Path:
    path = tmp_path / "newswatch.duckdb"
    shutil.copy(capture_run[0], path)
    return path


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The events the run emits, as emit_event was called."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "emit_event", lambda **kwargs: calls.append(kwargs))
    return calls


def serve_wire(httpserver: HTTPServer, tmp_path: Path, items: dict[str, list[str]]) -> Path:
    """Feeds on the local server: source name -> the article paths it lists (every path serves the article)."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    blocks = []
    for n, (source, paths) in enumerate(items.items()):
        for page in paths:
            httpserver.expect_request(page).respond_with_data(
                article_page(HEADLINE, PARAGRAPHS), content_type="text/html; charset=utf-8"
            )
        feed = f"/feed-{n}.xml"
        httpserver.expect_request(feed).respond_with_data(
            rss([(HEADLINE, httpserver.url_for(p)) for p in paths]), content_type="application/rss+xml"
        )
        blocks.append(f'[[source]]\nname = "{source}"\nkind = "rss"\nurl = "{httpserver.url_for(feed)}"\n')
    path = tmp_path / f"feeds-{len(list(tmp_path.glob('feeds-*.toml')))}.toml"
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def hits(db_file: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db_file), read_only=True) as con:
        return con.execute("SELECT watch, story_id, outlets, alerts FROM watch_hits ORDER BY watch").fetchall()


def test_a_new_matching_article_is_one_hit_once_and_a_new_outlet_one_more_alert(
    warehouse: Path, httpserver: HTTPServer, tmp_path: Path, sent: list[dict[str, Any]]
) -> None:
    from flows.ingest.flow import ingest

    assert cli("watch", "add", "s400", "S-400", "--db", str(warehouse)).exit_code == 0
    assert cli("watch", "add", "s400-energy", "S-400", "--topic", "energy", "--db", str(warehouse)).exit_code == 0
    assert cli("watch", "add", "s400-ru", "S-400", "--lang", "ru", "--db", str(warehouse)).exit_code == 0
    feeds_dir = tmp_path / "feeds"
    run = {"db_path": str(warehouse), "capture": False, "live": True, "atom_dir": str(feeds_dir)}

    wire = serve_wire(httpserver, tmp_path, {"Local Wire": ["/wire/s400"]})
    first = ingest(feeds_file=str(wire), **run)
    assert (first.new_articles, first.watch_alerts) == (1, 1)
    [(watch, story_id, outlets, alerts)] = hits(warehouse)  # not the energy watch, nor the Russian one
    assert (watch, outlets, alerts) == ("s400", ["Local Wire"], 1)
    [event] = sent
    assert event["event"] == "newswatch.watch.hit"
    assert event["resource"]["prefect.resource.id"] == "newswatch.watch.s400"
    payload = event["payload"]
    assert (payload["headline"], payload["reason"], payload["outlets"]) == (HEADLINE, "new story", ["Local Wire"])
    assert payload["link"] == httpserver.url_for("/wire/s400") and payload["story_id"] == story_id

    again = ingest(feeds_file=str(wire), **run)
    assert (again.stored_articles, again.watch_alerts) == (0, 0)
    assert len(hits(warehouse)) == 1 and len(sent) == 1

    # A syndicated copy in another outlet grows the story: the same row, one more alert. A second copy in
    # that outlet brings no outlet the row has not announced: nothing.
    both = serve_wire(httpserver, tmp_path, {"Local Wire": ["/wire/s400"], "Second Wire": ["/second/copy"]})
    grown = ingest(feeds_file=str(both), **run)
    assert (grown.duplicates, grown.watch_alerts) == ({"exact": 1}, 1)
    assert hits(warehouse) == [("s400", story_id, ["Local Wire", "Second Wire"], 2)]
    assert sent[-1]["payload"]["reason"] == "new outlet" and sent[-1]["payload"]["new_outlets"] == ["Second Wire"]
    assert sent[-1]["id"] != sent[0]["id"]
    more = serve_wire(httpserver, tmp_path, {"Second Wire": ["/second/copy", "/second/another-copy"]})
    assert ingest(feeds_file=str(more), **run).watch_alerts == 0
    assert len(sent) == 2 and hits(warehouse)[0][3] == 2

    # The watch's feed lists the story it hit; watches without hits have an empty, valid feed.
    parsed = feedparser.parse(feeds_dir / "watch-s400.atom")
    assert not parsed.bozo and [e.title for e in parsed.entries] == [HEADLINE]
    assert "Local Wire, Second Wire" in parsed.entries[0].content[0].value
    empty = feedparser.parse(feeds_dir / "watch-s400-energy.atom")
    assert not empty.bozo and empty.entries == []

    listed = cli("watch", "list", "--db", str(warehouse), "--json")
    rows = {r["name"]: r for r in map(json.loads, listed.output.splitlines())}
    assert rows["s400"]["stories_hit"] == 1 and rows["s400-ru"]["stories_hit"] == 0

    removed = cli("watch", "remove", "s400", "--db", str(warehouse))
    assert removed.exit_code == 0 and "1 hits" in removed.output
    assert hits(warehouse) == []


def test_watch_test_shows_what_matched_in_the_last_days(warehouse: Path) -> None:
    assert cli("watch", "add", "s400", "S-400", "--db", str(warehouse)).exit_code == 0
    result = cli("watch", "test", "s400", "--db", str(warehouse), "--json")
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.output.splitlines()]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT story_id FROM story_members JOIN articles USING (article_id)"
                " WHERE title ILIKE '%S-400%' OR body ILIKE '%S-400%'"
            ).fetchall()
        }
    assert expected and {f["story_id"] for f in found} == expected
    assert all(not f["already_hit"] for f in found)  # nothing alerted: the watch came after the run
    on_topic = cli("watch", "add", "s400-trade", "S-400", "--topic", "trade", "--db", str(warehouse))
    assert on_topic.exit_code == 0
    assert "No story of the last 7 days" in cli("watch", "test", "s400-trade", "--db", str(warehouse)).output
    assert cli("watch", "test", "s40", "--db", str(warehouse)).output.startswith("No watch 's40'; did you mean")


def test_defence_feed_lists_the_seed_defence_stories(capture_run: tuple[Path, Path]) -> None:
    db_file, feeds_dir = capture_run
    with duckdb.connect(str(db_file), read_only=True) as con:
        rows = con.execute(
            "SELECT story_id, title, outlets FROM story_timelines WHERE list_contains(topics, 'defence') AND has_seed"
        ).fetchall()
    defence = {story_id: title for story_id, title, _ in rows}
    seed_only = {story_id for story_id, _, outlets in rows if outlets == 0}
    assert len(defence) - len(seed_only) >= 2
    topics = ("defence", "energy", "trade", "tariffs")
    assert {p.name for p in feeds_dir.glob("*.atom")} == {f"{t}.atom" for t in topics}
    parsed = feedparser.parse(feeds_dir / "defence.atom")
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "newswatch: defence"
    entries = {e.id.removeprefix("urn:newswatch:story:"): e for e in parsed.entries}
    assert set(entries) == set(defence)
    for story_id, entry in entries.items():
        assert entry.title == defence[story_id]
        assert "defence" in {t.term for t in entry.tags}
        # the outlet's page, not the seed file; a story only the seed corpus has links to nothing outside
        assert entry.link.startswith("https://") or (story_id in seed_only and entry.link == entry.id)
        assert "Outlets:" in entry.content[0].value and "First seen" in entry.content[0].value
        assert entry.published_parsed is not None


def test_a_topic_spike_is_announced_once_a_day(
    warehouse: Path, sent: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.alerts import spikes
    from warehouse import db

    monkeypatch.setattr(spikes, "SPIKE_MIN_STORIES", 2)  # the capture has two defence stories
    day = date(2026, 6, 20)
    con = db.connect(warehouse)
    try:
        con.execute("UPDATE articles SET first_seen_at = ?", [datetime(2026, 6, 20, 8, 0)])
        assert spikes.check_spikes(con, "run-0", today=day) == []  # all history is today: no baseline yet
        # The energy story came 15 days before: the warehouse has a baseline, in which defence had none.
        con.execute(
            "UPDATE articles SET first_seen_at = ? WHERE article_id IN (SELECT article_id FROM story_members"
            " WHERE story_id IN (SELECT story_id FROM story_topics WHERE topic = 'energy'))",
            [datetime(2026, 6, 5, 8, 0)],
        )
        assert spikes.check_spikes(con, "run-1", today=day) == ["defence"]
        assert spikes.check_spikes(con, "run-2", today=day) == []  # announced already today
        rows = con.execute("SELECT topic, day, stories, baseline, run_id FROM topic_spikes").fetchall()
    finally:
        con.close()
    assert rows == [("defence", day, 2, 0.0, "run-1")]
    [event] = sent
    assert event["event"] == "newswatch.topic.spike"
    assert event["resource"]["prefect.resource.id"] == "newswatch.topic.defence"
    assert (event["payload"]["stories"], event["payload"]["day"]) == (2, "2026-06-20")


def test_make_serve_serves_the_feeds_with_the_reports(capture_run: tuple[Path, Path], tmp_path: Path) -> None:
    from flows.ops.prefect_server import free_port
    from flows.ops.report_server import ReportServer
    from flows.settings import DEFAULT_ATOM_DIR, DEFAULT_REPORTS_DIR

    assert DEFAULT_ATOM_DIR.parent == DEFAULT_REPORTS_DIR  # the folder `make serve` serves over HTTP
    reports = tmp_path / "reports"
    shutil.copytree(capture_run[1], reports / DEFAULT_ATOM_DIR.name)
    with ReportServer(reports, free_port()) as server:
        answer = httpx.get(f"{server.url}/{DEFAULT_ATOM_DIR.name}/defence.atom", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo and parsed.entries


def test_a_watch_matches_other_forms_of_its_words_as_search_does() -> None:
    import pyarrow as pa

    from warehouse.fulltext import all_words, scratch_index
    from warehouse.watches import MATCH_SQL

    rows = pa.table(
        {
            "story_id": ["oil", "other"],
            "article_id": ["a1", "a2"],
            "title": ["Индия закупает нефть", "Weather"],
            "body": ["Поставки российской нефти выросли, несмотря на санкции.", "Rain sanctions nothing."],
            "language": ["ru", "en"],
            "source": ["tass", "wire"],
            "topics": [["energy"], []],
        }
    )
    with scratch_index(rows) as con:
        words = all_words(con, "нефтью санкциями")
        params = {"words": " ".join(words), "language": None, "source": None, "topic": None}
        found = con.execute(MATCH_SQL, params).fetchall()
    assert [r[0] for r in found] == ["oil"]
