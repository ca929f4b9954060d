"""Same-story linking in memory: time windows, chains of best matches, and batches of a new event."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from extractors.article.urls import article_id
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_groups import join_groups, resolve_stories
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


def test_best_match_chains_end_at_a_stored_story_or_open_one_named_after_the_earliest() -> None:
    ids = ["a", "b", "c", "d", "e", "f"]
    # a and b match each other; c matches a stored article; d matches nothing; e follows c; f follows d.
    edges: list[int | str | None] = [1, 0, "stored", None, 2, 3]
    assert resolve_stories(edges, ids, {"stored": "S"}) == ["a", "a", "S", "d", "S", "d"]
    # A chain that ends at a later article is still named after its earliest article.
    assert resolve_stories([1, None], ["x", "y"], {}) == ["x", "x"]


def test_a_group_joins_an_older_story_only_when_it_matches_it_about_as_well_as_itself() -> None:
    ids = ["n1", "n2"]
    tight = [{"n2": 0.8, "old": 0.3}, {"n1": 0.8, "old": 0.3}]
    # 0.3 into the old story against 0.8 within: a same-kind event of its own.
    assert join_groups(["n1", "n1"], ids, tight, {"old": "S"}, 0.1, 0.6) == ["n1", "n1"]
    loose = [{"n2": 0.4, "old": 0.3}, {"n1": 0.4, "old": 0.3}]
    assert join_groups(["n1", "n1"], ids, loose, {"old": "S"}, 0.1, 0.6) == ["S", "S"]


def _report(n: int, player: str, day: str, detail: str) -> Article:
    url = f"https://example.org/{player.split()[-1].lower()}-{n}"
    text = (
        f"San Diego Chargers player {player} was arrested on suspicion of drunk driving early {day}.\n\n"
        f"{player} was stopped on a freeway in San Diego, the California Highway Patrol said. {detail}\n\n"
        f"The Chargers said they were aware of the arrest of {player} and would not comment further."
    )
    return Article(article_id=article_id(url), url=url, source=f"outlet{n}", title="", text=text)


def test_reports_of_a_new_same_kind_event_in_one_batch_form_their_own_story() -> None:
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
    # Each new report alone would have matched the older story: the batch is what tells them apart.
    assert all(s.story_id != old_story for s in linked)
    alone = StoryIndex()
    link_batch([_processed(a) for a in older], [story_profile(a) for a in older], alone)
    single = link_batch(batch[:1], [story_profile(i.article) for i in batch[:1]], alone)[0].story
    assert single is not None and single.story_id == old_story
