"""A page's title, author, date, canonical URL and site name, from trafilatura's metadata steps.

trafilatura's own `extract_metadata` also searches the whole page for categories, tags and a licence,
which newswatch never stores, at a good share of its metadata time (docs/performance.md). The steps kept
here run in trafilatura's order, so the fields agree with its own.
"""

from __future__ import annotations

import logging
import re

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

log = logging.getLogger(__name__)

SITE_FROM_URL = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")


def _site_name(tree: HtmlElement, declared: str | None, url: str | None) -> str | None:
    name = (declared or extract_sitename(tree) or "").lstrip("@")
    if name:
        return name if "." in name or name[0].isupper() else name.title()
    match = SITE_FROM_URL.match(url or "")
    return match[1] if match else None


def page_metadata(tree: HtmlElement, url: str) -> Document:
    """Metadata of a parsed page; `url` stands in when the page names no canonical URL."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word in an author tag is a handle or a section, not a byline
    try:
        meta = extract_meta_json(tree, meta)
    except Exception as exc:  # malformed JSON-LD is common; the other sources still count
        log.debug("JSON-LD metadata unreadable on %s: %s", url, exc)
    meta.title = meta.title or extract_title(tree)
    meta.author = meta.author or extract_author(tree)
    meta.url = meta.url or extract_url(tree, url)
    # From the page's markup (meta tags, time elements, URL), without htmldate's extensive search through
    # the whole text: it cost extraction time for no better dates on news pages.
    try:
        meta.date = find_date(tree, url=meta.url, extensive_search=False, original_date=True)
    except Exception as exc:  # htmldate asserts on some broken trees (`<body><html><script>`): no date, not no page
        log.debug("date unreadable on %s: %s", url, exc)
        meta.date = None
    meta.sitename = _site_name(tree, meta.sitename, meta.url)
    meta.clean_and_trim()
    return meta
