"""Fingerprints of stored articles, computed again after the code computing them changed.

The fingerprint has a version (extractors/dedup/fingerprints.py FINGERPRINT_VERSION); `text_feature_versions`
records the one the stored rows were computed with. A run whose version is not recorded first recomputes the
rows from each article's stored title and text, so a new article's hashes are compared with the stored
articles' on the same footing (a Hindi copy of a stored Hindi article is still found to be one). Decisions
already made (duplicates, story links) stay. An interrupted refresh is not recorded, and the next run repeats
it. Story terms are profiled again by flows/story_reprofile.py, under their own version.
"""

from __future__ import annotations

import duckdb

from extractors.dedup.fingerprints import FINGERPRINT_VERSION, fingerprint
from warehouse.text_versions import article_ids, record_version, recorded_version, replace_fingerprints, stored_articles


def refingerprint(con: duckdb.DuckDBPyConnection, *, batch_size: int = 500) -> int:
    ids = article_ids(con)
    for articles in stored_articles(con, ids, batch_size):
        replace_fingerprints(con, [fingerprint(a) for a in articles])
    record_version(con, "fingerprints", FINGERPRINT_VERSION)
    return len(ids)


def refingerprint_if_version_changed(con: duckdb.DuckDBPyConnection) -> int | None:
    """How many stored articles were fingerprinted again; None when their fingerprints were current."""
    return None if recorded_version(con, "fingerprints") == FINGERPRINT_VERSION else refingerprint(con)
