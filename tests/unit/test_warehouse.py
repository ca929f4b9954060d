"""Where the warehouse lives by default (loading it is tested in tests/integration)."""

from pathlib import Path

from warehouse import db


def test_db_path_env_override(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv(db.DB_ENV, str(target))
    assert db.default_db_path() == target
