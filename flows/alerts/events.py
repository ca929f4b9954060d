"""The Prefect events newswatch emits: `newswatch.watch.hit` and `newswatch.topic.spike` (docs/alerts.md).

Each event's id is derived from what it announces (the watch, the story and the alert's number; the topic
and the day), so an event sent twice is one event on the server.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from prefect import get_run_logger
from prefect.events import emit_event
from prefect.exceptions import MissingContextError
from prefect.logging import get_logger

from warehouse.story_cards import StoryCard

WATCH_HIT = "newswatch.watch.hit"
TOPIC_SPIKE = "newswatch.topic.spike"
EVENT_NAMESPACE = uuid.UUID("6f0b7c1e-2f64-4d0f-9a51-2c8f4e0d7a11")


def run_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The flow run's logger inside a run (its lines reach the dashboard), else newswatch's own."""
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger("newswatch.alerts")


def watch_resource_id(watch: str) -> str:
    return f"newswatch.watch.{watch}"


def topic_resource_id(topic: str) -> str:
    return f"newswatch.topic.{topic}"


@dataclass(frozen=True, kw_only=True)
class WatchAlert:
    """One alert of a (watch, story): the story's first match, or the story reaching new outlets."""

    watch: str
    query: str
    reason: str  # 'new story' or 'new outlet'
    story: StoryCard
    article_id: str
    outlets: tuple[str, ...]  # every outlet announced so far
    new_outlets: tuple[str, ...]  # those this alert announces
    alerts: int  # this alert's number for the (watch, story): 1 for the match


def web_link(url: str) -> str | None:
    """A story's link when it is a web address (a seed-only story has none)."""
    return url if url.startswith(("http://", "https://")) else None


def hit_payload(alert: WatchAlert) -> dict[str, Any]:
    story = alert.story
    outlets = ", ".join(alert.outlets) or "the seed corpus only"
    return {
        "watch": alert.watch,
        "query": alert.query,
        "reason": alert.reason,
        "story_id": story.story_id,
        "article_id": alert.article_id,
        "headline": story.title,
        "link": web_link(story.url),
        "outlets": list(alert.outlets),
        "new_outlets": list(alert.new_outlets),
        "topics": list(story.topics),
        "first_seen": story.first_seen_at.isoformat(timespec="seconds"),
        "story_date": story.story_date.isoformat(),
        # Ready-made text for notification templates: {{ event.payload.summary }}
        "summary": f"{story.title}\n{web_link(story.url) or '(no web link)'}\noutlets: {outlets}",
    }


def emit_watch_hit(alert: WatchAlert) -> None:
    story = alert.story
    emit_event(
        event=WATCH_HIT,
        resource={"prefect.resource.id": watch_resource_id(alert.watch), "prefect.resource.name": alert.watch},
        related=[
            {
                "prefect.resource.id": f"newswatch.story.{story.story_id}",
                "prefect.resource.role": "story",
                "prefect.resource.name": story.title[:200],
            }
        ],
        payload=hit_payload(alert),
        id=uuid.uuid5(EVENT_NAMESPACE, f"{WATCH_HIT}/{alert.watch}/{story.story_id}/{alert.alerts}"),
    )


def emit_topic_spike(topic: str, day: date, stories: int, baseline: float, threshold: str) -> None:
    emit_event(
        event=TOPIC_SPIKE,
        resource={"prefect.resource.id": topic_resource_id(topic), "prefect.resource.name": topic},
        payload={
            "topic": topic,
            "day": day.isoformat(),
            "stories": stories,
            "baseline": round(baseline, 3),
            "threshold": threshold,
        },
        id=uuid.uuid5(EVENT_NAMESPACE, f"{TOPIC_SPIKE}/{topic}/{day.isoformat()}"),
    )
