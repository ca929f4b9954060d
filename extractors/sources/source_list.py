"""Source list: seeds/feeds.toml -> Source records."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import get_args

from extractors.records import Source, SourceKind

KINDS = set(get_args(SourceKind))


class SourceConfigError(ValueError):
    pass


def load_sources(path: Path) -> list[Source]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sources: list[Source] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("source", []), start=1):
        name, kind, url = raw.get("name"), raw.get("kind"), raw.get("url")
        if not name or not url:
            raise SourceConfigError(f"{path}: source #{i} needs a name and a url")
        if kind not in KINDS:
            raise SourceConfigError(f"{path}: source {name!r} has kind {kind!r}; expected one of {sorted(KINDS)}")
        if name in seen:
            raise SourceConfigError(f"{path}: source name {name!r} appears twice")
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
