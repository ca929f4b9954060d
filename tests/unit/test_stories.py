"""Same-story linking in memory: time windows, where an arriving article goes, and reports of a new event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from extractors.article.urls import article_id
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_groups import place
from extractors.dedup.story_links import StoryIndex, link_batch
from extractors.dedup.story_profile import story_profile
from extractors.records import Article, ProcessedArticle, StoryLink
from tests.support.helpers import seed_article


def _processed(article: Article) -> ProcessedArticle:
    return ProcessedArticle(article=article, fingerprint=fingerprint(article), duplicate=None, tags=())


def test_time_window_keeps_a_similar_article_months_later_out_of_the_story() -> None:
    original, rewrite = seed_article("000"), seed_article("001")
    assert original.published is not None

    def link(published: date) -> StoryLink:
        index = StoryIndex()
        items = [_processed(original), _processed(replace(rewrite, published=published))]
        linked = link_batch(items, [story_profile(i.article) for i in items], index)
        assert linked[1].story is not None
        return linked[1].story

    same_week = link(original.published + timedelta(days=1))
    assert same_week.kind == "story" and same_week.story_id == original.article_id
    assert "time 0.91" in same_week.detail
    months_later = link(original.published + timedelta(days=60))
    assert months_later.kind == "new" and months_later.story_id == rewrite.article_id


def test_an_article_joins_its_best_match_unless_the_two_match_each_other_best() -> None:
    story = {"old1": "S", "old2": "S", "m": "S"}.get
    # no match: it opens a story of its own
    assert place("k", None, {}, {}, lambda a: story(a) or a).story == "k"
    # m's own best match is old1, not k: k joins m's story
    joined = place("k", "m", {"m": 0.4}, {"old1": 0.6, "k": 0.4}, lambda a: story(a) or a)
    assert joined.story == "S" and joined.moved_to is None


def test_a_pair_that_matches_each_other_best_leaves_a_story_it_barely_matches() -> None:
    def story_of(a: str) -> str:
        return {"old1": "S", "old2": "S", "m": "S"}.get(a, a)

    placed = {"old1": 0.5, "old2": 0.5, "m": 0.2}.get
    # k and m match each other at 0.8 and the story's other members at 0.2 or less: a new event
    apart = place("k", "m", {"m": 0.8, "old1": 0.15}, {"k": 0.8, "old2": 0.2}, story_of, lambda a: placed(a, 0.0))
    assert apart.story == "m" and apart.moved_to == "m"
    # matching the story about as well as its members joined it: they stay
    kept = place("k", "m", {"m": 0.8, "old1": 0.45}, {"k": 0.8, "old2": 0.4}, story_of, lambda a: placed(a, 0.0))
    assert kept.story == "S" and kept.moved_to is None


def _report(n: int, player: str, day: str, detail: str) -> Article:
    url = f"https://example.org/{player.split()[-1].lower()}-{n}"
    text = (
        f"San Diego Chargers player {player} was arrested on suspicion of drunk driving early {day}.\n\n"
        f"{player} was stopped on a freeway in San Diego, the California Highway Patrol said. {detail}\n\n"
        f"The Chargers said they were aware of the arrest of {player} and would not comment further."
    )
    return Article(article_id=article_id(url), url=url, source=f"outlet{n}", title="", text=text)


def test_reports_of_a_new_same_kind_event_form_their_own_story() -> None:
    older = [
        _report(n, "Vincent Jackson", "Tuesday", "Jackson failed sobriety tests on State Route 52 after 2 a.m.")
        for n in range(3)
    ]
    newer = [
        _report(n, "Jamal Williams", "Sunday", "Williams gave a blood sample after being pulled over for speeding.")
        for n in range(3)
    ]
    index = StoryIndex()
    first = link_batch([_processed(a) for a in older], [story_profile(a) for a in older], index)
    assert len({i.story.story_id for i in first if i.story}) == 1
    batch = [_processed(a) for a in newer]
    linked = [i.story for i in link_batch(batch, [story_profile(i.article) for i in batch], index) if i.story]
    old_story = older[0].article_id
    assert {s.story_id for s in linked} == {newer[0].article_id}
    assert linked[0].kind == "new" and all(s.kind == "story" for s in linked[1:])
    assert all(s.story_id != old_story for s in linked)
