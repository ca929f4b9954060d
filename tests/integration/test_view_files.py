"""Views are made from warehouse/views/*.sql at connect: again when their file changed, not on every connect."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from warehouse import db


def test_a_changed_view_file_is_made_again_and_the_others_are_left(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.connect(db_path).close()
    views = tmp_path / "views"
    shutil.copytree(db.VIEWS_DIR, views)
    edited = views / "unique_articles.sql"
    edited.write_text(edited.read_text(encoding="utf-8").replace("SELECT", "SELECT 42 AS edited,", 1), encoding="utf-8")
    monkeypatch.setattr(db, "VIEWS_DIR", views)
    con = db.connect(db_path)
    try:
        assert db.changed_views(con, sorted(views.glob("*.sql"))) == []
        columns = [r[0] for r in con.execute("DESCRIBE unique_articles").fetchall()]
        marks = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    finally:
        con.close()
    assert columns[0] == "edited"
    assert marks["unique_articles"] != marks["stories"] and all(
        m and m.startswith(db.VIEW_MARK) for m in marks.values()
    )


def test_a_view_dropped_by_hand_is_made_again(db_path: Path) -> None:
    con = db.connect(db_path)
    con.execute("DROP VIEW story_topics")
    con.close()
    con = db.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM story_topics").fetchone() == (0,)
    finally:
        con.close()
