"""The one settings home: where the warehouse lives, and what the HTTP client and the pool are given."""

import pytest

from flows.settings import DEFAULT_DB_FILE, SettingsError, load_settings


def test_db_location_env_override(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NEWSWATCH_DB", raising=False)
    assert load_settings().location == DEFAULT_DB_FILE
    target = tmp_path / "elsewhere.duckdb"
    monkeypatch.setenv("NEWSWATCH_DB", str(target))
    assert load_settings().location == target
    lake = "ducklake:postgres:dbname=nw host=127.0.0.1"
    monkeypatch.setenv("NEWSWATCH_DB", lake)
    assert load_settings().location == lake  # a lake location stays a string, options and all


def test_environment_reaches_the_parts_it_configures(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSWATCH_MIN_INTERVAL", "0.5")
    monkeypatch.setenv("NEWSWATCH_LOOPBACK_ONLY", "yes")
    monkeypatch.setenv("NEWSWATCH_WORKERS", "3")
    monkeypatch.setenv("NEWSWATCH_DUCKDB_MEMORY", "1GB")
    monkeypatch.setenv("NEWSWATCH_S3_REGION", "eu-west-1")
    monkeypatch.setenv("NEWSWATCH_MAX_RETRIES", "")  # empty means the default
    settings = load_settings()
    assert settings.fetch.min_interval == 0.5 and settings.fetch.loopback_only
    assert settings.fetch.max_retries == 2
    assert settings.analysis_workers == 3
    assert settings.warehouse.memory_limit == "1GB" and settings.warehouse.s3 == {"REGION": "eu-west-1"}


def test_a_bad_value_names_its_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSWATCH_WORKERS", "two")
    with pytest.raises(SettingsError, match="NEWSWATCH_WORKERS"):
        load_settings()
