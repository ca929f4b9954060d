import json
import re
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli.app import app
from flows.retag import retag_stored
from flows.seed_files import load_gazetteer, load_taxonomy
from tests.support.helpers import judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load

TOPICS = PROJECT / "seeds" / "topics.toml"
GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")


def _load_seeds(db_path: Path, topics: Path) -> None:
    seeds = [seed_article(p) for p in ("000", "003", "004")]
    con = db.connect(db_path)
    processed = judged(con, seeds, load_taxonomy(topics), GAZETTEER)
    load.load_articles(con, processed, "run-1")
    con.close()


def _changed_taxonomy(tmp_path: Path) -> Path:
    """The shipped taxonomy with tariffs made much stricter and a new version: seed 004 loses tariffs."""
    text = TOPICS.read_text(encoding="utf-8")
    text = re.sub(r'^version = ".*"', 'version = "9999.1"', text, flags=re.M)
    text = re.sub(r"(\[topics\.tariffs\]\nthreshold = )[\d.]+", r"\g<1>50.0", text)
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _current_topics(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {topic for (topic,) in con.execute("SELECT topic FROM current_tags").fetchall()}


def test_retag_writes_new_version_keeps_old_rows_and_is_idempotent(db_path: Path, tmp_path: Path) -> None:
    _load_seeds(db_path, TOPICS)
    con = db.connect(db_path)
    old_version = load_taxonomy(TOPICS).tagger_version
    old_rows = con.execute("SELECT count(*) FROM topic_tags").fetchone()[0]
    assert "tariffs" in _current_topics(con)
    assert con.execute("SELECT count(*) FROM article_entities").fetchone()[0] > 0

    new_taxonomy = load_taxonomy(_changed_taxonomy(tmp_path))
    assert new_taxonomy.tagger_version != old_version
    summary = retag_stored(con, new_taxonomy, GAZETTEER)
    assert summary.articles == 3
    assert summary.tag_rows_written > 0
    assert summary.topics["tariffs"] == 0
    assert summary.entity_rows_written == 0, "same gazetteer: nothing new to write"

    versions = dict(con.execute("SELECT tagger_version, count(*) FROM topic_tags GROUP BY 1").fetchall())
    assert versions[old_version] == old_rows, "old rows are kept"
    assert versions[new_taxonomy.tagger_version] == summary.tag_rows_written
    current = con.execute("SELECT DISTINCT tagger_version FROM current_tags").fetchall()
    assert current == [(new_taxonomy.tagger_version,)]
    assert "tariffs" not in _current_topics(con)
    assert "tariffs" in {t for (t,) in con.execute("SELECT topic FROM topic_tags").fetchall()}

    again = retag_stored(con, new_taxonomy, GAZETTEER)
    assert again.tag_rows_written == 0 and again.articles == 3
    con.close()


def test_retag_command_on_a_database_file(db_path: Path, tmp_path: Path) -> None:
    _load_seeds(db_path, TOPICS)
    changed = _changed_taxonomy(tmp_path)
    gazetteer_file = tmp_path / "entities.toml"
    shipped = (PROJECT / "seeds" / "entities.toml").read_text(encoding="utf-8")
    gazetteer_file.write_text(re.sub(r'^version = ".*"', 'version = "9999.1"', shipped, flags=re.M), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["retag", "--db", str(db_path), "--topics", str(changed), "--entities", str(gazetteer_file), "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["articles"] == 3
    assert summary["tagger_version"].startswith("taxonomy-9999.1+")
    assert summary["gazetteer_version"].startswith("gazetteer-9999.1+")
    assert summary["entity_rows_written"] > 0

    con = duckdb.connect(str(db_path), read_only=True)
    by_version = dict(
        con.execute("SELECT gazetteer_version, sum(mentions) FROM article_entities GROUP BY 1").fetchall()
    )
    assert len(by_version) == 2 and len(set(by_version.values())) == 1, "same text, same counts, two versions"
    current = con.execute("SELECT DISTINCT gazetteer_version FROM current_entities").fetchall()
    assert current == [(summary["gazetteer_version"],)]
    con.close()


def test_retag_command_without_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["retag", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1


def test_a_run_with_a_changed_taxonomy_retags_stored_articles_first(
    prefect_harness: None, db_path: Path, tmp_path: Path
) -> None:
    from flows.ingest.flow import ingest

    first = ingest(db_path=str(db_path), capture=True, live=False)
    assert first.retagged_articles == 0, "a new database has nothing stored to re-tag"
    changed = _changed_taxonomy(tmp_path)
    second = ingest(db_path=str(db_path), capture=True, live=False, topics_file=str(changed))
    con = db.connect(db_path)
    stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert second.retagged_articles == stored > 0
    new_version = load_taxonomy(changed).tagger_version
    untagged = con.execute(
        "SELECT count(*) FROM articles a WHERE a.is_seed AND NOT EXISTS"
        " (SELECT 1 FROM current_tags t WHERE t.article_id = a.article_id)"
    ).fetchone()[0]
    assert con.execute("SELECT DISTINCT tagger_version FROM current_tags").fetchall() == [(new_version,)]
    assert untagged == 0, "every seed keeps a tag under the new taxonomy (all have defence or energy)"
    con.close()
    third = ingest(db_path=str(db_path), capture=True, live=False, topics_file=str(changed))
    assert third.retagged_articles == 0, "the re-tag is recorded: the next run does not repeat it"
