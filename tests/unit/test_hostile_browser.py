"""Hostile input to the story browser's pure parts: whatever a source wrote reaches the page as text, only web
addresses become links, and a bad query string gives one line naming the field."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.browser import pages, views
from warehouse.browser_hits import WatchHits
from warehouse.browser_queries import FilterChoices, StoryListRow

NOW = datetime(2026, 12, 1, 12, 0)
SCRIPT = '<script>alert("owned")</script><img src=x onerror=alert(1)>'
CHOICES = FilterChoices(topics=("defence",), outlets=(SCRIPT,), languages=("en",))


def _story(**overrides: object) -> StoryListRow:
    values: dict[str, object] = {
        "story_id": "s1",
        "title": SCRIPT,
        "url": "javascript:alert(document.cookie)",
        "story_date": date(2025, 12, 2),
        "date_source": "published",
        "last_update_at": NOW,
        "articles": 2,
        "copies": 1,
        "outlet_names": (SCRIPT,),
        "has_seed": False,
        "topics": ("defence",),
        "languages": ("en",),
    }
    return StoryListRow(**{**values, **overrides})  # type: ignore[arg-type]


def _list_page(stories: tuple[StoryListRow, ...], params: dict[str, str]) -> str:
    form = views.parse_form(params, CHOICES, NOW)
    return pages.render(
        "stories.html",
        database=SCRIPT,
        data_as_of=None,
        form=form,
        choices=CHOICES,
        notes=[SCRIPT],
        stories=stories,
        total=len(stories),
        scores={},
        pages=1,
        previous_page=None,
        next_page=None,
    )


def test_a_headline_with_a_script_is_escaped_and_a_javascript_url_is_no_link() -> None:
    html = _list_page((_story(),), {"q": SCRIPT, "outlet": SCRIPT})
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in html  # shown, as text
    assert "javascript:" not in html  # never a link, and not printed in an attribute either
    assert 'href="/story/s1"' in html


def test_attributes_cannot_be_closed_by_a_value() -> None:
    quote = '" autofocus onfocus="alert(1)'
    html = _list_page((_story(story_id="s1", title="t", url="https://x.example/a?b=1&c=2"),), {"q": quote})
    assert 'onfocus="alert(1)' not in html and "&#34; autofocus onfocus=&#34;alert(1)" in html
    assert 'href="https://x.example/a?b=1&amp;c=2"' in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<b>",
        "seed://corpus/1.txt",
        "//evil.example/x",
        "https://",
        "",
    ],
)
def test_only_web_addresses_with_a_host_become_links(url: str) -> None:
    assert views.safe_href(url) is None


def test_web_addresses_stay_links() -> None:
    assert views.safe_href(" https://www.aninews.in/a ") == "https://www.aninews.in/a"
    assert views.safe_href("HTTP://x.example") == "HTTP://x.example"


def test_a_watch_hit_shows_any_column_and_value_as_text() -> None:
    hits = WatchHits(
        columns=(SCRIPT, "story_id"),
        rows=((SCRIPT, '"><script>x</script>'),),
        story_ids=('"><script>x</script>',),
        story_titles=(SCRIPT,),
        limited=False,
    )
    html = pages.render("watches.html", database="db", data_as_of=None, hits=hits)
    assert "<script" not in html and "<img" not in html
    assert 'href="/story/&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


@pytest.mark.parametrize(
    "params, line",
    [
        ({"since": "last tuesday"}, "since: not a period: 'last tuesday'"),
        ({"until": "2025-13-45"}, "until: not a period: '2025-13-45'"),
        ({"since": "2025-12-05", "until": "2025-12-01"}, "since: 2025-12-05 is after until 2025-12-01"),
        ({"topic": "<b>"}, "topic: no story has '<b>' (known: defence)"),
        ({"lang": "xx"}, "lang: no story has 'xx' (known: en)"),
        ({"page": "-1"}, "page: a number from 1 to 10000"),
        ({"page": "99999999999999999999"}, "page: a number from 1 to 10000"),
        ({"page": "²"}, "page: a number from 1 to 10000"),  # a digit to str.isdigit, but not to int()
        ({"page": "２"}, "page: a number from 1 to 10000"),
        ({"q": "x" * 501}, "q: a search is at most 500 characters"),
    ],
)
def test_bad_filters_give_one_line_naming_the_field(params: dict[str, str], line: str) -> None:
    form = views.parse_form(params, CHOICES, NOW)
    assert len(form.errors) == 1 and form.errors[0].startswith(line), form.errors
