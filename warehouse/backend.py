"""Where the warehouse lives: an embedded DuckDB file (default) or a DuckLake catalog shared by many workers.

A location is a file path, or `ducklake:<catalog>` as DuckLake spells it: `ducklake:postgres:dbname=nw host=...`
for a PostgreSQL catalog (many machines) or `ducklake:/path/catalog.ducklake` (one machine). The data files go
to `WarehouseOptions.lake_data`, a local directory or an `s3://bucket/prefix/` URL. Extensions load from their pip
packages, never from the network, so a worker needs no download at start.

DuckLake has no primary keys, unique constraints or indexes, so the same schema files are read with those
dropped (`lake_dialect`), and every keyed write in the loaders is an anti-join insert or a MERGE that holds
on both backends. Concurrent DuckLake writers take turns (lake_turns.py), and a keyed commit that still
overlaps another fails and reruns (`db.transaction`, `retry_conflicts`).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import random
import re
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

import duckdb

from warehouse import lake_turns

LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "newswatch_lake"
CONFLICT_RETRIES = 30
# DuckDB's cache, and the bound on what an ingest's memory grows by as the file grows (docs/performance.md).
# 64 MB is too little for a checkpoint.
DEFAULT_MEMORY_LIMIT = "128MB"


@dataclass(frozen=True, kw_only=True)
class WarehouseOptions:
    """How to open the warehouse; built from the environment by flows/settings.py.

    memory_limit: DuckDB's cache on the embedded file. lake_data: where DuckLake writes its data files
    (default: beside a file catalog). s3: DuckDB secret fields (KEY_ID, SECRET, ENDPOINT, REGION, URL_STYLE,
    USE_SSL) for an s3:// lake_data.
    """

    memory_limit: str = DEFAULT_MEMORY_LIMIT
    lake_data: str | None = None
    s3: Mapping[str, str] = field(default_factory=dict)


class BackendUnavailable(RuntimeError):
    """A DuckLake location was given but its extension packages are not installed."""


def is_lake(location: str | Path) -> bool:
    return str(location).startswith(LAKE_PREFIX)


REDACTED = "***"
# libpq keywords `password=...` (quoted or not; also in a URI's query) and a URI's `user:password@`.
_PASSWORD_KEYWORD = re.compile(r"(?<!\w)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)
_URI_PASSWORD = re.compile(r"(\b[a-z][\w+.-]*://[^\s:/@]*):([^\s@/]*)@", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with the password of every connection string in it replaced by ***: a DuckLake location, or
    an error message that quotes one (DuckDB's PostgreSQL errors do)."""
    text = _PASSWORD_KEYWORD.sub(lambda m: m.group(1) + REDACTED, text)
    return _URI_PASSWORD.sub(lambda m: f"{m.group(1)}:{REDACTED}@", text)


def has_redacted_password(text: str) -> bool:
    """Whether `text` carries a password that `redact` replaced, so it cannot be connected to as it is."""
    keyword = any(m.group(2) == REDACTED for m in _PASSWORD_KEYWORD.finditer(text))
    return keyword or any(m.group(2) == REDACTED for m in _URI_PASSWORD.finditer(text))


def extension_file(package: str, name: str) -> Path:
    """The extension shipped in a `duckdb-extension-*` pip package, for the installed duckdb version."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable(
            f"the {package.replace('_', '-')} package is not installed (pip install 'newswatch[scale]')"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{duckdb.__version__}"
    path = path / f"{name}.duckdb_extension"
    if not path.is_file():
        raise BackendUnavailable(f"no {name} extension for duckdb {duckdb.__version__} at {path}")
    return path


def _named_for_entrypoint(path: Path, entry_name: str) -> Path:
    """DuckDB finds an extension's init function by its file name; the postgres package names its file
    `postgres` while the function is `postgres_scanner_...`. A symlink with the right name fixes that."""
    links = Path(tempfile.gettempdir()) / f"newswatch-duckdb-extensions-{os.getuid()}" / duckdb.__version__
    links.mkdir(parents=True, exist_ok=True)
    link = links / f"{entry_name}.duckdb_extension"
    if not (link.is_symlink() and link.resolve() == path.resolve()):
        staging = links / f".{entry_name}.{os.getpid()}.{threading.get_ident()}"
        staging.unlink(missing_ok=True)
        staging.symlink_to(path)
        os.replace(staging, link)
    return link


def load_lake_extensions(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"LOAD '{extension_file('duckdb_extension_ducklake', 'ducklake')}'")
    if catalog.startswith("postgres:"):
        postgres = extension_file("duckdb_extension_postgres", "postgres")
        con.execute(f"LOAD '{_named_for_entrypoint(postgres, 'postgres_scanner')}'")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _s3_secret(con: duckdb.DuckDBPyConnection, data_path: str, fields: Mapping[str, str]) -> None:
    con.execute(f"LOAD '{extension_file('duckdb_extension_httpfs', 'httpfs')}'")
    options = "".join(f", {key} {_quote(value)}" for key, value in fields.items())
    con.execute(f"CREATE OR REPLACE SECRET newswatch_s3 (TYPE s3, SCOPE {_quote(data_path)}{options})")


def lake_data_path(location: str, configured: str | None) -> str:
    if configured:
        return configured
    catalog = location.removeprefix(LAKE_PREFIX)
    if catalog.startswith("postgres:"):
        raise BackendUnavailable(
            "a PostgreSQL-catalogued DuckLake needs NEWSWATCH_LAKE_DATA (a directory or s3:// URL)"
        )
    return catalog + ".files/"


def _is_init_race(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and "Failed to initialize DuckLake" in str(exc)


def connect_lake(location: str, options: WarehouseOptions, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Attach the lake in a fresh in-memory DuckDB. Workers creating the same new catalog at once race in
    DuckLake's initialisation (the loser sees PostgreSQL's duplicate-key error); the loser starts over on a
    new DuckDB instance, since the failed one may keep a half-made catalog state."""
    for attempt in range(CONFLICT_RETRIES):
        try:
            return _attach_lake(location, options, read_only=read_only)
        except duckdb.Error as exc:
            if not _is_init_race(exc) or attempt == CONFLICT_RETRIES - 1:
                shown = redact(str(exc))
                if shown == str(exc):
                    raise
                # The same kind of error without the password, which logs and Prefect's database would keep;
                # `from None` keeps the original out of the traceback too.
                raise type(exc)(shown) from None
            time.sleep(random.uniform(0.05, 0.3))
    raise AssertionError("unreachable")


