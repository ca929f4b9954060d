"""Hostile input to the analysis stage: a huge page, dense with topic and entity phrases, must cost no
more than its length (not its length squared), and what a page chooses must not change on normal texts."""

from __future__ import annotations

import random

import pytest

from extractors.article.seed_text import seed_to_article
from extractors.records import Article
from extractors.tagging.entities import Alias, Gazetteer, _alias_matches, extract_entities
from extractors.tagging.taxonomy import Taxonomy, Term, Topic
from extractors.tagging.terms import candidates, phrase_spans
from extractors.tagging.topics import _in_company_name, _matches, _needle_sites, tag_article
from flows.seed_files import load_gazetteer, load_taxonomy
from tests.support.paths import PROJECT
from tests.support.steps import project_line_budget

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")
GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")


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
