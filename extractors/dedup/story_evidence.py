"""Language-free evidence for the same-story stage: which gazetteer entities an article names, the calendar
dates it mentions, and its numbers written in other scripts' digits. A Hindi, a Russian and an English report
of one event share no words, but they name the same entities (the gazetteer maps every alias to one id), the
same date and the same figures. These become terms of the story profile with a prefix of their own, so they
are stored, weighed and compared like words (extractors/dedup/story_profile.py), and the cross-language score
compares only them (extractors/dedup/story_scoring.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from extractors.records import EntityCount

ENTITY_PREFIX = "#"
DATE_PREFIX = "%"

# Month names as news in English, Hindi and Russian writes them (Russian dates take the genitive).
MONTHS: dict[str, int] = {}
for number, names in enumerate(
    (
        "january jan जनवरी января январь",
        "february feb फरवरी फ़रवरी февраля февраль",
        "march mar मार्च марта март",
        "april apr अप्रैल апреля апрель",
        "may मई мая май",
        "june jun जून июня июнь",
        "july jul जुलाई июля июль",
        "august aug अगस्त августа август",
        "september sep sept सितंबर सितम्बर сентября сентябрь",
        "october oct अक्टूबर अक्तूबर октября октябрь",
        "november nov नवंबर नवम्बर ноября ноябрь",
        "december dec दिसंबर दिसम्बर декабря декабрь",
    ),
    start=1,
):
    for name in names.split():
        MONTHS[name] = number

# "5 December", "5th Dec.", "5 декабря", "5 दिसंबर"; and "December 5", "Dec. 5th": a number of one or two
# digits (there are few in a text, so they are found first) beside a word that is a month name.
DAY = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
WORD_AFTER = re.compile(r"(?:st|nd|rd|th)?\s+([^\W\d_][\w\u0900-\u097F]*)")  # Devanagari vowel signs are not \w
WORD_BEFORE = re.compile(r"([^\W\d_][\w\u0900-\u097F]*)\.?\s+\Z")
NON_ASCII_NUMBER = re.compile(r"(?:(?![0-9])\d)+")  # digits of other scripts


def entity_terms(entities: Iterable[EntityCount]) -> list[tuple[str, float]]:
    """One term per entity the article names, counted as often as it is mentioned."""
    return [(ENTITY_PREFIX + e.entity.casefold(), float(e.mentions)) for e in entities if e.mentions > 0]


def date_terms(text: str) -> list[str]:
    """Day-and-month mentions as `%MM-DD`: the same date in any of the three languages is the same term."""
    found = []
    for day in DAY.finditer(text):
        after = WORD_AFTER.match(text, day.end())
        before = WORD_BEFORE.search(text, max(0, day.start() - 16), day.start())
        for word in (after.group(1) if after else "", before.group(1) if before else ""):
            # "may" in lower case is the English verb ("2 may be"); the month is written "May"
            if word.casefold() in MONTHS and word != "may" and 1 <= int(day.group()) <= 31:
                found.append(f"{DATE_PREFIX}{MONTHS[word.casefold()]:02d}-{int(day.group()):02d}")
                break
    return found


def ascii_numbers(text: str) -> list[str]:
    """Numbers written in other digits (Devanagari ०-९ and the like) as ASCII digits, so that "२०२५" is the
    same term as "2025"; ASCII numbers are words of the profile already."""
    if text.isascii():
        return []
    out = []
    for match in NON_ASCII_NUMBER.finditer(text):
        number = match.group()
        converted = "".join(str(unicodedata.digit(c)) for c in number)
        if len(converted) >= 2:
            out.append(converted)
    return out


def is_evidence(term: str) -> bool:
    """Terms that mean the same in every language: entity ids, dates and numbers."""
    return term.startswith((ENTITY_PREFIX, DATE_PREFIX)) or term.isdigit()
