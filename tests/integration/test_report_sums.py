"""Reports that add up (issue 16, item 6), on the bundled data: the seed corpus and the captured pages, all
five of them copies of seeds. Dates carry their year and say where they come from; the entity chart
compares the report's own period with the one before; copies are stored but not new; the seed corpus is
not an outlet; every count says what it counts."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.report.render import render_html
from warehouse import db, load
from warehouse.report_data import collect_report


@pytest.fixture(scope="module")
def capture_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    from flows.ingest.flow import ingest

    path = tmp_path_factory.mktemp("sums") / "newswatch.duckdb"
    return path, ingest(db_path=str(path), capture=True, live=False)


@pytest.fixture(scope="module")
def capture_report(capture_run: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    from flows.report.flow import report

    out = tmp_path_factory.mktemp("sums-report")
    result = report(db_path=str(capture_run[0]), since="7d", out_dir=str(out))
    return Path(result["html"]).read_text(encoding="utf-8"), Path(result["markdown"]).read_text(encoding="utf-8")


def _cells(html: str, first_cell: str) -> list[str]:
    """The text of each cell of the table row whose first cell is `first_cell`."""
    row = re.search(rf"<tr[^>]*><td>{re.escape(first_cell)}</td>(.*?)</tr>", html, re.S)
    assert row, f"no row for {first_cell!r}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_run_summary_says_copies_are_stored_but_not_new(capture_run: tuple[Path, Any]) -> None:
    from flows.cli.app import _print_summary
    from flows.cli.common import console

    summary = capture_run[1]
    assert (summary.fetched, summary.new_articles, sum(summary.duplicates.values())) == (5, 0, 5)
    with console.capture() as captured:
        _print_summary(summary, 1.0)
    text = " ".join(captured.get().replace("│", " ").split())
    assert "5 stored: 0 new, 5 duplicates" in text, text


def test_totals_add_up_and_dates_carry_year_and_origin(capture_report: tuple[str, str]) -> None:
    html, digest = capture_report
    # 10 articles first seen: the 5 seeds, and 5 captured pages that all copy a seed.
    assert "3 stories from 10 articles first seen in the period (5 from the seed corpus, 0 new, 5 duplicates)" in digest
    daily = html.split('id="chart-daily"')[1].split("</figure>")[0]
    assert "02 Dec 2025" in daily and "05 Dec 2025" in daily  # the captured stories are a year old
    assert "publication" in daily  # the axis says which date a bar stands on
    assert '2025-12-05 <span class="muted">published</span>' in html
    assert "— published 2025-12-05, 3 outlets:" in digest
    assert "01 Dec 2025" in html.split('id="chart-weekly"')[1].split("</figure>")[0]


def test_the_entity_chart_counts_the_stories_of_the_period(capture_run: tuple[Path, Any]) -> None:
    """The bundled stories were published a year before newswatch saw them: the last 7 days by publication
    date hold none of them, but the report's period (first seen or updated) holds all three."""
    until = datetime.now()
    con = db.connect(capture_run[0], read_only=True)
    data = collect_report(con, until - timedelta(days=7), until)
    con.close()
    counts = {e.entity: (e.stories_in_period, e.stories_before, e.direction) for e in data.entities}
    assert counts["India"] == (3, 0, "new") and counts["Vladimir Putin"] == (3, 0, "new")
    assert all(e.stories_in_period > 0 for e in data.entities)


def test_the_seed_corpus_is_not_an_outlet(capture_report: tuple[str, str]) -> None:
    html, digest = capture_report
    outlets = html.split("new and duplicate articles</h2>")[1].split("<h2>")[0]
    assert "<td>seed corpus</td>" not in outlets and ">seed corpus<" not in outlets
    assert "The seed corpus (5 articles) is reference text, not an outlet" in outlets
    # The joint statement: IANS, Business Standard and Devdiscourse carried it; two seeds tell it too.
    line = next(line for line in digest.splitlines() if "reorienting military" in line)
    assert line.endswith(
        "3 outlets: Business Standard defence \\(capture\\), Devdiscourse politics \\(capture\\),"
        " IANS national \\(capture\\); also in the seed corpus"
    ), line
    assert "only in the seed corpus" in digest  # the Peskov seed has no outlet at all


