import gzip
import json
from pathlib import Path

import pytest

from extractors.article.extract import ExtractionError, extract_article
from extractors.article.seed_text import seed_to_article
from extractors.article.urls import article_id, canonical_url
from extractors.records import FeedEntry, FetchedPage
from tests.support.helpers import seed_path
from tests.support.paths import CAPTURE, SHARED_DATA

BS_URL = (
    "https://www.business-standard.com/external-affairs-defence-security/news/"
    "india-seen-as-reorienting-bilateral-defence-relations-with-russia-125120501516_1.html"
)


def _page(url: str, html: bytes) -> FetchedPage:
    entry = FeedEntry(source="test", link=url)
    return FetchedPage(entry=entry, canonical_url=canonical_url(url), final_url=url, status=200, html=html)


def _capture_page(url: str) -> bytes:
    rel = url.split("://", 1)[1].rstrip("/")
    return (CAPTURE / "sites" / rel / "index.html").read_bytes()


def test_extracts_text_and_metadata_from_a_captured_page() -> None:
    article = extract_article(_page(BS_URL, _capture_page(BS_URL)))
    assert article.title == "India seen as 'reorienting' bilateral defence relations with Russia"
    assert article.published is not None and article.published.isoformat() == "2025-12-05"
    assert article.language == "en"
    assert article.site == "Business Standard"
    assert article.article_id == article_id(BS_URL)
    assert "Sipri" in article.text
    for furniture in ("Privacy Policy", "Share on WhatsApp", "Markets", "All rights reserved"):
        assert furniture not in article.text
    seed = seed_path("003")
    assert article.text == seed_to_article(seed.name, seed.read_text()).text.replace("\n\n", "\n")


def test_page_without_article_text_is_rejected() -> None:
    with pytest.raises(ExtractionError):
        extract_article(_page("http://127.0.0.1/empty", b"<html><body><nav>Home</nav></body></html>"))


def test_canonical_url_strips_tracking_and_amp() -> None:
    assert (
        canonical_url("https://M.Example.com/story/amp?utm_source=x&id=3#top") == "https://www.example.com/story?id=3"
    )


def test_real_benchmark_pages_extract(shared_data: Path) -> None:
    truth = json.loads((shared_data / "extraction-dev" / "ground-truth.json").read_text())
    pages = sorted((shared_data / "extraction-dev" / "html").glob("*.html.gz"))[:5]
    assert len(pages) == 5, f"fewer than 5 pages in {shared_data / 'extraction-dev' / 'html'}"
    for path in pages:
        key = path.name.removesuffix(".html.gz")
        html = gzip.decompress(path.read_bytes())
        article = extract_article(_page(truth[key]["url"], html))
        expected_words = set(truth[key]["articleBody"].split())
        got_words = set(article.text.split())
        assert len(expected_words & got_words) / len(expected_words) > 0.8, key


def test_page_metadata_agrees_with_trafilaturas_own() -> None:
    """Our metadata skips trafilatura's category/tag/licence searches; every field we keep must match its own.
    On the bundled capture always, and on the extraction dev pages when ../shared/data is present."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    from extractors.article.metadata import page_metadata

    pages = [p.read_bytes() for p in sorted((CAPTURE / "sites").rglob("index.html"))]
    assert len(pages) == 5, "the bundled capture holds five article pages"
    dev_pages = SHARED_DATA / "extraction-dev" / "html"
    if dev_pages.is_dir():
        dev = [gzip.decompress(p.read_bytes()) for p in sorted(dev_pages.iterdir())]
        assert dev, f"no pages in {dev_pages}"
        pages += dev
    date_params = {"extensive_search": False, "original_date": True}
    filled = 0
    for html in pages:
        ours = page_metadata(load_html(html), "http://127.0.0.1/page")
        theirs = extract_metadata(load_html(html), "http://127.0.0.1/page", date_params)
        for field in ("title", "author", "date", "url", "sitename"):
            assert getattr(ours, field) == getattr(theirs, field), field
        filled += all((ours.title, ours.author, ours.date, ours.url, ours.sitename))
    assert filled >= 3


def test_an_article_knows_the_day_its_page_was_fetched() -> None:
    import dataclasses
    from datetime import date, datetime

    page = dataclasses.replace(_page(BS_URL, _capture_page(BS_URL)), fetched_at=datetime(2019, 3, 4, 23, 59))
    assert extract_article(page).seen_on == date(2019, 3, 4)  # a WARC record's date, in a backfill
