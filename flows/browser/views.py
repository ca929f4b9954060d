"""What the browser's pages say, from the query string and the warehouse's records. Pure functions.

Every value from the query string is text until checked here: an empty field means no filter, a bad one
gives one line naming the field, and nothing reaches SQL but as a parameter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

from flows.report.periods import parse_since
from warehouse.browser_queries import FilterChoices, TagEvidence, TimelineArticle

PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_QUERY_CHARS = 500
# The form's fields, in the order a link repeats them.
FIELDS = ("q", "topic", "outlet", "lang", "since", "until")

COPY_KINDS = {"exact": "exact copy", "title": "same headline and lead", "near": "near copy"}
PAGE_NUMBER = re.compile(r"^[0-9]{1,6}$")  # ASCII digits: str.isdigit() also passes "²", which int() refuses
EVIDENCE = re.compile(r"^(?P<term>.+)@(?P<place>title|lead|body)x(?P<count>\d+)$")


@dataclass(frozen=True, kw_only=True)
class StoryForm:
    """The list page's filters as asked (`values`, to fill the form again) and as understood."""

    values: dict[str, str]
    text: str | None
    topic: str | None
    outlet: str | None
    language: str | None
    since: date | None
    until: date | None
    page: int
    errors: tuple[str, ...]

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """Why an article is in its story: it opened it, it is another outlet's own report, or it is a copy."""

    label: str
    is_copy: bool
    score: float | None
    why: str | None


@dataclass(frozen=True, kw_only=True)
class TopicEvidence:
    topic: str
    best_score: float
    tags: tuple[TagEvidence, ...]


def _day(text: str, field: str, now: datetime, errors: list[str]) -> date | None:
    try:
        return parse_since(text, now).date()
    except ValueError as exc:
        errors.append(f"{field}: {exc}")
        return None


def _choice(text: str, field: str, known: tuple[str, ...], errors: list[str]) -> str | None:
    if not text:
        return None
    if text not in known:
        errors.append(f"{field}: no story has {text!r}" + (f" (known: {', '.join(known)})" if known else ""))
    return text


def parse_form(params: Mapping[str, str], choices: FilterChoices, now: datetime) -> StoryForm:
    values = {name: (params.get(name) or "").strip() for name in (*FIELDS, "page")}
    errors: list[str] = []
    text = values["q"] or None
    if text is not None and len(text) > MAX_QUERY_CHARS:
        errors.append(f"q: a search is at most {MAX_QUERY_CHARS} characters")
    since = _day(values["since"], "since", now, errors) if values["since"] else None
    until = _day(values["until"], "until", now, errors) if values["until"] else None
    if since and until and since > until:
        errors.append(f"since: {since:%Y-%m-%d} is after until {until:%Y-%m-%d}")
    page = 1
    if values["page"]:
        if PAGE_NUMBER.match(values["page"]) and 1 <= int(values["page"]) <= MAX_PAGE:
            page = int(values["page"])
        else:
            errors.append(f"page: a number from 1 to {MAX_PAGE}")
    return StoryForm(
        values={k: v for k, v in values.items() if k != "page"},
        text=text,
        topic=_choice(values["topic"], "topic", choices.topics, errors),
        outlet=_choice(values["outlet"], "outlet", choices.outlets, errors),
        language=_choice(values["lang"], "lang", choices.languages, errors),
        since=since,
        until=until,
        page=page,
        errors=tuple(errors),
    )


def page_link(form: StoryForm, page: int) -> str:
    """The list's address with the same filters, at another page."""
    query = [(k, form.values[k]) for k in FIELDS if form.values.get(k)]
    if page > 1:
        query.append(("page", str(page)))
    return "/?" + urlencode(query) if query else "/"


def safe_href(url: str | None) -> str | None:
    """The address when it is a web address (http or https, with a host); anything else is never a link."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def verdict(article: TimelineArticle) -> Verdict:
    kind = article.duplicate_kind if article.duplicate_kind in COPY_KINDS else article.story_kind
    if kind in COPY_KINDS:
        return Verdict(
            label=COPY_KINDS[kind],
            is_copy=True,
            score=article.duplicate_score if article.duplicate_score is not None else article.story_score,
            why=article.duplicate_detail or article.story_detail,
        )
    if kind == "story":
        return Verdict(
            label="own report of the story", is_copy=False, score=article.story_score, why=article.story_detail
        )
    if kind == "new":
        return Verdict(label="opened the story", is_copy=False, score=None, why=article.story_detail)
    return Verdict(label=kind, is_copy=False, score=article.story_score, why=article.story_detail)


def evidence_label(evidence: str) -> str:
    """`military-technical@bodyx2` -> `military-technical (body ×2)`; other text as it is."""
    match = EVIDENCE.match(evidence)
    if not match:
        return evidence
    return f"{match['term']} ({match['place']} ×{match['count']})"


def evidence_by_topic(tags: tuple[TagEvidence, ...]) -> tuple[TopicEvidence, ...]:
    """Each topic of the story with the articles tagged with it, strongest first."""
    grouped: dict[str, list[TagEvidence]] = {}
    for tag in tags:
        grouped.setdefault(tag.topic, []).append(tag)
    return tuple(
        TopicEvidence(topic=topic, best_score=max(t.score for t in items), tags=tuple(items))
        for topic, items in sorted(grouped.items())
    )
