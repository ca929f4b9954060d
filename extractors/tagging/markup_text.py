"""A page's readable text taken from its raw HTML without parsing it, for a relevance check before extraction.

Extraction (extractors/article/extract.py) keeps a subset of what a page shows: its title comes from the
<title>, a heading, a <meta content> or JSON-LD, and its text from the visible text or, as trafilatura's
last resort, from JSON-LD bodies. `markup_text` holds every one of those sources, so that any word the
extracted title or text can contain is also in it, as a substring once folded:

- markup is replaced by MARK, which a reader may take as nothing (`Ro<b>sneft</b>` reads "Rosneft") or
  as a word break (`<li>India</li><li>Peru</li>` reads "India Peru"), as extraction may do either;
- scripts and styles are left out, except JSON-LD, whose strings are decoded both as trafilatura's
  metadata reads them and as its JSON-body fallback does; comments are left out as the HTML parser does;
- <title>, <textarea>, <xmp>, <iframe>, <noembed>, <noframes> and <noscript> also count as written, since
  the parser may keep their content as text, tags and all;
- <meta content> values (title, description) count, and so does Discourse's `data-preloaded` JSON;
- entities are decoded once and twice (the parser decodes them, then trafilatura unescapes its text once
  more), and characters that trafilatura drops (controls, soft hyphens, zero-width joiners) are dropped.

It lets through words that extraction would not keep (navigation, captions, JSON-LD keywords): they cost
an extraction, then the full-text verdict turns the page away as before.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from trafilatura.json_metadata import normalize_json
from trafilatura.metadata import JSON_MINIFY
from trafilatura.utils import INVALID_XML_CHARS

# One alternation, so that whichever markup starts first wins, as in the parser's tokenizer: a comment
# (HTML: `<!-->` and `<!--->` close at once), a script or style with its content (it ends at the first
# `</script` not followed by a name character, no later than the parser ends it), a start or end tag, and
# `<!...>` / `<?...>`. A `<` that starts none of these is text, as it is to the parser.
MARKUP = re.compile(
    r"<(?:!--(?:-?>|.*?--!?>)"
    r"|(script|style)(?=[\s/>])[^>]*>[^<]*+(?:<(?!/\1(?![\w-]))[^<]*+)*+</\1[^>]*>"
    r"|/?[A-Za-z][^>]*>"
    r"|[!?][^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
# Elements whose content the parser may keep as text with its tags (raw text and RCDATA in HTML).
RAW_CONTENT = re.compile(
    r"<(title|textarea|xmp|iframe|noembed|noframes|noscript)(?=[\s/>])[^>]*>(.*?)</\1",
    re.IGNORECASE | re.DOTALL,
)
JSON_SCRIPT = re.compile(
    r"<script(?=[\s/])[^>]*?type\s*=\s*[\"']?[^\"'>]*(?:ld|settings)\+json[^>]*>(.*?)</script",
    re.IGNORECASE | re.DOTALL,
)
# A tag's end is its first `>`: one inside a quoted value leaves the rest of the value to the text.
VALUED_TAG = re.compile(r"<(?:meta[\s/][^>]*|div[\s/][^>]*?data-preloaded[^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"(?:content|data-preloaded)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
# Where markup was: a printable symbol that no relevance term holds, and that is no word character.
MARK = "\ufffc"
# trafilatura strips tags from JSON-LD values with a plainer pattern than the parser's; both are tried.
ANY_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def _printable(word: str) -> str:
    return word if word.isprintable() else "".join(char for char in word if char.isprintable())


def without_unprintable(text: str) -> str:
    """trafilatura's remove_control_characters: what is neither printable nor space goes. Runs of space
    become one space, which no term's word holds; the controls that split() takes for space but that
    trafilatura deletes from the page before parsing (INVALID_XML_CHARS) are deleted first."""
    words = INVALID_XML_CHARS.sub("", text).split()
    joined = " ".join(words)
    if joined.isprintable():
        return joined
    return " ".join(_printable(word) for word in words)


def fold(text: str) -> str:
    """Case-folded so that every pair of characters that a case-insensitive `re` pattern takes as equal
    folds alike: casefold covers ſ and the old Cyrillic letter forms, and dotted and dotless i are made i."""
    return text.casefold().replace("ı", "i").replace("\u0307", "")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json_ld_text(script: str) -> Iterator[str]:
    # As trafilatura's metadata reads it: minified, escapes decoded by its own normalize_json (twice, as
    # its fallback for unparsable JSON decodes the values it finds once more).
    once = normalize_json(JSON_MINIFY.sub(r"\1", script))
    yield once
    yield normalize_json(once)
    # As its JSON-body fallback reads it: parsed, each string unescaped, its markup cut out.
    try:
        parsed = json.loads(script, strict=False)
    except ValueError:
        return
    for value in _strings(parsed):
        unescaped = html.unescape(value)
        yield MARKUP.sub(MARK, unescaped)
        yield ANY_TAG.sub(MARK, unescaped)


def _attribute_values(page: str) -> Iterator[str]:
    for match in (m for tag in VALUED_TAG.findall(page) for m in ATTRIBUTE.finditer(tag)):
        value = next(group for group in match.groups() if group is not None)
        yield value
        if "\\" in value:  # data-preloaded holds JSON, itself holding JSON strings
            yield normalize_json(normalize_json(value))


def markup_text(page: str, *, undecoded: bool = False) -> str:
    """The page's readable text as described above, MARK where markup was: a superset of what extraction reads.
    `undecoded` adds the text before entity decoding, for terms that a decoded entity could swallow the
    start of (a term starting "not" after `&`: in an attribute the parser leaves `&notion` alone)."""
    parts = [MARKUP.sub(MARK, page)]
    for match in RAW_CONTENT.finditer(page):
        parts.extend((match[2], MARKUP.sub(MARK, match[2])))
    parts.extend(_attribute_values(page))
    for script in JSON_SCRIPT.finditer(page):
        parts.extend(_json_ld_text(script[1]))
    text = "\n".join(parts)
    variants = [html.unescape(text)]
    if "&" in variants[0] and (twice := html.unescape(variants[0])) != variants[0]:
        variants.append(twice)
    if undecoded:
        variants.append(text)
    return without_unprintable("\n".join(variants))
