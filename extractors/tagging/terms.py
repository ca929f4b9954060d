"""Phrase patterns shared by the topic taxonomy and the entity gazetteer.

Syntax: `*` at the end matches any word ending (tariff* = tariffs); a space matches a run of up to
four spaces or hyphens and a hyphen an optional one (air-defence = air defence, S-400 = S400); an
all-capitals acronym also matches its dotted newspaper form (CIA = C.I.A.). Word edges include
Devanagari vowel signs, which are not \\w.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import ahocorasick

T = TypeVar("T")

WORD_CHARS = r"\w\u0900-\u097F"
WORD_START = re.compile(f"(?<![{WORD_CHARS}])[{WORD_CHARS}]")
# Bounded so that a match starts at most REACH_PER_CHAR characters per phrase character before its needle.
MAX_SEPARATOR = 4
REACH_PER_CHAR = MAX_SEPARATOR

# needle -> where it starts in a text. They are only usable when lowercasing kept the text's length (a few
# letters such as "İ" lowercase to two characters); `positions_in` says whether it did.
NeedlePositions = dict[str, tuple[int, ...]]


def is_acronym(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def phrase_pattern(phrase: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    wildcard = phrase.endswith("*")
    core = re.escape(phrase.rstrip("*")).replace(r"\-", "\x00").replace(r"\ ", "\x01")
    core = core.replace("\x00", r"[\s\-]?").replace("\x01", rf"[\s\-]{{1,{MAX_SEPARATOR}}}")
    if is_dotted_acronym(phrase):
        # Newspaper style spells acronyms with dots: C.I.A., O.P.E.C. A longer dotted acronym is another
        # name: L.P.G. is not L.P.G.A.
        core = f"(?:{core}|{'[.]'.join(phrase)}(?![.][{WORD_CHARS}])[.]?)"
    tail = f"[{WORD_CHARS}]*" if wildcard else ""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(f"(?<![{WORD_CHARS}]){core}{tail}(?![{WORD_CHARS}])", flags)


def is_dotted_acronym(phrase: str) -> bool:
    """An all-capitals acronym, which newspapers also spell with dots (CIA, C.I.A.)."""
    return re.fullmatch(r"[A-Z]{2,6}", phrase) is not None


def needles(phrase: str, *, case_sensitive: bool = False) -> tuple[str, ...]:
    """Fragments one of which every match of `phrase` contains (lowercase unless case-sensitive);
    checking them first skips most regex scans. An acronym matches as itself or dotted (C.I.A.)."""
    if is_dotted_acronym(phrase):
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
        return frozenset(self.positions_in(text)[0])

    def positions_in(self, text: str) -> tuple[NeedlePositions, bool]:
        """Where each needle starts in `text`, and whether those positions line up with `text`."""
        starts: dict[str, list[int]] = {}
        lowered = text.lower()
        for automaton, haystack in ((self._folded, lowered), (self._exact, text)):
            if automaton is not None:
                for end, needle in automaton.iter(haystack):
                    starts.setdefault(needle, []).append(end - len(needle) + 1)
        return {needle: tuple(found) for needle, found in starts.items()}, len(lowered) == len(text)


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


def phrase_spans(
    phrase: str, pattern: re.Pattern[str], phrase_needles: tuple[str, ...], text: str, positions: NeedlePositions | None
) -> list[tuple[int, int]]:
    """Where `phrase` matches `text`: near its needles when their positions are known, else by a full scan."""
    if positions is None or not WORD_START.match(phrase):
        return [m.span() for m in pattern.finditer(text)]
    offsets = _needle_plan(phrase, phrase_needles)
    if offsets is None:  # most phrases: a match starts where its needle does
        starts = sorted(start for needle in phrase_needles for start in positions.get(needle, ()))
        return [m.span() for m in matches_at(pattern, text, starts)]
    windows = sorted(
        (max(0, start - farthest), start - nearest)
        for needle, (nearest, farthest) in offsets
        for start in positions.get(needle, ())
    )
    return [m.span() for m in matches_in_windows(pattern, text, windows)]


@functools.lru_cache(maxsize=65536)
def _needle_plan(phrase: str, phrase_needles: tuple[str, ...]) -> tuple[tuple[str, tuple[int, int]], ...] | None:
    """Each needle's offsets (needle_offsets), or None when every match starts at a needle."""
    offsets = tuple((needle, needle_offsets(phrase, needle)) for needle in phrase_needles)
    return None if all(offset == (0, 0) for _needle, offset in offsets) else offsets


