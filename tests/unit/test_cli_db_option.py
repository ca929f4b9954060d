"""`--db` as a user types it: a DuckLake catalog URI keeps its `//`, a file path stays a path."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from flows.cli.app import app
from flows.cli.common import given_location
from flows.settings import load_settings

LAKE_URI = "ducklake:postgresql://newswatch@127.0.0.1:5432/catalog"


def test_a_catalog_uri_reaches_the_command_as_written() -> None:
    result = CliRunner().invoke(app, ["db", "path", "--db", LAKE_URI])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == LAKE_URI


def test_given_locations_keep_their_kind() -> None:
    assert given_location(LAKE_URI) == LAKE_URI
    assert given_location("data/x.duckdb") == Path("data/x.duckdb")
    assert given_location(None) is None


def test_the_model_of_a_lake_given_on_the_command_line_is_not_named_after_the_uri() -> None:
    model = load_settings().topic_model_file(given_location(LAKE_URI))
    assert "ducklake" not in str(model) and model.name == "topic-model.npz"


def test_import_into_a_lake_is_refused_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["db", "import", str(tmp_path), "--db", LAKE_URI])
    assert result.exit_code == 2
    assert "Import needs a DuckDB file" in result.output
    assert not list(Path.cwd().glob("ducklake:*"))
