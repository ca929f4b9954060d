"""Topic tagging quality on labelled rows: precision, recall and F1 per (source, label) cell.

    python -m bench.topics [TEST.jsonl] [--train TRAIN.jsonl ...] [--half even|odd] [--topics FILE]
                           [--errors LABEL] [--model MODEL] [--repeat N]

Each row is `{"id", "source", "title", "text", "labels", "judged"}`; only labels in `judged` are scored
for that row. Every row goes through the same `tag_article` the ingest flow uses. Without `--train`, the
shipped taxonomy alone tags (no model ships). With `--train`, a learned model is trained on TRAIN exactly
as `newswatch topics train` does, written to a temporary directory, read back and used beside the
taxonomy. `--half H` scores the rows whose id hashes to half H and trains on the other half of TRAIN (the
test file is TRAIN itself when none is given), so tuning on one half can be checked on the other.
`--model FILE` tags with a model trained before (`newswatch topics train`) instead. `ms_per_article` is
the tagging CPU time per scored row, per source as well; `--repeat N` tags the rows N times and keeps the
fastest pass of each source. Rows without labels (such as ../shared/data/realnews/articles.jsonl) are
timed and score no cells. The last line is `cells=N macro_f1=F`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors.records import Article
from extractors.tagging.taxonomy import Taxonomy
from extractors.tagging.topics import tag_article
from extractors.tagging.training import LabelledRow, train_topic_model
from flows.seed_files import build_topic_model, load_taxonomy
from flows.settings import DEFAULT_TOPICS
from flows.topic_model_files import ModelFileError, load_model, save_model


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


def other_half(half: str | None) -> str | None:
    return {"even": "odd", "odd": "even"}.get(half or "")


def trained_taxonomy(taxonomy: Taxonomy, train_files: list[Path], half: str | None) -> Taxonomy:
    """The taxonomy with a model trained on `train_files` (their `half`), stored and read back from a
    temporary directory as `newswatch topics train` and a run would."""
    rows = [
        LabelledRow(id=r.id, title=r.title, text=r.text, labels=r.labels, judged=r.judged)
        for path in train_files
        for r in read_rows(path, half)
    ]
    trained = train_topic_model(rows, taxonomy)
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-model-") as directory:
        path = Path(directory) / "topic-model.npz"
        save_model(path, trained)
        size = path.stat().st_size
        parsed = load_model(path)
    assert parsed is not None
    print(
        f"trained rows={len(rows)} half={half or 'all'} topics={','.join(trained.meta['topics'])}"
        f" terms={len(trained.terms)} model_bytes={size} thresholds={json.dumps(trained.meta['thresholds'])}"
    )
    return taxonomy.with_model(build_topic_model(parsed))


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


def tag_rows(rows: list[Row], taxonomy: Taxonomy) -> tuple[list[frozenset[str]], dict[str, float]]:
    """Each row's topics, and the CPU seconds tagging took per source."""
    predictions: list[frozenset[str]] = []
    seconds_by_source: dict[str, float] = {}
    for row in rows:
        started = time.process_time()
        predictions.append(predict(row, taxonomy))
        seconds_by_source[row.source] = seconds_by_source.get(row.source, 0.0) + time.process_time() - started
    return predictions, seconds_by_source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.topics", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", help="labelled rows to score, one JSON object per line")
    parser.add_argument("--train", type=Path, nargs="+", metavar="TRAIN", help="train a model on these rows first")
    parser.add_argument("--topics", type=Path, default=DEFAULT_TOPICS, help="taxonomy file")
    parser.add_argument(
        "--half", choices=("even", "odd"), help="score only rows whose id hashes to this half (train on the other)"
    )
    parser.add_argument("--errors", metavar="LABEL", help="print misjudged rows for this label to stderr")
    parser.add_argument(
        "--model", type=Path, metavar="MODEL", help="tag with this model file (from `newswatch topics train`)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="tag the rows N times and time the fastest pass (steadier on a busy machine)",
    )
    args = parser.parse_args(argv)
    test_file = args.file or (args.train[0] if args.train and args.half else None)
    if test_file is None:
        parser.error("give the rows to score (or --train FILE --half even|odd)")

    taxonomy = load_taxonomy(args.topics)
    if args.train:
        taxonomy = trained_taxonomy(taxonomy, args.train, other_half(args.half))
    elif args.model:
        try:
            parsed = load_model(args.model)
        except ModelFileError as exc:
            parser.error(str(exc))
        if parsed is None:
            parser.error(f"no model at {args.model}")
        taxonomy = taxonomy.with_model(build_topic_model(parsed))
    rows = list(read_rows(test_file, args.half))
    predictions, seconds_by_source = tag_rows(rows, taxonomy)
    for _ in range(args.repeat - 1):
        _again, again_by_source = tag_rows(rows, taxonomy)
        seconds_by_source = {source: min(s, again_by_source[source]) for source, s in seconds_by_source.items()}
    seconds = sum(seconds_by_source.values())
    rows_by_source = Counter(row.source for row in rows)
    cells = score_rows(rows, predictions)
    print(
        f"tagger={taxonomy.tagger_version} rows={len(rows)} half={args.half or 'all'} seconds={seconds:.1f}"
        f" ms_per_article={1000 * seconds / max(1, len(rows)):.3f}"
    )
    for source, n in sorted(rows_by_source.items()):
        print(f"timing source={source} rows={n} ms_per_article={1000 * seconds_by_source[source] / n:.3f}")
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
