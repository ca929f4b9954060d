"""Topic relevance: a configurable AND-of-ORs query over an entry's title and summary, then its full text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from extractors.records import FeedEntry

Decision = Literal["relevant", "undecided", "off_topic"]
# Letters of the scripts the aliases use, including Devanagari vowel signs, which \w does not cover.
WORD_CHARS = r"\w\u0900-\u097F"


@dataclass(frozen=True, kw_only=True)
class TermGroup:
    name: str
    terms: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True, kw_only=True)
class RelevanceQuery:
    name: str
    groups: tuple[TermGroup, ...]


@dataclass(frozen=True, kw_only=True)
class RelevanceVerdict:
    decision: Decision
    matched: tuple[str, ...]  # group names that matched
    reason: str


def _term_regex(term: str) -> str:
    prefix = term.endswith("*")
    body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
    tail = "" if prefix else f"(?![{WORD_CHARS}])"
    return f"(?<![{WORD_CHARS}]){body}{tail}"


def make_group(name: str, terms: list[str]) -> TermGroup:
    if not terms:
        raise ValueError(f"relevance group {name!r} has no terms")
    pattern = re.compile("|".join(_term_regex(t) for t in terms), re.IGNORECASE)
    return TermGroup(name=name, terms=tuple(terms), pattern=pattern)


def query_from(data: Mapping[str, Any], *, origin: str) -> RelevanceQuery:
    """The query in a parsed relevance.toml; `origin` (the file's stem) names it when it has no name."""
    groups = tuple(make_group(g["name"], list(g["terms"])) for g in data.get("group", []))
    if not groups:
        raise ValueError(f"{origin}: a relevance query needs at least one [[group]]")
    return RelevanceQuery(name=data.get("name", origin), groups=groups)


def _judge(query: RelevanceQuery, text: str, where: str, *, partial: Decision) -> RelevanceVerdict:
    matched = tuple(g.name for g in query.groups if g.pattern.search(text))
    missing = [g.name for g in query.groups if g.name not in matched]
    if not missing:
        return RelevanceVerdict(decision="relevant", matched=matched, reason=f"{where} mention {', '.join(matched)}")
    if matched:
        reason = f"{where} mention {', '.join(matched)} but not {', '.join(missing)}"
        return RelevanceVerdict(decision=partial, matched=matched, reason=reason)
    return RelevanceVerdict(decision="off_topic", matched=(), reason=f"{where} mention none of {', '.join(missing)}")


def url_words(url: str) -> str:
    """The words of a URL's path, for entries that come with no title (plain sitemaps, some GDELT rows)."""
    return re.sub(r"[-_/.+]+", " ", unquote(urlsplit(url).path)).strip()


def judge_entry(query: RelevanceQuery, entry: FeedEntry) -> RelevanceVerdict:
    """Stage one, before fetching: all groups -> relevant, some -> undecided (fetch, read), none -> off_topic."""
    text = f"{entry.title}\n{entry.summary}".strip() or url_words(entry.link)
    return _judge(query, text, "title and summary", partial="undecided")


def judge_text(query: RelevanceQuery, title: str, text: str) -> RelevanceVerdict:
    """Stage two, after extraction: every group must appear in the title or the full text."""
    return _judge(query, f"{title}\n{text}", "title and full text", partial="off_topic")
