"""Feed discovery from a site's home page: <link rel=alternate>, feed-like anchors, robots.txt sitemaps, usual paths."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

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


def feed_links(page: str, base_url: str) -> list[str]:
    """Candidate feed URLs a page declares or links to, declared ones first, without repeats."""
    try:
        doc = lxml_html.fromstring(page)
    except (ValueError, TypeError):
        return []
    base = doc.xpath("string(//base/@href)") or base_url
    declared: list[str] = []
    for link in doc.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            declared.append(urljoin(base, link.get("href").strip()))
    anchors = []
    for a in doc.xpath("//a[@href]"):
        href = urljoin(base, a.get("href").strip())
        if (
            urlsplit(href).scheme in {"http", "https"}
            and _same_site(href, base_url)
            and FEEDISH_HREF.search(urlsplit(href).path + ("?" + urlsplit(href).query if urlsplit(href).query else ""))
        ):
            anchors.append(href)
    return list(dict.fromkeys(declared + anchors))


def usual_feed_urls(base_url: str) -> list[str]:
    parts = urlsplit(base_url)
    return [f"{parts.scheme}://{parts.netloc}{path}" for path in USUAL_PATHS]


def robots_sitemaps(robots_txt: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in SITEMAP_LINE.finditer(robots_txt)))
