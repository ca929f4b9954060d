"""python -m bench.feeds DIR [--relevance]: serve every file under DIR as a feed on 127.0.0.1, ingest them all.

The client runs loopback-only, as in tests: article links to other hosts are refused and recorded, and nothing
leaves the machine. Relevance is off by default so every entry's link goes down the fetch path.
Last line: feeds=N with_entries=A recorded_errors=B crashed=C (A+B must equal N, C must be 0).
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from pathlib import Path

from tests.support.localserve import CountingServer, bench_environment, prefect_session, run_ingest, write_sources


def main(argv: list[str]) -> None:
    if not argv or argv[0].startswith("-"):
        raise SystemExit(__doc__)
    root = Path(argv[0]).resolve()
    relevance = "--relevance" in argv
    bench_environment()
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    from warehouse import db

    with tempfile.TemporaryDirectory() as tmp, CountingServer(root) as server, prefect_session():
        sources = Path(tmp) / "feeds.toml"
        write_sources(sources, server.base_url, files)
        db_path = Path(tmp) / "bench.duckdb"
        started = time.monotonic()
        crashed: list[str] = []
        try:
            summary = run_ingest(db_path=str(db_path), feeds_file=str(sources), capture=False, relevance=relevance)
        except Exception:
            traceback.print_exc()
            summary = None
        if summary is None:
            # The run died: find which feeds kill it by running each alone.
            for rel in files:
                one = Path(tmp) / "one.toml"
                write_sources(one, server.base_url, [rel])
                try:
                    run_ingest(
                        db_path=str(Path(tmp) / "one.duckdb"), feeds_file=str(one), capture=False, relevance=relevance
                    )
                except Exception:
                    crashed.append(rel)
        seconds = time.monotonic() - started
        con = db.connect(db_path)
        try:
            polls = con.execute(
                "SELECT source, max(entries) > 0, bool_or(error IS NOT NULL) FROM feed_polls GROUP BY source"
            ).fetchall()
            refused = con.execute(
                "SELECT count(*) FROM fetch_events WHERE target = 'page' AND error LIKE 'RefusedHost%'"
            ).fetchone()
            pages = con.execute("SELECT count(*) FROM fetch_events WHERE target = 'page'").fetchone()
            silent = [s for s, has_entries, failed in polls if not has_entries and not failed]
        finally:
            con.close()
    with_entries = sum(1 for _, has_entries, _ in polls if has_entries)
    errors = sum(1 for _, has_entries, failed in polls if failed and not has_entries)
    for name in silent:
        print(f"no entries and no error: {name}")
    if summary is not None:
        print(f"summary feeds={summary.feeds} entries={summary.entries} fetch_errors={summary.fetch_errors}")
    print(
        f"requests={server.requests['total']} page_requests={pages[0] if pages else 0}"
        f" pages_refused={refused[0] if refused else 0} seconds={seconds:.1f} relevance={relevance}"
    )
    print(f"feeds={len(files)} with_entries={with_entries} recorded_errors={errors} crashed={len(crashed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
