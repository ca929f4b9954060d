"""Source list: a parsed seeds/feeds.toml -> Source records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from extractors.records import Source, SourceKind

KINDS = set(get_args(SourceKind))


class SourceConfigError(ValueError):
    pass


def sources_from(data: Mapping[str, Any], *, origin: str) -> list[Source]:
    """`origin` (the file) names where a problem is in the errors."""
    sources: list[Source] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("source", []), start=1):
        name, kind, url = raw.get("name"), raw.get("kind"), raw.get("url")
        if not name or not url:
            raise SourceConfigError(f"{origin}: source #{i} needs a name and a url")
        if kind not in KINDS:
            raise SourceConfigError(f"{origin}: source {name!r} has kind {kind!r}; expected one of {sorted(KINDS)}")
        if name in seen:
            raise SourceConfigError(f"{origin}: source name {name!r} appears twice")
        seen.add(name)
        sources.append(
            Source(
                name=name,
                kind=kind,
                url=url,
                enabled=bool(raw.get("enabled", True)),
                language=raw.get("language"),
                country=raw.get("country"),
            )
        )
    return sources
