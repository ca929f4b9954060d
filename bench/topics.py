"""Topic tagging quality on labelled rows: precision, recall and F1 per (source, label) cell.

    python -m bench.topics FILE.jsonl [--topics seeds/topics.toml] [--half even|odd] [--errors LABEL]

Each row is `{"id", "source", "title", "text", "labels", "judged"}`; only labels in `judged` are scored
for that row. Every row goes through the same `tag_article` the ingest flow uses. `--half` keeps the rows
whose id hashes to that half, so the taxonomy can be tuned on one half and checked on the other.
The last line is `cells=N macro_f1=F`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors.records import Article
from extractors.tagging.topics import Taxonomy, tag_article
from flows.seed_files import load_taxonomy
from flows.settings import DEFAULT_TOPICS


@dataclass(frozen=True, kw_only=True)
class Row:
    id: str
    source: str
    title: str
    text: str
    labels: frozenset[str]
    judged: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class Cell:
    source: str
    label: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def row_half(row_id: str) -> str:
    # Salted: the dev file itself may be one half of a split by an unsalted hash of the id.
    digest = hashlib.sha256(f"newswatch-bench-half:{row_id}".encode()).digest()
    return "even" if digest[0] % 2 == 0 else "odd"


def read_rows(path: Path, half: str | None = None) -> Iterator[Row]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            row = Row(
                id=str(raw["id"]),
                source=str(raw["source"]),
                title=raw.get("title") or "",
                text=raw.get("text") or "",
                labels=frozenset(raw.get("labels") or ()),
                judged=frozenset(raw.get("judged") or ()),
            )
            if half is None or row_half(row.id) == half:
                yield row


def predict(row: Row, taxonomy: Taxonomy) -> frozenset[str]:
    article = Article(article_id=row.id, url="", source=row.source, title=row.title, text=row.text)
    return frozenset(tag.topic for tag in tag_article(article, taxonomy))


def score_rows(rows: list[Row], predictions: list[frozenset[str]]) -> list[Cell]:
    counts: Counter[tuple[str, str, str]] = Counter()
    cells: set[tuple[str, str]] = set()
    for row, predicted in zip(rows, predictions, strict=True):
        for label in row.judged:
            cells.add((row.source, label))
            gold, guess = label in row.labels, label in predicted
            if gold and guess:
                counts[(row.source, label, "tp")] += 1
            elif guess:
                counts[(row.source, label, "fp")] += 1
            elif gold:
                counts[(row.source, label, "fn")] += 1
    return [
        Cell(source=s, label=lab, tp=counts[(s, lab, "tp")], fp=counts[(s, lab, "fp")], fn=counts[(s, lab, "fn")])
        for s, lab in sorted(cells)
    ]


def macro_f1(cells: list[Cell]) -> float:
    return sum(c.f1 for c in cells) / len(cells) if cells else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.topics", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="labelled rows, one JSON object per line")
    parser.add_argument("--topics", type=Path, default=DEFAULT_TOPICS, help="taxonomy file")
    parser.add_argument("--half", choices=("even", "odd"), help="score only rows whose id hashes to this half")
    parser.add_argument("--errors", metavar="LABEL", help="print misjudged rows for this label to stderr")
    args = parser.parse_args(argv)

    taxonomy = load_taxonomy(args.topics)
    rows = list(read_rows(args.file, args.half))
    started = time.perf_counter()
    predictions = [predict(row, taxonomy) for row in rows]
    seconds = time.perf_counter() - started
    cells = score_rows(rows, predictions)
    print(f"tagger={taxonomy.tagger_version} rows={len(rows)} half={args.half or 'all'} seconds={seconds:.1f}")
    print(f"{'source':<20} {'label':<9} {'tp':>5} {'fp':>5} {'fn':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for c in cells:
        print(
            f"{c.source:<20} {c.label:<9} {c.tp:>5} {c.fp:>5} {c.fn:>5}"
            f" {c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
        )
    if args.errors:
        for row, predicted in zip(rows, predictions, strict=True):
            if args.errors in row.judged and (args.errors in row.labels) != (args.errors in predicted):
                kind = "FN" if args.errors in row.labels else "FP"
                print(f"{kind} {row.source} {row.id}: {row.title} | {row.text[:160]!r}", file=sys.stderr)
    print(f"cells={len(cells)} macro_f1={macro_f1(cells):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
