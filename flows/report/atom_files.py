"""Writing the Atom feeds after each run: `<atom dir>/<topic>.atom` for every topic of the taxonomy and
`<atom dir>/watch-<name>.atom` for every watch (default reports/feeds/, NEWSWATCH_ATOM_DIR elsewhere).

Each file is replaced atomically (written beside it, then renamed), so a feed reader polling it never
reads half a feed; feeds of watches since removed are deleted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb

from flows.report.atom import FeedSpec, render_feed
from warehouse.atom_data import feed_stories
from warehouse.watches import list_watches

FEED_ENTRIES = 50
WATCH_PREFIX = "watch-"


def feed_file_name(name: str) -> str:
    """A file name for a topic or watch: letters, digits, `-` and `_` kept, anything else becomes `-`."""
    return (re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "feed") + ".atom"


def _write_atomically(path: Path, data: bytes) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        staging.write_bytes(data)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


def write_feeds(con: duckdb.DuckDBPyConnection, directory: Path, topics: Iterable[str]) -> list[Path]:
    """Write every topic's and every watch's feed; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now()
    stories = feed_stories(con, FEED_ENTRIES)
    written: list[Path] = []
    for topic in sorted({*topics, *stories.topics}):
        spec = FeedSpec(
            feed_id=f"urn:newswatch:topic:{topic}",
            title=f"newswatch: {topic}",
            subtitle=f"The latest stories tagged {topic}, each story once however many outlets carried it.",
        )
        path = directory / feed_file_name(topic)
        _write_atomically(path, render_feed(spec, stories.topics.get(topic, []), now))
        written.append(path)
    for watch in list_watches(con):
        filters = ", ".join(
            f"{label} {value}"
            for label, value in (("topic", watch.topic), ("language", watch.language), ("source", watch.source))
            if value
        )
        spec = FeedSpec(
            feed_id=f"urn:newswatch:watch:{watch.name}",
            title=f"newswatch watch {watch.name}: {watch.query}",
            subtitle=f"Stories matching every word of {watch.query!r}" + (f" ({filters})" if filters else ""),
        )
        path = directory / (WATCH_PREFIX + feed_file_name(watch.name))
        _write_atomically(path, render_feed(spec, stories.watches.get(watch.name, []), now))
        written.append(path)
    for stale in directory.glob(f"{WATCH_PREFIX}*.atom"):
        if stale not in written:
            stale.unlink(missing_ok=True)
    return written


def publish_feeds(con: duckdb.DuckDBPyConnection, directory: Path, topics: Iterable[str]) -> None:
    """Write the feeds at the end of a run; a failure is one warning line, never a failed run."""
    from flows.alerts.events import run_logger  # prefect: the CLI imports this module before prefect is set up

    try:
        written = write_feeds(con, directory, topics)
    except (OSError, ValueError, duckdb.Error) as exc:
        run_logger().warning("Atom feeds not written to %s: %s", directory, exc)
        return
    run_logger().info("%d Atom feeds in %s", len(written), directory)
