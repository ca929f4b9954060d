"""The fts extension ships in its pip package (search itself is tested in tests/integration)."""

from __future__ import annotations

from warehouse.fulltext import fts_extension_path


def test_extension_comes_from_site_packages() -> None:
    path = fts_extension_path()
    assert path.is_file() and "site-packages" in path.parts and path.name == "fts.duckdb_extension"
