"""HTML -> Article with trafilatura. Pure: bytes in, record out, no network."""

from __future__ import annotations

from datetime import date

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document

from extractors.article.charset import decode_body
from extractors.article.metadata import page_metadata
from extractors.article.parse import parse_html
from extractors.article.urls import article_id, canonical_url, choose_canonical, host_of, same_site
from extractors.dedup.fingerprints import normalize_text
from extractors.records import Article, FetchedPage
from extractors.tagging.language import article_language

MIN_TEXT_CHARS = 200
# How much of a page is read: its text outside scripts and styles up to this many characters, and its
# elements up to this many. News pages hold a fraction of either (docs/performance.md); past them a page is
# cut, because trafilatura's cost grows faster than the page and the HTTP client lets in pages of megabytes.
PAGE_TEXT_CHARS = 500_000
PAGE_ELEMENTS = 10_000
NOT_TEXT = frozenset({"script", "style"})
# About 150 words: shorter extractions get trafilatura's external fallbacks as a second opinion.
SHORT_STORY_CHARS = 1000


class ExtractionError(ValueError):
    """The page held no article text worth keeping."""


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


def _trafilatura(tree: HtmlElement, url: str, *, favor_precision: bool, fast: bool) -> Document | None:
    # Given a parsed tree, trafilatura works on a copy: each step of the cascade starts from the same page.
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        favor_precision=favor_precision,
        fast=fast,
    )
    return doc if isinstance(doc, Document) else None


def _long_enough(doc: Document | None, chars: int) -> Document | None:
    return doc if doc is not None and len((doc.text or "").strip()) >= chars else None


def _main_text(tree: HtmlElement, url: str) -> Document:
    """A cascade, cheapest first, each step only when the last found too little.

    1. Precision mode without trafilatura's external fallbacks (readability, jusText): it drops the most
       boilerplate, and on a full-length story the fallbacks seldom change anything while costing much of
       the extraction time (docs/performance.md).
    2. Below a short story's length, the same with the fallbacks: they rescue pages whose markup hides
       part of the text from trafilatura's own extractor.
    3. Default mode, when precision mode keeps too little to be an article at all.
    """
    first = _trafilatura(tree, url, favor_precision=True, fast=True)
    if full_story := _long_enough(first, SHORT_STORY_CHARS):
        return full_story
    for favor_precision in (True, False):
        if doc := _long_enough(_trafilatura(tree, url, favor_precision=favor_precision, fast=False), MIN_TEXT_CHARS):
            return doc
    if short_story := _long_enough(first, MIN_TEXT_CHARS):
        return short_story
    raise ExtractionError("no article text found")


def _cut_from(element: HtmlElement, max_chars: int) -> None:
    """Remove `element` and everything after it in document order; the root, which cannot go, keeps the
    start of its own text."""
    node = element
    while (parent := node.getparent()) is not None:
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)
        return
    element.text = (element.text or "")[:max_chars]
    element.tail = None
    for child in list(element):
        element.remove(child)


def bounded(tree: HtmlElement, max_chars: int = PAGE_TEXT_CHARS, max_elements: int = PAGE_ELEMENTS) -> HtmlElement:
    """`tree` cut at the element where its text passes `max_chars` or its elements pass `max_elements`."""
    chars = 0
    for count, element in enumerate(tree.iter(), start=1):
        if element.tag not in NOT_TEXT:
            chars += len(element.text or "")
        chars += len(element.tail or "")
        if chars > max_chars or count > max_elements:
            _cut_from(element, max_chars)
            break
    return tree


def _extract_document(html: str, url: str) -> Document:
    """The page parsed once and bounded; metadata from the whole page, then the main text."""
    tree = parse_html(html)
    if tree is None:
        raise ExtractionError("not a readable HTML document")
    tree = bounded(tree)
    doc = page_metadata(tree, url)
    doc.text = _main_text(tree, url).text
    return doc


def extract_article(page: FetchedPage) -> Article:
    """Extract text and metadata from a fetched page; raise ExtractionError when there is none."""
    if not page.html:
        raise ExtractionError("empty body")
    doc = _extract_document(decode_body(page.html, page.content_type)[0], page.final_url)
    text = (doc.text or "").strip()
    title = (doc.title or page.entry.title or "").strip()
    text = _without_leading_title(text, title)
    canonical = choose_canonical(page.canonical_url, page.final_url, doc.url)
    aliases = {page.entry.link, page.final_url, page.canonical_url}
    if doc.url and same_site(doc.url, canonical):
        # A canonical on another site names the original of a syndicated copy: not an alias of this page.
        aliases.add(doc.url)
    return Article(
        article_id=article_id(canonical),
        url=canonical,
        source=page.entry.source,
        title=title,
        text=text,
        author=doc.author or None,
        published=_parse_date(doc.date) or (page.entry.published.date() if page.entry.published else None),
        seen_on=page.fetched_at.date(),
        language=article_language(page.html, text),
        site=doc.sitename or page.entry.publisher or host_of(canonical),
        aliases=tuple(sorted(canonical_url(a) for a in aliases if a)),
        raw_html=page.html,
    )
