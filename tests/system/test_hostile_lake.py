"""DuckLake workers racing each other (real PostgreSQL catalog): a commit landing in the middle of another
worker's unit never fails it and never leaves it judging against what it read before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.settings import load_settings
from tests.support.postgres import LocalPostgres
from warehouse import db, load

pytest.importorskip("duckdb_extension_ducklake", reason="DuckLake needs the scale extra: pip install -e '.[scale]'")


@pytest.fixture
def lake(
    postgres: LocalPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> str:
    name = "hostile_" + request.node.name.lower()[:40]
    postgres.create(name)
    monkeypatch.setenv("NEWSWATCH_LAKE_DATA", str(tmp_path / "lake-files"))
    location = postgres.lake_location(name)
    _connect(location).close()  # migrated once, before the racing workers open it
    return location


def _connect(lake: str) -> duckdb.DuckDBPyConnection:
    return db.connect(lake, options=load_settings().warehouse)


def _first_call_then(real: Callable[..., Any], meanwhile: Callable[[], None]) -> Callable[..., Any]:
    """`real`, but the first call is followed by `meanwhile` (another worker committing) before it returns."""
    calls: list[int] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not calls:
            calls.append(1)
            meanwhile()
        return result

    return wrapped


def test_retag_bookkeeping_racing_another_workers_commit_reruns_instead_of_failing(
    lake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a taxonomy edit every worker's next run re-tags at once; the one whose commit loses the race
    must redo its unit, not fail the run with a DuckLake conflict."""
    from warehouse import tag_versions

    mine, other = _connect(lake), _connect(lake)
    try:
        racing = _first_call_then(tag_versions.all_tagged_with, lambda: load.start_run(other, "other-worker"))
        monkeypatch.setattr(tag_versions, "all_tagged_with", racing)
        tag_versions.record_all_tagged(mine, "tagger-v2", "gazetteer-v2")
        rows = mine.execute("SELECT tagger_version, gazetteer_version FROM tagging_versions").fetchall()
    finally:
        mine.close()
        other.close()
    assert rows == [("tagger-v2", "gazetteer-v2")]
