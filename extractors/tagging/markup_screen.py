"""Relevance before extraction: may this raw page pass the full-text verdict at all?

`judge_text` (relevance.py) needs every group of the query in the extracted title or text, each as a whole
word. The page's readable markup (markup_text.py) holds everything extraction can read, with MARK where
markup was, which extraction may read as nothing or as a word break. A match of a term holds the term's
longest word (its needle) as written, in any case, so all needles are looked for at once with
Aho-Corasick (terms.py NeedleScanner), in the folded text with the marks and without them:

1. a group none of whose needles is in the text without marks cannot match: most off-topic pages end here;
2. else the group may match where a needle spans a mark (found more often without the marks than with
   them: `Ro<b>sneft</b>`), or where a term stands as a whole word, a mark counting as a word break
   ("dateModified" does not name Modi, `<li>Modi</li>` does).

A page some group cannot match is off the topic. Any other goes on to extraction and the full-text verdict,
as before: this screen never says relevant.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, field

from extractors.article.charset import decode_body
from extractors.tagging.markup_text import MARK, fold, markup_text
from extractors.tagging.relevance import WORD_CHARS, RelevanceQuery, RelevanceVerdict
from extractors.tagging.terms import NeedlePositions, NeedleScanner

# Entity names that the parser decodes without their `;` (`&not`, `&copy`): one could swallow the start
# of a term in the decoded text while the page shows the term (attributes leave `&notion` alone).
LEGACY_ENTITIES = tuple(fold(name) for name in html.entities.html5 if not name.endswith(";"))
# A needle holding one of these could span markup or an entity, which markup_text cuts or decodes.
MARKUP_CHARS = frozenset("<>&")
WORD_CHAR = re.compile(f"[{WORD_CHARS}]")


@dataclass(frozen=True, kw_only=True)
class ScreenTerm:
    needle: str  # the term's longest word, folded
    prefix: bool  # `Russia*`: any word ending
    # A term of several words, as relevance.py writes it with marks allowed (`marked_term`); None for one word,
    # which is checked at its needle's places.
    pattern: re.Pattern[str] | None


@dataclass(frozen=True, kw_only=True)
class ScreenGroup:
    name: str
    terms: tuple[ScreenTerm, ...]
    needles: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class MarkupScreen:
    query: str
    groups: tuple[ScreenGroup, ...]
    undecoded: bool  # also read the text before entity decoding (LEGACY_ENTITIES)
    scanner: NeedleScanner = field(compare=False, repr=False)


def term_needle(term: str) -> str:
    """The longest word of a term (a match holds it, in some case), folded; "" when it has none."""
    return max((fold(word) for word in term.rstrip("*").split()), key=len, default="")


def marked_term(term: str) -> str:
    """relevance.py's pattern of `term`, folded, on text with marks: any run of marks may stand between two
    of its letters, a space stands for any run of spaces and marks, and a mark is a word break at either end."""
    words = fold(term.rstrip("*")).split()
    between_letters = f"{MARK}*"
    body = f"[\\s{MARK}]+".join(between_letters.join(re.escape(char) for char in word) for word in words)
    tail = "" if term.endswith("*") else f"(?![{WORD_CHARS}])"
    return f"(?<![{WORD_CHARS}]){body}{tail}"


def _term(term: str) -> ScreenTerm:
    several = len(term.rstrip("*").split()) > 1
    pattern = re.compile(marked_term(term), re.IGNORECASE) if several else None
    return ScreenTerm(needle=term_needle(term), prefix=term.endswith("*"), pattern=pattern)


def markup_screen(query: RelevanceQuery) -> MarkupScreen | None:
    """The screen for `query`, or None when some term's word could hold markup (then every page is read)."""
    groups = []
    for group in query.groups:
        terms = tuple(_term(term) for term in group.terms)
        groups.append(ScreenGroup(name=group.name, terms=terms, needles=frozenset(t.needle for t in terms)))
    needles = {needle for group in groups for needle in group.needles}
    if "" in needles or any(MARKUP_CHARS & set(needle) for needle in needles):
        return None
    undecoded = any(needle.startswith(LEGACY_ENTITIES) for needle in needles)
    return MarkupScreen(query=query.name, groups=tuple(groups), undecoded=undecoded, scanner=NeedleScanner(needles))


def _whole_word(text: str, start: int, term: ScreenTerm) -> bool:
    if start > 0 and WORD_CHAR.match(text, start - 1):
        return False
    end = start + len(term.needle)
    return term.prefix or end >= len(text) or not WORD_CHAR.match(text, end)


def _may_match(group: ScreenGroup, marked: str, with_marks: NeedlePositions, without_marks: NeedlePositions) -> bool:
    for needle in group.needles & without_marks.keys():
        if len(without_marks[needle]) > len(with_marks.get(needle, ())):
            return True  # an occurrence spans markup
    for term in group.terms:
        starts = with_marks.get(term.needle, ())
        if not starts:
            continue
        if term.pattern is not None:
            if term.pattern.search(marked):
                return True
        elif any(_whole_word(marked, start, term) for start in starts):
            return True
    return False


def judge_markup(screen: MarkupScreen, body: bytes, content_type: str | None = None) -> RelevanceVerdict:
    """off_topic when some group cannot match the page's readable markup (the two steps above), else undecided."""
    marked = fold(markup_text(decode_body(body, content_type)[0], undecoded=screen.undecoded))
    without_marks, aligned = screen.scanner.positions_in(marked.replace(MARK, ""))
    present = [group for group in screen.groups if group.needles & without_marks.keys()]
    if len(present) == len(screen.groups):
        with_marks, aligned_too = screen.scanner.positions_in(marked)
        if aligned and aligned_too:  # else the places found are not places in `marked`: every group may match
            present = [group for group in present if _may_match(group, marked, with_marks, without_marks)]
    matched = tuple(group.name for group in present)
    missing = [group.name for group in screen.groups if group.name not in matched]
    if missing:
        reason = f"page markup mentions none of {', '.join(missing)}"
        return RelevanceVerdict(decision="off_topic", matched=matched, reason=reason)
    return RelevanceVerdict(decision="undecided", matched=matched, reason=f"page markup mentions {', '.join(matched)}")
