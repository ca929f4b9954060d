"""The story browser's routes. GET only; each request opens the read copy read-only and closes it, so a
long-running browser shows each newly published copy on the next page it serves, and never holds the file
an ingest writes. Pages are server-rendered (flows/browser/pages.py) and need no JavaScript."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from fastapi import FastAPI, Request, Response
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from flows.browser import pages, views
from flows.ops.open_db import open_for_reading, reading_location
from flows.report.labels import plural
from warehouse import backend, browser_hits, db, fulltext
from warehouse import browser_queries as bq
from warehouse.report_data import source_health_rows

LOCAL_HOSTS = ("127.0.0.1", "localhost")
READ_METHODS = ("GET", "HEAD")
# Defence in depth beside autoescape: no script, frame or outside resource runs, whatever a page held.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# A search lists at most this many stories (best first); the list's filters and pages apply within them.
SEARCH_POOL = 500
MAX_STORY_ID_CHARS = 128


class WarehouseUnreadable(RuntimeError):
    """The warehouse cannot be opened for reading now; the message says why and what to do."""


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def create_app(
    location: Path | str, options: backend.WarehouseOptions, *, allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
) -> FastAPI:
    """The browser over the warehouse at `location` (its read copy once one is published)."""
    label = db.location_label(location)
    lake = backend.is_lake(location)
    app = FastAPI(title="newswatch story browser", docs_url=None, redoc_url=None, openapi_url=None)
    # Only its own names: a page elsewhere cannot reach it by pointing another host name at 127.0.0.1.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.middleware("http")
    async def read_only_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method not in READ_METHODS:
            response: Response = HTMLResponse(
                page("error.html", heading="Read-only", message="The story browser only reads: GET requests only."),
                status_code=405,
                headers={"Allow": "GET, HEAD"},
            )
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def data_as_of() -> str | None:
        where = reading_location(location)
        if backend.is_lake(where) or not Path(where).exists():
            return None
        return f"{datetime.fromtimestamp(Path(where).stat().st_mtime):%Y-%m-%d %H:%M}"

    def page(template: str, **context: Any) -> str:
        return pages.render(template, database=label, data_as_of=data_as_of(), **context)

    @contextmanager
    def reading() -> Iterator[duckdb.DuckDBPyConnection]:
        if not lake and not Path(location).exists():
            raise WarehouseUnreadable(f"No database at {label}: run `newswatch run` first.")
        with ExitStack() as stack:
            try:
                con = stack.enter_context(open_for_reading(location, options))
            except (duckdb.Error, backend.BackendUnavailable) as exc:
                raise WarehouseUnreadable(
                    f"Cannot read {label}: {_first_line(exc)}. A writer that has not yet published a read copy may"
                    " hold the file: reload when it is done."
                ) from None
            yield con

    @app.exception_handler(WarehouseUnreadable)
    async def unreadable(request: Request, exc: WarehouseUnreadable) -> HTMLResponse:
        return HTMLResponse(page("error.html", heading="Warehouse unavailable", message=str(exc)), status_code=503)

    @app.exception_handler(duckdb.Error)
    async def query_failed(request: Request, exc: duckdb.Error) -> HTMLResponse:
        message = f"Reading {label} failed: {_first_line(exc)}"
        return HTMLResponse(page("error.html", heading="Query failed", message=message), status_code=500)

    @app.exception_handler(HTTPException)
    async def not_found(request: Request, exc: HTTPException) -> HTMLResponse:
        heading = "Not found" if exc.status_code == 404 else "Request refused"
        return HTMLResponse(page("error.html", heading=heading, message=str(exc.detail)), status_code=exc.status_code)

    def search_hits(
        con: duckdb.DuckDBPyConnection, form: views.StoryForm
    ) -> tuple[tuple[str, ...], dict[str, float], list[str]]:
        """The stories the search finds (best first), their scores, and notes on the index."""
        assert form.text is not None
        if lake:
            return (), {}, ["Full-text search needs the embedded DuckDB file: DuckLake cannot hold its index."]
        state = bq.search_index_state(con, fulltext.INDEX_NAME)
        if not state.built:
            return (
                (),
                {},
                [
                    "The search index is not built yet: `newswatch search WORDS` builds it, and so does"
                    " `newswatch browse` (or `make serve`) when it starts while no ingest is writing."
                ],
            )
        request = fulltext.SearchQuery(
            text=form.text, topic=form.topic, since=form.since, until=form.until, limit=SEARCH_POOL
        )
        try:
            hits = fulltext.search(con, request)
        except fulltext.SearchUnavailable as exc:
            return (), {}, [str(exc)]
        notes = []
        if not fulltext.index_is_current(con):
            notes.append(
                f"The search index covers {state.indexed} of the {state.articles} articles stored; `newswatch search`"
                " or a restart of the browser brings it up to date."
            )
        if len(hits) == SEARCH_POOL:
            notes.append(f"Only the {SEARCH_POOL} best-matching stories are listed: narrow the search.")
        return tuple(h.story_id for h in hits), {h.story_id: h.score for h in hits}, notes

    @app.api_route("/", methods=list(READ_METHODS), response_class=HTMLResponse)
    def story_list(request: Request) -> HTMLResponse:
        with reading() as con:
            choices = bq.filter_choices(con)
            form = views.parse_form(request.query_params, choices, datetime.now())
            notes: list[str] = []
            scores: dict[str, float] = {}
            found = bq.StoryPage(stories=(), total=0)
            if not form.errors:
                ids = None
                if form.text:
                    ids, scores, notes = search_hits(con, form)
                wanted = bq.StoryFilter(
                    topic=form.topic,
                    since=form.since,
                    until=form.until,
                    outlet=form.outlet,
                    language=form.language,
                    story_ids=ids,
                    limit=views.PAGE_SIZE,
                    offset=form.offset,
                )
                found = bq.list_stories(con, wanted)
        pages_total = max(1, math.ceil(found.total / views.PAGE_SIZE))
        if form.page > pages_total and found.total:
            notes.append(f"Page {form.page} is past the end: the list has {plural(pages_total, 'page')}.")
        html = page(
            "stories.html",
            form=form,
            choices=choices,
            notes=notes,
            stories=found.stories,
            total=found.total,
            scores=scores,
            pages=pages_total,
            previous_page=views.page_link(form, min(form.page - 1, pages_total)) if form.page > 1 else None,
            next_page=views.page_link(form, form.page + 1) if form.page < pages_total else None,
        )
        return HTMLResponse(html, status_code=400 if form.errors else 200)

    @app.api_route("/story/{story_id}", methods=list(READ_METHODS), response_class=HTMLResponse)
    def story_page(story_id: str) -> HTMLResponse:
        with reading() as con:
            story = bq.story_summary(con, story_id) if len(story_id) <= MAX_STORY_ID_CHARS else None
            if story is None:
                raise HTTPException(404, f"No story {story_id[:80]!r} in this database.")
            html = page(
                "story.html",
                story=story,
                timeline=pages.timeline_items(bq.story_timeline(con, story_id)),
                evidence=views.evidence_by_topic(bq.story_tags(con, story_id)),
                entities=bq.story_entities(con, story_id),
                hits=browser_hits.watch_hits(con, story_id=story_id),
            )
        return HTMLResponse(html)

    @app.api_route("/watches", methods=list(READ_METHODS), response_class=HTMLResponse)
    def watch_hits_page() -> HTMLResponse:
        with reading() as con:
            hits = browser_hits.watch_hits(con)
        return HTMLResponse(page("watches.html", hits=hits))

    @app.api_route("/sources", methods=list(READ_METHODS), response_class=HTMLResponse)
    def sources_page() -> HTMLResponse:
        with reading() as con:
            sources = source_health_rows(con)
        return HTMLResponse(page("sources.html", sources=sources))

    return app
