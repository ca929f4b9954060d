"""Sitemaps, sitemap indexes and Google News sitemaps -> FeedEntry records (and child sitemap URLs)."""

from __future__ import annotations

import email.utils
import gzip
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta
from lxml import etree

from extractors.records import FeedEntry
from extractors.sources.feeds import FeedParseError

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_INFLATED = 50 * 1024 * 1024  # the sitemap protocol's own size limit
MAX_URLS = 50_000


# W3C Datetime forms coarser than a day: a year or a month stands for the whole of it.
YEAR = re.compile(r"\d{4}")
MONTH = re.compile(r"\d{4}-\d{2}")
DAY = re.compile(r"\d{4}-?\d{2}-?\d{2}")


@dataclass(frozen=True, kw_only=True)
class Sitemap:
    entries: tuple[FeedEntry, ...] = ()
    children: tuple[tuple[str, datetime | None], ...] = ()  # (child sitemap URL, lastmod) of an index
    undated_left_out: int = 0  # entries without a date, left out because undated entries were not wanted


@dataclass(frozen=True)
class Period:
    """What a sitemap date means: `2025-12` is the whole month, a full timestamp a single instant."""

    first: datetime
    last: datetime

    @property
    def day_or_finer(self) -> bool:
        return self.last - self.first < timedelta(days=1)


def _inflate(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(body, MAX_INFLATED + 1)
    if len(data) > MAX_INFLATED:
        raise FeedParseError(f"sitemap inflates beyond {MAX_INFLATED} bytes")
    return data


def _utc_if_naive(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_period(value: str | None) -> Period | None:
    """A sitemap date: W3C Datetime (`2025`, `2025-12`, `2025-12-02`, `2025-12-02T10:00:00+05:30`), else RFC 822
    (`Tue, 02 Dec 2025 10:00:00 GMT`, which some sitemaps carry). Without a zone, UTC. None when unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        first = _utc_if_naive(isoparse(text))
        for form, length in (
            (YEAR, relativedelta(years=1)),
            (MONTH, relativedelta(months=1)),
            (DAY, relativedelta(days=1)),
        ):
            if form.fullmatch(text):
                return Period(first=first, last=first + length - timedelta(microseconds=1))
        return Period(first=first, last=first)
    except (ValueError, OverflowError):
        pass
    try:
        instant = _utc_if_naive(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return Period(first=instant, last=instant)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str, ns: str | None = None) -> str | None:
    for child in node.iter():
        if _local(child.tag) == name and (ns is None or etree.QName(child.tag).namespace == ns):
            return (child.text or "").strip() or None
    return None


def _is_news_sitemap(root: etree._Element) -> bool:
    return NEWS_NS in root.nsmap.values() or next(root.iter(f"{{{NEWS_NS}}}news"), None) is not None


def parse_sitemap(body: bytes, *, source: str, since: datetime | None = None, undated: bool = True) -> Sitemap:
    """Read a urlset or a sitemapindex. Entries (and children) last modified before `since` are left out; so
    are entries without a date when `undated` is False, except in a Google News sitemap, which by its rules
    lists only the last two days. A year or a month counts as its last instant, so `2025-12` is recent all
    through December."""
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
            period = parse_period(_child_text(node, "lastmod"))
            lastmod = period.last if period else None
            if loc and not (since and lastmod and lastmod < since):
                children.append((loc, lastmod))
        return Sitemap(children=tuple(children))
    if kind != "urlset":
        raise FeedParseError(f"not a sitemap: root element <{kind}>")
    keep_undated = undated or since is None or _is_news_sitemap(root)
    entries, undated_left_out = [], 0
    for node in list(root)[:MAX_URLS]:
        loc = _child_text(node, "loc")
        if not loc:
            continue
        period = parse_period(_child_text(node, "publication_date", NEWS_NS)) or parse_period(
            _child_text(node, "lastmod")
        )
        if period is None and not keep_undated:
            undated_left_out += 1
            continue
        if since and period and period.last < since:
            continue
        entries.append(
            FeedEntry(
                source=source,
                link=loc,
                title=_child_text(node, "title", NEWS_NS) or "",
                summary=_child_text(node, "keywords", NEWS_NS) or "",
                published=period.first if period and period.day_or_finer else None,
                guid=loc,
                publisher=_child_text(node, "name", NEWS_NS),
            )
        )
    return Sitemap(entries=tuple(entries), undated_left_out=undated_left_out)


def newest_children(sitemap: Sitemap, limit: int) -> list[str]:
    """The child sitemaps to read: newest first, undated ones after dated ones, at most `limit`."""
    floor = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(sitemap.children, key=lambda c: c[1] or floor, reverse=True)
    return [url for url, _ in ranked[:limit]]
