"""Does a change to the per-page analysis keep its output? Everything a worker returns for each page, written
before the change and compared after it.

    python -m bench.analysis_same --html-dir ../shared/data/extraction-dev/html --write /tmp/before.json
    python -m bench.analysis_same --html-dir ../shared/data/extraction-dev/html --against /tmp/before.json

Each page goes through `analyze_pages` with the bundled taxonomy and gazetteer, as in a run; the record kept is
the article (text, title, date, author, URL, site, language, aliases), its fingerprint, tags, entities, story
profile and the raw page as stored (decompressed: the compressor may change, the page may not), or the reason
a page was rejected. Last line: pages=N differing=K.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
from pathlib import Path
from typing import Any

from bench.extraction import page_id, read_html
from extractors.analysis import analyze_pages
from extractors.article.urls import canonical_url
from extractors.records import AnalyzedArticle, FeedEntry, FetchedPage, Rejection
from flows.seed_files import load_tagging, seed_paths


def _page(key: str, html: bytes) -> FetchedPage:
    url = f"https://news.example.org/{key}"
    entry = FeedEntry(source="bench", link=url, title=f"Story {key}")
    return FetchedPage(entry=entry, canonical_url=canonical_url(url), final_url=url, status=200, html=html)


def _record(result: AnalyzedArticle | Rejection, html: bytes) -> dict[str, Any]:
    if isinstance(result, Rejection):
        return {"rejected": result.reason}
    record = dataclasses.asdict(result)
    record["raw_page_kept"] = gzip.decompress(result.raw_gzip) == html
    del record["raw_gzip"]
    return json.loads(json.dumps(record, default=str))


def analyze_dir(html_dir: Path) -> dict[str, dict[str, Any]]:
    seeds = seed_paths()
    models = load_tagging(seeds["topics"], seeds["entities"]).models()
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in html_dir.iterdir() if p.name.endswith((".html", ".html.gz"))):
        key, html = page_id(path), read_html(path)
        analyzed, rejected = analyze_pages([_page(key, html)], *models)
        out[key] = _record((analyzed or rejected)[0], html)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the analysis of every page to this JSON file")
    group.add_argument("--against", type=Path, help="compare with the analysis a --write run saved")
    args = parser.parse_args()
    now = analyze_dir(args.html_dir)
    if args.write:
        args.write.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        print(f"pages={len(now)} differing=0")
        return
    before = json.loads(args.against.read_text(encoding="utf-8"))
    differing = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differing:
        old, new = before.get(key) or {}, now.get(key) or {}
        print(f"{key}: {', '.join(sorted(f for f in old.keys() | new.keys() if old.get(f) != new.get(f)))}")
    print(f"pages={len(before.keys() | now.keys())} differing={len(differing)}")


if __name__ == "__main__":
    main()
