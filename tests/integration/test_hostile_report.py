"""Hostile text from sources in the report's Markdown: the digest (reports/latest.md, published as a Prefect
artifact) and the table artifact's cells, which Prefect renders as Markdown, show it as text and keep links.

The digest is rendered with markdown-it in CommonMark mode with raw HTML allowed, the most permissive
renderer, and the HTML it makes is checked: no tag, link or image but the story's own link."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import httpx
from markdown_it import MarkdownIt

from extractors.analysis import analyze_article
from extractors.records import FeedResult, Source
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_taxonomy
from tests.support.helpers import copy_of, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")
TITLE = "Talks <img src=x onerror=alert(1)> ![pixel](http://evil.example/p.png) [click](javascript:alert(2)) *now*"
SOURCE = "Wire <script>alert(3)</script> [home](http://evil.example/)"
ERROR = "not an HTML page: text/html<img src=x onerror=alert(4)>"
# A real address with characters that end a Markdown link destination or an HTML attribute.
URL = "https://example.org/news/talks_(india)?a=1&b='x'\"><b>"
ENCODED_URL = "https://example.org/news/talks_%28india%29?a=1&b=%27x%27%22%3E%3Cb%3E"
MARKDOWN = MarkdownIt("commonmark", {"html": True})


def _hostile_database(db_path: Path) -> None:
    con = db.connect(db_path)
    seed = seed_article("003")
    copy = dataclasses.replace(copy_of(seed, URL, source=SOURCE), title=TITLE)
    store_analyzed(con, [analyze_article(a, TAXONOMY, None) for a in (seed, copy)], "run-1")  # with its story
    load.register_sources(con, [Source(name=SOURCE, kind="rss", url="http://evil.example/feed")])
    load.record_feed_results(
        con, [FeedResult(source=SOURCE, url="http://evil.example/feed", status=200, error=ERROR)], "r"
    )
    con.close()


def _tags(html: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)}


def _artifact(key: str) -> dict[str, Any]:
    from prefect.settings import PREFECT_API_URL

    response = httpx.post(
        f"{PREFECT_API_URL.value()}/artifacts/filter",
        json={"artifacts": {"key": {"any_": [key]}}, "limit": 1, "sort": "CREATED_DESC"},
    )
    response.raise_for_status()
    return dict(response.json()[0])


def test_digest_and_table_artifact_quote_source_text_literally(
    prefect_harness: None, db_path: Path, tmp_path: Path
) -> None:
    from flows.report.flow import report

    _hostile_database(db_path)
    report(db_path=str(db_path), since="7d", out_dir=str(tmp_path))
    digest = (tmp_path / "latest.md").read_text(encoding="utf-8")

    assert "<" not in digest and ">" not in digest, digest
    html = MARKDOWN.render(digest)
    assert _tags(html) <= {"h1", "h2", "p", "ol", "ul", "li", "a"}, html
    links = re.findall(r'<a href="([^"]*)">', html)
    assert links and set(links) == {ENCODED_URL.replace("&", "&amp;")}, links  # only the story's own link
    # What the sources wrote is shown as they wrote it (one line, whitespace collapsed).
    text = re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    text = text.replace("&#39;", "'").replace("&amp;", "&")
    for quoted in (TITLE, SOURCE, ERROR):
        assert quoted in text, quoted

    assert _artifact("newswatch-digest")["data"] == digest
    rows = json.loads(_artifact("newswatch-top-stories")["data"])
    assert rows
    for row in rows:
        cells = {key: MARKDOWN.renderInline(str(value)) for key, value in row.items()}
        url_cell = cells.pop("url")
        assert _tags(url_cell) == {"a"}, url_cell
        assert re.findall(r'<a href="([^"]*)">', url_cell) == [ENCODED_URL.replace("&", "&amp;")], row
        assert not set().union(*map(_tags, cells.values())), cells
        assert TITLE in cells["title"].replace("&lt;", "<").replace("&gt;", ">")
