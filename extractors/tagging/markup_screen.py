"""Relevance before extraction: may this raw page pass the full-text verdict at all?

`judge_text` (relevance.py) needs every group of the query in the extracted title or text, each as a whole
word. The page's readable markup (markup_text.py) holds everything extraction can read, with MARK where
markup was, which extraction may read as nothing or as a word break. Two steps, cheapest first:

1. A match of a term holds the term's longest word as written, in any case. All of them are looked for in
   one Aho-Corasick pass (terms.py NeedleScanner) over the folded text with the marks taken out; a group
   with none of its words there cannot match. Most off-topic pages end here.
2. Otherwise each group's terms as the relevance query writes them, whole words in any case, with a mark
   allowed between any two letters and counted as a word break: a page with no match for some group
   cannot match either (the word must stand alone: "dateModified" does not name Modi).

A page past both goes on to extraction and the full-text verdict, as before: this screen never says relevant.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, field

from extractors.article.charset import decode_body
from extractors.tagging.markup_text import MARK, fold, markup_text
from extractors.tagging.relevance import WORD_CHARS, RelevanceQuery, RelevanceVerdict
from extractors.tagging.terms import NeedleScanner

# Entity names that the parser decodes without their `;` (`&not`, `&copy`): one could swallow the start
# of a term in the decoded text while the page shows the term (attributes leave `&notion` alone).
LEGACY_ENTITIES = tuple(fold(name) for name in html.entities.html5 if not name.endswith(";"))
# A needle holding one of these could span markup or an entity, which markup_text cuts or decodes.
MARKUP_CHARS = frozenset("<>&")


@dataclass(frozen=True, kw_only=True)
class ScreenGroup:
    name: str
    needles: frozenset[str]  # the longest word of each term, folded
    pattern: re.Pattern[str]  # its terms, marks allowed between letters (`marked_term`)


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
    """relevance.py's pattern of `term` on text with marks: any run of marks may stand between two of its
    letters, a space stands for any run of spaces and marks, and a mark is a word break at either end."""
    words = term.rstrip("*").split()
    between_letters = f"{MARK}*"
    body = f"[\\s{MARK}]+".join(between_letters.join(re.escape(char) for char in word) for word in words)
    tail = "" if term.endswith("*") else f"(?![{WORD_CHARS}])"
    return f"(?<![{WORD_CHARS}]){body}{tail}"


def _group(name: str, terms: tuple[str, ...]) -> ScreenGroup:
    pattern = re.compile("|".join(marked_term(term) for term in terms), re.IGNORECASE)
    return ScreenGroup(name=name, needles=frozenset(term_needle(term) for term in terms), pattern=pattern)


def markup_screen(query: RelevanceQuery) -> MarkupScreen | None:
    """The screen for `query`, or None when some term's word could hold markup (then every page is read)."""
    groups = tuple(_group(group.name, group.terms) for group in query.groups)
    needles = {needle for group in groups for needle in group.needles}
    if "" in needles or any(MARKUP_CHARS & set(needle) for needle in needles):
        return None
    undecoded = any(needle.startswith(LEGACY_ENTITIES) for needle in needles)
    return MarkupScreen(query=query.name, groups=groups, undecoded=undecoded, scanner=NeedleScanner(needles))


def judge_markup(screen: MarkupScreen, body: bytes, content_type: str | None = None) -> RelevanceVerdict:
    """off_topic when some group cannot match the page's readable markup (the two steps above), else undecided."""
    text = markup_text(decode_body(body, content_type)[0], undecoded=screen.undecoded)
    found = screen.scanner.found_in(fold(text.replace(MARK, "")))
    matched = tuple(group.name for group in screen.groups if group.needles & found)
    if len(matched) == len(screen.groups):
        matched = tuple(group.name for group in screen.groups if group.pattern.search(text))
    missing = [group.name for group in screen.groups if group.name not in matched]
    if missing:
        reason = f"page markup mentions none of {', '.join(missing)}"
        return RelevanceVerdict(decision="off_topic", matched=matched, reason=reason)
    return RelevanceVerdict(decision="undecided", matched=matched, reason=f"page markup mentions {', '.join(matched)}")
