"""New articles for bench.dedup_scale: real texts remixed into distinct related articles, some undated.

Each text's remixes keep about 60% of its sentences, take three sentences of another text, shift its
numbers and get a title and URL of their own, so some end up near-copies or one story, as news does.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from extractors.records import Article, FeedEntry, FetchedPage

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
NUMBER = re.compile(r"\b\d+\b")
TODAY = date(2026, 2, 20)
SEED = 20260220


def read_texts(html_dir: Path | None, articles: Path | None) -> list[tuple[str, str]]:
    from extractors.article.extract import ExtractionError, extract_article

    texts: list[tuple[str, str]] = []
    if html_dir is not None:
        for path in sorted(html_dir.iterdir()):
            if not path.name.endswith((".html", ".html.gz")):
                continue
            raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
            url = f"https://pages.example/{path.name}"
            page = FetchedPage(
                entry=FeedEntry(source="pages", link=url), canonical_url=url, final_url=url, status=200, html=raw
            )
            try:
                article = extract_article(page)
            except ExtractionError:
                continue
            texts.append((article.title, article.text))
    if articles is not None:
        for line in articles.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row.get("title") or "", row.get("text") or ""))
    texts = [(title, text) for title, text in texts if len(text) > 400]
    if not texts:
        raise SystemExit("no usable article texts: give --html-dir and/or --articles")
    return texts


def shift_numbers(text: str, shift: int) -> str:
    return NUMBER.sub(lambda m: str(int(m.group()) + shift), text)


def is_undated(j: int, share: float) -> bool:
    """Spreads the undated articles evenly: int((j + 1) * share) steps up at every share-th article."""
    return int((j + 1) * share) > int(j * share)


def remix(texts: list[tuple[str, str]], count: int, undated_share: float, seen_date: bool) -> list[Article]:
    """Distinct articles from real texts; a text's remixes are related (some end up near-copies or one story)."""
    from extractors.article.urls import article_id

    made = []
    for j in range(count):
        rng = random.Random(SEED + j)
        title, text = texts[j % len(texts)]
        other = SENTENCE_END.split(texts[(j * 7 + 3) % len(texts)][1])
        sentences = [s for s in SENTENCE_END.split(text) if rng.random() < 0.6]
        for s in rng.sample(other, min(3, len(other))):
            sentences.insert(rng.randrange(len(sentences) + 1), s)
        body = shift_numbers(" ".join(sentences), rng.randrange(1, 90))
        url = f"https://bench-{j % 20}.example/story/{j}"
        undated = is_undated(j, undated_share)
        made.append(
            Article(
                article_id=article_id(url),
                url=url,
                source=f"bench-{j % 20}",
                title=f"{title} ({rng.choice(['update', 'analysis', 'report', 'live'])} {j})",
                text=body,
                published=None if undated else TODAY - timedelta(days=j % 3),
                seen_on=TODAY if seen_date else None,
                language="en",
                # the flow keeps each page gzipped in raw_pages: give the load that row to write too
                raw_html=f"<html><body><h1>{title}</h1><p>{body}</p></body></html>".encode(),
            )
        )
    return made


def real_terms(articles: list[Article]) -> list[str]:
    """The story terms of the new articles, by how many of them hold each term (most common first)."""
    from extractors.dedup.story_profile import story_profile

    df: Counter[str] = Counter()
    for a in articles:
        df.update(term for term, _ in story_profile(a).counts)
    return [term for term, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))]
