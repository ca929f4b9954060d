"""python -m bench.incremental [N]: N local feeds (default 50), ingested twice; the second run should cost one
conditional request per feed and parse none. Feeds and pages are generated into a temporary directory.

Last line: feeds=N rerun_requests=R rerun_conditional=C rerun_not_modified=M rerun_parsed=P rerun_new_articles=A
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.support.localserve import CountingServer, bench_environment, prefect_session, run_ingest, write_sources

PAGE = """<html lang="en"><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>New Delhi and Moscow discussed item {i} of feed {f} today. India and Russia reviewed defence supplies,
oil purchases and payment arrangements, officials said, and agreed to meet again next month.</p>
<p>The Indian side raised delivery schedules; the Russian side raised trade balances and rupee settlement.
Both said the partnership remains strategic and that working groups would report before the summit.</p>
</article></body></html>"""


def build(root: Path, base_url: str, feeds: int, items: int) -> list[str]:
    names = []
    for f in range(feeds):
        rows = []
        for i in range(items):
            title = f"India and Russia review cooperation, note {f}-{i}"
            (root / "pages" / f"{f}-{i}").mkdir(parents=True, exist_ok=True)
            (root / "pages" / f"{f}-{i}" / "index.html").write_text(PAGE.format(title=title, i=i, f=f), "utf-8")
            link = f"{base_url}/pages/{f}-{i}/index.html"
            rows.append(f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid></item>")
        name = f"feeds/feed{f:03d}.xml"
        (root / "feeds").mkdir(exist_ok=True)
        (root / name).write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>feed {f}</title>{"".join(rows)}</channel></rss>',
            "utf-8",
        )
        names.append(name)
    return names


def main(argv: list[str]) -> None:
    feeds = int(argv[0]) if argv else 50
    bench_environment()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        with CountingServer(root) as server, prefect_session():
            names = build(root, server.base_url, feeds, items=2)
            sources = Path(tmp) / "feeds.toml"
            write_sources(sources, server.base_url, names)
            db_path = str(Path(tmp) / "bench.duckdb")
            first = run_ingest(db_path=db_path, feeds_file=str(sources), capture=False)
            print(f"first run: feeds={first.feeds} new={first.new_articles} requests={dict(server.requests)}")
            server.requests.clear()
            started = time.monotonic()
            second = run_ingest(db_path=db_path, feeds_file=str(sources), capture=False)
            seconds = time.monotonic() - started
            counts = dict(server.requests)
    print(f"second run: feeds={second.feeds} new_articles={second.new_articles} requests={counts} {seconds:.1f} s")
    print(
        f"feeds={feeds} rerun_requests={counts.get('total', 0)} rerun_conditional={counts.get('conditional', 0)}"
        f" rerun_not_modified={counts.get('304', 0)} rerun_parsed={second.feeds.get('parsed', 0)}"
        f" rerun_new_articles={second.new_articles}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
