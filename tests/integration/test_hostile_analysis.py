"""A page past its analysis time budget is recorded in rejected_pages, with why, and the batch is stored."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from extractors.analysis import analyze_pages
from extractors.records import FeedEntry, FetchedPage
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_gazetteer, load_taxonomy
from tests.support.paths import PROJECT
from warehouse import db, load

TEXT = "Oil prices rose as India and Russia met again. " * 12


def _page(url: str) -> FetchedPage:
    html = f"<html lang='en'><head><title>Oil talks</title></head><body><article><h1>Oil talks</h1><p>{TEXT}</p>"
    return FetchedPage(
        entry=FeedEntry(source="hostile", link=url), canonical_url=url, final_url=url, status=200, html=html.encode()
    )


def test_a_page_over_its_analysis_budget_lands_in_rejected_pages(db_path: Path) -> None:
    taxonomy = load_taxonomy(PROJECT / "seeds" / "topics.toml")
    gazetteer = load_gazetteer(PROJECT / "seeds" / "entities.toml")
    slow, normal = _page("http://127.0.0.1/slow"), _page("http://127.0.0.1/normal")
    normal = replace(normal, html=normal.html.replace(b"Oil talks", b"Oil talks again"))
    readings = iter([0.0, 30.0])  # the slow page: 30 s by the end of its extraction; then time stands still

    def clock() -> float:
        return next(readings, 30.0)

    analyzed, rejected = analyze_pages([slow, normal], taxonomy, gazetteer, seconds_per_page=5, clock=clock)
    con = db.connect(db_path)
    load.record_rejections(con, rejected, "run-1")
    store_analyzed(con, analyzed, "run-1")
    rows = con.execute("SELECT url, source, reason, run_id FROM rejected_pages").fetchall()
    assert rows == [
        (
            "http://127.0.0.1/slow",
            "hostile",
            "analysis took 30.0 s by the end of extraction, over its 5 s budget",
            "run-1",
        )
    ]
    assert con.execute("SELECT url FROM articles").fetchall() == [("http://127.0.0.1/normal",)]
    con.close()
