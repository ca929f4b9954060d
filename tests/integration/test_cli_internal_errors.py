"""A bug reaching the command line prints one line naming it and exits 1; its traceback only with --debug or
NEWSWATCH_DEBUG=1. User mistakes keep their own messages (tests/integration/test_cli_errors.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from warehouse import db, stats


class Bug(RuntimeError):
    pass


@pytest.fixture
def failing_stats(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A good database, and a stats query that fails as a bug would: mid-command, after the file opened."""
    db.connect(db_path).close()

    def broken(con: object) -> dict[str, object]:
        raise Bug("the stats query broke\nDETAIL: a second line the one-line message leaves out")

    monkeypatch.setattr(stats, "collect_stats", broken)
    return db_path


def test_a_bug_prints_one_line_and_exits_1(failing_stats: Path) -> None:
    result = CliRunner().invoke(app, ["stats", "--db", str(failing_stats)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # handled, not raised
    assert result.output.strip().splitlines() == [
        "newswatch: internal error: Bug: the stats query broke (run again with --debug for the traceback)"
    ]
    assert "Traceback" not in result.output


def test_with_debug_the_bug_raises_for_its_traceback(failing_stats: Path) -> None:
    result = CliRunner().invoke(app, ["--debug", "stats", "--db", str(failing_stats)])
    assert isinstance(result.exception, Bug)  # Typer prints its traceback
    assert "internal error" not in result.output


def test_newswatch_debug_in_the_environment_does_the_same(failing_stats: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_DEBUG", "1")
    result = CliRunner().invoke(app, ["stats", "--db", str(failing_stats)])
    assert isinstance(result.exception, Bug)


def test_a_users_mistake_is_not_called_an_internal_error(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.toml"
    bad.write_text('[[source]]\nname = "x"\nkind = "rss"\nurl = "https://a.in/feed"\nenabeld = false\n')
    result = CliRunner().invoke(app, ["check-config", "--feeds", str(bad)])
    assert result.exit_code == 2 and "enabeld" in result.output and "internal error" not in result.output
    result = CliRunner().invoke(app, ["stats", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "No database at" in result.output and "internal error" not in result.output
