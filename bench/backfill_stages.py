"""Where a WARC backfill's CPU goes, stage by stage, per record, in one process.

    python -m bench.backfill_stages --html-dir ../shared/data/extraction-dev/html --records 1000

The archive of bench/backfill.py (bench/backfill_corpus.py: the pages replicated, on-topic pages mixed in at
--on-topic-share), then each stage of the backfill alone over every record, in CPU time (process_time):
reading the WARC (FastWARC, canonical URLs), pickling a page to a worker process and back, the markup
screen (decoding, the one markup regex pass, the rest of the readable text, folding and the needle scans,
then the whole `judge_markup`), extraction and the full-text verdict of the pages the screen lets through,
and trafilatura.extract alone on the first --trafilatura-pages records, the bench's yardstick. The flow's
own work (warehouse look-ups and loads, Prefect, starting the workers) is not in it: bench/backfill.py's
`cpu_ratio` has everything.

Last line: key=value pairs, each `*_ms` a mean over all records (so extraction counts once per record
whether or not the record was extracted), `budget_ms` the CPU per record that a ratio of 10 allows in one
process.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import trafilatura

from bench.backfill_corpus import build_records, seed_sentences, write_warc
from bench.corpus import read_pages
from extractors.article.charset import decode_body
from extractors.article.extract import ExtractionError, extract_article
from extractors.records import Article, FetchedPage
from extractors.sources.warc import iter_warc_pages
from extractors.tagging.markup_screen import judge_markup, markup_screen
from extractors.tagging.markup_text import MARK, MARKUP, fold, markup_text
from extractors.tagging.relevance import judge_text
from flows import seed_files, settings

T = TypeVar("T")


def cpu_ms(run: Callable[[], object], per: int) -> float:
    started = time.process_time()
    run()
    return (time.process_time() - started) * 1000 / per


def each(run: Callable[[T], object], items: list[T]) -> Callable[[], None]:
    """`run` over the items, each result dropped at once (holding them all would time the allocator)."""

    def loop() -> None:
        for item in items:
            run(item)

    return loop


def read_archive(path: Path) -> list[FetchedPage]:
    with path.open("rb") as stream:
        return [page for page in iter_warc_pages(stream, source="bench") if isinstance(page, FetchedPage)]


def extracted(pages: list[FetchedPage]) -> list[Article]:
    articles = []
    for page in pages:
        try:
            articles.append(extract_article(page))
        except ExtractionError:
            continue
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--on-topic-share", type=float, default=0.02)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--trafilatura-pages", type=int, default=300)
    args = parser.parse_args()
    query = seed_files.load_query(settings.DEFAULT_RELEVANCE)
    screen = markup_screen(query)
    assert screen is not None, "the seed query has a markup screen"
    records = build_records(
        read_pages(args.html_dir), seed_sentences(settings.CORPUS_DIR), args.records, args.on_topic_share
    )
    warc = Path(tempfile.mkdtemp(prefix="newswatch-backfill-stages-")) / "archive.warc.gz"
    write_warc(warc, records)
    n = len(records)
    figures: dict[str, float] = {}
    pages: list[FetchedPage] = []

    def read() -> None:
        pages.extend(read_archive(warc))

    figures["warc_read_ms"] = cpu_ms(read, n)
    figures["pickle_round_trip_ms"] = cpu_ms(each(lambda p: pickle.loads(pickle.dumps(p)), pages), n)
    texts = [decode_body(p.html, p.content_type)[0] for p in pages]
    figures["decode_ms"] = cpu_ms(each(lambda p: decode_body(p.html, p.content_type), pages), n)
    figures["markup_regex_ms"] = cpu_ms(each(MARKUP.split, texts), n)
    readable = [markup_text(text) for text in texts]
    figures["markup_text_ms"] = cpu_ms(each(markup_text, texts), n)
    figures["fold_and_scan_ms"] = cpu_ms(
        each(lambda text: screen.scanner.positions_in(fold(text).replace(MARK, "")), readable), n
    )
    verdicts = [judge_markup(screen, p.html, p.content_type) for p in pages]
    figures["screen_ms"] = cpu_ms(each(lambda p: judge_markup(screen, p.html, p.content_type), pages), n)
    passed = [p for p, v in zip(pages, verdicts, strict=True) if v.decision != "off_topic"]
    articles: list[Article] = []
    figures["extraction_ms"] = cpu_ms(lambda: articles.extend(extracted(passed)), n)
    figures["fulltext_verdict_ms"] = cpu_ms(each(lambda a: judge_text(query, a.title, a.text), articles), n)
    sample = records[: args.trafilatura_pages]
    trafilatura_ms = cpu_ms(each(lambda r: trafilatura.extract(r.body), sample), len(sample))
    relevant = sum(judge_text(query, a.title, a.text).decision == "relevant" for a in articles)
    print(f"{n} records, {len(passed)} let through by the screen, {relevant} on the topic", flush=True)
    figures["backfill_stages_ms"] = sum(
        figures[k] for k in ("warc_read_ms", "pickle_round_trip_ms", "screen_ms", "extraction_ms")
    )
    pairs = " ".join(f"{key}={value:.3f}" for key, value in figures.items())
    print(
        f"records={n} extracted={len(passed)} {pairs} trafilatura_ms={trafilatura_ms:.2f}"
        f" budget_ms={trafilatura_ms / 10:.2f} stage_ratio={trafilatura_ms / figures['backfill_stages_ms']:.2f}"
    )


if __name__ == "__main__":
    main()
