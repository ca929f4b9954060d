"""The loaders' `Table` definitions restate warehouse/schema/*.sql: each must agree with the table that the
migrations make in a fresh DuckDB file.

The loaders name every column they write (INSERT/MERGE column lists, SELECT lists, import BY NAME), so what
must agree is names and types, not the order of columns in the database. A column the loader leaves out must
take a default or NULL, and where the database keeps a primary key it is the loader's key.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

import extractors
import flows
import warehouse
from warehouse import db
from warehouse.bulk import Table

PACKAGES = (warehouse, flows, extractors)


def _modules() -> Iterator[ModuleType]:
    for package in PACKAGES:
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):  # `python -m flows.cli` would run the CLI
                yield importlib.import_module(info.name)


def _assigned_names(module: ModuleType) -> set[str]:
    """Names a module assigns at top level (not those it imports, such as maintenance's STORY_TABLES)."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _table_calls(module: ModuleType) -> int:
    """How many `Table(...)` calls a module that imports warehouse.bulk.Table makes, wherever they are."""
    if getattr(module, "Table", None) is not Table:
        return 0
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    return sum(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Table"
        for node in ast.walk(tree)
    )


def loader_tables() -> list[tuple[str, Table]]:
    """Every Table a module defines at top level, alone or in a dict, list or tuple: (where, table)."""
    found: list[tuple[str, Table]] = []
    for module in _modules():
        for name in sorted(_assigned_names(module)):
            value = getattr(module, name, None)
            if isinstance(value, Table):
                found.append((f"{module.__name__}.{name}", value))
            elif isinstance(value, dict):
                found += [(f"{module.__name__}.{name}[{k}]", v) for k, v in value.items() if isinstance(v, Table)]
            elif isinstance(value, list | tuple):
                found += [(f"{module.__name__}.{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, Table)]
    return found


TABLES = loader_tables()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.connect(tmp_path_factory.mktemp("schema") / "fresh.duckdb")
    yield con
    con.close()


def test_every_table_definition_is_found() -> None:
    # A Table made anywhere else (inside a function, under a name this search does not read) would be missed.
    assert len(TABLES) == sum(_table_calls(m) for m in _modules())
    assert {t.name for _, t in TABLES} >= {"articles", "topic_tags", "feed_health", "shard_leases"}


@pytest.mark.parametrize("table", [t for _, t in TABLES], ids=[where for where, _ in TABLES])
def test_loader_columns_match_the_migrated_table(fresh: duckdb.DuckDBPyConnection, table: Table) -> None:
    rows = fresh.execute(
        "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
        " WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [table.name],
    ).fetchall()
    assert rows, f"no table {table.name} in the migrated database"
    in_database = {name: data_type for name, data_type, _, _ in rows}
    written = [c for c, _ in table.columns]
    # column -> (the loader's type, the database's type or None where it has no such column)
    mismatched = {c: (t, in_database.get(c)) for c, t in table.columns if in_database.get(c) != t}
    assert mismatched == {}, f"{table.name}: the loader's columns and types against the database's"
    left_to_the_database = [(c, nullable, default) for c, _, nullable, default in rows if c not in written]
    assert all(nullable == "YES" or default is not None for _, nullable, default in left_to_the_database), (
        f"columns the loader does not write need a default or NULL: {left_to_the_database}"
    )
    assert set(table.key) <= set(written) and (table.owner is None or table.owner in written)
    primary = fresh.execute(
        "SELECT constraint_column_names FROM duckdb_constraints()"
        " WHERE schema_name = 'main' AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table.name],
    ).fetchall()
    if primary:  # the corpus tables keep no key on the file (schema 007): the loaders' anti-joins hold it
        assert set(primary[0][0]) == set(table.key), "the loader's key is the table's primary key"
