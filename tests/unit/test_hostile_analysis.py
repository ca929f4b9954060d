"""Hostile input to the analysis stage: a huge page, dense with topic and entity phrases, must cost no
more than its length (not its length squared), and what a page chooses must not change on normal texts."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest

from extractors.article.seed_text import seed_to_article
from extractors.records import Article
from extractors.tagging.entities import Alias, Gazetteer, _alias_matches, extract_entities
from extractors.tagging.terms import candidates, phrase_spans
from extractors.tagging.topics import Taxonomy, Term, Topic, _in_company_name, _matches, _needle_sites, tag_article
from flows.seed_files import load_gazetteer, load_taxonomy
from tests.support.paths import PROJECT

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")
GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")
PROJECT_CODE = str(PROJECT / "extractors")


# The overlap checks as they were: every match compared with every match taken before it. Kept as the
# reference the linear ones must agree with.
def reference_alias_matches(text: str, gazetteer: Gazetteer) -> list[tuple[int, int, Alias]]:
    positions, aligned = gazetteer.scanner.positions_in(text)
    found = [
        (start, end, alias)
        for alias in (gazetteer.aliases[i] for i in candidates(gazetteer.alias_index, frozenset(positions)))
        for start, end in phrase_spans(alias.text, alias.pattern, alias.needles, text, positions if aligned else None)
    ]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, Alias]] = []
    for start, end, alias in found:
        if not any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            taken.append((start, end, alias))
    return taken


def reference_matches(topic: Topic, text: str, taxonomy: Taxonomy) -> list[tuple[int, int, Term]]:
    present, positions = _needle_sites(taxonomy.scanner, text)
    found = [
        (start, end, topic.terms[i])
        for i in candidates(topic.term_index, present)
        for start, end in topic.terms[i].spans_in(text, positions)
    ]
    if not found:
        return []
    blocked = [
        span for i in candidates(topic.negative_index, present) for span in topic.negatives[i].spans_in(text, positions)
    ]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int, Term]] = []
    for start, end, term in found:
        if any(start < b_end and b_start < end for b_start, b_end in blocked):
            continue
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        if _in_company_name(text, start, end, taxonomy.name_tail):
            continue
        taken.append((start, end, term))
    return taken


def _written(phrase: str, rng: random.Random) -> str:
    """A phrase as a text might carry it: wildcards filled in, spaces as hyphens, in another case."""
    text = phrase.replace("*", rng.choice(["", "s", "ed", "ing"]))
    if rng.random() < 0.2:
        text = text.replace(" ", "-")
    return rng.choice([text, text, text.upper(), text.title(), text.lower()])


def _random_texts(seed: int, count: int, words: int) -> list[str]:
    rng = random.Random(seed)
    phrases = [t.phrase for topic in TAXONOMY.topics for t in topic.terms + topic.negatives]
    phrases += [a.text for a in GAZETTEER.aliases]
    # Joints that make matches overlap, nest and tie, company-name tails, and ordinary words.
    glue = ["", " ", " ", " ", "-", "  ", ". ", "\n\n", " and ", " Ltd", " Corp", " (RELI.NS)", " <ASH>", " the ", "x"]
    return ["".join(_written(rng.choice(phrases), rng) + rng.choice(glue) for _ in range(words)) for _ in range(count)]


def _seed_texts() -> list[str]:
    corpus = sorted((PROJECT / "seeds" / "corpus").iterdir())
    seeds = [seed_to_article(p.name, p.read_text(encoding="utf-8")) for p in corpus]
    return [text for a in seeds for text in (a.title, a.text)]


def test_overlap_choice_is_the_reference_one_on_seeds_and_phrase_dense_texts() -> None:
    texts = _seed_texts() + _random_texts(seed=15, count=40, words=300)
    entity_matches = topic_matches = 0
    for text in texts:
        expected_aliases = reference_alias_matches(text, GAZETTEER)
        chosen_aliases = _alias_matches(text, GAZETTEER)
        assert [(s, e, id(a)) for s, e, a in chosen_aliases] == [(s, e, id(a)) for s, e, a in expected_aliases]
        entity_matches += len(expected_aliases)
        sites = _needle_sites(TAXONOMY.scanner, text)
        for topic in TAXONOMY.topics:
            expected_terms = reference_matches(topic, text, TAXONOMY)
            chosen_terms = _matches(topic, text, sites, TAXONOMY)
            assert [(s, e, id(t)) for s, e, t in chosen_terms] == [(s, e, id(t)) for s, e, t in expected_terms]
            topic_matches += len(expected_terms)
    # The texts are dense enough to exercise the choice: many matches, on both sides.
    assert entity_matches > 2000 and topic_matches > 3500


def test_longest_first_agrees_with_pairwise_checks_on_random_spans_empty_ones_included() -> None:
    from extractors.tagging.terms import longest_first

    rng = random.Random(3)
    for _ in range(500):
        found = [(s, s + rng.choice([0, 0, 1, 2, 3, 5, 8]), n) for n, s in enumerate(rng.choices(range(40), k=25))]
        blocked = [(s, s + rng.choice([0, 1, 2, 4])) for s in rng.choices(range(40), k=rng.choice([0, 3]))]
        refused = {(s, e) for s, e, _n in rng.sample(found, 3)}
        taken: list[tuple[int, int, int]] = []
        for start, end, n in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
            if any(start < b_end and b_start < end for b_start, b_end in blocked):
                continue
            if any(start < t_end and t_start < end for t_start, t_end, _ in taken) or (start, end) in refused:
                continue
            taken.append((start, end, n))
        assert longest_first(found, blocked, lambda start, end, refused=refused: (start, end) not in refused) == taken


class StepBudgetExceeded(Exception):
    pass


@contextmanager
def project_line_budget(limit: int) -> Iterator[list[int]]:
    """Counts the lines of extractors/ code executed (generator expressions included), and stops the code
    under test once it passes `limit`: a step count, not a timer, so it is the same on any machine."""
    steps = [0]

    def local(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            steps[0] += 1
            if steps[0] > limit:
                raise StepBudgetExceeded(f"more than {limit} lines of extractors/ code")
        return local

    def global_trace(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PROJECT_CODE) else None

    previous = sys.gettrace()
    sys.settrace(global_trace)
    try:
        yield steps
    finally:
        sys.settrace(previous)


# A body made of one phrase after another, each repeat a few matches that the overlap checks must place.
# Linear matching runs a fixed number of lines a repeat (about half this); comparing each match with the
# ones taken before it runs thousands.
DENSE_REPEATS = 3000
STEPS_PER_REPEAT = 400


@pytest.mark.parametrize(
    "phrase", ["oil prices", "BrahMos", "S-400"], ids=["topic term", "entity alias", "term and alias"]
)
def test_dense_phrases_cost_a_bounded_number_of_steps_per_repeat(phrase: str) -> None:
    article = Article(
        article_id="x", url="http://127.0.0.1/x", source="t", title="", text=f"{phrase}. " * DENSE_REPEATS
    )
    with project_line_budget(STEPS_PER_REPEAT * DENSE_REPEATS) as steps:
        tags = tag_article(article, TAXONOMY)
        entities = extract_entities(article, GAZETTEER)
    assert tags or entities  # the phrase was matched all along the text
    assert steps[0] > DENSE_REPEATS  # the counter saw the matching


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
