"""Extraction quality on pages with ground truth, through the flow's own extraction code.

    python -m bench.extraction --html-dir ../shared/data/extraction-dev/html \
        --truth ../shared/data/extraction-dev/ground-truth.json

`--half even` or `--half odd` scores every other page (in file-name order) alone, so that a change tuned on
one half can be checked on the other.

Metric (the benchmark's): precision and recall over 4-word shingles of \\w+ tokens per page,
macro-averaged; F1 = 2PR/(P+R) of the averages. Last line: pages=N precision=P recall=R f1=F.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from pathlib import Path

from extractors.article.extract import ExtractionError, extract_article
from extractors.article.urls import canonical_url
from extractors.records import FeedEntry, FetchedPage

TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 4) -> set[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    if len(tokens) < k:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def page_scores(predicted: str, truth: str) -> tuple[float, float]:
    got, want = shingles(predicted), shingles(truth)
    if not got and not want:
        return 1.0, 1.0
    overlap = len(got & want)
    precision = overlap / len(got) if got else 0.0
    recall = overlap / len(want) if want else 0.0
    return precision, recall


def read_html(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def page_id(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".html")


def extract_text(html: bytes, url: str) -> str:
    page = FetchedPage(
        entry=FeedEntry(source="bench", link=url),
        canonical_url=canonical_url(url),
        final_url=url,
        status=200,
        html=html,
    )
    try:
        article = extract_article(page)
    except ExtractionError:
        return ""
    return article.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--show-worst", type=int, default=0, help="Print the N pages with the lowest F1.")
    parser.add_argument("--half", choices=["all", "even", "odd"], default="all", help="every page, or every other")
    args = parser.parse_args()
    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    paths = sorted(p for p in args.html_dir.iterdir() if p.name.endswith((".html", ".html.gz")))
    if args.half != "all":
        paths = paths[args.half == "odd" :: 2]
    per_page: list[tuple[str, float, float]] = []
    started = time.perf_counter()
    for path in paths:
        key = page_id(path)
        if key not in truth:
            continue
        expected = truth[key]
        text = extract_text(read_html(path), expected.get("url") or f"http://127.0.0.1/{key}")
        p, r = page_scores(text, expected["articleBody"])
        per_page.append((key, p, r))
    elapsed = time.perf_counter() - started
    n = len(per_page)
    precision = sum(p for _, p, _ in per_page) / n
    recall = sum(r for _, _, r in per_page) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if args.show_worst:
        worst = sorted(per_page, key=lambda x: 2 * x[1] * x[2] / (x[1] + x[2]) if x[1] + x[2] else 0.0)
        for key, p, r in worst[: args.show_worst]:
            print(f"{key} precision={p:.3f} recall={r:.3f}")
    print(f"seconds={elapsed:.1f} pages_per_s={n / elapsed:.1f}")
    print(f"pages={n} precision={precision:.3f} recall={recall:.3f} f1={f1:.3f}")


if __name__ == "__main__":
    main()
