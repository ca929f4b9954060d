"""A decoded page into the lxml.html tree that metadata and trafilatura's extraction both read.

trafilatura's own `load_html`, step for step (repair, parse, the bytes fallback, the not-HTML check) with the
same parser options, but with element classes chosen in lxml's C code: lxml.html's parser asks a Python
method for the class of every element Python touches, a visible share of the extraction time
(docs/performance.md). Every element is an `HtmlElement`, as there; only lxml.html's form classes
(`FormElement`, `InputElement`, ...), whose form helpers neither trafilatura nor htmldate call, are not used.
"""

from __future__ import annotations

import logging

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura.utils import is_dubious_html, repair_faulty_html

log = logging.getLogger(__name__)


def _parser() -> HTMLParser:
    # The options of trafilatura.utils.HTML_PARSER.
    parser = HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    classes = etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
    parser.set_element_class_lookup(classes)
    return parser


PARSER = _parser()


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        tree: HtmlElement = fromstring(html.encode("utf8", "surrogatepass"), parser=PARSER)
        return tree
    except Exception as exc:  # lxml refuses some byte strings outright: then the page has no tree
        log.debug("lxml could not parse the page's bytes: %s", exc)
        return None


def parse_html(html: str) -> HtmlElement | None:
    """The page's tree, or None when it is not HTML (trafilatura's test: no `html` in its first 50
    characters and fewer than two children of the root)."""
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    tree: HtmlElement | None = None
    from_bytes = False
    try:
        tree = fromstring(html, parser=PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _from_bytes(html), True
    except Exception as exc:
        log.debug("lxml could not parse the page: %s", exc)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(html)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree
