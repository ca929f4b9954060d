"""Near-copies of real pages through the dedup ladder: recall and precision.

    python -m bench.neardup --html-dir DIR      (DIR holds *.html or *.html.gz pages)

Each page is extracted and stored as an original. Then five copies of each are built the way
syndication and scrapers make them, each in another site's page template, and extracted again:
other boilerplate; 10% of sentences dropped; a changed headline; punctuation and spacing edits;
and a mix of all four. Every copy goes through the flow's storing step. A copy counts as found
when the ladder flags it as a duplicate of its own original; any other duplicate verdict (on a copy
or on an original) is a false positive.
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from extractors.analysis import analyze_article
from extractors.article.extract import ExtractionError, extract_article
from extractors.records import Article, FeedEntry, FetchedPage
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_taxonomy
from flows.settings import DEFAULT_TOPICS
from warehouse import db

BATCH = 25
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SEED = 20251205


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def page_to_article(raw: bytes, url: str, source: str) -> Article:
    page = FetchedPage(entry=FeedEntry(source=source, link=url), canonical_url=url, final_url=url, status=200, html=raw)
    return extract_article(page)


def render(title: str, paragraphs: list[str], template: int) -> bytes:
    """An article page in one of several made-up site templates, each with its own furniture."""
    nav = " | ".join(f'<a href="/s{template}/{w}">{w.title()}</a>' for w in ("home", "world", "business", "sport"))
    related = "".join(
        f'<li><a href="/r{template}/{i}">Related story number {i} from site {template}</a></li>' for i in range(6)
    )
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html lang='en'><head><title>{html.escape(title)} - Site {template}</title></head><body>"
        f"<header><nav>{nav}</nav><div class='promo'>Subscribe to Site {template} for daily briefings</div></header>"
        f"<main><article><h1>{html.escape(title)}</h1><div class='byline'>Staff writer, Site {template}</div>"
        f"{body}</article>"
        f"<aside><h3>More from Site {template}</h3><ul>{related}</ul></aside></main>"
        f"<footer>Copyright Site {template}. All rights reserved. Terms | Privacy | Contact</footer></body></html>"
    ).encode()


def _sentences(paragraphs: list[str]) -> list[list[str]]:
    return [SENTENCE_END.split(p) for p in paragraphs]


def drop_sentences(paragraphs: list[str], rng: random.Random, share: float = 0.1) -> list[str]:
    out = []
    for sentences in _sentences(paragraphs):
        kept = [s for s in sentences if rng.random() >= share]
        if kept:
            out.append(" ".join(kept))
    return out


def edit_punctuation(paragraphs: list[str], rng: random.Random) -> list[str]:
    swaps = [("\u201c", '"'), ("\u201d", '"'), ("'", "\u2019"), (" - ", " \u2014 "), (",", " ,"), (".", ". ")]
    out = []
    for p in paragraphs:
        for a, b in swaps:
            if rng.random() < 0.7:
                p = p.replace(a, b)
        out.append(p)
    return out


def new_headline(title: str) -> str:
    words = title.split()
    return "UPDATE: " + " ".join(reversed(words[: max(3, len(words) // 2)])) + " (report)"


Variant = Callable[[str, list[str], random.Random], tuple[str, list[str]]]
VARIANTS: dict[str, Variant] = {
    "boilerplate": lambda t, ps, rng: (t, ps),
    "dropped": lambda t, ps, rng: (t, drop_sentences(ps, rng)),
    "headline": lambda t, ps, rng: (new_headline(t), ps),
    "punctuation": lambda t, ps, rng: (t, edit_punctuation(ps, rng)),
    "mix": lambda t, ps, rng: (new_headline(t), edit_punctuation(drop_sentences(ps, rng), rng)),
}


def build_copies(originals: list[Article]) -> list[tuple[Article, str, str]]:
    """(copy, its original's id, variant) for every original and variant that extracts."""
    rng = random.Random(SEED)
    copies = []
    for n, original in enumerate(originals):
        paragraphs = [p for p in original.text.split("\n") if p.strip()]
        for v, (name, make) in enumerate(VARIANTS.items()):
            title, ps = make(original.title or paragraphs[0][:80], paragraphs, rng)
            url = f"https://copy{v}.example/{name}/{n}"
            try:
                copy = page_to_article(render(title, ps, template=v), url, f"copies-{name}")
            except ExtractionError:
                continue
            copies.append((copy, original.article_id, name))
    return copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html-dir", type=Path, required=True)
    parser.add_argument("--verbose", action="store_true", help="list missed copies and wrong matches")
    args = parser.parse_args()
    pages = sorted(p for p in args.html_dir.iterdir() if p.name.endswith((".html", ".html.gz")))
    originals = []
    for path in pages:
        try:
            originals.append(page_to_article(read_page(path), f"https://original.example/{path.name}", "originals"))
        except ExtractionError:
            continue
    copies = build_copies(originals)
    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        con = db.connect(Path(tmp) / "neardup.duckdb")
        for start in range(0, len(originals), BATCH):
            store_analyzed(
                con, [analyze_article(a, taxonomy, None) for a in originals[start : start + BATCH]], "bench-neardup"
            )
        copy_articles = [c for c, _, _ in copies]
        for start in range(0, len(copy_articles), BATCH):
            store_analyzed(
                con, [analyze_article(a, taxonomy, None) for a in copy_articles[start : start + BATCH]], "bench-neardup"
            )
        verdicts = {
            aid: (kind, matched)
            for aid, kind, matched in con.execute(
                "SELECT article_id, kind, matched_article_id FROM duplicates"
            ).fetchall()
        }
        con.close()
    seconds = time.perf_counter() - started
    found, wrong = Counter[str](), 0
    for copy, original_id, variant in copies:
        verdict = verdicts.get(copy.article_id)
        if verdict is not None and verdict[1] == original_id:
            found[variant] += 1
        elif verdict is None and args.verbose:
            print("missed", variant, copy.url)
        elif verdict is not None:
            wrong += 1
            if args.verbose:
                print("wrong match", variant, copy.url, verdict)
    wrong += sum(1 for o in originals if o.article_id in verdicts)
    per_variant = Counter(v for _, _, v in copies)
    flagged = sum(found.values()) + wrong
    recall = sum(found.values()) / len(copies) if copies else 0.0
    precision = sum(found.values()) / flagged if flagged else 0.0
    kinds = Counter(v[0] for v in verdicts.values())
    print(f"pages={len(pages)} originals={len(originals)} seconds={seconds:.1f} kinds={dict(sorted(kinds.items()))}")
    print(" ".join(f"{v}={found[v]}/{n}" for v, n in per_variant.items()) + f" false_positives={wrong}")
    print(f"copies={len(copies)} recall={recall:.3f} precision={precision:.3f}")


if __name__ == "__main__":
    main()
