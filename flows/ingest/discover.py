"""`newswatch feeds discover URL`: find a site's feeds and sitemaps and check that each one reads."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from extractors.sources.discovery import feed_links, robots_sitemaps, usual_feed_urls
from extractors.sources.feeds import FeedParseError, parse_feed
from extractors.sources.sitemaps import parse_sitemap
from flows.http.client import HttpFetcher

MAX_PROBES = 20


@dataclass(frozen=True, kw_only=True)
class Discovered:
    url: str
    kind: str | None  # rss | sitemap | None when it did not read
    entries: int
    found_in: str  # page | robots.txt | usual path
    error: str | None = None


def _probe(fetcher: HttpFetcher, url: str, found_in: str) -> Discovered:
    r = fetcher.get(url, purpose="feed")
    if not r.ok:
        return Discovered(url=url, kind=None, entries=0, found_in=found_in, error=r.error)
    try:
        entries, _ = parse_feed(r.body, source="discover", content_type=r.content_type)
        return Discovered(url=url, kind="rss", entries=len(entries), found_in=found_in)
    except FeedParseError as feed_error:
        try:
            sitemap = parse_sitemap(r.body, source="discover")
            return Discovered(
                url=url, kind="sitemap", entries=len(sitemap.entries) + len(sitemap.children), found_in=found_in
            )
        except FeedParseError:
            return Discovered(url=url, kind=None, entries=0, found_in=found_in, error=f"not a feed: {feed_error}")


def discover(fetcher: HttpFetcher, site_url: str, *, try_usual_paths: bool = True) -> list[Discovered]:
    """Feeds the home page declares or links to, sitemaps robots.txt lists, then the usual feed paths."""
    candidates: dict[str, str] = {}
    home = fetcher.get(site_url, purpose="page")
    if home.ok:
        for url in feed_links(home.text, home.final_url):
            candidates.setdefault(url, "page")
    parts = urlsplit(home.final_url if home.ok else site_url)
    robots = fetcher.get(f"{parts.scheme}://{parts.netloc}/robots.txt", purpose="robots", robots=False)
    if robots.ok:
        for url in robots_sitemaps(robots.text):
            candidates.setdefault(url, "robots.txt")
    if try_usual_paths and not any(where == "page" for where in candidates.values()):
        for url in usual_feed_urls(f"{parts.scheme}://{parts.netloc}/"):
            candidates.setdefault(url, "usual path")
    found = [_probe(fetcher, url, where) for url, where in list(candidates.items())[:MAX_PROBES]]
    if not home.ok:
        found.insert(0, Discovered(url=site_url, kind=None, entries=0, found_in="home page", error=home.error))
    return found
