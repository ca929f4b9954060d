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

from trafilatura.utils import INVALID_XML_CHARS

# One alternation, so that whichever markup starts first wins, as in the parser's tokenizer. Branches that
# keep something come first: elements whose content the parser may keep as text, tags and all (raw text
# and RCDATA in HTML; group 2), a JSON-LD script (group 3), a <meta> or Discourse's data-preloaded <div>
# (group 4: its values). Then what only goes: a comment (`<!-->` and `<!--->` close at once), a script or
# style with its content (it ends at the first `</script` not followed by a name character, no later than
# the parser ends it), a start or end tag, `<!...>` and `<?...>`. A `<` that starts none of these is text,
# as it is to the parser. A tag ends at its first `>`: one inside a quoted value leaves the rest to the text.
MARKUP = re.compile(
    r"<(?:(title|textarea|xmp|iframe|noembed|noframes|noscript)(?=[\s/>])[^>]*>(.*?)</\1"
    r"|script(?=[\s/])[^>]*?type\s*=\s*[\"']?[^\"'>]*(?:ld|settings)\+json[^>]*>(.*?)</script[^>]*>"
    r"|((?:meta[\s/]|div[\s/][^>]*?data-preloaded)[^>]*)>"
    r"|!--(?:-?>|.*?--!?>)"
    r"|(script|style)(?=[\s/>])[^>]*>[^<]*+(?:<(?!/\5(?![\w-]))[^<]*+)*+</\5[^>]*>"
    r"|/?[A-Za-z][^>]*>"
    r"|[!?][^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
GROUPS = MARKUP.groups
ATTRIBUTE = re.compile(r"(?:content|data-preloaded)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
# Controls that str.split() takes for space but that trafilatura deletes before parsing (INVALID_XML_CHARS).
SPLIT_CONTROLS = "\x0b\x0c\x1c\x1d\x1e\x1f"
JSON_UNICODE = re.compile(r"\\u([0-9a-fA-F]{4})")
SURROGATES = re.compile("[\ud800-\udfff]+")
# Where markup was: a printable symbol that no relevance term holds, and that is no word character.
MARK = "\ufffc"
# trafilatura strips tags from JSON-LD values with a plainer pattern than the parser's; both are tried.
ANY_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def without_unprintable(text: str) -> str:
    """trafilatura's remove_control_characters: what is neither printable nor space goes (soft hyphens,
    zero-width joiners, private-use icons), and the controls it deletes before parsing first. Runs of space
    become one " "."""
    if any(control in text for control in SPLIT_CONTROLS):
        text = INVALID_XML_CHARS.sub("", text)
    joined = " ".join(text.split())
    if joined.isprintable():
        return joined
    unprintable = "".join(re.escape(char) for char in set(joined) if not char.isprintable())
    return re.sub(f"[{unprintable}]+", "", joined)


def fold(text: str) -> str:
    """Case-folded so that characters a case-insensitive `re` pattern takes as equal fold alike (casefold
    covers ſ and the old Cyrillic letter forms; dotted and dotless i become i), word edges kept: U+0345,
    which is no letter but casefolds to one (ι), becomes a space."""
    return text.replace("İ", "i").replace("\u0345", " ").casefold().replace("ı", "i")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json_escapes_decoded(text: str) -> str:
    r"""trafilatura's normalize_json: `\n`, `\r`, `\t` dropped, `\uXXXX` decoded, surrogates dropped, then
    entities (its tag stripping is left to the caller)."""
    if "\\" not in text:
        return text
    text = text.replace("\\n", "").replace("\\r", "").replace("\\t", "")
    text = SURROGATES.sub("", JSON_UNICODE.sub(lambda match: chr(int(match[1], 16)), text))
    return html.unescape(text)


def _json_ld_text(script: str) -> Iterator[str]:
    if not any(char in script for char in "\\&<"):
        yield script  # nothing escaped or marked up: every string value stands in it as written
        return
    # As trafilatura's metadata reads it: escapes decoded by normalize_json, twice (its fallback for
    # unparsable JSON decodes the values it finds once more). Its minifying first only drops space
    # outside the strings.
    once = _json_escapes_decoded(script)
    for text in (once, _json_escapes_decoded(once)):
        yield ANY_TAG.sub(MARK, text)
    # As its JSON-body fallback reads it: parsed, the strings unescaped, their markup cut out.
    try:
        parsed = json.loads(script, strict=False)
    except ValueError:
        return
    unescaped = html.unescape("\n".join(_strings(parsed)))
    yield MARKUP.sub(MARK, unescaped)
    yield ANY_TAG.sub(MARK, unescaped)


def _attribute_values(tag: str) -> Iterator[str]:
    for match in ATTRIBUTE.finditer(tag):
        value = next(group for group in match.groups() if group is not None)
        yield value
        if "\\" in value:  # data-preloaded holds JSON, itself holding JSON strings
            yield _json_escapes_decoded(_json_escapes_decoded(value))


def markup_text(page: str, *, undecoded: bool = False) -> str:
    """The page's readable text as described above, MARK where markup was: a superset of what extraction reads.
    `undecoded` adds the text before entity decoding, for terms that a decoded entity could swallow the
    start of (a term starting "not" after `&`: in an attribute the parser leaves `&notion` alone)."""
    pieces = MARKUP.split(page)  # text, then each markup's groups, then text...
    step = GROUPS + 1
    parts = [MARK.join(pieces[::step])]
    for raw in filter(None, pieces[2::step]):
        parts.extend((raw, MARKUP.sub(MARK, raw)))
    for script in filter(None, pieces[3::step]):
        parts.extend(_json_ld_text(script))
    for tag in filter(None, pieces[4::step]):
        parts.extend(_attribute_values(tag))
    text = "\n".join(parts)
    once = html.unescape(text)
    variants = [once]
    if "&" in once and (twice := html.unescape(once)) != once:
        # Only the lines a second decoding changes, unless it made or took line breaks (`&amp;#10;`).
        lines, twice_lines = once.split("\n"), twice.split("\n")
        if len(lines) == len(twice_lines):
            variants.extend(line for old, line in zip(lines, twice_lines, strict=True) if line != old)
        else:
            variants.append(twice)
    if undecoded:
        variants.append(text)
    return without_unprintable("\n".join(variants))
