"""Same-story linking on labelled documents: pairwise precision/recall/F1 and B-cubed F1.

    python -m bench.stories --docs docs.jsonl --pairs pairs.tsv

Each document goes through the flow's own storing step (fingerprints, dedup ladder, same-story
stage, DuckDB load) in batches like the flow's, in file order, into a temporary DuckDB file; then the
stored story ids are compared with the labels. Documents carry no dates, so no time window applies.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from extractors.analysis import analyze_article
from extractors.article.urls import article_id
from extractors.records import Article
from flows.ingest.batches import store_analyzed
from flows.seed_files import load_taxonomy
from flows.settings import DEFAULT_TOPICS
from warehouse import db

BATCH = 25


def load_docs(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_pairs(path: Path) -> list[tuple[str, str, bool]]:
    pairs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[2] in ("0", "1"):
                pairs.append((cols[0], cols[1], cols[2] == "1"))
    return pairs


def as_article(doc: dict[str, str]) -> Article:
    url = f"bench://stories/{doc['doc_id']}"
    return Article(article_id=article_id(url), url=url, source="bench", title="", text=doc["text"])


def assign_stories(docs: list[dict[str, str]], db_path: Path) -> dict[str, str]:
    taxonomy = load_taxonomy(DEFAULT_TOPICS)
    articles = [as_article(d) for d in docs]
    con = db.connect(db_path)
    try:
        for start in range(0, len(articles), BATCH):
            store_analyzed(
                con, [analyze_article(a, taxonomy, None) for a in articles[start : start + BATCH]], "bench-stories"
            )
        story_of = dict(con.execute("SELECT article_id, story_id FROM article_stories").fetchall())
    finally:
        con.close()
    return {d["doc_id"]: story_of[a.article_id] for d, a in zip(docs, articles, strict=True)}


def pair_scores(story: dict[str, str], pairs: list[tuple[str, str, bool]]) -> tuple[float, float, float]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, required=True)
    args = parser.parse_args()
    docs = load_docs(args.docs)
    known = {d["doc_id"] for d in docs}
    pairs = [p for p in load_pairs(args.pairs) if p[0] in known and p[1] in known]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        story = assign_stories(docs, Path(tmp) / "stories.duckdb")
    seconds = time.perf_counter() - started
    precision, recall, f1 = pair_scores(story, pairs)
    gold = {d["doc_id"]: d["cluster"] for d in docs}
    print(
        f"docs={len(docs)} stories={len(set(story.values()))} clusters={len(set(gold.values()))} seconds={seconds:.1f}"
    )
    print(
        f"pairs={len(pairs)} precision={precision:.3f} recall={recall:.3f} f1={f1:.3f}"
        f" bcubed_f1={bcubed_f1(story, gold):.3f}"
    )


if __name__ == "__main__":
    main()
