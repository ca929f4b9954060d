"""Entity counts through the ingest flow, under Prefect's test harness, on the bundled capture."""

from pathlib import Path

from flows.seed_files import load_gazetteer
from tests.support.paths import PROJECT

GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")


def test_ingest_flow_stores_entity_counts(prefect_harness: None, db_path: Path) -> None:
    from flows.ingest.flow import ingest
    from warehouse import db

    ingest(db_path=str(db_path), capture=True, live=False)
    con = db.connect(db_path)
    rows = con.execute(
        "SELECT e.mentions, e.kind, e.gazetteer_version FROM current_entities e JOIN articles a USING (article_id)"
        " WHERE a.is_seed AND a.title LIKE 'India seen as%' AND e.entity = 'S-400 Triumf'"
    ).fetchall()
    con.close()
    assert rows == [(2, "weapon", GAZETTEER.version)]
