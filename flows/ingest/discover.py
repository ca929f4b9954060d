"""`newswatch feeds discover URL`: find a site's feeds and sitemaps and check that each one reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from extractors.sources.discovery import declared_feeds, robots_sitemaps, usual_feed_urls
from extractors.sources.feeds import FeedParseError, read_feed
from extractors.sources.sitemaps import parse_sitemap
from flows.http.client import HttpFetcher, HttpResult

MAX_PROBES = 20
MAX_NAME = 80
# The address guard's words for an address a setting can allow (flows/http/address_guard.py), and that setting.
ALLOWED_BY = {"loopback": "NEWSWATCH_ALLOW_LOOPBACK=1", "private": "NEWSWATCH_ALLOW_PRIVATE=1"}
REFUSED_KIND = re.compile(r"\bis an? (loopback|private) address\b")


@dataclass(frozen=True, kw_only=True)
class Discovered:
    url: str
    kind: str | None  # rss | sitemap | None when it did not read
    entries: int
    found_in: str  # page | robots.txt | usual path | home page
    error: str | None = None
    title: str | None = None  # the feed's own title, else the one the page gave its link
    refused_setting: str | None = None  # the setting that would let the guard pass this address


def refusal_setting(result: HttpResult) -> str | None:
    """The NEWSWATCH_* setting that allows what the address guard refused here (a loopback or private
    address), or None when it was not such a refusal."""
    if not result.refused or not result.error:
        return None
    match = REFUSED_KIND.search(result.error)
    return ALLOWED_BY[match.group(1)] if match else None


def guard_refused(result: HttpResult) -> bool:
    """The address guard refused the host (not robots.txt a path): every URL on that host is refused too."""
    return result.refused and (result.error or "").startswith("RefusedHost")


def _failed(url: str, found_in: str, result: HttpResult) -> Discovered:
    return Discovered(
        url=url, kind=None, entries=0, found_in=found_in, error=result.error, refused_setting=refusal_setting(result)
    )


def _probe(fetcher: HttpFetcher, url: str, found_in: str, link_title: str | None) -> Discovered:
    r = fetcher.get(url, purpose="feed")
    if not r.ok:
        return _failed(url, found_in, r)
    try:
        feed = read_feed(r.body, source="discover", content_type=r.content_type)
        return Discovered(
            url=url, kind="rss", entries=len(feed.entries), found_in=found_in, title=feed.title or link_title
        )
    except FeedParseError as feed_error:
        try:
            sitemap = parse_sitemap(r.body, source="discover")
            return Discovered(
                url=url,
                kind="sitemap",
                entries=len(sitemap.entries) + len(sitemap.children),
                found_in=found_in,
                title=link_title,
            )
        except FeedParseError:
            return Discovered(url=url, kind=None, entries=0, found_in=found_in, error=f"not a feed: {feed_error}")


def _probe_safely(fetcher: HttpFetcher, url: str, found_in: str, link_title: str | None) -> Discovered:
    # One candidate that breaks a parser must not end the discovery of the others.
    try:
        return _probe(fetcher, url, found_in, link_title)
    except Exception as exc:
        return Discovered(url=url, kind=None, entries=0, found_in=found_in, error=f"{type(exc).__name__}: {exc}")


def discover(fetcher: HttpFetcher, site_url: str, *, try_usual_paths: bool = True) -> list[Discovered]:
    """Feeds the home page declares or links to, sitemaps robots.txt lists, then the usual feed paths. When the
    address guard refuses the site itself, that is the one answer: every path on it would be refused too."""
    home = fetcher.get(site_url, purpose="page")
    if guard_refused(home):
        return [_failed(site_url, "home page", home)]
    candidates: dict[str, tuple[str, str | None]] = {}
    if home.ok:
        for link in declared_feeds(home.text, home.final_url):
            candidates.setdefault(link.url, ("page", link.title))
    parts = urlsplit(home.final_url if home.ok else site_url)
    robots = fetcher.get(f"{parts.scheme}://{parts.netloc}/robots.txt", purpose="robots", robots=False)
    if robots.ok:
        for url in robots_sitemaps(robots.text):
            candidates.setdefault(url, ("robots.txt", None))
    if try_usual_paths and not any(where == "page" for where, _ in candidates.values()):
        for url in usual_feed_urls(f"{parts.scheme}://{parts.netloc}/"):
            candidates.setdefault(url, ("usual path", None))
    found = [_probe_safely(fetcher, url, where, title) for url, (where, title) in list(candidates.items())[:MAX_PROBES]]
    if not home.ok:
        found.insert(0, _failed(site_url, "home page", home))
    return found


def source_names(found: list[Discovered]) -> list[str]:
    """A name for each readable feed, for its [[source]] block: its title, else its URL; a title two feeds share
    gets each one's path after it, since names in feeds.toml are unique."""
    readable = [d for d in found if d.kind]
    titles = [(d.title or "")[:MAX_NAME].strip() for d in readable]
    names = []
    for d, title in zip(readable, titles, strict=True):
        if not title:
            names.append(d.url)
        elif titles.count(title) > 1:
            names.append(f"{title} ({urlsplit(d.url).path or '/'})")
        else:
            names.append(title)
    # Two feeds of one title and path (another query string) keep their URLs.
    return [d.url if names.count(name) > 1 else name for d, name in zip(readable, names, strict=True)]
