"""The alert rules alone: which watch matches are news (one alert per (watch, story), again only for new
outlets), when a topic's day is a spike, what the events and the automation say."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from uuid import uuid4

from flows.alerts.automations import automation_name, watch_automation
from flows.alerts.events import WATCH_HIT, hit_payload, watch_resource_id
from flows.alerts.hits import alerts_due, as_rows
from flows.alerts.spikes import BASELINE_DAYS, SPIKE_MIN_STORIES, SPIKE_RATIO, has_baseline, is_spike
from tests.support.paths import PROJECT
from warehouse.spikes import TopicDay
from warehouse.story_cards import StoryCard
from warehouse.watches import StoredHit, Watch, WatchMatch

WATCH = Watch(name="s400", query="S-400")
SEEN = datetime(2026, 12, 1, 9, 30)


def card(story_id: str = "story-1", outlets: tuple[str, ...] = ("ANI",), url: str = "https://a.example/1") -> StoryCard:
    return StoryCard(
        story_id=story_id,
        title="India receives S-400 squadron",
        url=url,
        outlets=outlets,
        topics=("defence",),
        first_seen_at=SEEN,
        last_update_at=SEEN,
        story_date=date(2026, 12, 1),
        date_source="published",
        has_seed=False,
    )


def match(story_id: str = "story-1", article_id: str = "a1") -> WatchMatch:
    return WatchMatch(watch="s400", story_id=story_id, article_id=article_id, score=1.0)


def stored(outlets: tuple[str, ...], alerts: int = 1) -> StoredHit:
    return StoredHit(
        watch="s400",
        story_id="story-1",
        article_id="a1",
        outlets=outlets,
        alerts=alerts,
        first_hit_at=SEEN,
        last_hit_at=SEEN,
    )


def test_a_new_matching_story_is_one_alert() -> None:
    [alert] = alerts_due([WATCH], [match()], [], {"story-1": card()})
    assert (alert.reason, alert.outlets, alert.new_outlets, alert.alerts) == ("new story", ("ANI",), ("ANI",), 1)
    assert alert.query == "S-400"


def test_a_story_matched_twice_in_one_batch_is_still_one_alert() -> None:
    # Several copies of the story matched: the matches name the same (watch, story).
    alerts = alerts_due([WATCH], [match(article_id="a1"), match(article_id="a2")], [], {"story-1": card()})
    assert len(alerts) == 1


def test_a_story_already_hit_alerts_again_only_for_a_new_outlet() -> None:
    assert alerts_due([WATCH], [match()], [stored(("ANI",))], {"story-1": card(outlets=("ANI",))}) == []
    [alert] = alerts_due([WATCH], [match()], [stored(("ANI",))], {"story-1": card(outlets=("ANI", "ThePrint"))})
    assert (alert.reason, alert.new_outlets, alert.outlets, alert.alerts) == (
        "new outlet",
        ("ThePrint",),
        ("ANI", "ThePrint"),
        2,
    )
    assert alert.article_id == "a1"  # the row keeps the article that first matched


def test_rows_keep_the_first_hit_time() -> None:
    later = datetime(2026, 12, 2)
    alerts = alerts_due([WATCH], [match()], [stored(("ANI",))], {"story-1": card(outlets=("ANI", "ThePrint"))})
    [row] = as_rows(alerts, [stored(("ANI",))], later)
    assert (row.first_hit_at, row.last_hit_at, row.alerts) == (SEEN, later, 2)


def test_the_event_payload_names_the_watch_story_and_outlets() -> None:
    [alert] = alerts_due([WATCH], [match()], [], {"story-1": card()})
    payload = hit_payload(alert)
    assert payload["headline"] == "India receives S-400 squadron"
    assert payload["link"] == "https://a.example/1"
    assert payload["outlets"] == ["ANI"] and payload["watch"] == "s400"
    assert watch_resource_id("s400") == "newswatch.watch.s400"
    [seed_only] = alerts_due([WATCH], [match()], [], {"story-1": card(outlets=(), url="seed://corpus/x.txt")})
    assert hit_payload(seed_only)["link"] is None  # a seed:// address is no link to follow


def test_the_automation_fires_on_each_hit_of_its_watch_only() -> None:
    block = uuid4()
    automation = watch_automation("s400", block)
    assert automation.name == automation_name("s400")
    trigger = automation.trigger
    assert trigger.expect == {WATCH_HIT}  # type: ignore[union-attr]
    assert trigger.match.model_dump() == {"prefect.resource.id": "newswatch.watch.s400"}  # type: ignore[union-attr]
    assert trigger.threshold == 1  # type: ignore[union-attr]
    [action] = automation.actions
    assert action.block_document_id == block  # type: ignore[union-attr]


def test_spike_threshold() -> None:
    day = date(2026, 12, 1)
    assert is_spike(TopicDay(topic="defence", day=day, stories=SPIKE_MIN_STORIES, baseline=0.0))
    assert not is_spike(TopicDay(topic="defence", day=day, stories=SPIKE_MIN_STORIES - 1, baseline=0.0))
    assert is_spike(TopicDay(topic="defence", day=day, stories=9, baseline=9 / SPIKE_RATIO))
    assert not is_spike(TopicDay(topic="defence", day=day, stories=9, baseline=9 / SPIKE_RATIO + 0.1))


def test_no_spike_without_a_full_baseline() -> None:
    today = date(2026, 12, 15)
    assert not has_baseline(None, today)
    assert not has_baseline(date.fromordinal(today.toordinal() - BASELINE_DAYS + 1), today)
    assert has_baseline(date.fromordinal(today.toordinal() - BASELINE_DAYS), today)


def test_the_cli_does_not_import_prefect_before_setting_it_up() -> None:
    # Prefect reads its settings when imported: imported before flows.settings.prefect_environment() and the
    # per-command server, a run would talk to a throwaway server of Prefect's own.
    code = "import sys, flows.cli.app; sys.exit('prefect' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=PROJECT, timeout=60).returncode == 0
