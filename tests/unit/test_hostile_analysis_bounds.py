"""Hostile input to the analysis stage, bounded: a huge page is read up to caps (extraction, then title and
body for tags, entities and story profile), and a page past its time budget is rejected, not lost."""

from __future__ import annotations

from typing import Any

from extractors.records import Article
from extractors.tagging.entities import extract_entities
from extractors.tagging.topics import tag_article
from flows.seed_files import load_gazetteer, load_taxonomy
from tests.support.paths import PROJECT
from tests.support.steps import project_line_budget

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")
GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")

# What a stage reads: the title and the body up to the caps in extractors/reading.py.
FILLER = "The committee met again on Tuesday and will meet again next week. "


def _padded(tail: str, chars: int) -> str:
    """A neutral body of about `chars` characters, then `tail`."""
    return FILLER * (chars // len(FILLER) + 1) + tail


def test_stages_read_the_body_up_to_the_cap_only() -> None:
    from extractors.dedup.story_profile import story_profile

    evidence = "Oil prices and crude oil imports rose, BrahMos said. " * 20
    within = Article(article_id="x", url="http://127.0.0.1/x", source="t", title="", text=_padded(evidence, 5_000))
    past = Article(article_id="x", url="http://127.0.0.1/x", source="t", title="", text=_padded(evidence, 150_000))
    assert "energy" in {t.topic for t in tag_article(within, TAXONOMY)}
    assert "BrahMos" in {e.entity for e in extract_entities(within, GAZETTEER)}
    assert "crude" in dict(story_profile(within).counts)
    assert "energy" not in {t.topic for t in tag_article(past, TAXONOMY)}
    assert "BrahMos" not in {e.entity for e in extract_entities(past, GAZETTEER)}
    assert "crude" not in dict(story_profile(past).counts)
    from extractors.reading import BODY_CHARS

    assert 5_000 < BODY_CHARS < 150_000


def test_a_huge_title_is_read_up_to_its_cap() -> None:
    title = _padded("BrahMos", 2_000)
    article = Article(article_id="x", url="http://127.0.0.1/x", source="t", title=title, text="Nothing here.")
    assert extract_entities(article, GAZETTEER) == ()
    from extractors.reading import TITLE_CHARS

    assert TITLE_CHARS < 2_000


def test_the_cap_cuts_between_words() -> None:
    from extractors.reading import head

    assert head("oil prices rose", 12) == "oil prices"
    assert head("oil prices", 10) == "oil prices"
    assert head("x" * 50, 10) == "x" * 10  # one endless word is cut where the cap falls


def _page(body_html: str) -> Any:
    from extractors.records import FeedEntry, FetchedPage

    html = f"<html lang='en'><head><title>Oil talks</title></head><body><article><h1>Oil talks</h1>{body_html}"
    url = "http://127.0.0.1/huge"
    return FetchedPage(
        entry=FeedEntry(source="t", link=url), canonical_url=url, final_url=url, status=200, html=html.encode()
    )


def test_extraction_reads_a_huge_page_up_to_its_text_cap() -> None:
    from extractors.article.extract import extract_article

    # Each paragraph its own (trafilatura drops repeated ones), together twice the cap.
    paragraphs = "".join(f"<p>Paragraph {n}. {FILLER * 5}</p>" for n in range(3_000))
    article = extract_article(_page("<p>The first paragraph opens the story.</p>" + paragraphs))
    assert article.text.startswith("The first paragraph opens the story.")
    assert len(article.text) < len(paragraphs) // 2
    from extractors.article.extract import PAGE_TEXT_CHARS

    assert len(paragraphs) > 2 * PAGE_TEXT_CHARS
    assert PAGE_TEXT_CHARS // 2 < len(article.text) <= PAGE_TEXT_CHARS


def test_a_page_is_cut_where_its_elements_run_past_the_cap_in_document_order() -> None:
    from lxml.html import fromstring, tostring

    from extractors.article.extract import bounded

    def cut(html: str, **caps: int) -> bytes:
        return tostring(bounded(fromstring(html), **caps))

    page = "<html><body><div><p>a</p><p>b</p></div><p>c</p></body></html>"
    assert cut(page, max_elements=4) == b"<html><body><div><p>a</p></div></body></html>"
    assert cut(page, max_elements=6) == page.encode()
    assert cut(page, max_chars=1) == b"<html><body><div><p>a</p></div></body></html>"
    assert cut("<html><body><script>" + "x" * 99 + "</script><p>a</p></body></html>", max_chars=1).endswith(
        b"<p>a</p></body></html>"
    )


def _clock(*readings: float) -> Any:
    """A clock that reads `readings` in turn, then the last of them forever."""
    values = iter(readings)
    last = [0.0]

    def read() -> float:
        last[0] = next(values, last[0])
        return last[0]

    return read


def test_a_page_past_its_time_budget_is_rejected_and_the_batch_goes_on() -> None:
    from dataclasses import replace

    from extractors.analysis import analyze_pages

    slow = _page(f"<p>Oil prices rose. {FILLER * 8}</p>")
    normal = replace(slow, canonical_url="http://127.0.0.1/normal", final_url="http://127.0.0.1/normal")
    # The slow page starts at 0 and has taken 60 s when its extraction ends; the normal one takes no time.
    analyzed, rejected = analyze_pages(
        [slow, normal], TAXONOMY, GAZETTEER, seconds_per_page=10, clock=_clock(0.0, 60.0, 100.0)
    )
    assert [a.article.url for a in analyzed] == ["http://127.0.0.1/normal"]
    assert [(r.url, r.source) for r in rejected] == [("http://127.0.0.1/huge", "t")]
    assert rejected[0].reason == "analysis took 60.0 s by the end of extraction, over its 10 s budget"


def test_the_budget_is_checked_after_every_stage() -> None:
    from extractors.analysis import analyze_pages

    page = _page(f"<p>Oil prices rose. {FILLER * 8}</p>")
    stages = []
    for readings in range(2, 7):
        # The clock jumps past the budget at its n-th reading: the page stops at the stage that read it.
        clock = _clock(*[0.0] * (readings - 1), 11.0)
        analyzed, rejected = analyze_pages([page], TAXONOMY, GAZETTEER, seconds_per_page=10, clock=clock)
        assert analyzed == [] and len(rejected) == 1
        stages.append(rejected[0].reason.split("by the end of ")[1].split(",")[0])
    assert stages == ["extraction", "fingerprints", "topic tagging", "entities", "the story profile"]
    assert len(analyze_pages([page], TAXONOMY, GAZETTEER, seconds_per_page=10, clock=_clock(0.0))[0]) == 1


def test_a_huge_body_costs_the_stages_no_more_steps_than_one_at_the_cap() -> None:
    from extractors.dedup.story_profile import story_profile

    def analyzed_steps(chars: int, limit: int) -> int:
        text = (FILLER * 9 + "Oil prices rose, BrahMos said. ") * (chars // (len(FILLER) * 9 + 31) + 1)
        article = Article(article_id="x", url="http://127.0.0.1/x", source="t", title="Oil talks", text=text[:chars])
        with project_line_budget(limit) as steps:
            tag_article(article, TAXONOMY)
            extract_entities(article, GAZETTEER)
            story_profile(article)
        return steps[0]

    at_cap = analyzed_steps(100_000, limit=10**8)
    assert analyzed_steps(2_000_000, limit=2 * at_cap) <= 2 * at_cap
