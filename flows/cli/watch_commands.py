"""`newswatch watch ...`: saved searches that every ingest batch checks, their alerts and feeds (docs/alerts.md)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from typing import Annotated

import duckdb
import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.common import DbOption, check_topic, console, given_location, open_database, settings_or_exit
from flows.ops.db_lock import DatabaseBusy
from flows.ops.open_db import open_for_writing
from flows.report.atom_files import WATCH_PREFIX, feed_file_name
from flows.seed_files import load_sources
from flows.settings import DEFAULT_FEEDS
from warehouse import backend, db
from warehouse import watches as store
from warehouse.fulltext import SearchUnavailable
from warehouse.story_cards import story_cards

watch_app = typer.Typer(
    help="Saved searches: each ingest checks them against the stories it adds or grows, and alerts.",
    no_args_is_help=True,
)

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")
MAX_QUERY_CHARS = 300
WRITE_WAIT_S = 30.0  # a watch edit waits this long for an ingest holding the database


def _name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise typer.BadParameter(
            f"{name!r}: use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit",
            param_hint="NAME",
        )
    return name


@contextmanager
def _writing(db_path: str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse under its writer's lock (created if new, so a watch can come before the first run)."""
    settings = settings_or_exit()
    location = given_location(db_path) or settings.location
    try:
        with open_for_writing(location, settings.warehouse, purpose="watch", wait_s=WRITE_WAIT_S) as con:
            yield con
    except (DatabaseBusy, duckdb.IOException, backend.BackendUnavailable) as exc:
        console.print(f"[red]Cannot open {escape(db.location_label(location))}:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None


def _watch_or_exit(con: duckdb.DuckDBPyConnection, name: str) -> store.Watch:
    watch = store.get_watch(con, name)
    if watch is None:
        known = [w.name for w in store.list_watches(con)]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else (f"; watches: {', '.join(known)}" if known else "")
        console.print(f"[red]No watch {escape(name)!r}[/]{escape(hint)}", highlight=False)
        raise typer.Exit(1)
    return watch


def _check_source(con: duckdb.DuckDBPyConnection, source: str | None) -> None:
    """A source the warehouse has polled or seeds/feeds.toml lists (a new one may not have been polled yet)."""
    if source is None:
        return
    known = store.source_names(con)
    with suppress(OSError, ValueError):  # `newswatch check-config` says what is wrong with the file
        known |= {s.name for s in load_sources(DEFAULT_FEEDS)}
    if source not in known:
        close = difflib.get_close_matches(source, sorted(known), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "`newswatch feeds` lists the sources"
        raise typer.BadParameter(f"unknown source {source!r}; {hint}", param_hint="--source")


def _filters(watch: store.Watch) -> str:
    pairs = (("topic", watch.topic), ("lang", watch.language), ("source", watch.source))
    return ", ".join(f"{label}={value}" for label, value in pairs if value) or "-"


@watch_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="A short name: lowercase letters, digits, '-', '_' (e.g. s400).")],
    query: Annotated[str, typer.Argument(help='Words a story must all contain, e.g. "S-400" (stemmed, as search).')],
    topic: Annotated[str | None, typer.Option(help="Only stories tagged with this topic.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only articles in this language (en, hi, ru, ...).")] = None,
    source: Annotated[str | None, typer.Option(help="Only articles from this source (its name in feeds.toml).")] = None,
    db_path: DbOption = None,
) -> None:
    """Save a search: from the next ingest on, every story it matches is a hit, an event, a feed entry."""
    _name(name)
    check_topic(topic)
    if lang is not None and not LANGUAGE_PATTERN.fullmatch(lang):
        raise typer.BadParameter(f"{lang!r}: a language code such as en, hi or ru", param_hint="--lang")
    if not query.strip() or len(query) > MAX_QUERY_CHARS:
        raise typer.BadParameter(f"give 1-{MAX_QUERY_CHARS} characters", param_hint="QUERY")
    try:
        words = store.query_words(query)
    except SearchUnavailable as exc:
        console.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(1) from None
    if not words:
        raise typer.BadParameter(f"{query!r} has only stopwords: nothing to search for", param_hint="QUERY")
    with _writing(db_path) as con:
        _check_source(con, source)
        watch = store.Watch(name=name, query=query, topic=topic, language=lang, source=source)
        if not store.add_watch(con, watch):
            console.print(f"[red]A watch named {name!r} exists[/]: `newswatch watch remove {name}` first.")
            raise typer.Exit(1)
    filters = "" if _filters(watch) == "-" else f" ({_filters(watch)})"
    console.print(
        f"watch [bold]{escape(name)}[/] added: stories with an article containing all of "
        f"{escape(', '.join(words))}{escape(filters)}. Try it: `newswatch watch test {name}`.",
        highlight=False,
    )


