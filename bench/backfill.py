"""WARC backfill speed against trafilatura alone, on an archive where most pages are off the topic.

    python -m bench.backfill --html-dir ../shared/data/extraction-dev/html --on-topic-share 0.02

Writes a gzipped WARC of --records records (the pages replicated, with on-topic pages mixed in at the
share; bench/backfill_corpus.py), then measures, one after the other:

- `warcio_records_per_s`, `fastwarc_records_per_s`: each library reading every record's URL, HTTP
  content type and body;
- `trafilatura_pps`: trafilatura.extract alone on the first --trafilatura-pages records;
- `pages_per_s`: the real backfill flow (flows/backfill.py, as `newswatch backfill-warc` runs it) on the
  whole archive into a new warehouse, after a one-record warm-up run (Prefect and imports);
- `cpu_ratio`: the same ratio in CPU time (this process and its worker processes), which a machine
  shared with other work disturbs less than the wall clock;
- `on_topic_recall`: of the records the full path keeps (extraction, then the full-text verdict, on each
  page alone), the share the backfill stored; `lost_to_screen`: of those, how many the markup screen
  turned away (must be 0).

Last line: key=value pairs, `ratio` = pages_per_s / trafilatura_pps.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import trafilatura

from bench.backfill_corpus import Record, build_records, on_topic_urls, seed_sentences, write_warc
from bench.corpus import read_pages
from flows import seed_files, settings
from flows.ops.prefect_server import prefect_api


def read_with_warcio(path: Path) -> float:
    from warcio.archiveiterator import ArchiveIterator

    started, n = time.perf_counter(), 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                record.rec_headers.get_header("WARC-Target-URI")
                record.http_headers.get_header("Content-Type")
                record.content_stream().read()
                n += 1
    return n / (time.perf_counter() - started)


def read_with_fastwarc(path: Path) -> float:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    started, n = time.perf_counter(), 0
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, auto_decode="all"):
            record.headers.get("WARC-Target-URI")
            record.http_headers.get("Content-Type")
            record.reader.read()
            n += 1
    return n / (time.perf_counter() - started)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the backfill's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_trafilatura(records: list[Record]) -> tuple[float, float]:
    """Pages per second and per CPU second."""
    started, cpu = time.perf_counter(), cpu_seconds()
    for record in records:
        trafilatura.extract(record.body)
    return len(records) / (time.perf_counter() - started), len(records) / (cpu_seconds() - cpu)


def stored_urls(db_path: Path) -> tuple[set[str], set[str]]:
    """URLs stored (as articles or their aliases), and URLs the markup screen skipped."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT alias_url FROM article_aliases").fetchall()}
        stored |= {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
        screened = {r[0] for r in con.execute("SELECT url FROM skipped_entries WHERE stage = 'markup'").fetchall()}
    finally:
        con.close()
    return stored, screened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--on-topic-share", type=float, default=0.02)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--trafilatura-pages", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    query = seed_files.load_query(settings.DEFAULT_RELEVANCE)
    records = build_records(
        read_pages(args.html_dir), seed_sentences(settings.CORPUS_DIR), args.records, args.on_topic_share
    )
    workdir = Path(tempfile.mkdtemp(prefix="newswatch-backfill-"))
    warc = workdir / "archive.warc.gz"
    write_warc(warc, records)
    write_warc(workdir / "warm-up.warc.gz", records[:1])
    truth = on_topic_urls(query, records)
    print(f"{len(records)} records, {len(truth)} on the topic by the full path", flush=True)
    warcio_rps = read_with_warcio(warc)
    fastwarc_rps = read_with_fastwarc(warc)
    print(f"read: warcio {warcio_rps:.0f} records/s, fastwarc {fastwarc_rps:.0f} records/s", flush=True)
    traf_pps, traf_cpu_pps = time_trafilatura(records[: args.trafilatura_pages])
    print(f"trafilatura.extract alone: {traf_pps:.1f} pages/s", flush=True)
    from flows.backfill import backfill_warc

    db_path = workdir / "bench.duckdb"
    with prefect_api():
        backfill_warc([str(workdir / "warm-up.warc.gz")], source="bench", db_path=str(workdir / "warm-up.duckdb"))
        started, cpu = time.perf_counter(), cpu_seconds()
        summary = backfill_warc([str(warc)], source="bench", db_path=str(db_path), batch_size=args.batch_size)
        elapsed, cpu_used = time.perf_counter() - started, cpu_seconds() - cpu
    pps, cpu_pps = len(records) / elapsed, len(records) / cpu_used
    stored, screened = stored_urls(db_path)
    recall = len(truth & stored) / len(truth) if truth else 1.0
    print(f"backfill: {pps:.1f} pages/s; {summary}", flush=True)
    print(
        f"records={len(records)} on_topic={len(truth)} pages_per_s={pps:.1f} trafilatura_pps={traf_pps:.1f}"
        f" ratio={pps / traf_pps:.2f} cpu_ratio={cpu_pps / traf_cpu_pps:.2f}"
        f" on_topic_recall={recall:.3f} lost_to_screen={len(truth & screened)}"
        f" extracted={summary.records - summary.skipped_unextracted - summary.already_stored}"
        f" warcio_records_per_s={warcio_rps:.0f} fastwarc_records_per_s={fastwarc_rps:.0f}"
    )


if __name__ == "__main__":
    main()
