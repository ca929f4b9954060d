"""Analysts' corrections: `newswatch tag` wins at once in current_tags, and `topics train --feedback` learns
from the corrections so that similar articles nobody corrected are tagged the same way."""

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from extractors.article.urls import article_id
from extractors.records import Article
from extractors.tagging.topics import tag_article
from flows.cli.app import app
from flows.seed_files import load_tagging, load_taxonomy
from tests.support.helpers import judged, seed_article
from tests.support.paths import PROJECT
from tests.support.topic_rows import cricket_text, walnut_text
from warehouse import db, load

TOPICS = PROJECT / "seeds" / "topics.toml"
TAXONOMY = load_taxonomy(TOPICS)


def _article(kind: str, i: int) -> Article:
    title, text = (walnut_text if kind == "walnut" else cricket_text)(i)
    url = f"http://127.0.0.1/{kind}/{i}"
    return Article(article_id=article_id(url), url=url, source="local", title=title, text=text)


def _store(db_path: Path, articles: list[Article]) -> None:
    con = db.connect(db_path)
    load.load_articles(con, judged(con, articles, TAXONOMY), "run-1")
    con.close()


def _current(db_path: Path, article: str) -> dict[str, str]:
    con = duckdb.connect(str(db_path), read_only=True)
    rows = con.execute("SELECT topic, tagger_version FROM current_tags WHERE article_id = ?", [article]).fetchall()
    con.close()
    return dict(rows)


def _tag(db_path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["tag", "--db", str(db_path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_correction_wins_at_once_both_ways(db_path: Path) -> None:
    seed = seed_article("003")
    walnut = _article("walnut", 1)
    _store(db_path, [seed, walnut])
    assert "tariffs" in _current(db_path, seed.article_id)
    assert "tariffs" not in _current(db_path, walnut.article_id)

    _tag(db_path, seed.article_id, "--remove", "tariffs")
    output = _tag(db_path, walnut.article_id[:12], "--add", "tariffs", "--analyst", "asha")
    assert "tariffs (analyst)" in output
    assert "tariffs" not in _current(db_path, seed.article_id)
    assert _current(db_path, walnut.article_id)["tariffs"] == "analyst"

    _tag(db_path, seed.article_id, "--add", "tariffs")  # a change of mind: the newest verdict wins
    assert "tariffs" in _current(db_path, seed.article_id)
    assert _current(db_path, seed.article_id)["tariffs"] != "analyst", "the tagger's own row and evidence return"


def test_tag_refuses_unknown_topics_and_articles(db_path: Path) -> None:
    _store(db_path, [_article("walnut", 1)])
    unknown_topic = CliRunner().invoke(app, ["tag", "--db", str(db_path), "x" * 64, "--add", "cricket"])
    assert unknown_topic.exit_code == 2 and "Unknown topic cricket" in unknown_topic.output
    unknown_article = CliRunner().invoke(app, ["tag", "--db", str(db_path), "0" * 64, "--add", "tariffs"])
    assert unknown_article.exit_code == 1 and "no article" in unknown_article.output


def test_corrections_change_the_tags_of_similar_unseen_articles(db_path: Path, tmp_path: Path) -> None:
    walnuts = [_article("walnut", i) for i in range(8)]
    crickets = [_article("cricket", i) for i in range(8)]
    _store(db_path, walnuts + crickets)
    for article in walnuts:
        _tag(db_path, article.article_id, "--add", "tariffs")
    for article in crickets:
        _tag(db_path, article.article_id, "--remove", "tariffs")

    unseen_walnut, unseen_cricket = _article("walnut", 50), _article("cricket", 50)
    assert "tariffs" not in {t.topic for t in tag_article(unseen_walnut, TAXONOMY)}

    model = tmp_path / "topic-model.npz"
    result = CliRunner().invoke(app, ["topics", "train", "--feedback", "--db", str(db_path), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert "16 corrected articles" in result.output
    taxonomy, _gazetteer = load_tagging(TOPICS, None, model).models()
    assert taxonomy.model is not None
    assert "tariffs" in {t.topic for t in tag_article(unseen_walnut, taxonomy)}
    assert "tariffs" not in {t.topic for t in tag_article(unseen_cricket, taxonomy)}


def test_train_reports_bad_lines_and_uses_the_rest(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    good = [
        f'{{"id": "{k}-{i}", "title": "{t}", "text": "{x}", "labels": {lab}, "judged": ["tariffs"]}}'
        for i in range(8)
        for k, (t, x), lab in (("w", walnut_text(i), '["tariffs"]'), ("c", cricket_text(i), "[]"))
    ]
    rows.write_text("\n".join(["{not json", '{"id": 1, "judged": []}', *good]) + "\n", encoding="utf-8")
    model = tmp_path / "m.npz"
    result = CliRunner().invoke(app, ["topics", "train", str(rows), "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert f"skipped {rows}:1:" in result.output and f"skipped {rows}:2: judges no topic" in result.output
    assert "from 16 rows" in result.output and model.is_file()