@watch_app.command("list")
def list_command(
    db_path: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Every watch: its query and filters, stories hit, the last alert, its feed and notification block."""
    with open_database(db_path) as con:
        watches, counts = store.list_watches(con), store.hit_counts(con)
    feeds = settings_or_exit().atom_directory
    rows = [
        {
            "name": w.name,
            "query": w.query,
            "topic": w.topic,
            "lang": w.language,
            "source": w.source,
            "stories_hit": counts.get(w.name, (0, None))[0],
            "last_alert": counts.get(w.name, (0, None))[1],
            "feed": str(feeds / (WATCH_PREFIX + feed_file_name(w.name))),
            "notify_block": w.notify_block,
        }
        for w in watches
    ]
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, default=str, ensure_ascii=False))
        return
    if not rows:
        console.print('No watches. Add one: newswatch watch add s400 "S-400"')
        return
    table = Table(title=f"{len(rows)} watches", caption="feeds are rewritten after each run")
    for column in ("name", "query", "filters", "stories hit", "last alert", "notify", "feed"):
        table.add_column(column, overflow="fold")
    for w, row in zip(watches, rows, strict=True):
        last = row["last_alert"]
        table.add_row(
            escape(w.name),
            escape(w.query),
            escape(_filters(w)),
            str(row["stories_hit"]),
            f"{last:%Y-%m-%d %H:%M}" if isinstance(last, datetime) else "-",
            escape(w.notify_block or "-"),
            escape(str(row["feed"])),
        )
    console.print(table)


@watch_app.command("remove")
def remove_command(name: str, db_path: DbOption = None) -> None:
    """Remove a watch and its hits (its feed goes at the next run)."""
    with _writing(db_path) as con:
        watch = _watch_or_exit(con, name)
        removed = store.remove_watch(con, name)
    console.print(f"watch {escape(name)} removed, with its {removed or 0} hits.", highlight=False)
    if watch.notify_block:
        _drop_automation(name)


def _drop_automation(name: str) -> None:
    from flows.alerts.automations import NotifyError, drop_automations
    from flows.ops.prefect_server import prefect_api

    label = f"Prefect automation 'newswatch watch {escape(name)}'"
    with prefect_api() as api_url:
        try:
            dropped = drop_automations(name)
        except NotifyError as exc:
            console.print(
                f"[yellow]Its {label} stays on {escape(api_url)}:[/] {escape(str(exc))}; "
                "delete it on the dashboard (Automations).",
                highlight=False,
            )
            return
    where = escape(api_url)
    console.print(f"Its {label} was deleted from {where}." if dropped else f"No {label} was on {where}.")


@watch_app.command("test")
def test_command(
    name: str,
    days: Annotated[int, typer.Option(min=1, help="Stories seen in the last DAYS days.")] = 7,
    db_path: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """What the watch would have matched in the last 7 days: stories newswatch saw, or saw grow, since then."""
    with open_database(db_path) as con:
        watch = _watch_or_exit(con, name)
        stories = store.stories_seen_since(con, datetime.now() - timedelta(days=days))
        try:
            matches = store.match_watches(con, [watch], stories)
        except SearchUnavailable as exc:
            console.print(f"[red]{escape(str(exc))}[/]")
            raise typer.Exit(1) from None
        cards = story_cards(con, [m.story_id for m in matches])
        hit = {h.story_id for h in store.stored_hits(con, watch=name)}
    found = sorted((cards[m.story_id] for m in matches if m.story_id in cards), key=lambda c: c.last_update_at)
    found.reverse()
    if as_json:
        for card in found:
            record = {
                "story_id": card.story_id,
                "headline": card.title,
                "link": card.url,
                "outlets": list(card.outlets),
                "topics": list(card.topics),
                "first_seen": card.first_seen_at,
                "already_hit": card.story_id in hit,
            }
            typer.echo(json.dumps(record, default=str, ensure_ascii=False))
        return
    if not found:
        console.print(f"No story of the last {days} days matches {watch.query!r} ({_filters(watch)}).")
        return
    table = Table(
        title=f"{len(found)} stories of the last {days} days match watch {name} ({watch.query!r})",
        caption="hit: already alerted (watch_hits); outlets: the seed corpus is not one",
    )
    for column in ("first seen", "hit", "outlets", "topics"):
        table.add_column(column, overflow="fold")
    table.add_column("headline / link", ratio=4, overflow="fold")
    for card in found:
        table.add_row(
            f"{card.first_seen_at:%Y-%m-%d}",
            "yes" if card.story_id in hit else "-",
            escape(", ".join(card.outlets) or "-"),
            escape(", ".join(card.topics)),
            f"{escape(card.title)}\n{escape(card.url)}",
        )
    console.print(table)


@watch_app.command("notify")
def notify_command(
    name: str,
    block: Annotated[
        str, typer.Option(help="A Prefect notification block: TYPE/NAME (custom-webhook/my-hook) or its name.")
    ],
    db_path: DbOption = None,
) -> None:
    """Send the watch's hits through a Prefect notification block (Slack, email, webhook): a Prefect automation."""
    from flows.alerts.automations import NotifyError, notify_through
    from flows.ops.prefect_server import prefect_api

    with open_database(db_path) as con:
        _watch_or_exit(con, name)
    with prefect_api() as api_url:
        try:
            automation_id, label = notify_through(name, block)
        except NotifyError as exc:
            console.print(f"[red]Cannot notify through {escape(block)}:[/] {escape(str(exc))}", highlight=False)
            raise typer.Exit(1) from None
    with _writing(db_path) as con:
        store.set_notify_block(con, name, label)
    console.print(
        f"automation 'newswatch watch {escape(name)}' ({automation_id}) on {escape(api_url)}: each hit goes "
        f"through {escape(label)}. The Prefect server sends them while it runs: keep `make serve` running.",
        highlight=False,
    )
