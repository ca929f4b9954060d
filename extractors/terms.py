"""Phrase patterns shared by the topic taxonomy and the entity gazetteer.

Syntax: `*` at the end matches any word ending (tariff* = tariffs); a space or hyphen matches runs of
spaces or hyphens (air-defence = air defence, S-400 = S400); an all-capitals acronym also matches its
dotted newspaper form (CIA = C.I.A.). Word edges include Devanagari vowel signs, which are not \\w.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

WORD_CHARS = r"\w\u0900-\u097F"


def is_acronym(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def phrase_pattern(phrase: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    wildcard = phrase.endswith("*")
    core = re.escape(phrase.rstrip("*")).replace(r"\-", "\x00").replace(r"\ ", "\x01")
    core = core.replace("\x00", r"[\s\-]?").replace("\x01", r"[\s\-]+")
    if re.fullmatch(r"[A-Z]{2,6}", phrase):
        # Newspaper style spells acronyms with dots: C.I.A., O.P.E.C. A longer dotted acronym is another
        # name: L.P.G. is not L.P.G.A.
        core = f"(?:{core}|{'[.]'.join(phrase)}(?![.][{WORD_CHARS}])[.]?)"
    tail = f"[{WORD_CHARS}]*" if wildcard else ""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(f"(?<![{WORD_CHARS}]){core}{tail}(?![{WORD_CHARS}])", flags)


def needles(phrase: str, *, case_sensitive: bool = False) -> tuple[str, ...]:
    """Fragments one of which every match of `phrase` contains (lowercase unless case-sensitive);
    checking them first skips most regex scans. An acronym matches as itself or dotted (C.I.A.)."""
    if re.fullmatch(r"[A-Z]{2,6}", phrase):
        fragments: tuple[str, ...] = (phrase, f"{phrase[0]}.{phrase[1]}")
    else:
        # Every literal piece of the phrase is in every match; the longest is the rarest ("400" of S-400).
        fragments = (max(re.split(r"[\s\-*]", phrase), key=len),)
    return fragments if case_sensitive else tuple(f.lower() for f in fragments)


class NeedleScanner:
    """Which of many needles occur in a text, found in one Aho-Corasick pass instead of one substring
    search per phrase (about 600 searches an article for the taxonomy and gazetteer together).

    Lowercase needles are looked for in the lowercased text, others in the text as written.
    """

    def __init__(self, needles: Iterable[str]) -> None:
        needles = tuple(needles)
        self._folded = _automaton(n for n in needles if n == n.lower())
        self._exact = _automaton(n for n in needles if n != n.lower())

    def found_in(self, text: str) -> frozenset[str]:
        found = {needle for _end, needle in self._folded.iter(text.lower())} if self._folded else set()
        if self._exact:
            found.update(needle for _end, needle in self._exact.iter(text))
        return frozenset(found)


def _automaton(needles: Iterable[str]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    for needle in set(needles):
        automaton.add_word(needle, needle)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def needle_index(needle_sets: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """needle -> positions of the phrases that carry it, so a text's needles lead straight to its candidates."""
    index: dict[str, list[int]] = {}
    for position, needle_set in enumerate(needle_sets):
        for needle in needle_set:
            index.setdefault(needle, []).append(position)
    return {needle: tuple(positions) for needle, positions in index.items()}


def candidates(index: dict[str, tuple[int, ...]], present: frozenset[str]) -> list[int]:
    """Positions of the phrases whose needles are present, in phrase order (ties resolve as written)."""
    return sorted({position for needle in present for position in index.get(needle, ())})
