"""MinHash signatures as the warehouse stores them: 8-byte little-endian integers. Apart from
fingerprints.py so that reading and writing them needs no MinHash code."""

from __future__ import annotations

import numpy as np


def signature_to_bytes(signature: tuple[int, ...]) -> bytes:
    return np.asarray(signature, dtype="<u8").tobytes()


def signature_from_bytes(blob: bytes) -> tuple[int, ...]:
    return tuple(int(v) for v in np.frombuffer(blob, dtype="<u8"))
