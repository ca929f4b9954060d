"""Bulk inserts through Arrow: one statement per table per batch, no per-row SQL.

A batch is handed to DuckDB as an Arrow table (zero-copy scan), which measured about 40x faster
than binding Python lists and far faster than executemany.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "VARCHAR[]": pa.list_(pa.string()),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
    "DOUBLE": pa.float64(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "BLOB": pa.binary(),
}


@dataclass(frozen=True, kw_only=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, DuckDB type)
    key: tuple[str, ...]  # empty for append-only logs: no de-duplication, no conflict clause

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c, ARROW_TYPES[t]) for c, t in self.columns])

    def insert_sql(self, view: str) -> str:
        names = ", ".join(c for c, _ in self.columns)
        conflict = " ON CONFLICT DO NOTHING" if self.key else ""
        return f"INSERT INTO {self.name} ({names}) SELECT {names} FROM {view}{conflict}"


def bulk_insert(con: duckdb.DuckDBPyConnection, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows, skipping keys already stored and repeated keys within `rows` (first wins)."""
    if not rows:
        return
    unique: Sequence[Sequence[Any]] = rows
    if table.key:
        key_positions = [i for i, (c, _) in enumerate(table.columns) if c in table.key]
        seen: set[tuple[Any, ...]] = set()
        unique = []
        for row in rows:
            key = tuple(row[i] for i in key_positions)
            if key not in seen:
                seen.add(key)
                unique.append(row)
    columns = [list(col) for col in zip(*unique, strict=True)]
    batch = pa.Table.from_arrays(
        [pa.array(col, type=field.type) for col, field in zip(columns, table.schema, strict=True)],
        schema=table.schema,
    )
    view = f"_bulk_{table.name}"
    con.register(view, batch)
    try:
        con.execute(table.insert_sql(view))
    finally:
        con.unregister(view)


@contextmanager
def key_list(con: duckdb.DuckDBPyConnection, name: str, values: Sequence[str]) -> Iterator[str]:
    """Expose a list of keys as a one-column view `name(key)` for joins; much faster than a list parameter."""
    con.register(name, pa.table({"key": pa.array(list(values), type=pa.string())}))
    try:
        yield name
    finally:
        con.unregister(name)
