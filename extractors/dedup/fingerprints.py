"""Text fingerprints for the dedup ladder: normalized-text hash, title key, MinHash and LSH bands."""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np

from extractors.dedup.minhash import permutations
from extractors.dedup.minhash import signature as minhash_signature
from extractors.records import Article, Fingerprint
from extractors.tagging.tokens import WORD

# Bump when the fingerprints of a text change (normalization, word splitting, shingles, MinHash or bands):
# the next run fingerprints every stored article again from its stored text (flows/refresh_text.py).
# 2: words split by the `regex` module, so Hindi words are no longer cut at their vowel signs.
FINGERPRINT_VERSION = "2"
NUM_PERM = 128
SHINGLE_WORDS = 5
# 32 bands of 4 rows: a pair with Jaccard 0.5 shares a band with probability 0.87, at 0.3 with 0.23.
BANDS = 32
ROWS_PER_BAND = NUM_PERM // BANDS
# A band key is one BIGINT: the band number in bits 58-62 above 58 bits of the band's hash. The look-up
# scans every stored key (an index would hold memory in proportion to the corpus), and an integer
# scans faster than the former `NN:hex16` string.
BAND_SHIFT = 58
MINHASH_SEED = 1


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(WORD.findall(text))


def text_hash(text: str) -> str:
    return _hash_of_normalized(normalize_text(text))


def _hash_of_normalized(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def title_key(title: str) -> str:
    return normalize_text(title)


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    return _shingles_of(normalize_text(text), k)


def _shingles_of(normalized: str, k: int = SHINGLE_WORDS) -> set[str]:
    words = normalized.split()
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


# Drawn once, not for every article.
_PERMUTATIONS = permutations(NUM_PERM, MINHASH_SEED)


def minhash_of(text: str) -> np.ndarray:
    """The MinHash signature of a text's shingles (extractors/dedup/minhash.py)."""
    return _minhash_of_normalized(normalize_text(text))


def _minhash_of_normalized(normalized: str) -> np.ndarray:
    return minhash_signature((s.encode("utf-8") for s in _shingles_of(normalized)), _PERMUTATIONS)


def band_key(band: int, digest: bytes) -> int:
    """The key of one band from its 8-byte hash; warehouse/schema/007 converts `NN:hex16` keys the same way."""
    return (band << BAND_SHIFT) | (int.from_bytes(digest, "big") >> (64 - BAND_SHIFT))


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        keys.append(band_key(band, hashlib.blake2b(rows.astype(np.uint64).tobytes(), digest_size=8).digest()))
    return tuple(keys)


def signature_similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    if not a or len(a) != len(b):
        return 0.0
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def fingerprint(article: Article) -> Fingerprint:
    # The text is normalized once for both its hash and its shingles: normalizing is half a MinHash's cost.
    normalized = normalize_text(article.text)
    minhash = _minhash_of_normalized(normalized).astype(np.uint64)
    return Fingerprint(
        article_id=article.article_id,
        text_hash=_hash_of_normalized(normalized),
        title_key=title_key(article.title),
        minhash=tuple(int(v) for v in minhash),
        band_keys=band_keys(minhash),
    )
