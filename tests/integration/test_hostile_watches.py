"""Hostile input to watches: names and queries that could reach SQL, file names or the index, a warehouse
published before watches existed, an events client that fails, a feeds directory that cannot be written.
Each gets one clear line, or is stored as plain text; the run goes on and nothing is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from flows.alerts import events
from tests.integration.test_watches import HEADLINE, cli, hits, serve_wire
from warehouse import db


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["../../etc/passwd", "S-400"], "Invalid value for NAME"),
        (["S400", "S-400"], "Invalid value for NAME"),
        (["s400", "the of and"], "has only stopwords"),
        (["s400", "   "], "Invalid value for QUERY"),
        (["s400", "x" * 301], "Invalid value for QUERY"),
        (["s400", "S-400", "--lang", "english"], "Invalid value for --lang"),
        (["s400", "S-400", "--topic", "defense"], "did you mean 'defence'"),
        (["s400", "S-400", "--source", "ANI"], "unknown source 'ANI'"),
    ],
)
def test_bad_watches_are_refused_with_one_line_and_store_nothing(db_path: Path, args: list[str], message: str) -> None:
    db.connect(db_path).close()
    result = cli("watch", "add", *args, "--db", str(db_path))
    assert result.exit_code != 0 and message in " ".join(result.output.split())
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM watches").fetchone() == (0,)


def test_a_query_made_of_sql_and_search_syntax_is_only_words(db_path: Path) -> None:
    hostile = 'S-400\'); DROP TABLE watches; -- "quoted" *:^ \\ OR 1=1'
    result = cli("watch", "add", "sneaky", hostile, "--db", str(db_path))
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT name, query FROM watches").fetchall() == [("sneaky", hostile)]
    tested = cli("watch", "test", "sneaky", "--db", str(db_path))
    assert tested.exit_code == 0 and "No story of the last 7 days" in tested.output


def test_a_read_copy_from_before_watches_lists_none(db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    db.migrate(con, up_to=10)  # the schema before watches (011)
    con.close()
    listed = cli("watch", "list", "--db", str(db_path))
    assert listed.exit_code == 0 and "No watches" in listed.output
    tested = cli("watch", "test", "s400", "--db", str(db_path))
    assert tested.exit_code == 1 and "No watch 's400'" in tested.output


def test_an_events_client_that_fails_loses_no_hit_and_fails_no_run(
    prefect_harness: None, db_path: Path, httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest.flow import ingest

    def refuse(**kwargs: Any) -> None:
        raise RuntimeError("events API unreachable")

    monkeypatch.setattr(events, "emit_event", refuse)
    assert cli("watch", "add", "s400", "S-400", "--db", str(db_path)).exit_code == 0
    wire = serve_wire(httpserver, tmp_path, {"Local Wire": ["/wire/s400"]})
    unwritable = tmp_path / "feeds-is-a-file"
    unwritable.write_text("not a directory")
    summary = ingest(db_path=str(db_path), feeds_file=str(wire), capture=False, live=True, atom_dir=str(unwritable))
    assert (summary.new_articles, summary.watch_alerts) == (1, 1)
    assert [(w, o, n) for w, _, o, n in hits(db_path)] == [("s400", ["Local Wire"], 1)]
    assert unwritable.read_text() == "not a directory"
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT title FROM articles WHERE NOT is_seed").fetchall() == [(HEADLINE,)]


def test_notify_takes_only_a_notification_block_and_replaces_its_automation(prefect_harness: None) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.blocks.system import Secret

    from flows.alerts.automations import NotifyError, automation_name, notify_through

    Secret(value="hunter2").save("not-a-notifier", overwrite=True)
    hook = CustomWebhookNotificationBlock(name="hook", url="http://127.0.0.1:9/hook", json_data={"text": "{{body}}"})
    hook.save("newswatch-hook", overwrite=True)
    for block, message in (
        ("secret/not-a-notifier", "cannot send notifications"),
        ("not-a-notifier", "cannot send notifications"),
        ("custom-webhook/nope", "no block 'custom-webhook/nope'"),
        ("nope", "no block named 'nope'"),
    ):
        with pytest.raises(NotifyError, match=message):
            notify_through("s400", block)

    first, label = notify_through("s400", "newswatch-hook")  # by its name alone
    assert label == "custom-webhook/newswatch-hook"
    again, _ = notify_through("s400", "custom-webhook/newswatch-hook")
    assert again == first  # replaced, not a second automation

    from prefect import get_client

    with get_client(sync_client=True) as client:
        assert len(client.read_automations_by_name(automation_name("s400"))) == 1
