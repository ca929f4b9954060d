"""A fingerprint normalizes its article's text once, for both the text hash and the MinHash shingles, and
is the same as the hash and the MinHash of that text made apart (docs/performance.md)."""

import pytest

from extractors.dedup import fingerprints
from tests.support.helpers import seed_article


def test_fingerprint_normalizes_the_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    article = seed_article("000")
    normalized: list[str] = []
    real = fingerprints.normalize_text

    def counting(text: str) -> str:
        normalized.append(text)
        return real(text)

    monkeypatch.setattr(fingerprints, "normalize_text", counting)
    fingerprints.fingerprint(article)
    assert normalized.count(article.text) == 1


def test_fingerprint_agrees_with_the_hash_and_minhash_made_apart() -> None:
    article = seed_article("002")
    made = fingerprints.fingerprint(article)
    assert made.text_hash == fingerprints.text_hash(article.text)
    assert made.minhash == tuple(int(v) for v in fingerprints.minhash_of(article.text))
    assert made.band_keys == fingerprints.band_keys(fingerprints.minhash_of(article.text))
