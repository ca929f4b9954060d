"""Same-story linking on labelled documents: pairwise precision/recall/F1 and B-cubed F1.

    python -m bench.stories --docs docs.jsonl [--pairs pairs.tsv] [--half even|odd] [--batch N]

Each document ({doc_id, cluster, text} and optionally topic, title, lang, date as YYYY-MM-DD) goes through
the flow's own storing step (fingerprints, dedup ladder, same-story stage, DuckDB load) with the flow's
gazetteer, in batches of --batch in file order, into a temporary DuckDB file; then the stored story ids are
compared with the labels. With dates, the time window and half-life apply as in the flow. Without --pairs,
every pair of documents is labelled by their clusters.

Documents with a numeric `topic` are split into two halves by topic ((topic - 1) // 2 even or odd: ECB+
topics 1, 5, 9, ... and 3, 7, 11, ...), so settings can be tuned on one half and checked on the other. Each
half runs on its own, in a database of its own. Without --half the bench reports the whole set and both
halves; with it, that half only. Pairs whose documents differ in `lang` are also scored alone (xl_*).
The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import flows.ingest.batches as batches
from extractors.analysis import analyze_article
from extractors.article.urls import article_id
from extractors.dedup.story_profile import story_profile
from extractors.records import Article
from extractors.tagging.entities import extract_entities
from flows.seed_files import load_gazetteer, load_taxonomy
from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS
from warehouse import db

BATCH = 25  # the flow's default batch size
T = TypeVar("T")
Pair = tuple[str, str, bool]


def load_docs(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_pairs(path: Path) -> list[Pair]:
    pairs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[2] in ("0", "1"):
                pairs.append((cols[0], cols[1], cols[2] == "1"))
    return pairs


def cluster_pairs(docs: list[dict[str, Any]]) -> list[Pair]:
    return [(a["doc_id"], b["doc_id"], a["cluster"] == b["cluster"]) for a, b in itertools.combinations(docs, 2)]


def half_of(doc: dict[str, Any]) -> str | None:
    topic = str(doc.get("topic", ""))
    return ("even" if ((int(topic) - 1) // 2) % 2 == 0 else "odd") if topic.isdigit() else None


def as_article(doc: dict[str, Any]) -> Article:
    url = f"bench://stories/{doc['doc_id']}"
    return Article(
        article_id=article_id(url),
        url=url,
        source="bench",
        title=doc.get("title", ""),
        text=doc["text"],
        language=doc.get("lang"),
        published=date.fromisoformat(doc["date"]) if doc.get("date") else None,
    )


class StageClock:
    """CPU seconds spent in one part of the stories stage (CPU time: the build machine is shared, so wall
    time would measure the neighbours; DuckDB's threads count too)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function: Callable[..., T]) -> Callable[..., T]:
        def timed(*args: Any, **kwargs: Any) -> T:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - started

        return timed


def assign_stories(
    docs: list[dict[str, Any]], db_path: Path, batch: int = BATCH
) -> tuple[dict[str, str], dict[str, float]]:
    """Each document's stored story, and the seconds the stories stage took: the story profiles (in the
    analysis), the warehouse look-ups and the linking."""
    taxonomy, gazetteer = load_taxonomy(DEFAULT_TOPICS), load_gazetteer(DEFAULT_ENTITIES)
    articles = [as_article(d) for d in docs]
    clocks = {"profile": StageClock(), "lookup": StageClock(), "link": StageClock()}
    for a in articles:
        clocks["profile"].wrap(story_profile)(a, extract_entities(a, gazetteer))
    index, link = batches.warehouse_stories.story_index, batches.link_stories
    con = db.connect(db_path)
    try:
        batches.warehouse_stories.story_index = clocks["lookup"].wrap(index)
        batches.link_stories = clocks["link"].wrap(link)
        for start in range(0, len(articles), batch):
            analyzed = [analyze_article(a, taxonomy, gazetteer) for a in articles[start : start + batch]]
            batches.store_analyzed(con, analyzed, "bench-stories")
        story_of = dict(con.execute("SELECT article_id, story_id FROM article_stories").fetchall())
    finally:
        batches.warehouse_stories.story_index, batches.link_stories = index, link
        con.close()
    stories = {d["doc_id"]: story_of[a.article_id] for d, a in zip(docs, articles, strict=True)}
    return stories, {name: clock.seconds for name, clock in clocks.items()}


def pair_scores(story: dict[str, str], pairs: list[Pair]) -> tuple[float, float, float]:
    tp = sum(1 for a, b, same in pairs if same and story[a] == story[b])
    fp = sum(1 for a, b, same in pairs if not same and story[a] == story[b])
    fn = sum(1 for a, b, same in pairs if same and story[a] != story[b])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def bcubed_f1(story: dict[str, str], gold: dict[str, str]) -> float:
    members: dict[str, set[str]] = defaultdict(set)
    truth: dict[str, set[str]] = defaultdict(set)
    for doc, s in story.items():
        members[s].add(doc)
        truth[gold[doc]].add(doc)
    precision = sum(len(members[story[d]] & truth[gold[d]]) / len(members[story[d]]) for d in story) / len(story)
    recall = sum(len(members[story[d]] & truth[gold[d]]) / len(truth[gold[d]]) for d in story) / len(story)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(name: str, docs: list[dict[str, Any]], pairs: list[Pair], batch: int) -> dict[str, str]:
    """Run one set of documents in a database of its own; print its figures and return them."""
    known = {d["doc_id"]: d for d in docs}
    pairs = [p for p in pairs if p[0] in known and p[1] in known]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        story, stage_seconds = assign_stories(docs, Path(tmp) / "stories.duckdb", batch)
    per_article = {name: 1000 * seconds / max(len(docs), 1) for name, seconds in stage_seconds.items()}
    seconds = time.perf_counter() - started
    precision, recall, f1 = pair_scores(story, pairs)
    gold = {d["doc_id"]: d["cluster"] for d in docs}
    figures = {
        "docs": str(len(docs)),
        "stories": str(len(set(story.values()))),
        "clusters": str(len(set(gold.values()))),
        "pairs": str(len(pairs)),
        "precision": f"{precision:.3f}",
        "recall": f"{recall:.3f}",
        "f1": f"{f1:.3f}",
        "bcubed_f1": f"{bcubed_f1(story, gold):.3f}",
        "stories_ms_per_article": f"{sum(per_article.values()):.2f}",
        "profile_ms": f"{per_article['profile']:.2f}",
        "lookup_ms": f"{per_article['lookup']:.2f}",
        "link_ms": f"{per_article['link']:.2f}",
        "seconds": f"{seconds:.1f}",
    }
    cross = [p for p in pairs if known[p[0]].get("lang") != known[p[1]].get("lang")]
    if cross:
        xl_precision, xl_recall, xl_f1 = pair_scores(story, cross)
        figures |= {
            "xl_pairs": str(len(cross)),
            "xl_precision": f"{xl_precision:.3f}",
            "xl_recall": f"{xl_recall:.3f}",
            "xl_pair_f1": f"{xl_f1:.3f}",
        }
    print(f"[{name}] " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, help="doc_a, doc_b, label (1 or 0) per line; default: by cluster")
    parser.add_argument("--half", choices=("even", "odd"), help="run only this half of the topics")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"documents per stored batch (default {BATCH})")
    args = parser.parse_args()
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    docs = load_docs(args.docs)
    pairs = load_pairs(args.pairs) if args.pairs else cluster_pairs(docs)
    halves = {h: [d for d in docs if half_of(d) == h] for h in ("even", "odd")}
    runs = {args.half: halves[args.half]} if args.half else {"all": docs, **{h: d for h, d in halves.items() if d}}
    results = {name: score(name, run_docs, pairs, args.batch) for name, run_docs in runs.items() if run_docs}
    last = {"batch": str(args.batch)}
    for name, figures in results.items():
        suffix = "" if name in ("all", args.half) else f"_{name}"
        last |= {f"{k}{suffix}": v for k, v in figures.items() if k not in ("docs", "clusters", "pairs", "seconds")}
    print(" ".join(f"{k}={v}" for k, v in last.items()))


if __name__ == "__main__":
    main()
