"""The browser's HTML: Jinja2 templates (flows/browser/templates, package data) with autoescape on for every
template, so whatever a source wrote (a headline, an error, a URL) reaches the page as text. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from flows.browser import views
from warehouse.browser_queries import TimelineArticle


@dataclass(frozen=True, kw_only=True)
class TimelineItem:
    article: TimelineArticle
    verdict: views.Verdict


def _stamp(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def _cell(value: Any) -> str:
    """A watch hit's value as text: lists joined, times to the minute, nothing as a blank."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _stamp(value)
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("flows.browser", "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = views.safe_href
    env.filters["evidence"] = views.evidence_label
    env.filters["stamp"] = _stamp
    env.filters["cell"] = _cell
    return env


ENVIRONMENT = _environment()


def render(template: str, **context: Any) -> str:
    return ENVIRONMENT.get_template(template).render(**context)


def timeline_items(articles: tuple[TimelineArticle, ...]) -> tuple[TimelineItem, ...]:
    return tuple(TimelineItem(article=a, verdict=views.verdict(a)) for a in articles)
