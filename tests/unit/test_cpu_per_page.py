"""What the per-page CPU savings keep: the tree trafilatura's own parsing gives, the same extraction from it,
and raw pages any gzip reader opens. On the bundled capture always, and on the extraction dev pages when
../shared/data is present."""

from __future__ import annotations

import gzip

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from extractors.analysis import analyze_article
from extractors.article import extract
from extractors.article.metadata import page_metadata
from extractors.article.parse import parse_html
from extractors.records import Article
from extractors.tagging.topics import taxonomy_from
from tests.support.paths import CAPTURE, SHARED_DATA


def _golden_pages() -> list[str]:
    pages = [p.read_bytes() for p in sorted((CAPTURE / "sites").rglob("index.html"))]
    assert len(pages) == 5, "the bundled capture holds five article pages"
    dev_pages = SHARED_DATA / "extraction-dev" / "html"
    if dev_pages.is_dir():
        pages += [gzip.decompress(p.read_bytes()) for p in sorted(dev_pages.iterdir())]
    return [page.decode("utf-8", errors="replace") for page in pages]


def _extraction(tree: HtmlElement, url: str) -> tuple[object, ...]:
    tree = extract.bounded(tree)
    doc = page_metadata(tree, url)
    return doc.title, doc.author, doc.date, doc.url, doc.sitename, extract._main_text(tree, url).text


def test_each_golden_page_parses_to_trafilaturas_own_tree_and_extracts_the_same() -> None:
    for n, html in enumerate(_golden_pages()):
        ours, theirs = parse_html(html), load_html(html)
        assert ours is not None and theirs is not None
        assert etree.tostring(ours) == etree.tostring(theirs), n
        url = f"https://news.example.org/{n}"
        assert _extraction(ours, url) == _extraction(theirs, url), n


@pytest.mark.parametrize(
    "html",
    [
        "plain words, no markup at all",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>declared encoding</p><p>two</p></body></html>',
        "<html/>\n<body><p>a self-closing html tag</p></body>",
        "<p>a fragment</p>",
        "<!DOCTYPE html><html><head><title>t</title></head><body><form><input name=q></form></body></html>",
        "<html><body>\x00\x01 control characters</body></html>",
    ],
)
def test_odd_documents_parse_as_trafilatura_parses_them(html: str) -> None:
    ours, theirs = parse_html(html), load_html(html)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert etree.tostring(ours) == etree.tostring(theirs)
        assert all(isinstance(e, HtmlElement) for e in ours.iter())


def test_a_raw_page_is_stored_as_gzip_the_standard_library_reads() -> None:
    html = _golden_pages()[0].encode()
    article = Article(article_id="a", url="https://news.example.org/a", source="s", title="t", text="x", raw_html=html)
    analyzed = analyze_article(article, taxonomy_from({"topics": {}}, digest="none"), None)
    assert gzip.decompress(analyzed.raw_gzip) == html
    assert len(analyzed.raw_gzip) < len(html) / 2
    assert analyzed.article.raw_html == b""  # the page travels compressed only