def _attach_lake(location: str, options: WarehouseOptions, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    catalog = location.removeprefix(LAKE_PREFIX)
    data_path = lake_data_path(location, options.lake_data)
    con = duckdb.connect()
    try:
        load_lake_extensions(con, catalog)
        if data_path.startswith("s3://"):
            _s3_secret(con, data_path, options.s3)
        elif not read_only:
            Path(data_path).mkdir(parents=True, exist_ok=True)
        attach = f"DATA_PATH {_quote(data_path)}" + (", READ_ONLY" if read_only else "")
        con.execute(f"ATTACH {_quote(location)} AS {LAKE_ALIAS} ({attach})")
        con.execute(f"USE {LAKE_ALIAS}")
        if not read_only:
            lake_turns.remember_catalog(con, catalog)
    except BaseException:
        con.close()
        raise
    return con


_TABLE_KEY = re.compile(r",(\s*--[^\n]*)*\s*PRIMARY\s+KEY\s*\([^)]*\)", re.IGNORECASE)
_COLUMN_KEY = re.compile(r"\bPRIMARY\s+KEY\b|\bUNIQUE\b", re.IGNORECASE)
_INDEX = re.compile(r"CREATE\s+(UNIQUE\s+)?INDEX\b[^;]*;", re.IGNORECASE)
# A column's CHECK (...), one level of parentheses inside it: CHECK (verdict IN ('add', 'remove')).
_CHECK = re.compile(r"\s+CHECK\s*\((?:[^()]|\([^()]*\))*\)", re.IGNORECASE)


def lake_dialect(sql: str) -> str:
    """The same DDL without what DuckLake lacks: keys become NOT NULL columns, indexes and CHECK
    constraints are left out.

    Uniqueness then rests on the loaders' anti-join inserts, which both backends use, and a checked value
    on the code that writes it (warehouse/tag_feedback.py writes only 'add' and 'remove').
    """
    sql = _INDEX.sub("", sql)
    sql = _CHECK.sub("", sql)
    sql = _TABLE_KEY.sub("", sql)
    return _COLUMN_KEY.sub("NOT NULL", sql)


# Asked before every transaction; on DuckLake even `SELECT current_database()` costs catalog round trips.
_lake_connections: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()


def connection_is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    known = _lake_connections.get(con)
    if known is None:
        row = con.execute("SELECT current_database()").fetchone()
        known = _lake_connections[con] = row is not None and row[0] == LAKE_ALIAS
    return known


def is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


P = ParamSpec("P")
R = TypeVar("R")
_retrying = threading.local()


def retry_conflicts(fn: Callable[P, R]) -> Callable[P, R]:
    """Re-run a whole write unit when its DuckLake commit lost a race with another worker's. Each attempt
    runs in the lake's write turn (warehouse/lake_turns.py), so with a PostgreSQL catalog the race is rare.

    Only the outermost unit retries: an inner one re-raises, so work that read the warehouse before
    writing (dedup look-ups) is redone against the newer snapshot rather than replayed stale.
    """

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if getattr(_retrying, "depth", 0):
            return fn(*args, **kwargs)
        _retrying.depth = 1
        try:
            for attempt in range(CONFLICT_RETRIES):
                try:
                    with lake_turns.write_turn(args[0] if args else None):
                        return fn(*args, **kwargs)
                except duckdb.TransactionException as exc:
                    if not is_conflict(exc) or attempt == CONFLICT_RETRIES - 1:
                        raise
                    lake_turns.count_rerun(args[0] if args else None)
                    time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
            raise AssertionError("unreachable")
        finally:
            _retrying.depth = 0

    return run
