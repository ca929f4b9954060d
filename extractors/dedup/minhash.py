"""MinHash signatures exactly as datasketch's `MinHash` makes them (datasketch 2's default "affine32" scheme:
SHA-1 of each value, the MurmurHash3 finalizer, then one odd affine map mod 2^32 per permutation), in numpy.

Importing datasketch imports SciPy for its LSH, which newswatch does not use: a visible share of the CPU every
analysis worker spends at each run's start, for a few lines of arithmetic (docs/performance.md).
tests/unit/test_minhash.py checks the signatures against datasketch's own, so an upgrade that changes them
fails there rather than changing stored fingerprints unnoticed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

MAX_HASH = np.uint32(0xFFFFFFFF)  # the value of every permutation of an empty set


def permutations(num_perm: int, seed: int) -> np.ndarray:
    """The (a, b) pairs of datasketch's `MinHash(num_perm, seed).permutations`: `a` odd, so each map is a bijection."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def _fmix32(hv: np.ndarray) -> np.ndarray:
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signature(values: Iterable[bytes], perms: np.ndarray) -> np.ndarray:
    """The MinHash of `values` under `perms` (from `permutations`), one uint32 a permutation."""
    # datasketch's sha1_hash32: the first four bytes of each SHA-1 digest, little-endian.
    digests = b"".join([hashlib.sha1(value).digest()[:4] for value in values])
    if not digests:
        return np.full(perms.shape[1], MAX_HASH, dtype=np.uint32)
    hashes = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32)).reshape(-1, 1)
    a, b = perms
    return np.minimum(MAX_HASH, (hashes * a + b).min(axis=0))
