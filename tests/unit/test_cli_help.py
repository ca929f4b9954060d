"""Help texts show what they say: Rich markup in them must not eat square brackets."""

from typer.testing import CliRunner

from flows.cli.app import app


def test_feeds_help_shows_the_source_block_literally() -> None:
    for args in (["feeds", "--help"], ["feeds", "discover", "--help"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0
        assert "[[source]]" in result.output, result.output
