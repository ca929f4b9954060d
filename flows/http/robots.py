"""robots.txt for article pages, fetched once per host per run through the polite client.

Following RFC 9309: a 4xx robots.txt means no rules; a 5xx or an unreachable robots.txt means
nothing may be fetched from that host for now. Rules are matched by Protego, which implements the RFC's
matching (`*` and `$` in paths, the longest matching rule wins, Allow over Disallow on a tie); the standard
library's parser takes the first rule that matches and reads `*` and `$` literally.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

MAX_CRAWL_DELAY_S = 60.0
# RFC 9309 section 2.5: a parsing limit of at least 500 KiB; what lies beyond it is not read.
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True, kw_only=True)
class RobotsAnswer:
    status: int | None
    body: bytes
    error: str | None


@dataclass(frozen=True, kw_only=True)
class HostRules:
    parser: Protego | None  # None: no rules, everything allowed
    blocked_reason: str | None = None  # set: nothing allowed
    crawl_delay: float | None = None


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against: 'newswatch' in 'newswatch/0.1 (...)'."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"


def rules_from_answer(answer: RobotsAnswer, agent: str) -> HostRules:
    if answer.status is None or answer.status >= 500:
        why = answer.error or f"HTTP {answer.status}"
        return HostRules(parser=None, blocked_reason=f"robots.txt unavailable ({why})")
    if not 200 <= answer.status < 300:
        return HostRules(parser=None)
    body = answer.body[:MAX_ROBOTS_BYTES]
    if len(answer.body) > MAX_ROBOTS_BYTES:
        body = body[: body.rfind(b"\n") + 1]  # a line cut at the limit would be a different rule
    parser = Protego.parse(body.decode("utf-8-sig", errors="replace"))  # a leading BOM would hide the first line
    delay = parser.crawl_delay(agent)
    return HostRules(parser=parser, crawl_delay=min(delay, MAX_CRAWL_DELAY_S) if delay else None)


class RobotsCache:
    """`fetch(robots_url)` gets the file; `on_rules(host:port, rules)` hears about each host's rules once."""

    def __init__(
        self,
        fetch: Callable[[str], RobotsAnswer],
        user_agent: str,
        on_rules: Callable[[str, HostRules], None] | None = None,
    ) -> None:
        self.fetch = fetch
        self.agent = agent_token(user_agent)
        self.on_rules = on_rules
        self._rules: dict[str, HostRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _rules_for(self, origin: str, host_key: str) -> HostRules:
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._rules:
                rules = rules_from_answer(self.fetch(f"{origin}/robots.txt"), self.agent)
                self._rules[origin] = rules
                if self.on_rules:
                    self.on_rules(host_key, rules)
            return self._rules[origin]

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids this URL, or None when it may be fetched."""
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            return None
        rules = self._rules_for(f"{parts.scheme}://{parts.netloc}", parts.netloc.lower())
        if rules.blocked_reason:
            return rules.blocked_reason
        if rules.parser is not None and not rules.parser.can_fetch(url, self.agent):
            return f"robots.txt disallows {parts.path or '/'} for {self.agent}"
        return None
