"""Small builders shared by tests."""

from __future__ import annotations

import base64
from pathlib import Path
from uuid import UUID

import duckdb

from extractors.analysis import analyze_article
from extractors.article.seed_text import seed_to_article
from extractors.article.urls import article_id
from extractors.pipeline import judge_analyzed
from extractors.records import Article, ProcessedArticle
from extractors.tagging.entities import Gazetteer
from extractors.tagging.taxonomy import Taxonomy
from flows.http.client import FetchSettings
from flows.ops.prefect_server import drain_prefect_queues
from tests.support.paths import CORPUS
from warehouse import lookups


def connect_lake(location: str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A lake as the flow opens it: its data directory from NEWSWATCH_LAKE_DATA (the `lake` fixture sets it)."""
    from flows.settings import load_settings
    from warehouse import db

    return db.connect(location, read_only=read_only, options=load_settings().warehouse)


def seed_path(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


def seed_article(prefix: str) -> Article:
    path: Path = seed_path(prefix)
    return seed_to_article(path.name, path.read_text(encoding="utf-8"))


def copy_of(article: Article, url: str, *, source: str = "copy", text: str | None = None) -> Article:
    return Article(
        article_id=article_id(url),
        url=url,
        source=source,
        title=article.title,
        text=article.text if text is None else text,
        published=article.published,
    )


def judged(
    con: duckdb.DuckDBPyConnection, articles: list[Article], taxonomy: Taxonomy, gazetteer: Gazetteer | None = None
) -> list[ProcessedArticle]:
    """Analyze articles and judge them against what `con` already stores, as the flow does."""
    analyzed = [analyze_article(a, taxonomy, gazetteer) for a in articles]
    known = lookups.known_fingerprints(con, [(a.article, a.fingerprint) for a in analyzed])
    return judge_analyzed(analyzed, known)


def quick_settings(**overrides: object) -> FetchSettings:
    """Client settings for tests: loopback only, tiny intervals, no retries and no robots.txt unless asked."""
    values: dict[str, object] = {
        "loopback_only": True,
        "min_interval": 0.0,
        "backoff_base": 0.01,
        "max_retries": 0,
        "robots": False,
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def gnews_id(url: str) -> str:
    """A Google News article id of the old, offline-decodable kind that wraps `url`."""
    raw = url.encode()
    return base64.urlsafe_b64encode(b"\x08\x13\x22" + bytes([len(raw)]) + raw + b"\xd2\x01\x00").decode().rstrip("=")


def flow_run_record(flow_run_id: UUID) -> tuple[dict[str, object], list[str]]:
    """A flow run's parameters and log lines, as Prefect's database keeps them."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    drain_prefect_queues()  # the log lines are sent in the background
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200, offset=0)
    return run.parameters, [log.message for log in logs]
