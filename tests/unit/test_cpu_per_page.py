"""What the per-page CPU savings keep: the tree trafilatura's own parsing gives, the same extraction from it,
raw pages any gzip reader opens, and the same tf-idf weights. Pages: the bundled capture always, and the
extraction dev pages when ../shared/data is present."""

from __future__ import annotations

import gzip
import math

import pytest
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from extractors.analysis import analyze_article
from extractors.article import extract
from extractors.article.metadata import page_metadata
from extractors.article.parse import parse_html
from extractors.dedup.story_profile import heaviest_terms, idf
from extractors.records import Article
from extractors.tagging.taxonomy import taxonomy_from
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


def test_heaviest_terms_are_the_tf_idf_weights_term_by_term_in_the_same_order() -> None:
    counts = tuple(sorted({"oil": 3.0, "india": 2.0, "russia": 2.0, "talks": 1.0, "@modi": 4.0, "rare": 0.5}.items()))
    frequencies = {"oil": 40, "india": 7, "russia": 7, "talks": 7, "@modi": 2}
    for left_out in ((), {"india", "oil"}):
        expected = sorted(
            {
                term: (1.0 + math.log(count)) * idf(frequencies.get(term, 0) - (term in left_out), 90)
                for term, count in counts
                if count >= 1.0
            }.items(),
            key=lambda kv: (-kv[1], kv[0]),
        )
        assert heaviest_terms(counts, frequencies, 90, left_out) == expected
    tied = heaviest_terms((("b", 2.0), ("a", 2.0), ("c", 2.0)), {}, 10)
    assert [term for term, _ in tied] == ["a", "b", "c"]