def needle_offsets(phrase: str, needle: str) -> tuple[int, int]:
    """How far before its needle a match of `phrase` can start: (nearest, farthest) in characters.

    The phrase's text before the needle is matched character for character, except that a space matches
    1 to MAX_SEPARATOR spaces or hyphens and a hyphen 0 or 1. Most phrases start with their needle, so
    their matches start exactly where it does; an acronym's dotted form (C.I.A.) starts with its needle too.
    """
    if is_dotted_acronym(phrase):
        return 0, 0
    folded = phrase.lower()
    nearest: int | None = None
    farthest = 0
    at = folded.find(needle.lower())
    if at < 0:  # not a piece of the phrase: any start within reach of it
        return 0, REACH_PER_CHAR * len(phrase)
    while at >= 0:
        before = folded[:at]
        least = len(before) - before.count("-")
        most = len(before) + before.count(" ") * (MAX_SEPARATOR - 1)
        nearest = least if nearest is None else min(nearest, least)
        farthest = max(farthest, most)
        at = folded.find(needle.lower(), at + 1)
    return nearest or 0, farthest


def matches_at(pattern: re.Pattern[str], text: str, starts: Sequence[int]) -> list[re.Match[str]]:
    """What `pattern.finditer(text)` yields when every match starts at one of `starts` (sorted)."""
    found: list[re.Match[str]] = []
    resume = 0
    for start in starts:
        if start >= resume and (match := pattern.match(text, start)) is not None:
            found.append(match)
            resume = match.end()
    return found


def matches_in_windows(pattern: re.Pattern[str], text: str, windows: Sequence[tuple[int, int]]) -> list[re.Match[str]]:
    """What `pattern.finditer(text)` yields when every match starts at a word start inside one of
    `windows` (first, last), sorted: only those word starts are tried, never the rest of the text.

    A match starts a word (the pattern's lookbehind; phrases start with a word character). Matching from
    inside the text keeps the pattern exact: its lookbehind still sees the characters before, and the
    match may run on to the text's end.
    """
    found: list[re.Match[str]] = []
    resume = 0
    for first, last in windows:
        while last >= resume:
            begin = max(resume, first)
            match = pattern.match(text, begin) if begin == last else _first_match(pattern, text, begin, last + 1)
            if match is None:
                break
            found.append(match)
            resume = match.end()
    return found


def _first_match(pattern: re.Pattern[str], text: str, begin: int, end: int) -> re.Match[str] | None:
    for word in WORD_START.finditer(text, begin, end):
        match = pattern.match(text, word.start())
        if match is not None:
            return match
    return None


class SpanCover:
    """Spans laid over a text, for asking whether a new span overlaps any of them
    (`start < other_end and other_start < end`, empty spans included) at the cost of the new span's length
    rather than of a pass over every span laid so far."""

    def __init__(self, size: int) -> None:
        self._chars = bytearray(size + 1)  # covered by a non-empty span
        self._inside = bytearray(size + 1)  # strictly inside one: where an empty span would overlap it
        self._points = bytearray(size + 1)  # where an empty span lies

    def add(self, start: int, end: int) -> None:
        if end > start:
            self._chars[start:end] = b"\x01" * (end - start)
            self._inside[start + 1 : end] = b"\x01" * (end - start - 1)
        else:
            self._points[start] = 1

    def overlaps(self, start: int, end: int) -> bool:
        if end > start:
            return self._chars.find(1, start, end) >= 0 or self._points.find(1, start + 1, end) >= 0
        return self._inside[start] == 1


def longest_first(
    found: list[tuple[int, int, T]],
    blocked: Sequence[tuple[int, int]] = (),
    keep: Callable[[int, int], bool] | None = None,
) -> list[tuple[int, int, T]]:
    """The matches kept when the longest is taken first (the earlier of two as long, then the one found
    first): each that overlaps no blocked span and no match taken before it, and that `keep` accepts.

    Each check reads only the characters of the match checked, so a text dense with matches costs its length
    and not its length squared."""
    if not found:
        return []
    size = max([end for _start, end, _item in found] + [end for _start, end in blocked])
    blocked_cover, taken_cover = SpanCover(size), SpanCover(size)
    for start, end in blocked:
        blocked_cover.add(start, end)
    taken: list[tuple[int, int, T]] = []
    for start, end, item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if blocked_cover.overlaps(start, end) or taken_cover.overlaps(start, end):
            continue
        if keep is not None and not keep(start, end):
            continue
        taken_cover.add(start, end)
        taken.append((start, end, item))
    return taken
