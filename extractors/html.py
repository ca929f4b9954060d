"""HTML -> Article with trafilatura. Pure: bytes in, record out, no network."""

from __future__ import annotations

import re
from datetime import date

import trafilatura
from trafilatura.settings import Document

from extractors.fingerprints import normalize_text
from extractors.records import Article, FetchedPage
from extractors.urls import article_id, canonical_url, host_of

HTML_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
MIN_TEXT_CHARS = 200


class ExtractionError(ValueError):
    """The page held no article text worth keeping."""


def _html_language(html: bytes) -> str | None:
    m = HTML_LANG.search(html[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _without_leading_title(text: str, title: str) -> str:
    # trafilatura keeps the headline as the first line of the text; the title is stored apart.
    first, _, rest = text.partition("\n")
    if title and rest and normalize_text(first) == normalize_text(title):
        return rest.strip()
    return text


def _trafilatura(html: bytes, url: str, *, favor_precision: bool) -> Document | None:
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=favor_precision
    )
    return doc if isinstance(doc, Document) else None


def _extract_document(html: bytes, url: str) -> Document:
    """Precision mode first: it drops more boilerplate (F1 0.976 against 0.969 on the dev pages,
    bench.extraction). When it finds too little, the default mode gets a second chance."""
    for favor_precision in (True, False):
        doc = _trafilatura(html, url, favor_precision=favor_precision)
        if doc is not None and len((doc.text or "").strip()) >= MIN_TEXT_CHARS:
            return doc
    raise ExtractionError("no article text found")


def extract_article(page: FetchedPage) -> Article:
    """Extract text and metadata from a fetched page; raise ExtractionError when there is none."""
    if not page.html:
        raise ExtractionError("empty body")
    doc = _extract_document(page.html, page.final_url)
    text = (doc.text or "").strip()
    title = (doc.title or page.entry.title or "").strip()
    text = _without_leading_title(text, title)
    aliases = {page.entry.link, page.final_url}
    if doc.url:
        aliases.add(doc.url)
    canonical = page.canonical_url
    return Article(
        article_id=article_id(canonical),
        url=canonical,
        source=page.entry.source,
        title=title,
        text=text,
        author=doc.author or None,
        published=_parse_date(doc.date) or (page.entry.published.date() if page.entry.published else None),
        language=_html_language(page.html),
        site=doc.sitename or page.entry.publisher or host_of(canonical),
        aliases=tuple(sorted(canonical_url(a) for a in aliases if a)),
        raw_html=page.html,
    )
