"""Words of any script, for every stage that splits text into words (tags, entities, fingerprints, story
terms, the learned topic model).

Python's `re` leaves combining marks out of `\\w`, so it splits Devanagari at its vowel signs ('भारत' ->
'भ', 'रत'). The `regex` module follows Unicode's definition of a word character, which includes marks
and joiners, so Hindi words stay whole; Cyrillic and Latin are the same under both.
"""

from __future__ import annotations

import regex

WORD = regex.compile(r"\w+")
# A character class body for patterns built elsewhere (phrase matching): a word character under `regex`.
WORD_CHARS = r"\w"


def words(text: str) -> list[str]:
    return WORD.findall(text)
