"""The story browser's pure parts: the list's filters from the query string, verdicts, evidence, links."""

from __future__ import annotations

from datetime import date, datetime

from flows.browser import views
from warehouse.browser_queries import FilterChoices, TagEvidence, TimelineArticle

CHOICES = FilterChoices(topics=("defence", "energy"), outlets=("ANI", "IANS"), languages=("en", "ru"))
NOW = datetime(2026, 12, 1, 12, 0)


def test_empty_fields_mean_no_filter_and_the_form_keeps_what_was_asked() -> None:
    form = views.parse_form({"q": "  ", "topic": "", "outlet": "", "lang": "", "since": "", "until": ""}, CHOICES, NOW)
    assert (form.text, form.topic, form.outlet, form.language, form.since, form.until) == (None,) * 6
    assert form.page == 1 and form.offset == 0 and not form.errors

    asked = {"q": "S-400 ", "topic": "defence", "outlet": "IANS", "lang": "ru", "since": "2025-12-01", "page": "3"}
    form = views.parse_form(asked, CHOICES, NOW)
    assert (form.text, form.topic, form.outlet, form.language) == ("S-400", "defence", "IANS", "ru")
    assert form.since == date(2025, 12, 1) and form.until is None
    assert form.offset == 2 * views.PAGE_SIZE
    assert views.parse_form({"since": "7d"}, CHOICES, NOW).since == date(2026, 11, 24)


def test_page_links_repeat_the_filters() -> None:
    form = views.parse_form({"q": "oil & gas", "topic": "energy", "page": "2"}, CHOICES, NOW)
    assert views.page_link(form, 3) == "/?q=oil+%26+gas&topic=energy&page=3"
    assert views.page_link(form, 1) == "/?q=oil+%26+gas&topic=energy"
    assert views.page_link(views.parse_form({}, CHOICES, NOW), 1) == "/"


def _article(**overrides: object) -> TimelineArticle:
    values: dict[str, object] = {
        "article_id": "b",
        "url": "https://ani.example/b",
        "source": "ANI",
        "site": None,
        "title": "t",
        "language": "en",
        "published": None,
        "first_seen_at": NOW,
        "is_seed": False,
        "story_kind": "new",
        "story_score": 0.2,
        "story_detail": "opens a story",
        "duplicate_kind": None,
        "duplicate_score": None,
        "duplicate_detail": None,
        "matched_article_id": None,
        "matched_title": None,
        "matched_source": None,
    }
    return TimelineArticle(**{**values, **overrides})  # type: ignore[arg-type]


def test_verdicts_say_which_articles_are_copies_and_why() -> None:
    opened = views.verdict(_article())
    assert (opened.label, opened.is_copy, opened.score, opened.why) == (
        "opened the story",
        False,
        None,
        "opens a story",
    )
    own = views.verdict(_article(story_kind="story", story_score=0.31, story_detail="tf-idf cosine 0.31"))
    assert (own.label, own.is_copy, own.score) == ("own report of the story", False, 0.31)
    # A copy's verdict comes from the dedup ladder (duplicates), not the story link it shares.
    near = views.verdict(
        _article(
            story_kind="near",
            story_detail="near duplicate: shares the story",
            duplicate_kind="near",
            duplicate_score=0.96,
            duplicate_detail="MinHash Jaccard 0.96",
        )
    )
    assert (near.label, near.is_copy, near.score, near.why) == ("near copy", True, 0.96, "MinHash Jaccard 0.96")
    exact = views.verdict(_article(story_kind="exact", story_score=1.0, duplicate_kind="exact", duplicate_score=1.0))
    assert exact.label == "exact copy" and exact.is_copy
    assert views.verdict(_article(story_kind="title")).label == "same headline and lead"


def test_evidence_reads_as_term_place_and_count() -> None:
    assert views.evidence_label("military-technical@bodyx2") == "military-technical (body ×2)"
    assert views.evidence_label("fighter jet*@titlex1") == "fighter jet* (title ×1)"
    assert views.evidence_label("odd@evidence") == "odd@evidence"

    def tag(topic: str, score: float) -> TagEvidence:
        return TagEvidence(topic=topic, article_id="a", source="s", title="t", score=score, evidence=())

    grouped = views.evidence_by_topic((tag("energy", 1.5), tag("defence", 2.0), tag("defence", 6.0)))
    assert [(g.topic, g.best_score, len(g.tags)) for g in grouped] == [("defence", 6.0, 2), ("energy", 1.5, 1)]


def test_report_links_each_story_to_the_browser_only_when_told_where_it_runs() -> None:
    from flows.report.render import render_html
    from warehouse.report_data import ReportData, StoryRow, Totals

    story = StoryRow(
        story_id="abc123",
        topic="defence",
        title="A story",
        url="https://ani.example/a",
        story_date=date(2025, 12, 2),
        date_source="published",
        first_seen_at=NOW,
        last_update_at=NOW,
        outlets=1,
        outlet_names=("ANI",),
        has_seed=False,
        articles=1,
    )
    totals = Totals(stories=1, articles=1, seeds=0, new_articles=1, duplicates=0, sources_ok=1, sources_failing=0)
    data = ReportData(
        since=datetime(2026, 11, 24),
        until=NOW,
        before=datetime(2026, 11, 17),
        totals=totals,
        daily=(),
        weekly=(),
        top_stories=(story,),
        source_ratios=(),
        seed_articles=0,
        source_health=(),
        entities=(),
        entities_known=0,
    )
    linked = render_html(data, generated_at=NOW, database="x.duckdb", browser_url="http://127.0.0.1:8400")
    assert '<a class="story-page" href="http://127.0.0.1:8400/story/abc123">story page</a>' in linked
    assert '<a href="https://ani.example/a">A story</a>' in linked  # the outlet's page stays the story's link
    offline = render_html(data, generated_at=NOW, database="x.duckdb")
    assert "/story/" not in offline and '<a href="https://ani.example/a">A story</a>' in offline
