"""WARC backfill on bad archives: a corrupt or truncated record costs only itself, off-topic pages are turned
away before extraction, and a rerun after an interrupted backfill stores nothing twice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.paths import ANI_PATH, CAPTURE
from warehouse import db

ANI = (CAPTURE / "sites" / "www.aninews.in" / ANI_PATH / "index.html").read_bytes()
OFF_TOPIC = (
    b"<html lang='en'><body><article><p>"
    + b"The city council approved a new budget for parks and libraries after a long debate. " * 5
    + b"</p></article></body></html>"
)
ON_TOPIC = (
    b"<html lang='en'><head><title>Moscow and New Delhi agree on fertiliser supplies</title></head><body><article><p>"
    + b"Russia will ship more fertiliser to India next year, officials in Moscow and New Delhi said on Monday. " * 4
    + b"</p></article></body></html>"
)


def write_warc(path: Path, records: list[tuple[str, bytes]]) -> list[int]:
    """The records as gzip members; returns where each starts in the file."""
    offsets = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in records:
            offsets.append(out.tell())
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )
    return offsets


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = db.connect(db_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_corrupt_record_is_rejected_and_the_rest_goes_in(prefect_harness: None, tmp_path: Path) -> None:
    from flows.backfill import backfill_warc

    warc = tmp_path / "news.warc.gz"
    records = [
        ("https://a.example/fertiliser", ON_TOPIC),
        ("https://b.example/broken", ON_TOPIC),
        ("https://c.example/defence", ANI),
    ]
    offsets = write_warc(warc, records)
    data = bytearray(warc.read_bytes())
    data[offsets[1] + 40 : offsets[1] + 80] = b"\x00" * 40  # inside the second record's compressed body
    warc.write_bytes(bytes(data))
    db_path = tmp_path / "w.duckdb"
    summary = backfill_warc([str(warc)], source="cc-news", db_path=str(db_path))
    assert summary.unreadable_records == 1 and summary.stored_articles == 2
    stored = {r[0] for r in rows(db_path, "SELECT url FROM articles WHERE NOT is_seed")}
    assert stored == {"https://a.example/fertiliser", "https://c.example/defence"}
    [(url, reason)] = rows(db_path, "SELECT url, reason FROM rejected_pages")
    assert url == f"news.warc.gz#offset={offsets[0] + 1}"
    assert reason.startswith(f"unreadable WARC data after the record at offset {offsets[0]}: ")


def test_a_file_cut_short_keeps_the_records_before_the_cut(prefect_harness: None, tmp_path: Path) -> None:
    from flows.backfill import backfill_warc

    warc = tmp_path / "cut.warc.gz"
    offsets = write_warc(warc, [("https://a.example/fertiliser", ON_TOPIC), ("https://c.example/defence", ANI)])
    warc.write_bytes(warc.read_bytes()[: offsets[1] + 120])
    db_path = tmp_path / "w.duckdb"
    summary = backfill_warc([str(warc)], source="cc-news", db_path=str(db_path))
    assert summary.stored_articles == 1 and summary.unreadable_records == 1
    [(reason,)] = rows(db_path, "SELECT reason FROM rejected_pages")
    assert "WARC" in reason and "\n" not in reason


def test_a_file_that_is_no_warc_fails_alone(prefect_harness: None, tmp_path: Path) -> None:
    from flows.backfill import backfill_warc

    junk = tmp_path / "notes.warc"
    junk.write_text("these are notes, not an archive\n" * 20)
    good = tmp_path / "good.warc.gz"
    write_warc(good, [("https://a.example/fertiliser", ON_TOPIC)])
    summary = backfill_warc([str(junk), str(good)], source="cc-news", db_path=str(tmp_path / "w.duckdb"))
    assert summary.stored_articles == 1 and summary.unreadable_records == 1


def test_off_topic_pages_are_skipped_before_extraction(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractors import screened_analysis
    from flows.backfill import backfill_warc

    extracted: list[str] = []
    real_extract = screened_analysis.extract_article

    def counting_extract(page):  # type: ignore[no-untyped-def]
        extracted.append(page.canonical_url)
        return real_extract(page)

    monkeypatch.setattr(screened_analysis, "extract_article", counting_extract)
    warc = tmp_path / "mixed.warc.gz"
    write_warc(warc, [("https://a.example/fertiliser", ON_TOPIC), ("https://b.example/council", OFF_TOPIC)])
    db_path = tmp_path / "w.duckdb"
    summary = backfill_warc([str(warc)], source="cc-news", db_path=str(db_path))
    assert "https://b.example/council" not in extracted and "https://a.example/fertiliser" in extracted
    assert summary.skipped_unextracted == 1 and summary.stored_articles == 1
    [(stage, reason)] = rows(db_path, "SELECT stage, reason FROM skipped_entries")
    assert (stage, reason) == ("markup", "page markup mentions none of India, Russia")


def test_a_rerun_after_an_interrupted_backfill_stores_nothing_twice(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.backfill as backfill

    warc = tmp_path / "news.warc.gz"
    pages = [(f"https://a.example/story-{i}", ON_TOPIC.replace(b"Monday", f"day {i}".encode())) for i in range(4)]
    write_warc(warc, [*pages, ("https://b.example/council", OFF_TOPIC), ("https://c.example/defence", ANI)])
    db_path = tmp_path / "w.duckdb"
    real_store = backfill.store_batch
    calls = 0

    def dies_on_the_third_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt("killed")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(backfill, "store_batch", dies_on_the_third_batch)
    with pytest.raises(BaseException, match="killed"):
        backfill.backfill_warc([str(warc)], source="cc-news", db_path=str(db_path), batch_size=2)
    assert rows(db_path, "SELECT count(*) FROM articles WHERE NOT is_seed") == [(4,)]
    monkeypatch.setattr(backfill, "store_batch", real_store)
    again = backfill.backfill_warc([str(warc)], source="cc-news", db_path=str(db_path), batch_size=2)
    assert again.already_stored == 5 and again.stored_articles == 1  # four stored, the council page skipped
    urls = [r[0] for r in rows(db_path, "SELECT url FROM articles WHERE NOT is_seed")]
    assert sorted(urls) == sorted([u for u, _ in pages] + ["https://c.example/defence"])
    assert rows(db_path, "SELECT count(*) - count(DISTINCT url) FROM skipped_entries") == [(0,)]
