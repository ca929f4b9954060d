"""Why the WARC backfill's markup screen keeps navigation, menus and headers (docs/fetching.md, issue 19):
trafilatura drops <nav>, <menu> and <header> in its main extractor, but not on every path extraction takes.
An <h1> anywhere in the page can be the title, and when the main extractor finds too little, the default
mode's baseline fallback reads the paragraphs and list items of the whole body, navigation included. Each
page here names India and Russia only in such an element, and the full path (extraction, then the full-text
verdict) keeps it; so a screen that skipped those elements would lose them."""

from __future__ import annotations

import pytest

from extractors.article.extract import ExtractionError, extract_article
from extractors.records import FeedEntry, FetchedPage
from extractors.tagging.markup_screen import judge_markup, markup_screen
from extractors.tagging.relevance import judge_text
from flows import seed_files
from flows import settings as nw_settings

QUERY = seed_files.load_query(nw_settings.DEFAULT_RELEVANCE)
SCREEN = markup_screen(QUERY)
FILLER = "The committee met on Tuesday to review the annual budget, and members asked for more detail on spending. "
TERMS = "India and Russia."

ONLY_IN_NAVIGATION = {
    "a heading in the navigation, as the title": (
        f"<html><body><nav><h1>{TERMS}</h1></nav><article><p>{FILLER * 4}</p></article></body></html>"
    ),
    "a paragraph in the navigation": f"<html><body><nav><p>{FILLER * 2}{TERMS}</p></nav></body></html>",
    "a list item in the navigation": f"<html><body><nav><ul><li>{FILLER * 2}{TERMS}</li></ul></nav></body></html>",
    "a paragraph in a menu": f"<html><body><menu><p>{FILLER * 2}{TERMS}</p></menu></body></html>",
    "a paragraph in the header": f"<html><body><header><p>{FILLER * 2}{TERMS}</p></header></body></html>",
}


def full_path_keeps(body: bytes) -> bool:
    url = "https://news.example/story"
    fetched = FetchedPage(
        entry=FeedEntry(source="t", link=url), canonical_url=url, final_url=url, status=200, html=body
    )
    try:
        article = extract_article(fetched)
    except ExtractionError:
        return False
    return judge_text(QUERY, article.title, article.text).decision == "relevant"


@pytest.mark.parametrize("name", sorted(ONLY_IN_NAVIGATION))
def test_terms_only_in_navigation_can_reach_the_extracted_title_or_text(name: str) -> None:
    body = ONLY_IN_NAVIGATION[name].encode()
    assert full_path_keeps(body), name
    assert SCREEN is not None and judge_markup(SCREEN, body).decision == "undecided", name
