"""Why the WARC backfill's markup screen keeps navigation, menus and headers (docs/fetching.md, issue 19):
trafilatura drops <nav>, <menu> and <header> in its main extractor, but not on every path extraction takes.
An <h1> anywhere in the page can be the title, and when the main extractor finds too little, the default
mode's baseline fallback reads the paragraphs and list items of the whole body, navigation included. Each
page here names India and Russia only in such an element, and the full path (extraction, then the full-text
verdict) keeps it; so a screen that skipped those elements would lose them."""

from __future__ import annotations

import pytest

from tests.unit.test_hostile_markup_screen import full_path_keeps, screen_passes

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


@pytest.mark.parametrize("name", sorted(ONLY_IN_NAVIGATION))
def test_terms_only_in_navigation_can_reach_the_extracted_title_or_text(name: str) -> None:
    body = ONLY_IN_NAVIGATION[name].encode()
    assert full_path_keeps(body), name
    assert screen_passes(body), name
