"""Seed files are checked against their schema: one line a problem, naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli.app import app
from flows.config_check import ConfigError, check_file, require_valid
from flows.seed_files import seed_paths
from tests.support.paths import PROJECT

FEEDS = (PROJECT / "seeds" / "feeds.toml").read_text(encoding="utf-8")
TOPICS = (PROJECT / "seeds" / "topics.toml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if line.strip() == needle]
    return hits[nth - 1]


def test_the_bundled_seed_files_are_valid() -> None:
    require_valid(seed_paths())


def test_a_mistyped_key_names_file_line_and_key_with_a_suggestion(tmp_path: Path) -> None:
    text = FEEDS.replace('kind = "rss"', 'kind = "rss"\nenabeld = false', 1)
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    [problem] = check_file(path, "feeds")
    assert (
        str(problem)
        == f"{path}:{_line_of(text, 'enabeld = false')}: source[1].enabeld: unknown key; did you mean 'enabled'?"
    )


def test_bad_kind_missing_url_and_duplicate_name_are_each_one_line(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[source]]\nname = "a"\nkind = "rss"\nurl = "http://127.0.0.1/a"\n\n'
        '[[source]]\nname = "b"\nkind = "rsss"\nurl = "http://127.0.0.1/b"\n\n'
        '[[source]]\nname = "c"\nkind = "rss"\n\n'
        '[[source]]\nname = "a"\nkind = "atom"\nurl = "http://127.0.0.1/d"\n',
        encoding="utf-8",
    )
    lines = sorted(str(p) for p in check_file(path, "feeds"))
    assert lines == sorted(
        [
            f"{path}:8: source[2].kind: 'rsss' is not one of 'rss', 'atom', 'google_news', 'gdelt' or 'sitemap'",
            f"{path}:11: source[3].url: missing",
            f"{path}:16: source[4].name: 'a' appears twice",
        ]
    )


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('[[source]]\nname = "a"\nkind = rss\n', encoding="utf-8")
    [problem] = check_file(path, "feeds")
    assert str(problem).startswith(f"{path}:3: not TOML: ")


def test_nested_tables_are_located_and_suggested(tmp_path: Path) -> None:
    text = TOPICS.replace("threshold = 4.5", "threshhold = 4.5", 1)
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    problems = {p.key: p for p in check_file(path, "topics")}
    assert problems["topics.defence.threshhold"].message == "unknown key; did you mean 'threshold'?"
    assert problems["topics.defence.threshhold"].line == _line_of(text, "threshhold = 4.5")
    assert problems["topics.defence.threshold"].message == "missing"
    assert problems["topics.defence.threshold"].line == _line_of(text, "[topics.defence]")


def test_require_valid_raises_one_error_listing_every_problem(tmp_path: Path) -> None:
    feeds, entities = tmp_path / "feeds.toml", tmp_path / "entities.toml"
    feeds.write_text('[[source]]\nname = "a"\nkind = "rss"\nurl = "u"\nlanguag = "en"\n', encoding="utf-8")
    entities.write_text('[[entity]]\nname = "S-400"\nkind = "missile"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        require_valid({"feeds": feeds, "entities": entities})
    assert len(str(caught.value).splitlines()) == 2


def test_run_and_check_config_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS.replace('kind = "rss"', 'kind = "rss"\nenabeld = false', 1), encoding="utf-8")
    for args in (["run", "--feeds", str(path)], ["check-config", "--feeds", str(path)]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [str(check_file(path, "feeds")[0])]
        assert "Traceback" not in result.output
