from datetime import date

import pytest

from extractors.article.seed_text import clean_seed_text, seed_to_article
from tests.support.helpers import seed_path
from tests.support.paths import CORPUS

FURNITURE = (
    "Notification Icon",
    "userprofile IconSearch",
    "Listen to This Article",
    "Don't miss the most important news",
    "Explore News",
    "हिंदी में",
    "First Published",
    "Based On ANI Report",
    "| Image:",
)

EXPECTED = {
    "000": (date(2025, 12, 2), "", "Ayushi Agarwal", "New Delhi [India], December 2 (ANI)"),
    "001": (date(2025, 12, 2), "", None, "India-Russia defence cooperation is expanding"),
    "002": (date(2025, 12, 5), "", None, "New Delhi, Dec 5 Terming it as a pillar"),
    # The weekday stamp at the top of 003 is when the page was saved (Dec 24); it was published Dec 5.
    "003": (
        date(2025, 12, 5),
        "India seen as 'reorienting' bilateral defence relations with Russia",
        "Satarupa Bhattacharjya",
        "The joint statement released by the Indian government",
    ),
    "004": (date(2025, 12, 3), "", None, "Kremlin Spokesperson Dmitry Peskov"),
}


def test_corpus_holds_the_five_seeds() -> None:
    assert sorted(p.name[:3] for p in CORPUS.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_cleaner_reads_date_title_byline_and_drops_furniture(prefix: str) -> None:
    path = seed_path(prefix)
    article = seed_to_article(path.name, path.read_text(encoding="utf-8"))
    published, title, author, opening = EXPECTED[prefix]
    assert article.published == published
    assert article.title == title
    assert article.author == author
    assert article.text.startswith(opening)
    assert article.is_seed
    for furniture in FURNITURE:
        assert furniture not in article.text, furniture
    assert " date 20" not in article.text


def test_page_stamp_is_used_when_no_first_published_line() -> None:
    raw = "Friday, December 05, 2025 | 10:00 AM IST\nHeadline here\n\n" + "Body sentence goes on. " * 10
    _, _, _, published, _ = clean_seed_text(raw)
    assert published == date(2025, 12, 5)


def test_003_keeps_its_last_paragraph_and_loses_captions() -> None:
    path = seed_path("003")
    text = seed_to_article(path.name, path.read_text(encoding="utf-8")).text
    assert text.rstrip().endswith("Stockholm International Peace Research Institute (Sipri).")
    assert "Image: DD News" not in text
    assert "Russian President Putin, PM Modi\n" not in text
