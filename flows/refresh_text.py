"""Fingerprints and story terms of stored articles, computed again after the code computing them changed.

Each has a version (extractors/dedup/fingerprints.py FINGERPRINT_VERSION, extractors/dedup/story_profile.py
PROFILE_VERSION); `text_feature_versions` records the one the stored rows were computed with. A run whose
version is not recorded first recomputes the rows from each article's stored title and text, so a new
article's hashes and terms are compared with the stored articles' on the same footing (a Hindi copy of a
stored Hindi article is still found to be one). Decisions already made (duplicates, story links) stay.
An interrupted refresh is not recorded, and the next run repeats it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb

from extractors.dedup.fingerprints import FINGERPRINT_VERSION, fingerprint
from extractors.dedup.story_profile import PROFILE_VERSION, TOP_TERMS, heaviest_terms, story_profile
from extractors.records import StoryProfile
from warehouse.story_index import DOCUMENT_COUNT_TERM
from warehouse.text_versions import (
    article_ids,
    record_version,
    recorded_version,
    replace_fingerprints,
    replace_story_terms,
    stored_articles,
)


@dataclass(frozen=True, kw_only=True)
class RefreshSummary:
    fingerprinted: int | None  # articles fingerprinted again; None when the stored ones were current
    profiled: int | None  # indexed articles profiled again; None when current


def refingerprint(con: duckdb.DuckDBPyConnection, *, batch_size: int = 500) -> int:
    ids = article_ids(con)
    for articles in stored_articles(con, ids, batch_size):
        replace_fingerprints(con, [fingerprint(a) for a in articles])
    record_version(con, "fingerprints", FINGERPRINT_VERSION)
    return len(ids)


def _profiles(con: duckdb.DuckDBPyConnection, ids: list[str], batch_size: int) -> Iterator[list[StoryProfile]]:
    for articles in stored_articles(con, ids, batch_size):
        yield [story_profile(a) for a in articles]


def reprofile(con: duckdb.DuckDBPyConnection, *, batch_size: int = 500) -> int:
    """Profile every indexed article again; its stored terms become its heaviest TOP_TERMS against the
    frequencies of all indexed articles' new terms, each article leaving itself out, as the same-story stage
    weighs them (extractors/dedup/story_links.py)."""
    ids = article_ids(con, indexed_only=True)
    frequency: dict[str, int] = {DOCUMENT_COUNT_TERM: 0}
    for profiles in _profiles(con, ids, batch_size):
        for profile in profiles:
            if profile.counts:
                frequency[DOCUMENT_COUNT_TERM] += 1
                for term, _count in profile.counts:
                    frequency[term] = frequency.get(term, 0) + 1
    documents = frequency[DOCUMENT_COUNT_TERM]

    def rows() -> Iterator[list[list[object]]]:
        for profiles in _profiles(con, ids, batch_size):
            batch: list[list[object]] = []
            for p in profiles:
                vocabulary = {term for term, _count in p.counts}
                kept = {t for t, _w in heaviest_terms(p.counts, frequency, documents - 1, vocabulary)[:TOP_TERMS]}
                batch.extend([t, p.article_id, c, p.published] for t, c in p.counts if t in kept)
            yield batch

    replace_story_terms(con, rows(), {t: n for t, n in frequency.items() if n})
    record_version(con, "story_profiles", PROFILE_VERSION)
    return len(ids)


def refresh_if_versions_changed(con: duckdb.DuckDBPyConnection) -> RefreshSummary:
    fingerprinted = None if recorded_version(con, "fingerprints") == FINGERPRINT_VERSION else refingerprint(con)
    profiled = None if recorded_version(con, "story_profiles") == PROFILE_VERSION else reprofile(con)
    return RefreshSummary(fingerprinted=fingerprinted, profiled=profiled)
