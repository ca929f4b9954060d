"""Typed records passed between pipeline stages.

Every stage is a function from a list of one record type to a list of another, so
stages can be tested alone and wrapped by Prefect tasks a batch at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

SourceKind = Literal["rss", "atom", "google_news", "gdelt", "sitemap"]
FeedOutcome = Literal["parsed", "not_modified", "unchanged", "failed"]
DuplicateKind = Literal["exact", "title", "near"]
# How an article got its story: it opened one, it reads like one (same-story stage), or it is a copy.
StoryLinkKind = Literal["new", "story", "exact", "title", "near"]


@dataclass(frozen=True, kw_only=True)
class Source:
    name: str
    kind: SourceKind
    url: str
    enabled: bool = True
    language: str | None = None
    country: str | None = None


@dataclass(frozen=True, kw_only=True)
class FeedEntry:
    source: str
    link: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    guid: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, kw_only=True)
class FeedResult:
    """What one source produced: entries, or a recorded error."""

    source: str
    url: str
    status: int | None
    entries: tuple[FeedEntry, ...] = ()
    error: str | None = None
    warning: str | None = None
    bytes: int = 0
    duration_ms: int = 0
    outcome: FeedOutcome = "parsed"
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, kw_only=True)
class FetchEvent:
    """One HTTP request as it happened: feeds, pages, robots.txt, retries, sitemap and GDELT calls."""

    url: str
    purpose: str
    source: str | None
    status: int | None
    bytes: int
    duration_ms: int
    error: str | None
    fetched_at: datetime


@dataclass(frozen=True, kw_only=True)
class FetchedPage:
    entry: FeedEntry
    canonical_url: str
    final_url: str
    status: int | None
    html: bytes = b""
    content_type: str | None = None
    error: str | None = None
    duration_ms: int = 0
    fetched_at: datetime = field(default_factory=datetime.now)

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, kw_only=True)
class Article:
    article_id: str
    url: str
    source: str
    title: str
    text: str
    author: str | None = None
    published: date | None = None
    # The day the page was fetched (a WARC record's date in a backfill): an undated article's story is
    # looked for around it, as story_timelines dates such a story by when it was first seen.
    seen_on: date | None = None
    language: str | None = None
    site: str | None = None
    is_seed: bool = False
    aliases: tuple[str, ...] = ()
    raw_html: bytes = b""


@dataclass(frozen=True, kw_only=True)
class Fingerprint:
    article_id: str
    text_hash: str
    title_key: str
    minhash: tuple[int, ...]
    band_keys: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class DuplicateVerdict:
    article_id: str
    kind: DuplicateKind
    score: float
    matched_article_id: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class StoryProfile:
    """What the same-story stage knows of an article: field-weighted term counts."""

    article_id: str
    published: date | None
    counts: tuple[tuple[str, float], ...]
    language: str | None = None  # primary subtag ("en", "hi"); None when unknown


@dataclass(frozen=True, kw_only=True)
class StoryLink:
    """The story an article belongs to and why; `indexed_terms` are stored for later matches."""

    article_id: str
    story_id: str
    kind: StoryLinkKind
    score: float
    matched_article_id: str | None
    detail: str
    indexed_terms: tuple[tuple[str, float], ...] = ()
    vocabulary: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TopicTag:
    article_id: str
    topic: str
    score: float
    evidence: tuple[str, ...]
    tagger_version: str


@dataclass(frozen=True, kw_only=True)
class Rejection:
    """A fetched page that held no article, and why."""

    url: str
    source: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class AnalyzedArticle:
    """Everything about one article that needs no warehouse: computed in worker processes."""

    article: Article  # raw_html travels compressed in raw_gzip instead
    raw_gzip: bytes
    fingerprint: Fingerprint
    tags: tuple[TopicTag, ...]
    entities: tuple[EntityCount, ...] = ()
    story_profile: StoryProfile | None = None


@dataclass(frozen=True, kw_only=True)
class ProcessedArticle:
    """An article with everything the warehouse stores about it, ready for one load."""

    article: Article
    fingerprint: Fingerprint
    duplicate: DuplicateVerdict | None
    tags: tuple[TopicTag, ...]
    entities: tuple[EntityCount, ...] = ()
    raw_gzip: bytes = b""
    story: StoryLink | None = None


@dataclass(frozen=True, kw_only=True)
class EntityCount:
    """How often one gazetteer entity is named in one article, and by which aliases."""

    article_id: str
    entity: str
    kind: str
    mentions: int
    in_title: bool
    aliases: tuple[str, ...]
    gazetteer_version: str
