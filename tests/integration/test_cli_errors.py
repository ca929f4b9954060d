"""A user's mistake gets one clear message and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


@pytest.mark.parametrize("command", [["stats"], ["feeds"], ["db", "check"], ["db", "export", "out"], ["retag"]])
def test_db_that_is_a_directory_missing_or_corrupt(command: list[str], tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"not a database\n" * 100)
    for db, expected in (
        (tmp_path, "Is a directory"),
        (tmp_path / "none.duckdb", "No database at"),
        (corrupt, "not a valid DuckDB database"),
    ):
        code, output = _run(*command, "--db", str(db))
        assert code == 1, output
        assert expected in " ".join(output.split()), output
        assert "Traceback" not in output


def test_an_unknown_topic_lists_the_topics(tmp_path: Path) -> None:
    code, output = _run("search", "oil", "--topic", "defense", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2
    text = " ".join(output.replace("│", " ").split())
    assert "unknown topic 'defense'; did you mean 'defence'?" in text and "tariffs" in text


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_WORKERS", "two")
    code, output = _run("stats")
    assert code == 2 and "NEWSWATCH_WORKERS" in output
