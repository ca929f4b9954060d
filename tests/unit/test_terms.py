"""The phrase pre-check: the needle scan may only skip phrases that cannot match."""

from __future__ import annotations

import pickle

from extractors.article.seed_text import seed_to_article
from extractors.tagging.terms import NeedleScanner, candidates, needle_index, needles, phrase_pattern
from flows.seed_files import load_gazetteer, load_taxonomy
from tests.support.paths import PROJECT


def test_scanner_folds_case_only_for_lowercase_needles() -> None:
    scanner = NeedleScanner(["tariff", "SCO", "ШОС"])
    assert scanner.found_in("Tariffs rose; SCO and ШОС met") == {"tariff", "SCO", "ШОС"}
    assert scanner.found_in("the disco scored; шос") == frozenset()


def test_scanner_survives_pickling_for_worker_processes() -> None:
    scanner = pickle.loads(pickle.dumps(NeedleScanner(["oil"])))
    assert scanner.found_in("Crude OIL fell") == {"oil"}


def test_needle_is_the_rarest_literal_piece() -> None:
    assert needles("S-400") == ("400",)
    assert needles("air defence system*") == ("defence",)
    assert needles("CIA", case_sensitive=True) == ("CIA", "C.I")


def test_precheck_never_skips_a_phrase_that_matches() -> None:
    corpus = sorted((PROJECT / "seeds" / "corpus").iterdir())
    seeds = [seed_to_article(p.name, p.read_text(encoding="utf-8")) for p in corpus]
    texts = [f"{a.title}\n{a.text}" for a in seeds]
    texts += ["S400 and S-500 deals; SCO, C.I.A. chief; Su 57 jets; Russian crude oil imports; 50% tariffs"]
    taxonomy = load_taxonomy(PROJECT / "seeds" / "topics.toml")
    gazetteer = load_gazetteer(PROJECT / "seeds" / "entities.toml")
    phrases = [(t.phrase, t.pattern, t.needles) for topic in taxonomy.topics for t in topic.terms + topic.negatives]
    phrases += [(a.text, a.pattern, a.needles) for a in gazetteer.aliases]
    scanner = NeedleScanner(n for _p, _pattern, phrase_needles in phrases for n in phrase_needles)
    index = needle_index(phrase_needles for _p, _pattern, phrase_needles in phrases)
    matched_somewhere = 0
    for text in texts:
        kept = set(candidates(index, scanner.found_in(text)))
        for position, (phrase, pattern, _n) in enumerate(phrases):
            if pattern.search(text):
                matched_somewhere += 1
                assert position in kept, f"{phrase!r} matches but its needles were not found"
    assert matched_somewhere > 50
    assert phrase_pattern("S-400").search(texts[-1])


def test_scanner_answers_threads_tagging_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    scanner = NeedleScanner(["oil", "gas", "tariff"])
    texts = [f"{word} story {i}" for i in range(400) for word in ("oil", "gas", "tariff")]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(scanner.found_in, texts))
    assert answers == [frozenset({text.split()[0]}) for text in texts]


def test_matching_near_needles_finds_exactly_what_a_full_scan_finds() -> None:
    import random

    from extractors.tagging.terms import phrase_spans

    taxonomy = load_taxonomy(PROJECT / "seeds" / "topics.toml")
    gazetteer = load_gazetteer(PROJECT / "seeds" / "entities.toml")
    phrases = [(t.phrase, t.pattern, t.needles) for topic in taxonomy.topics for t in topic.terms + topic.negatives]
    phrases += [(a.text, a.pattern, a.needles) for a in gazetteer.aliases]
    scanner = NeedleScanner(n for _p, _pattern, phrase_needles in phrases for n in phrase_needles)
    seeds = [
        seed_to_article(p.name, p.read_text(encoding="utf-8")) for p in sorted((PROJECT / "seeds" / "corpus").iterdir())
    ]
    texts = [f"{a.title}\n{a.text}" for a in seeds]
    # Phrases run together, split by odd separators, inside longer words and next to their needles.
    rng = random.Random(7)
    pieces = [p for p, _pattern, _n in phrases] + [
        "toil",
        "software",
        "Tariffsville",
        "-",
        "  ",
        "\n\n",
        "x",
        "C.I.A.s",
    ]
    texts += [" ".join(rng.choice(pieces) for _ in range(400)) for _ in range(5)]
    texts += ["".join(rng.choice(pieces) for _ in range(400)) for _ in range(5)]
    compared = 0
    for text in texts:
        positions, aligned = scanner.positions_in(text)
        assert aligned
        for phrase, pattern, phrase_needles in phrases:
            full = [m.span() for m in pattern.finditer(text)]
            assert phrase_spans(phrase, pattern, phrase_needles, text, positions) == full, phrase
            compared += len(full)
    assert compared > 1000


def test_positions_are_withheld_when_lowercasing_changes_the_length() -> None:
    positions, aligned = NeedleScanner(["oil"]).positions_in("İstanbul oil")
    assert not aligned and set(positions) == {"oil"}
