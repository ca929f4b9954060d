"""Bulk inserts through Arrow: one statement per table per batch, no per-row SQL.

A batch is handed to DuckDB as an Arrow table (zero-copy scan), which measured much faster
than binding Python lists and far faster than executemany.

Keys are honoured by the statements themselves (an anti-join insert, a MERGE), not by ON CONFLICT:
DuckLake has no primary keys, and one statement text serves both backends. The tables that grow with
the corpus have no keys on the embedded file either (warehouse/schema/007): a key's index would hold
memory in proportion to the corpus. An anti-join scans the table's keys, so rows that belong to an
article stored in the same transaction skip it (`new_owners`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
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
    # The column naming the article a row belongs to, when every row of it is written in the same
    # transaction as the article itself: an article not stored before has none of these rows yet.
    owner: str | None = None

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c, ARROW_TYPES[t]) for c, t in self.columns])

    def _key_match(self, view: str) -> str:
        return " AND ".join(f"{self.name}.{k} = {view}.{k}" for k in self.key)

    def insert_sql(self, view: str, *, check_stored: bool = True) -> str:
        """Insert the rows of `view` whose key is not stored yet (all of them unless `check_stored`)."""
        names = ", ".join(c for c, _ in self.columns)
        if not self.key or not check_stored:
            return f"INSERT INTO {self.name} ({names}) SELECT {names} FROM {view}"
        return (
            f"INSERT INTO {self.name} ({names}) SELECT {names} FROM {view}"
            f" WHERE NOT EXISTS (SELECT 1 FROM {self.name} WHERE {self._key_match(view)})"
        )

    def merge_sql(self, view: str, updates: dict[str, str]) -> str:
        """Insert new keys; on stored keys set `updates` (column -> expression over `{view}` and the table)."""
        names = ", ".join(c for c, _ in self.columns)
        values = ", ".join(f"{view}.{c}" for c, _ in self.columns)
        assignments = ", ".join(f"{column} = {expression}" for column, expression in updates.items())
        return (
            f"MERGE INTO {self.name} USING {view} ON {self._key_match(view)}"
            f" WHEN MATCHED THEN UPDATE SET {assignments}"
            f" WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values})"
        )


def bulk_insert(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    rows: Sequence[Sequence[Any]],
    new_owners: Collection[str] = (),
) -> None:
    """Insert rows, skipping keys already stored and repeated keys within `rows` (first wins).
    Rows whose `table.owner` is in `new_owners` (articles not stored before this transaction) cannot be
    stored yet: they are appended without looking at the stored keys."""
    unique = _by_key(table, rows, first_wins=True)
    fresh: list[Sequence[Any]] = []
    if table.owner is not None and new_owners:
        owner = [c for c, _ in table.columns].index(table.owner)
        fresh = [row for row in unique if row[owner] in new_owners]
        unique = [row for row in unique if row[owner] not in new_owners]
    for part, check_stored in ((fresh, False), (unique, True)):
        with _registered(con, table, part) as view:
            if view:
                con.execute(table.insert_sql(view, check_stored=check_stored))


def bulk_merge(
    con: duckdb.DuckDBPyConnection, table: Table, rows: Sequence[Sequence[Any]], updates: dict[str, str]
) -> None:
    """Insert rows with new keys and update stored ones (`updates`, see Table.merge_sql); the last row of a
    key repeated within `rows` wins, as consecutive upserts would have it."""
    with _registered(con, table, _by_key(table, rows, first_wins=False)) as view:
        if view:
            con.execute(table.merge_sql(view, updates))


def _by_key(table: Table, rows: Sequence[Sequence[Any]], *, first_wins: bool) -> list[Sequence[Any]]:
    """One row per key: the first or the last of the rows that share it."""
    if not table.key:
        return list(rows)
    key_positions = [i for i, (c, _) in enumerate(table.columns) if c in table.key]
    by_key: dict[tuple[Any, ...], Sequence[Any]] = {}
    for row in rows:
        key = tuple(row[i] for i in key_positions)
        if not first_wins or key not in by_key:
            by_key[key] = row
    return list(by_key.values())


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, table: Table, unique: Sequence[Sequence[Any]]) -> Iterator[str]:
    if not unique:
        yield ""
        return
    columns = [list(col) for col in zip(*unique, strict=True)]
    batch = pa.Table.from_arrays(
        [pa.array(col, type=field.type) for col, field in zip(columns, table.schema, strict=True)],
        schema=table.schema,
    )
    view = f"_bulk_{table.name}"
    con.register(view, batch)
    try:
        yield view
    finally:
        con.unregister(view)


@contextmanager
def key_list(
    con: duckdb.DuckDBPyConnection, name: str, values: Sequence[str] | Sequence[int], key_type: str = "VARCHAR"
) -> Iterator[str]:
    """Expose a list of keys as a one-column view `name(key)` for joins; much faster than a list parameter."""
    con.register(name, pa.table({"key": pa.array(list(values), type=ARROW_TYPES[key_type])}))
    try:
        yield name
    finally:
        con.unregister(name)


def rows_of(table: str, alias: str, match: str) -> str:
    """Two CTEs: `{table}_rows`, the rows of `table` that `match` (a JOIN or WHERE clause over `alias`) picks.

    The match scans only the columns it names and keeps row ids; the rows are then read by row id. A plain
    join reads every column it returns for every row it scans, which is most of a look-up's cost once the
    table holds a million articles and the batch matches a handful of them."""
    hits = f"{table}_hits"
    return (
        f"{hits} AS MATERIALIZED (SELECT {alias}.rowid AS hit FROM {table} {alias} {match}),"
        f" {table}_rows AS MATERIALIZED (SELECT {alias}.* FROM {table} {alias} JOIN {hits} ON {alias}.rowid = hit)"
    )
