"""newswatch's MinHash (extractors/dedup/minhash.py) against datasketch's own: the same permutations and the
same signature of every set, so stored fingerprints do not change with the implementation."""

import numpy as np
import pytest
from datasketch import MinHash

from extractors.dedup.fingerprints import MINHASH_SEED, NUM_PERM, shingles
from extractors.dedup.minhash import permutations, signature
from tests.support.helpers import seed_article


def _datasketch(values: list[bytes], num_perm: int = NUM_PERM, seed: int = MINHASH_SEED) -> MinHash:
    mh = MinHash(num_perm=num_perm, seed=seed)
    mh.update_batch(values)
    return mh


def test_permutations_are_datasketchs() -> None:
    for num_perm, seed in ((NUM_PERM, MINHASH_SEED), (16, 7)):
        theirs = MinHash(num_perm=num_perm, seed=seed).permutations
        ours = permutations(num_perm, seed)
        assert ours.dtype == theirs.dtype
        assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_signature_of_a_seed_articles_shingles_is_datasketchs(prefix: str) -> None:
    values = [s.encode("utf-8") for s in shingles(seed_article(prefix).text)]
    ours = signature(values, permutations(NUM_PERM, MINHASH_SEED))
    assert np.array_equal(ours, _datasketch(values).hashvalues)


@pytest.mark.parametrize(
    "values",
    [[], [b""], [b"one"], [b"one", b"one"], ["भारत और रूस ने रक्षा".encode()], [bytes([i % 256]) * i for i in range(300)]],
)
def test_signature_of_small_and_odd_sets_is_datasketchs(values: list[bytes]) -> None:
    ours = signature(values, permutations(NUM_PERM, MINHASH_SEED))
    assert ours.dtype == np.uint32
    assert np.array_equal(ours, _datasketch(values).hashvalues)
