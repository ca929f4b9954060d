"""robots.txt by RFC 9309 (flows/http/robots.py): matching, Crawl-delay, the parsing limit and status handling."""

from __future__ import annotations

import pytest

from flows.http.robots import MAX_CRAWL_DELAY_S, MAX_ROBOTS_BYTES, HostRules, RobotsAnswer, RobotsCache

AGENT = "newswatch/0.1 (media monitoring; +https://github.com/newswatch/newswatch)"


def cache_serving(body: bytes | str, status: int | None = 200, error: str | None = None) -> RobotsCache:
    raw = body.encode() if isinstance(body, str) else body
    return RobotsCache(lambda _: RobotsAnswer(status=status, body=raw, error=error), AGENT)


def allowed(cache: RobotsCache, path: str) -> bool:
    return cache.refusal(f"https://site.example{path}") is None


def test_wildcards_and_the_end_anchor() -> None:
    robots = cache_serving("User-agent: *\nDisallow: /*.pdf$\nDisallow: /search*q=\n")
    assert not allowed(robots, "/a/report.pdf")
    assert allowed(robots, "/a/report.pdf?page=2")  # `$` anchors the end of the path and query
    assert allowed(robots, "/a/report.html")
    assert not allowed(robots, "/search/results?q=india")
    assert allowed(robots, "/search/results")


def test_the_longest_matching_rule_wins() -> None:
    robots = cache_serving("User-agent: *\nDisallow: /news/\nAllow: /news/india/\n")
    assert allowed(robots, "/news/india/x")
    assert not allowed(robots, "/news/world/x")
    assert allowed(robots, "/sport/x")
    tie = cache_serving("User-agent: *\nDisallow: /page\nAllow: /page\n")
    assert allowed(tie, "/page")  # RFC 9309: on equal length, Allow


def test_our_group_over_the_star_group() -> None:
    robots = cache_serving("User-agent: NewsWatch\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n")
    assert allowed(robots, "/news/a")
    assert not allowed(robots, "/private/c")
    others = cache_serving("User-agent: newswatchbot\nAllow: /\n\nUser-agent: *\nDisallow: /\n")
    assert not allowed(others, "/news/a")  # another product's group is not ours


def crawl_delay(body: str) -> float | None:
    heard: list[HostRules] = []
    cache = RobotsCache(lambda _: RobotsAnswer(status=200, body=body.encode(), error=None), AGENT)
    cache.on_rules = lambda _, rules: heard.append(rules)
    cache.refusal("https://site.example/a")
    (rules,) = heard
    return rules.crawl_delay


def test_crawl_delay_fractional_capped_or_absent() -> None:
    assert crawl_delay("User-agent: *\nCrawl-delay: 1.5\n") == 1.5
    assert crawl_delay("User-agent: *\nCrawl-delay: 3600\n") == MAX_CRAWL_DELAY_S
    assert crawl_delay("User-agent: *\nCrawl-delay: soon\n") is None
    assert crawl_delay("User-agent: newswatch\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 9\n") == 2.0


def test_a_leading_bom_and_the_parsing_limit() -> None:
    assert not allowed(cache_serving(b"\xef\xbb\xbfUser-agent: *\nDisallow: /x\n"), "/x")
    head = b"User-agent: *\nDisallow: /a\n"
    # The limit falls just after "Disallow: /" of the next line: read as such, that half line refuses everything.
    padding_length = MAX_ROBOTS_BYTES - len(head) - len(b"Disallow: /")
    padding = b"#" + b"." * (padding_length - 2) + b"\n"
    past_the_limit = cache_serving(head + padding + b"Disallow: /b/\n" + b"Disallow: /c/\n")
    assert not allowed(past_the_limit, "/a")
    assert allowed(past_the_limit, "/b/x") and allowed(past_the_limit, "/c/x") and allowed(past_the_limit, "/d")


@pytest.mark.parametrize(
    ("status", "error", "refusal"),
    [
        (404, "HTTP 404", None),  # no robots.txt: everything allowed
        (403, "HTTP 403", None),
        (500, "HTTP 500", "robots.txt unavailable (HTTP 500)"),  # server trouble: nothing for now
        (None, "ConnectError: refused", "robots.txt unavailable (ConnectError: refused)"),
    ],
)
def test_status_handling(status: int | None, error: str, refusal: str | None) -> None:
    robots = cache_serving(b"", status=status, error=error)
    assert robots.refusal("https://site.example/a") == refusal
