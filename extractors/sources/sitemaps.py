"""Sitemaps, sitemap indexes and Google News sitemaps -> FeedEntry records (and child sitemap URLs)."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from extractors.records import FeedEntry
from extractors.sources.feeds import FeedParseError

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_INFLATED = 50 * 1024 * 1024  # the sitemap protocol's own size limit
MAX_URLS = 50_000


@dataclass(frozen=True, kw_only=True)
class Sitemap:
    entries: tuple[FeedEntry, ...] = ()
    children: tuple[tuple[str, datetime | None], ...] = ()  # (child sitemap URL, lastmod) of an index


def _inflate(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(body, MAX_INFLATED + 1)
    if len(data) > MAX_INFLATED:
        raise FeedParseError(f"sitemap inflates beyond {MAX_INFLATED} bytes")
    return data


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str, ns: str | None = None) -> str | None:
    for child in node.iter():
        if _local(child.tag) == name and (ns is None or etree.QName(child.tag).namespace == ns):
            return (child.text or "").strip() or None
    return None


def parse_sitemap(body: bytes, *, source: str, since: datetime | None = None) -> Sitemap:
    """Read a urlset or a sitemapindex. Entries (and children) last modified before `since` are left out."""
    try:
        parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(_inflate(body), parser=parser)
    except (etree.XMLSyntaxError, gzip.BadGzipFile, zlib.error, ValueError) as exc:
        raise FeedParseError(f"not a sitemap: {exc}") from exc
    if root is None:
        raise FeedParseError("not a sitemap: empty document")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = []
        for node in root:
            loc = _child_text(node, "loc")
            lastmod = parse_time(_child_text(node, "lastmod"))
            if loc and not (since and lastmod and lastmod < since):
                children.append((loc, lastmod))
        return Sitemap(children=tuple(children))
    if kind != "urlset":
        raise FeedParseError(f"not a sitemap: root element <{kind}>")
    entries = []
    for node in list(root)[:MAX_URLS]:
        loc = _child_text(node, "loc")
        if not loc:
            continue
        published = parse_time(_child_text(node, "publication_date", NEWS_NS)) or parse_time(
            _child_text(node, "lastmod")
        )
        if since and published and published < since:
            continue
        entries.append(
            FeedEntry(
                source=source,
                link=loc,
                title=_child_text(node, "title", NEWS_NS) or "",
                summary=_child_text(node, "keywords", NEWS_NS) or "",
                published=published,
                guid=loc,
                publisher=_child_text(node, "name", NEWS_NS),
            )
        )
    return Sitemap(entries=tuple(entries))


def newest_children(sitemap: Sitemap, limit: int) -> list[str]:
    """The child sitemaps to read: newest first, undated ones after dated ones, at most `limit`."""
    floor = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(sitemap.children, key=lambda c: c[1] or floor, reverse=True)
    return [url for url, _ in ranked[:limit]]
