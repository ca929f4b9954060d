"""The one place that reads the environment: every `NEWSWATCH_*` setting, Prefect's few, and the default paths.

Entry points (the CLI, each flow run, the benches) call `load_settings()` once and hand the parts on:
`Settings.warehouse` to warehouse.db.connect, `Settings.fetch` to the HTTP client, the analysis workers'
count to the pool. Nothing else reads `os.environ`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.http.records import FetchSettings
from warehouse.backend import DEFAULT_MEMORY_LIMIT, WarehouseOptions, has_redacted_password, is_lake, redact

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_FEEDS = SEEDS_DIR / "feeds.toml"
DEFAULT_TOPICS = SEEDS_DIR / "topics.toml"
DEFAULT_ENTITIES = SEEDS_DIR / "entities.toml"
DEFAULT_RELEVANCE = SEEDS_DIR / "relevance.toml"
CORPUS_DIR = SEEDS_DIR / "corpus"
CAPTURE_DIR = SEEDS_DIR / "capture"
DEFAULT_DB_FILE = PROJECT_ROOT / "data" / "newswatch.duckdb"
DEFAULT_REPORTS_DIR = PROJECT_ROOT / "reports"
DEFAULT_ATOM_DIR = DEFAULT_REPORTS_DIR / "feeds"  # the topics' and watches' Atom feeds, after each run
PREFECT_YAML = PROJECT_ROOT / "prefect.yaml"
DEFAULT_PREFECT_HOME = PROJECT_ROOT / ".prefect"
# The story browser (flows/browser/) listens on the loopback interface only.
BROWSER_HOST = "127.0.0.1"
DEFAULT_BROWSER_PORT = 8400

# FetchSettings fields that NEWSWATCH_<FIELD> overrides; the others are fixed by the code.
HTTP_FIELDS = (
    "user_agent",
    "connect_timeout",
    "read_timeout",
    "total_timeout",
    "max_bytes",
    "min_interval",
    "per_host",
    "max_workers",
    "max_retries",
    "backoff_base",
    "allow_loopback",
    "allow_private",
)
S3_FIELDS = ("key_id", "secret", "endpoint", "region", "url_style", "use_ssl")


class SettingsError(ValueError):
    """An environment variable holds a value of the wrong kind; the message names it."""


class Settings(BaseSettings):
    """Every NEWSWATCH_* variable. Unset or empty means the default."""

    model_config = SettingsConfigDict(env_prefix="NEWSWATCH_", env_ignore_empty=True, extra="ignore", frozen=True)

    db: str | None = None  # a DuckDB file, or `ducklake:<catalog>`
    duckdb_memory: str = DEFAULT_MEMORY_LIMIT
    lake_data: str | None = None
    s3_key_id: str | None = None
    s3_secret: str | None = None
    s3_endpoint: str | None = None
    s3_region: str | None = None
    s3_url_style: str | None = None
    s3_use_ssl: str | None = None
    workers: int | None = None  # analysis processes (default: one per core)
    dask_address: str | None = None
    worker_id: str | None = None
    loopback_only: bool = False
    atom_dir: Path | None = None  # where each run writes the Atom feeds (default reports/feeds)
    user_agent: str | None = None
    connect_timeout: float | None = None
    read_timeout: float | None = None
    total_timeout: float | None = None
    max_bytes: int | None = None
    min_interval: float | None = None
    per_host: int | None = None
    max_workers: int | None = None
    max_retries: int | None = None
    backoff_base: float | None = None
    allow_loopback: bool | None = None
    allow_private: bool | None = None
    topic_model: str | None = None  # the learned topic model file (default: beside the database)
    debug: bool = False  # an internal error prints its traceback, as `newswatch --debug` does
    browser_port: int = Field(default=DEFAULT_BROWSER_PORT, ge=1, le=65535)  # the story browser's, on 127.0.0.1

    @property
    def location(self) -> Path | str:
        """The warehouse: a DuckLake location as given, else the DuckDB file."""
        if self.db and is_lake(self.db):
            return self.db
        return Path(self.db) if self.db else DEFAULT_DB_FILE

    def resolve_location(self, given: str | None) -> Path | str:
        """The warehouse a flow run was given: its `db_path` parameter, else the configured one. Prefect
        stores and shows parameters, so a location with a password comes redacted (`password=***`) and
        stands for the configured one (NEWSWATCH_DB), which carries the password."""
        if not given:
            return self.location
        if not has_redacted_password(given):
            return given
        if self.db and redact(self.db) == given:
            return self.location
        raise SettingsError(f"{given}: its password is redacted; set NEWSWATCH_DB to the location with the password")

    @property
    def browser_url(self) -> str:
        """Where the story browser answers when it runs (`newswatch browse`, `make serve`)."""
        return f"http://{BROWSER_HOST}:{self.browser_port}"

    @property
    def atom_directory(self) -> Path:
        return self.atom_dir or DEFAULT_ATOM_DIR

    @property
    def db_file(self) -> Path:
        """The DuckDB file, for commands that work on the embedded file only."""
        return Path(self.db) if self.db else DEFAULT_DB_FILE

    def topic_model_file(self, location: Path | str | None = None) -> Path:
        """The learned topic model: NEWSWATCH_TOPIC_MODEL, else `<database>.topic-model.npz` beside the
        DuckDB file (`location`, else the configured one), or in the default data directory for DuckLake.
        Never in the repository: a model is the user's, trained on the user's data."""
        if self.topic_model:
            return Path(self.topic_model)
        where = self.location if location is None else location
        if isinstance(where, str) and is_lake(where):
            return DEFAULT_DB_FILE.parent / "topic-model.npz"
        path = Path(where)
        return path.with_name(f"{path.stem}.topic-model.npz")

    @property
    def warehouse(self) -> WarehouseOptions:
        s3 = {name.upper(): value for name in S3_FIELDS if (value := getattr(self, f"s3_{name}"))}
        return WarehouseOptions(memory_limit=self.duckdb_memory, lake_data=self.lake_data, s3=s3)

    @property
    def fetch(self) -> FetchSettings:
        values = {name: value for name in HTTP_FIELDS if (value := getattr(self, name)) is not None}
        return FetchSettings(loopback_only=self.loopback_only, **values)

    @property
    def analysis_workers(self) -> int:
        return max(1, self.workers) if self.workers else max(1, os.cpu_count() or 1)

    @property
    def worker_name(self) -> str:
        """Who holds shard leases: NEWSWATCH_WORKER_ID, else host:pid."""
        return self.worker_id or f"{socket.gethostname()}:{os.getpid()}"


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"NEWSWATCH_{str(error['loc'][0]).upper()}: {error['msg']}" for error in exc.errors() if error["loc"]
        )
        raise SettingsError(problems or str(exc)) from None


def debug_requested() -> bool:
    """NEWSWATCH_DEBUG. Off when the environment does not read: the command reports that mistake itself."""
    try:
        return load_settings().debug
    except SettingsError:
        return False


def pass_location_privately(location: str) -> str:
    """What to give a flow as its `db_path`: `location` with its password redacted; the location itself goes
    to the run through NEWSWATCH_DB (read by `Settings.resolve_location`), out of Prefect's records."""
    shown = redact(location)
    if shown != location:
        os.environ["NEWSWATCH_DB"] = location
    return shown


