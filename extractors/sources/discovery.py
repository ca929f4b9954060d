"""Feed discovery from a site's home page: <link rel=alternate>, feed-like anchors, robots.txt sitemaps, usual paths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rss",
    "application/feed+json": "json",
    "application/xml": "rss",
    "text/xml": "rss",
}
FEEDISH_HREF = re.compile(r"(?:^|[/._?=-])(?:rss|feeds?|atom)(?:$|[/._?=-])|\.(?:rss|xml)$", re.IGNORECASE)
USUAL_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feeds/all.rss")
SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def _same_site(url: str, base: str) -> bool:
    def site(u: str) -> str:
        host = (urlsplit(u).hostname or "").lower()
        return host[4:] if host.startswith("www.") else host

    return site(url) == site(base)


@dataclass(frozen=True)
class FeedLink:
    url: str
    title: str | None = None  # the <link title="..."> a page gives a feed it declares


def _joined(base: str, href: str) -> str | None:
    """`href` made absolute against `base`; None when it is not a URL (e.g. `http://[::1/rss`)."""
    try:
        url = urljoin(base, href.strip())
        urlsplit(url).port  # noqa: B018  # raises for a port that is no number
    except ValueError:
        return None
    return url


def declared_feeds(page: str, base_url: str) -> list[FeedLink]:
    """Candidate feeds a page declares (<link rel=alternate>, with their titles) or links to (feed-like
    anchors on the same site), declared ones first, without repeats. A link that is no URL is left out."""
    try:
        doc = lxml_html.fromstring(page)
    except (ValueError, TypeError, etree.LxmlError):  # LxmlError: "Document is empty", for one
        return []
    base = doc.xpath("string(//base/@href)") or base_url
    found: dict[str, str | None] = {}
    for link in doc.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and (url := _joined(base, link.get("href") or "")):
            title = " ".join((link.get("title") or "").split())
            found.setdefault(url, title or None)
    for a in doc.xpath("//a[@href]"):
        href = _joined(base, a.get("href") or "")
        if href is None:
            continue
        parts = urlsplit(href)
        if (
            parts.scheme in {"http", "https"}
            and _same_site(href, base_url)
            and FEEDISH_HREF.search(parts.path + ("?" + parts.query if parts.query else ""))
        ):
            found.setdefault(href, None)
    return [FeedLink(url, title) for url, title in found.items()]


def feed_links(page: str, base_url: str) -> list[str]:
    """The URLs of `declared_feeds`."""
    return [link.url for link in declared_feeds(page, base_url)]


def usual_feed_urls(base_url: str) -> list[str]:
    parts = urlsplit(base_url)
    return [f"{parts.scheme}://{parts.netloc}{path}" for path in USUAL_PATHS]


def robots_sitemaps(robots_txt: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in SITEMAP_LINE.finditer(robots_txt)))
