from pathlib import Path

import pytest

from extractors.records import Article
from extractors.topics import load_taxonomy, tag_article
from tests.conftest import PROJECT
from tests.helpers import seed_article

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("000", {"defence"}), ("003", {"defence", "tariffs"}), ("004", {"energy", "trade", "tariffs"})],
)
def test_seeds_are_tagged_as_a_reader_would(prefix: str, expected: set[str]) -> None:
    tags = tag_article(seed_article(prefix), TAXONOMY)
    assert {t.topic for t in tags} == expected


def test_tags_carry_score_evidence_and_version() -> None:
    tags = {t.topic: t for t in tag_article(seed_article("003"), TAXONOMY)}
    tariffs = tags["tariffs"]
    assert tariffs.score >= 3.0
    assert any(e.startswith("tariff*@") for e in tariffs.evidence)
    assert tariffs.tagger_version.startswith("taxonomy-")


def _article(title: str, text: str) -> Article:
    return Article(article_id="x", url="http://127.0.0.1/x", source="t", title=title, text=text)


def test_hindi_and_russian_terms_match() -> None:
    hindi = _article("रूस से तेल आयात पर टैरिफ", "भारत पर अमेरिका ने टैरिफ लगाया। रूसी तेल की खरीद जारी है।")
    russian = _article("Пошлины США на индийские товары", "США ввели пошлины из-за покупок российской нефти.")
    assert "tariffs" in {t.topic for t in tag_article(hindi, TAXONOMY)}
    assert "tariffs" in {t.topic for t in tag_article(russian, TAXONOMY)}


def test_negative_phrase_cancels_match(tmp_path: Path) -> None:
    text = "The defence lawyer argued the case. " * 5
    assert tag_article(_article("Court hears case", text), TAXONOMY) == ()
