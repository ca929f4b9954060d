"""Phrase patterns shared by the topic taxonomy and the entity gazetteer.

Syntax: `*` at the end matches any word ending (tariff* = tariffs); a space or hyphen matches runs of
spaces or hyphens (air-defence = air defence, S-400 = S400); an all-capitals acronym also matches its
dotted newspaper form (CIA = C.I.A.). Word edges include Devanagari vowel signs, which are not \\w.
"""

from __future__ import annotations

import re

WORD_CHARS = r"\w\u0900-\u097F"


def is_acronym(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def phrase_pattern(phrase: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    wildcard = phrase.endswith("*")
    core = re.escape(phrase.rstrip("*")).replace(r"\-", "\x00").replace(r"\ ", "\x01")
    core = core.replace("\x00", r"[\s\-]?").replace("\x01", r"[\s\-]+")
    if re.fullmatch(r"[A-Z]{2,6}", phrase):
        # Newspaper style spells acronyms with dots: C.I.A., O.P.E.C.
        core = f"(?:{core}|{'[.]'.join(phrase)}[.]?)"
    tail = f"[{WORD_CHARS}]*" if wildcard else ""
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(f"(?<![{WORD_CHARS}]){core}{tail}(?![{WORD_CHARS}])", flags)


def needles(phrase: str, *, case_sensitive: bool = False) -> tuple[str, ...]:
    """Fragments one of which every match of `phrase` contains (lowercase unless case-sensitive);
    checking them first skips most regex scans. An acronym matches as itself or dotted (C.I.A.)."""
    if re.fullmatch(r"[A-Z]{2,6}", phrase):
        fragments: tuple[str, ...] = (phrase, f"{phrase[0]}.{phrase[1]}")
    else:
        fragments = (re.split(r"[\s\-*]", phrase, maxsplit=1)[0],)
    return fragments if case_sensitive else tuple(f.lower() for f in fragments)