def test_stats_say_what_they_count(capture_run: tuple[Path, Any]) -> None:
    from flows.cli.app import app

    result = CliRunner().invoke(app, ["stats", "--db", str(capture_run[0]), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["topics"] == figures["articles_per_topic"] == {"defence": 10, "energy": 1, "tariffs": 2, "trade": 1}
    assert figures["stories_per_topic"] == {"defence": 3, "energy": 1, "tariffs": 1, "trade": 1}
    assert figures["units"]["stories_per_topic"] == "stories" and figures["units"]["topics"] == "articles"
    assert set(figures["units"]) == set(figures) - {"units"}
    text = CliRunner().invoke(app, ["stats", "--db", str(capture_run[0])], terminal_width=200).output
    rows = {line.split()[1]: line.split()[3] for line in text.splitlines() if line.startswith("│")}
    assert rows["stories_per_topic"] == "stories" and rows["articles_per_topic"] == "articles", text
    assert rows["stories"] == "stories" and rows["duplicates"] == "articles"


def _article(con: duckdb.DuckDBPyConnection, aid: str, *, seen: datetime, published: datetime | None) -> None:
    con.execute(
        "INSERT INTO articles (article_id, url, source, title, published, body, first_seen_at)"
        " VALUES (?, ?, 'wire', ?, ?, ?, ?)",
        [aid, f"https://wire.example/{aid}", f"Story {aid}", published, f"body of {aid}", seen],
    )
    con.execute("INSERT INTO article_stories (article_id, story_id, kind, score) VALUES (?, ?, 'new', 1.0)", [aid, aid])
    con.execute(
        "INSERT INTO topic_tags (article_id, topic, score, evidence, tagger_version)"
        " VALUES (?, 'defence', 5, [], 'v1')",
        [aid],
    )


def test_a_past_period_compares_its_entities_with_the_period_before(db_path: Path) -> None:
    """A report of a week in March: the entity chart counts that week's stories against the week before
    (the old view counted the 7 days before today, so it was blank), the weekly chart stops at the period's
    end, and a story with no publication date says it is dated by the day newswatch first saw it."""
    since, until = datetime(2026, 3, 8), datetime(2026, 3, 15)
    con = db.connect(db_path)
    _article(con, "before", seen=datetime(2026, 3, 3, 9), published=None)
    _article(con, "now1", seen=datetime(2026, 3, 10, 9), published=datetime(2026, 3, 9))
    _article(con, "now2", seen=datetime(2026, 3, 12, 9), published=None)
    _article(con, "later", seen=datetime(2026, 5, 1, 9), published=datetime(2026, 4, 28))
    mentions = [("before", "Rosneft"), ("now1", "Rosneft"), ("now2", "Rosneft"), ("now1", "Modi"), ("later", "Lavrov")]
    con.executemany(
        "INSERT INTO article_entities (article_id, entity, kind, mentions, in_title, aliases, gazetteer_version)"
        " VALUES (?, ?, 'org', 1, false, [], 'g1')",
        mentions,
    )
    data = collect_report(con, since, until)
    con.close()

    trend = [(e.entity, e.stories_in_period, e.stories_before, e.direction) for e in data.entities]
    assert trend == [("Rosneft", 2, 1, "rising"), ("Modi", 1, 0, "new")]  # Lavrov: in neither week
    assert {w.day for w in data.weekly} == {datetime(2026, 3, 2).date(), datetime(2026, 3, 9).date()}
    html = render_html(data, generated_at=until, database="test")
    assert '2026-03-12 <span class="muted">first seen</span>' in html
    assert '2026-03-09 <span class="muted">published</span>' in html
    assert "1 of the 2 counted here have no publication date" in html
    assert "this period, 2026-03-08 00:00 – 2026-03-15 00:00" in html


def _failing_sources(db_path: Path, n: int) -> None:
    from extractors.records import FeedResult, Source

    con = db.connect(db_path)
    names = [f"Feed {i:02}" for i in range(n)]
    load.register_sources(con, [Source(name=name, kind="rss", url=f"http://127.0.0.1:9/{name}") for name in names])
    errors = [FeedResult(source=name, url="u", status=None, error="ConnectError", outcome="failed") for name in names]
    load.record_feed_results(con, errors, "run-1")
    con.close()


def test_the_digest_counts_failing_sources_it_does_not_list(
    prefect_harness: None, db_path: Path, tmp_path: Path
) -> None:
    from flows.report.flow import report

    _failing_sources(db_path, 20)
    digest = Path(report(db_path=str(db_path), since="7d", out_dir=str(tmp_path))["markdown"]).read_text("utf-8")
    failing = digest.split("## Failing sources")[1]
    assert failing.count("ConnectError") == 15
    assert "… and 5 more failing sources" in failing


def test_a_gdelt_source_counts_its_polls(
    prefect_harness: None, httpserver: HTTPServer, db_path: Path, tmp_path: Path
) -> None:
    """GDELT is polled through an API, one request per time window: its health row counts polls, in the same
    unit as the failures in a row, and a GDELT source that answers counts among the sources ok."""
    from flows.ingest.flow import ingest
    from flows.report.flow import report

    httpserver.expect_request("/down").respond_with_data("Queries containing only common words are not allowed.")
    httpserver.expect_request("/up").respond_with_data(json.dumps({"articles": []}), content_type="application/json")
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        "".join(
            f'[[source]]\nname = "GDELT {name}"\nkind = "gdelt"\nurl = "{httpserver.url_for("/" + name)}?query=x"\n'
            for name in ("down", "up")
        ),
        encoding="utf-8",
    )
    for _ in range(2):
        ingest(db_path=str(db_path), feeds_file=str(feeds), capture=False, live=True)
    html = Path(report(db_path=str(db_path), since="7d", out_dir=str(tmp_path))["html"]).read_text("utf-8")
    # Polls, failed polls, success rate, failed polls in a row.
    assert _cells(html, "GDELT down")[1:5] == ["2", "2", "0%", "2"]
    assert _cells(html, "GDELT up")[1:5] == ["2", "0", "100%", "0"]
    cards = dict((label, value) for value, label in re.findall(r'<div class="card"><b>(\d+)</b>([^<]+)</div>', html))
    assert (cards["sources ok"], cards["sources failing"]) == ("1", "1")
    con = db.connect(db_path)
    assert con.execute("SELECT count(*) > 2 FROM fetch_events WHERE target = 'gdelt'").fetchone() == (True,)
    con.close()
