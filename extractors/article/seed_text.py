"""Seed-text cleaning: turn a saved article text file into an Article.

Seed files are copies of article pages saved as text. Their header comes in one of
three forms (a ` date YYYY-MM-DD` line, a page-view stamp like `Wednesday, December 24,
2025 | 08:53 AM IST`, or a `First Published: Dec 05 2025 | 8:53 PM IST` footer), and some
carry the outlet's page furniture (icons, "Listen to This Article", newsletter pitches).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import PurePath

from extractors.records import Article

SEED_URL_PREFIX = "seed://corpus/"

# Lines that are page furniture wherever they appear (matched against a stripped line).
FURNITURE_LINE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^notification icon$",
        r"^userprofile icon\s*search$",
        r"^listen to (this|the) article$",
        r"^don'?t miss the most important news.*$",
        r"^explore news$",
        r"^(read|also read|read more)\s*:.*$",
        r"^first published\s*:.*$",
        r"^(last )?updated\s*:.*$",
        r"^based on [a-z]+ report$",
        r"^.*\|\s*image\s*:.*$",
        r"^(share|follow us|subscribe)( on [a-z ]+)?$",
        r"^advertisement$",
        r"^business standard$",
        r"^हिंदी में पढ़?ें$",
    )
)
# Hindi "read in Hindi" links and similar are glued onto header lines, so strip them inline too.
INLINE_FURNITURE = re.compile(r"हिंदी में पढ़?ें")

DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*(.*)$", re.IGNORECASE)
PAGE_STAMP = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+"
    r"([A-Z][a-z]+ \d{1,2}, \d{4})\s*\|\s*\d{1,2}:\d{2}\s*[AP]M\s*[A-Z]{2,4}"
)
FIRST_PUBLISHED = re.compile(r"First Published:\s*([A-Z][a-z]{2} \d{1,2} \d{4})", re.IGNORECASE)
BYLINE = re.compile(r"^By\s+([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*$")
NAME_LINE = re.compile(r"^([A-Z][a-z.'-]+(?:\s+[A-Z][a-z.'-]+){1,4})$")
DATELINE_PLACES = ("New Delhi", "Moscow", "Mumbai", "Washington", "Beijing", "London", "Kolkata", "Chennai")


def seed_url(filename: str) -> str:
    return SEED_URL_PREFIX + PurePath(filename).name


def article_id_for(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _is_furniture(line: str) -> bool:
    return any(p.match(line) for p in FURNITURE_LINE_PATTERNS)


def _parsed_date(match: re.Match[str] | None, form: str) -> date | None:
    """The date a header or footer gives; none when it only looks like one (month 13, year 0)."""
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), form).date()
    except ValueError:
        return None


def _publication_date(text: str, header_line: str) -> date | None:
    # A "First Published" footer is the publication date; a weekday stamp at the top is
    # when the page was viewed, so it only counts when nothing better exists.
    return (
        _parsed_date(FIRST_PUBLISHED.search(text), "%b %d %Y")
        or _parsed_date(DATE_LINE.match(header_line), "%Y-%m-%d")
        or _parsed_date(PAGE_STAMP.match(header_line), "%B %d, %Y")
    )


def _is_paragraph(line: str) -> bool:
    # Standfirsts and captions are long too, but only body paragraphs end a sentence.
    return len(line.split()) >= 20 and line.rstrip()[-1] in ".!?\"”'’"


def _split_byline(name_line: str) -> str:
    for place in DATELINE_PLACES:
        if name_line.endswith(" " + place):
            return name_line[: -len(place) - 1].strip()
    return name_line


def clean_seed_text(raw: str) -> tuple[str, str | None, str | None, date | None, str]:
    """Return (title, author, dateline-free header remainder, published, body)."""
    raw = raw.replace("\r\n", "\n").replace("\u00a0", " ")
    lines = [INLINE_FURNITURE.sub("", line).strip() for line in raw.split("\n")]
    header = next((line for line in lines if line), "")
    published = _publication_date(raw, header)

    author: str | None = None
    lead_remainder = ""
    body_lines = list(lines)
    if m := DATE_LINE.match(header):
        rest = m.group(2).strip()
        if by := BYLINE.match(rest):
            author = by.group(1)
        else:
            lead_remainder = rest
        body_lines[lines.index(header)] = lead_remainder
    elif PAGE_STAMP.match(header):
        body_lines[lines.index(header)] = ""

    kept = [line for line in body_lines if line and not _is_furniture(line)]
    title = ""
    # Page captures put the headline, standfirst, image alt text and byline above the body.
    # The body starts at the first long paragraph; the headline is the first short line above it.
    if PAGE_STAMP.match(header):
        first_para = next((i for i, line in enumerate(kept) if _is_paragraph(line)), 0)
        preamble, kept = kept[:first_para], kept[first_para:]
        if preamble:
            title = preamble[0]
        for line in reversed(preamble[1:]):
            if NAME_LINE.match(line):
                author = _split_byline(line)
                break
    body = "\n\n".join(kept)
    return title, author, lead_remainder, published, body


def seed_to_article(filename: str, raw: str) -> Article:
    title, author, _, published, body = clean_seed_text(raw)
    url = seed_url(filename)
    return Article(
        article_id=article_id_for(url),
        url=url,
        source="seed corpus",
        title=title,
        text=body,
        author=author,
        published=published,
        language="en",
        site=None,
        is_seed=True,
    )
