"""Hostile warehouse input: a crafted `db import` export, a corrupted database file.

Each case is refused through the CLI with one line naming what was wrong, exit code 1 and no traceback,
and nothing is written outside (the current directory stays as it was, no half-made database is left).
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import Result
from typer.testing import CliRunner

from flows.cli.app import app
from flows.seed_files import load_taxonomy
from tests.support.helpers import copy_of, judged, seed_article
from tests.support.paths import PROJECT
from warehouse import db, load, maintenance

TAXONOMY = load_taxonomy(PROJECT / "seeds" / "topics.toml")


@pytest.fixture(scope="module")
def good_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An honest export of a small database: two articles, one a copy of the other."""
    base = tmp_path_factory.mktemp("export")
    con = db.connect(base / "source.duckdb")
    seed = seed_article("003")
    load.load_articles(con, judged(con, [seed, copy_of(seed, "https://example.org/copy")], TAXONOMY), "run-1")
    maintenance.export_parquet(con, base / "export")
    con.close()
    return base / "export"


@pytest.fixture
def export(good_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the honest export to tamper with; the test runs in an empty directory of its own."""
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    return Path(shutil.copytree(good_export, tmp_path / "export"))


def _manifest(export: Path) -> dict[str, object]:
    return dict(json.loads((export / maintenance.MANIFEST).read_text(encoding="utf-8")))


def _write_manifest(export: Path, manifest: dict[str, object]) -> None:
    (export / maintenance.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _import(export: Path, target: Path) -> Result:
    return CliRunner().invoke(app, ["db", "import", str(export), "--db", str(target)])


def _assert_refused(result: Result, *names: str) -> None:
    """Exit 1 through typer.Exit (no exception escaped), one line of output that names each of `names`."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    for name in names:
        assert name in lines[0], (name, lines[0])


def _nothing_written(tmp_path: Path, target: Path) -> None:
    assert list((tmp_path / "cwd").iterdir()) == []
    assert not target.exists() and not target.with_name(target.name + ".wal").exists()
    assert not [p for p in tmp_path.rglob("pwned*")]


# The first two are valid SQL when pasted after `INSERT INTO `: the old import ran the COPY.
INJECTED = [
    "articles BY NAME SELECT * FROM articles; COPY (SELECT 1) TO 'pwned.csv'; --",
    "articles BY NAME SELECT * FROM articles; CREATE TABLE loot AS FROM read_text('/etc/passwd');"
    " COPY loot TO 'pwned.csv'; --",
    "articles; COPY (SELECT 1) TO 'pwned.csv'; --",
    "articles\" ; COPY (SELECT 1) TO 'pwned.csv'; --",
    "[bold]articles[/bold]",
    "no_such_table",
    "stories",  # a view, not a table
    "../../etc/passwd",
    "/etc/passwd",
]


@pytest.mark.parametrize("table", INJECTED, ids=range(len(INJECTED)))
def test_import_refuses_a_table_the_schema_does_not_define(export: Path, tmp_path: Path, table: str) -> None:
    manifest = _manifest(export)
    manifest["tables"] = {"articles": 2, table: 0}
    _write_manifest(export, manifest)
    target = tmp_path / "restored.duckdb"
    result = _import(export, target)
    _assert_refused(result, "does not define", repr(table))
    _nothing_written(tmp_path, target)


def test_import_refuses_a_column_the_schema_does_not_define(export: Path, tmp_path: Path) -> None:
    articles = pq.read_table(export / "articles.parquet")
    hostile = articles.append_column("body; DROP TABLE articles", pa.array(["x"] * articles.num_rows))
    pq.write_table(hostile, export / "articles.parquet")
    target = tmp_path / "restored.duckdb"
    result = _import(export, target)
    _assert_refused(result, "articles.parquet", "'body; DROP TABLE articles'", "does not define")
    _nothing_written(tmp_path, target)


def test_import_refuses_a_file_linked_from_outside_the_export(export: Path, tmp_path: Path) -> None:
    """A well-formed Parquet file, but elsewhere on the machine: the link out is refused."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.move(export / "articles.parquet", outside / "articles.parquet")
    (export / "articles.parquet").symlink_to(Path("..") / "elsewhere" / "articles.parquet")
    target = tmp_path / "restored.duckdb"
    result = _import(export, target)
    _assert_refused(result, "'articles.parquet'", "outside the export")
    _nothing_written(tmp_path, target)


def test_import_refuses_a_file_that_is_not_parquet(export: Path, tmp_path: Path) -> None:
    (export / "articles.parquet").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    target = tmp_path / "restored.duckdb"
    result = _import(export, target)
    _assert_refused(result, "articles.parquet", "not a readable Parquet file")
    _nothing_written(tmp_path, target)


def test_import_refuses_row_counts_the_files_do_not_hold(export: Path, tmp_path: Path) -> None:
    manifest = _manifest(export)
    manifest["tables"] = {**dict(manifest["tables"]), "articles": 5}  # type: ignore[call-overload]
    _write_manifest(export, manifest)
    target = tmp_path / "restored.duckdb"
    result = _import(export, target)
    _assert_refused(result, "articles.parquet holds 2 rows", "manifest says 5")
    _nothing_written(tmp_path, target)


@pytest.mark.parametrize(
    "text, named",
    [
        ("{not json", "not valid JSON"),
        ('["articles"]', "format-1"),
        ('{"format": 1, "tables": ["articles"]}', "format-1"),
        ('{"format": 1, "tables": {"articles": "2; DROP"}}', "'2; DROP'"),
    ],
)
def test_import_refuses_a_malformed_manifest(export: Path, tmp_path: Path, text: str, named: str) -> None:
    (export / maintenance.MANIFEST).write_text(text, encoding="utf-8")
    target = tmp_path / "restored.duckdb"
    _assert_refused(_import(export, target), named)
    _nothing_written(tmp_path, target)


def test_import_keeps_one_write_claims_row_and_every_article(export: Path, tmp_path: Path) -> None:
    target = tmp_path / "restored.duckdb"
    result = _import(export, target)
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT count(*), sum(claims) FROM write_claims").fetchone() == (1, 0)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    versions = con.execute("SELECT count(*) FROM schema_migrations").fetchone()
    assert versions == (len(db.schema_files()),)
    con.close()


# DuckDB's file starts with a main header and two database headers of 4 KiB each; blocks follow.
DUCKDB_BLOCK_START = 3 * 4096


def _database_with_raw_pages(db_path: Path) -> None:
    """Forty stored articles whose raw pages (random bytes, so gzip cannot shrink them) fill many blocks."""
    rng = random.Random(15)
    seed = seed_article("003")
    copies = [
        dataclasses.replace(copy_of(seed, f"https://example.org/copy-{i}"), raw_html=rng.randbytes(64 * 1024))
        for i in range(40)
    ]
    con = db.connect(db_path)
    load.load_articles(con, judged(con, [seed, *copies], TAXONOMY), "run-1")
    con.close()


def _overwrite_a_raw_pages_block(db_path: Path) -> None:
    """Write garbage over 100 KB inside the middle block holding `raw_pages.body` (its page bytes)."""
    con = duckdb.connect(str(db_path), read_only=True)
    rows = con.execute(
        "SELECT block_id, additional_block_ids FROM pragma_storage_info('raw_pages')"
        " WHERE column_name = 'body' AND segment_type = 'BLOB' AND persistent AND block_id >= 0"
    ).fetchall()
    block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
    con.close()
    assert rows and block_size, "raw_pages.body is stored in blocks of the file"
    blocks = sorted({b for block_id, extra in rows for b in [block_id, *extra]})
    assert len(blocks) >= 4, blocks
    start = DUCKDB_BLOCK_START + blocks[len(blocks) // 2] * int(block_size[0]) + 1024
    with db_path.open("r+b") as f:
        f.seek(start)
        f.write(bytes([0xA5]) * 100_000)


def test_db_check_reads_every_table_whole_and_names_a_damaged_one(db_path: Path) -> None:
    _database_with_raw_pages(db_path)
    intact = CliRunner().invoke(app, ["db", "check", "--db", str(db_path)])
    assert intact.exit_code == 0, intact.output

    _overwrite_a_raw_pages_block(db_path)
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (40,)  # a count does not notice
    with pytest.raises(duckdb.IOException, match="checksum"):  # the damage is real: the pages cannot be read
        con.execute("SELECT * FROM raw_pages").fetchall()
    con.close()

    damaged = CliRunner().invoke(app, ["db", "check", "--db", str(db_path)])
    assert damaged.exit_code == 1, damaged.output
    assert isinstance(damaged.exception, SystemExit), repr(damaged.exception)
    lines = [line for line in damaged.output.splitlines() if "cannot be read" in line]
    assert len(lines) == 1, damaged.output
    assert lines[0].startswith("table raw_pages cannot be read: IO Error: Corrupt database file"), lines[0]
    assert "checksum" in lines[0]
