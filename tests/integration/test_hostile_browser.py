"""Hostile input to the story browser end to end: what sources wrote (headlines, addresses, outlet names, tag
evidence, entity names, errors) reaches every page as text; a hostile query string gets a one-line answer;
a warehouse that cannot be read now gets a page that says why, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from flows.browser.app import create_app
from warehouse import db, fulltext, read_copy
from warehouse.backend import WarehouseOptions

SCRIPT = '<script>alert("owned")</script>'
IMG = "<img src=x onerror=alert(1)>"
HOSTILE = SCRIPT + IMG


def _hostile_warehouse(path: Path) -> None:
    """One story told by a hostile outlet, its copy, its tag and entity, and a failing source."""
    con = db.connect(path)
    version = "taxonomy-test"
    for aid, url in (("evil", "javascript:alert(document.cookie)"), ("evil-copy", "https://copy.example/" + IMG)):
        con.execute(
            "INSERT INTO articles (article_id, url, source, title, body, language, site, published)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, DATE '2025-12-02')",
            [aid, url, HOSTILE, HOSTILE, "India Russia S-400 " + HOSTILE, '"><svg onload=alert(1)>', IMG],
        )
    con.execute(
        "INSERT INTO article_stories (article_id, story_id, kind, score, matched_article_id, detail, linked_at)"
        " VALUES ('evil', 'evil', 'new', 0.0, NULL, ?, now())",
        [HOSTILE],
    )
    con.execute(
        "INSERT INTO article_stories (article_id, story_id, kind, score, matched_article_id, detail, linked_at)"
        " VALUES ('evil-copy', 'evil', 'exact', 1.0, 'evil', ?, now())",
        [HOSTILE],
    )
    con.execute("INSERT INTO duplicates VALUES ('evil-copy', 'exact', 1.0, 'evil', ?, now())", [HOSTILE])
    con.execute(
        "INSERT INTO topic_tags (article_id, topic, score, evidence, tagger_version) VALUES (?, ?, 2.0, ?, ?)",
        ["evil", "defence", [f"{SCRIPT}@bodyx1", IMG], version],
    )
    con.execute(
        "INSERT INTO article_entities (article_id, entity, kind, mentions, in_title, aliases, gazetteer_version)"
        " VALUES ('evil', ?, ?, 1, false, ?, 'g1')",
        [HOSTILE, IMG, [HOSTILE]],
    )
    con.execute("INSERT INTO sources (name, kind, url) VALUES (?, 'rss', 'https://feed.example/rss')", [HOSTILE])
    con.execute("INSERT INTO feed_state (source, last_error, consecutive_failures) VALUES (?, ?, 3)", [HOSTILE, SCRIPT])
    fulltext.build_index(con)
    read_copy.publish(con, path)
    con.close()


@pytest.fixture
def hostile(db_path: Path) -> Iterator[TestClient]:
    _hostile_warehouse(db_path)
    with TestClient(create_app(db_path, WarehouseOptions()), base_url="http://127.0.0.1") as client:
        yield client


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered
    assert not re.search(r"=\s*[\"']?\s*javascript:", lowered)  # never a link or any attribute's value
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in html  # shown as text


def test_every_page_shows_hostile_text_as_text(hostile: TestClient) -> None:
    for url in ("/", "/?q=S-400", "/story/evil", "/sources", "/?topic=defence", "/?outlet=" + HOSTILE):
        page = hostile.get(url)
        assert page.status_code == 200, url
        _assert_inert(page.text)
    story = hostile.get("/story/evil").text
    assert ">exact copy<" in story  # the copy is still explained, its detail as text
    # The copy's own https address stays a link, with its hostile tail escaped inside the attribute.
    assert 'href="https://copy.example/&lt;img src=x onerror=alert(1)&gt;"' in story


def test_hostile_query_strings_get_a_one_line_answer(hostile: TestClient) -> None:
    injected = hostile.get("/", params={"q": "'; DROP TABLE articles; --", "topic": "defence"})
    assert injected.status_code == 200 and "0 stories matching" in injected.text
    assert "1 story, newest first." in hostile.get("/").text  # nothing was dropped: the browser never writes

    bad = hostile.get("/", params={"since": SCRIPT, "topic": SCRIPT})
    assert bad.status_code == 400
    errors = bad.text.split('<ul class="errors" id="errors">', 1)[1].split("</ul>", 1)[0]
    assert errors.count("<li>") == 2 and "since: not a period" in errors and "topic: no story has" in errors
    _assert_inert(bad.text)

    for story in ("x" * 10_000, "%00", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", SCRIPT):
        missing = hostile.get(f"/story/{story}")
        assert missing.status_code == 404, story
        assert "<script" not in missing.text.lower()


def test_a_missing_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "none.duckdb", WarehouseOptions()), base_url="http://127.0.0.1") as c:
        page = c.get("/")
    assert page.status_code == 503 and "run `newswatch run` first" in page.text


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.read()
"""


def test_a_file_held_by_a_writer_before_its_first_read_copy_gets_a_page_saying_so(db_path: Path) -> None:
    db.connect(db_path).close()  # a warehouse that has never published a read copy
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with TestClient(create_app(db_path, WarehouseOptions()), base_url="http://127.0.0.1") as c:
            page = c.get("/story/x")
        assert page.status_code == 503
        assert "Cannot read" in page.text and "reload when it is done" in page.text
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    # Once the writer is gone, the same browser reads the file.
    with TestClient(create_app(db_path, WarehouseOptions()), base_url="http://127.0.0.1") as c:
        assert c.get("/").status_code == 200


def test_a_watch_hits_table_of_any_shape_is_read_as_text(db_path: Path) -> None:
    _hostile_warehouse(db_path)
    con = duckdb.connect(str(db_path))
    con.execute("DROP TABLE watch_hits")  # schema 011's, replaced by one of another shape
    con.execute(f'CREATE TABLE watch_hits ("{IMG}" VARCHAR, n INTEGER)')  # no story column, no timestamp
    con.execute("INSERT INTO watch_hits VALUES (?, 1)", [SCRIPT])
    read_copy.publish(con, db_path)
    con.close()
    with TestClient(create_app(db_path, WarehouseOptions()), base_url="http://127.0.0.1") as c:
        hits = c.get("/watches")
        story = c.get("/story/evil")
    assert hits.status_code == 200 and story.status_code == 200
    _assert_inert(hits.text)
    assert "&lt;img src=x onerror=alert(1)&gt;</th>" in hits.text
    assert "No watch has matched this story." in story.text  # hits name no story, so none is this one's


def test_a_file_that_is_no_newswatch_warehouse_gets_one_line_not_a_traceback(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()  # a DuckDB file with none of the warehouse's tables or views
    with TestClient(create_app(other, WarehouseOptions()), base_url="http://127.0.0.1") as c:
        page = c.get("/")
    assert page.status_code == 500
    problem = page.text.split('<p id="problem">', 1)[1].split("</p>", 1)[0]
    assert problem.startswith(f"Reading {other} failed: Catalog Error") and "\n" not in problem
    assert "Traceback" not in page.text
