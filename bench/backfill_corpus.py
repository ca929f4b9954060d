"""The archive bench/backfill.py reads: real pages replicated under distinct URLs, with on-topic pages
mixed in at a given share, written as one gzipped WARC (warcio, so the reader under test does not write it).

On-topic pages are real pages too, each with sentences of a seed article (seeds/corpus/) inserted at the
start of its longest paragraph, so the page's own markup, boilerplate and size stay as they were. Whether
each page is on the topic is decided afterwards by the full path (extraction, then the full-text verdict),
not by how it was made.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors.article.charset import decode_body
from extractors.article.extract import ExtractionError, extract_article
from extractors.records import FeedEntry, FetchedPage
from extractors.tagging.relevance import RelevanceQuery, judge_text

LONG_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(?=[^<]{120,})", re.IGNORECASE)
PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>", re.IGNORECASE)
SENTENCES_PER_PAGE = 3


@dataclass(frozen=True, kw_only=True)
class Record:
    url: str
    body: bytes
    made_on_topic: bool


def seed_sentences(corpus_dir: Path) -> list[str]:
    """Sentences of the seed articles that name India and Russia both, or one of them: the inserted text."""
    sentences: list[str] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 60 < len(s.strip()) < 400)
    named = [s for s in sentences if re.search(r"\bIndia", s) and re.search(r"\bRussia", s)]
    return named or sentences


def with_sentences(page: bytes, sentences: list[str]) -> bytes:
    """`page` with `sentences` at the start of its longest-looking paragraph (else its first one)."""
    text, encoding = decode_body(page)
    anchor = LONG_PARAGRAPH.search(text) or PARAGRAPH.search(text)
    insert = " ".join(sentences) + " "
    if anchor is None:
        text = text.replace("<body", f"<body><p>{insert}</p><div", 1) if "<body" in text else insert + text
    else:
        text = text[: anchor.end()] + insert + text[anchor.end() :]
    return text.encode(encoding, errors="replace")


def build_records(pages: list[bytes], sentences: list[str], n_records: int, on_topic_share: float) -> list[Record]:
    """`n_records` records, one in every 1/share of them made on the topic, the others the pages as they are."""
    every = max(1, round(1 / on_topic_share)) if on_topic_share > 0 else 0
    records = []
    for i in range(n_records):
        page = pages[i % len(pages)]
        made = bool(every) and i % every == every // 2
        if made:
            start = (i // every * SENTENCES_PER_PAGE) % len(sentences)
            chosen = [sentences[(start + k) % len(sentences)] for k in range(SENTENCES_PER_PAGE)]
            page = with_sentences(page, chosen)
        records.append(Record(url=f"https://site{i % 40}.example/news/{i}", body=page, made_on_topic=made))
    return records


def write_warc(path: Path, records: list[Record]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for record in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(record.url, "response", payload=io.BytesIO(record.body), http_headers=headers)
            )


def full_path_keeps(query: RelevanceQuery, url: str, body: bytes) -> bool:
    page = FetchedPage(
        entry=FeedEntry(source="bench", link=url), canonical_url=url, final_url=url, status=200, html=body
    )
    try:
        article = extract_article(page)
    except ExtractionError:
        return False
    return judge_text(query, article.title, article.text).decision == "relevant"


def on_topic_urls(query: RelevanceQuery, records: list[Record]) -> set[str]:
    """The records the full path keeps; each distinct page is extracted once."""
    verdicts: dict[bytes, bool] = {}
    kept = set()
    for record in records:
        if record.body not in verdicts:
            verdicts[record.body] = full_path_keeps(query, record.url, record.body)
        if verdicts[record.body]:
            kept.add(record.url)
    return kept
