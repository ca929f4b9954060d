"""The analysis of one hostile page: a synthetic article as large as the HTTP client lets in, dense with
topic terms and entity aliases, through the per-page analysis the ingest flow runs.

    python -m bench.analysis_worst [--bytes N] [--seed 15] [--inline]     (N: the HTTP client's max_bytes)

The page is one article of distinct paragraphs, each a run of sentences that carry taxonomy terms (with
their wildcards filled in) and gazetteer aliases every few words, so every phrase matcher and overlap check
has work all along the text. It goes through `analyze_pages` (extraction, fingerprints, topic tags, entities,
story profile, the compressed raw page) with the flow's time budget; the stages are also timed one by one.
The last line is `seconds=S chars=N`: the whole analysis, and the characters of article text in the page.
"""

from __future__ import annotations

import argparse
import html
import random
import time
from collections.abc import Callable

from extractors.analysis import analyze_pages
from extractors.article.extract import extract_article
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_profile import story_profile
from extractors.records import FeedEntry, FetchedPage
from extractors.tagging.entities import Gazetteer, extract_entities
from extractors.tagging.taxonomy import Taxonomy
from extractors.tagging.topics import tag_article
from flows.http.records import FetchSettings
from flows.seed_files import load_gazetteer, load_taxonomy
from flows.settings import DEFAULT_ENTITIES, DEFAULT_TOPICS

URL = "http://127.0.0.1/hostile/worst-case"
FILLER_TEXT = (
    "officials said on Monday that the talks would resume next week after both sides had agreed a new"
    " framework for the deal while analysts expect further announcements"
)
FILLER = FILLER_TEXT.split()


def phrases(taxonomy: Taxonomy, gazetteer: Gazetteer) -> list[str]:
    """Every term (wildcards filled in), negative phrase and alias, as a text would write them."""
    terms = [t.phrase for topic in taxonomy.topics for t in topic.terms + topic.negatives]
    return [p.replace("*", "s") for p in terms] + [a.text for a in gazetteer.aliases]


def paragraph(number: int, vocabulary: list[str], rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 6)):
        words = [w for _ in range(rng.randint(3, 6)) for w in (*rng.sample(FILLER, 2), rng.choice(vocabulary))]
        sentences.append(" ".join(words).capitalize() + ".")
    return f"Update {number}: " + " ".join(sentences)


def hostile_page(max_bytes: int, vocabulary: list[str], seed: int, *, inline: bool) -> tuple[FetchedPage, int]:
    """The page, as large as fits in `max_bytes`, and the characters of article text it holds. `inline`:
    one paragraph with every word in a <span> of its own, the markup trafilatura is slowest on."""
    rng = random.Random(seed)
    title = "India and Russia agree oil, S-400 and trade deals as tariffs loom"
    head = f"<html lang='en'><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    tail = "</article></body></html>"
    if inline:
        head, tail = head + "<p>", "</p>" + tail
    parts = [head]
    size, chars, number = len(head) + len(tail), 0, 0
    while True:
        text = paragraph(number, vocabulary, rng)
        if inline:
            part = "".join(f"<span>{html.escape(word)}</span> " for word in text.split())
        else:
            part = f"<p>{html.escape(text)}</p>\n"
        if size + len(part.encode("utf-8")) > max_bytes:
            break
        parts.append(part)
        size, chars, number = size + len(part.encode("utf-8")), chars + len(text), number + 1
    parts.append(tail)
    raw = "".join(parts).encode("utf-8")
    page = FetchedPage(
        entry=FeedEntry(source="bench", link=URL), canonical_url=URL, final_url=URL, status=200, html=raw
    )
    return page, chars


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.analysis_worst", description=__doc__.splitlines()[0])
    parser.add_argument("--bytes", type=int, default=FetchSettings().max_bytes, help="page size (max_bytes)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--inline", action="store_true", help="one paragraph of <span> words instead of paragraphs")
    args = parser.parse_args(argv)

    taxonomy, gazetteer = load_taxonomy(DEFAULT_TOPICS), load_gazetteer(DEFAULT_ENTITIES)
    page, chars = hostile_page(args.bytes, phrases(taxonomy, gazetteer), args.seed, inline=args.inline)

    article = extract_article(page)
    stages = {
        "extract": timed(lambda: extract_article(page)),
        "fingerprint": timed(lambda: fingerprint(article)),
        "tags": timed(lambda: tag_article(article, taxonomy)),
        "entities": timed(lambda: extract_entities(article, gazetteer)),
        "profile": timed(lambda: story_profile(article)),
    }
    print(
        " ".join(f"{stage}={seconds:.2f}" for stage, seconds in stages.items()), f"extracted_chars={len(article.text)}"
    )

    started = time.perf_counter()
    analyzed, rejected = analyze_pages([page], taxonomy, gazetteer)
    seconds = time.perf_counter() - started
    if analyzed:
        result = analyzed[0]
        print(f"bytes={len(page.html)} tags={len(result.tags)} entities={len(result.entities)} rejected=0")
    else:
        print(f"bytes={len(page.html)} rejected={len(rejected)}: {rejected[0].reason}")
    print(f"seconds={seconds:.2f} chars={chars}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
