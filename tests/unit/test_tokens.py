"""Words of Hindi and Russian text stay whole wherever text is split into words."""

from extractors.dedup.fingerprints import normalize_text, shingles
from extractors.dedup.story_profile import story_profile
from extractors.records import Article
from extractors.tagging.tokens import words

HINDI = "भारत और रूस ने रक्षा समझौता किया"
RUSSIAN = "Россия и Индия подписали оборонное соглашение"


def test_words_keep_devanagari_vowel_signs() -> None:
    assert words(HINDI) == ["भारत", "और", "रूस", "ने", "रक्षा", "समझौता", "किया"]
    assert words(RUSSIAN) == ["Россия", "и", "Индия", "подписали", "оборонное", "соглашение"]


def test_fingerprints_shingle_whole_hindi_words() -> None:
    assert normalize_text(HINDI) == HINDI  # `re` made it "भ रत और र स ..."
    assert "भारत और रूस ने रक्षा" in shingles(HINDI)


def test_story_terms_are_whole_words() -> None:
    profile = story_profile(Article(article_id="x", url="u", source="s", title=HINDI, text=RUSSIAN))
    terms = {term.lstrip("@") for term, _weight in profile.counts}
    assert {"भारत", "समझौता", "россия", "соглашение"} <= terms
