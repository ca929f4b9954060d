"""Labelled rows for `newswatch topics train`: JSON lines in the topics-dev format, and analysts'
corrections from the warehouse.

A file row is `{"id", "title", "text", "labels": [...], "judged": [...]}` (`source` and other keys are
ignored); only the topics in `judged` are known for it. A line that is not such a row is reported, one line
each as `FILE:LINE: reason`, and left out; the rest are used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.tagging.training import LabelledRow
from warehouse.tag_feedback import CorrectedArticle


@dataclass(kw_only=True)
class RowsRead:
    rows: list[LabelledRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _topic_list(raw: object, key: str) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise ValueError(f"{key} must be a list of topic names")
    return frozenset(raw)


def _row(raw: object) -> LabelledRow:
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    if "id" not in raw:
        raise ValueError("no id")
    title, text = raw.get("title") or "", raw.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        raise ValueError("title and text must be strings")
    labels, judged = _topic_list(raw.get("labels"), "labels"), _topic_list(raw.get("judged"), "judged")
    if not judged:
        raise ValueError("judges no topic (judged is empty)")
    if not labels <= judged:
        raise ValueError(f"labels {sorted(labels - judged)} are not in judged")
    return LabelledRow(id=str(raw["id"]), title=title, text=text, labels=labels, judged=judged)


def read_labelled(paths: Iterable[Path], into: RowsRead | None = None) -> RowsRead:
    read = into or RowsRead()
    for path in paths:
        try:
            with path.open(encoding="utf-8", errors="strict") as fh:
                for number, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    try:
                        read.rows.append(_row(json.loads(line)))
                    except ValueError as exc:  # JSONDecodeError is one
                        read.problems.append(f"{path}:{number}: {str(exc).splitlines()[0]}")
        except (OSError, UnicodeDecodeError) as exc:
            read.problems.append(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc})")
    return read


def feedback_rows(articles: Iterable[CorrectedArticle], topics: Iterable[str]) -> list[LabelledRow]:
    """An article an analyst corrected has been read whole: its corrected tags are its labels, and every
    topic of the taxonomy (and each it gave a verdict on) is judged for it."""
    known = frozenset(topics)
    return [
        LabelledRow(
            id=f"feedback:{a.article_id}",
            title=a.title,
            text=a.body,
            labels=a.topics,
            judged=known | a.corrected | a.topics,
        )
        for a in articles
    ]