# Prefect reads its own variables; these are the ones newswatch sets or consults.


def prefect_environment() -> None:
    """Defaults that must be in place before prefect is imported."""
    os.environ.setdefault("PREFECT_HOME", str(DEFAULT_PREFECT_HOME))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT", "false")


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or DEFAULT_PREFECT_HOME)


def configured_prefect_api() -> str | None:
    return os.environ.get("PREFECT_API_URL") or None


def use_prefect_api(api_url: str | None, *, dashboard: bool = True) -> None:
    """Point this process's Prefect client at `api_url` (None: forget it). Without `dashboard` (a server that
    stops when the command ends), Prefect prints no dashboard links: an empty PREFECT_UI_URL turns them off."""
    if api_url is None:
        os.environ.pop("PREFECT_API_URL", None)
        if os.environ.get("PREFECT_UI_URL") == "":
            del os.environ["PREFECT_UI_URL"]
        return
    os.environ["PREFECT_API_URL"] = api_url
    if not dashboard:
        os.environ["PREFECT_UI_URL"] = ""


def prefect_server_environment(port: int) -> dict[str, str]:
    """The environment of a `prefect server start` child: ours, plus where its dashboard finds the API
    (PREFECT_UI_API_URL defaults to port 4200 whatever --port says)."""
    return {"PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api", **os.environ}
