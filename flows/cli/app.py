"""The `newswatch` command line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from flows.cli import browse_commands, report_commands, search_commands
from flows.cli.common import (
    DbOption,
    config_or_exit,
    console,
    database_location,
    flow_location,
    open_database,
    prefect_for_command,
    settings_or_exit,
)
from flows.cli.db_commands import db_app
from flows.cli.errors import NewswatchGroup, start_command
from flows.cli.feed_commands import backfill_warc_command, feeds_app
from flows.cli.tag_commands import retag_command
from flows.cli.topic_commands import tag_command, topics_app
from flows.cli.watch_commands import watch_app
from flows.ops.progress import progress_display
from flows.seed_files import seed_paths
from flows.settings import PROJECT_ROOT, prefect_environment
from warehouse import db, stats

if TYPE_CHECKING:
    from flows.ingest.summary import RunSummary

prefect_environment()

app = typer.Typer(
    cls=NewswatchGroup,
    help="newswatch: follow India–Russia news (defence, energy, trade, tariffs) from feeds into DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold a database password
)


@app.callback()
def global_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Print the traceback of an internal error (also NEWSWATCH_DEBUG=1).")
    ] = False,
) -> None:
    start_command(debug=debug)


app.add_typer(db_app, name="db")
app.add_typer(feeds_app, name="feeds")
app.add_typer(topics_app, name="topics")
app.command(name="tag")(tag_command)
app.add_typer(watch_app, name="watch")
app.command(name="backfill-warc")(backfill_warc_command)


def articles_stored_line(summary: RunSummary) -> str:
    """New and duplicate articles apart, as the report counts them: copies are stored but are not new."""
    return f"{summary.stored_articles} stored: {summary.new_articles} new, {summary.duplicate_articles} duplicates"


def _print_summary(summary: RunSummary, seconds: float) -> None:
    table = Table(title=f"newswatch run finished in {seconds:.1f} s", show_header=False)
    table.add_row("sources ok / failing", f"{summary.sources_ok} / {summary.sources_failing}")
    table.add_row("feed entries", str(summary.entries))
    table.add_row(
        "feeds parsed / not modified / unchanged",
        ", ".join(str(summary.feeds.get(k, 0)) for k in ("parsed", "not_modified", "unchanged"))
        + f" ({summary.sources_not_due} not due)",
    )
    table.add_row("already stored (skipped)", str(summary.already_stored))
    table.add_row("off-topic (skipped, recorded)", str(summary.skipped_off_topic))
    table.add_row("seed articles loaded", str(summary.seeds_loaded))
    table.add_row(
        "pages fetched / failed / rejected",
        f"{summary.fetched} / {summary.fetch_errors} / {summary.rejected}",
    )
    table.add_row("articles", articles_stored_line(summary))
    dups = summary.duplicates
    table.add_row("duplicates by kind", ", ".join(f"{k}={v}" for k, v in sorted(dups.items())) or "none")
    tags = summary.tags
    table.add_row("tags", ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "none")
    spikes = ", ".join(summary.topic_spikes) or "none"
    table.add_row("watch alerts / topic spikes", f"{summary.watch_alerts} / {spikes}")
    turns = summary.write_turns
    if turns.get("turns") or turns.get("reruns"):
        table.add_row(
            "DuckLake write turns",
            f"{turns['turns']:.0f}, waited {turns['waited_s']:.1f} s; {turns['reruns']:.0f} rerun after a lost commit",
        )
    totals = summary.totals
    table.add_row(
        "database totals",
        f"{totals['articles']} articles ({totals['seeds']} seeds, {totals['unique_articles']} unique)",
    )
    console.print(table)
    failing = summary.failing
    if failing:
        console.print(f"[yellow]{len(failing)} sources failing[/] (recorded in fetch_events; `newswatch stats`):")
        for name, error in list(failing.items())[:10]:
            console.print(f"  - {name}: {error}")
        if len(failing) > 10:
            console.print(f"  … and {len(failing) - 10} more")


@app.command()
def run(
    db_path: DbOption = None,
    feeds: Annotated[Path | None, typer.Option(help="Sources file (default: seeds/feeds.toml).")] = None,
    live: Annotated[bool, typer.Option(help="Fetch live sources (they fail fast when offline).")] = True,
    capture: Annotated[bool, typer.Option(help="Replay the bundled capture from seeds/capture.")] = True,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Pages per fetch/extract/load batch [default: 25; 100 on DuckLake].")
    ] = None,
    due_only: Annotated[bool, typer.Option(help="Poll only sources whose adaptive interval has passed.")] = False,
    relevance: Annotated[bool, typer.Option(help="Skip (and record) entries off the topic in relevance.toml.")] = True,
    shard: Annotated[
        str | None, typer.Option(help="i/N: poll only this worker's shard of the sources (and dead workers' shards).")
    ] = None,
    lease_ttl: Annotated[
        float, typer.Option(help="Seconds without heartbeat after which another worker takes a shard over.")
    ] = 3600.0,
) -> None:
    """Run the ingest flow once: fetch sources, extract, dedup, tag, load into DuckDB (or DuckLake)."""
    started = time.monotonic()
    settings_or_exit()
    files = seed_paths(feeds=feeds)
    if not relevance:
        del files["relevance"]
    config_or_exit(files)
    with prefect_for_command() as api_url:
        console.print(f"[dim]Prefect API {api_url}[/]")
        from flows.ingest.flow import ingest

        with progress_display(console):
            summary = ingest(
                db_path=flow_location(db_path),
                feeds_file=str(feeds) if feeds else None,
                capture=capture,
                live=live,
                batch_size=batch_size,
                due_only=due_only,
                relevance=relevance,
                shard=shard,
                lease_ttl_s=lease_ttl,
            )
    _print_summary(summary, time.monotonic() - started)


@app.command(name="stats")
def stats_command(
    db_path: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Counts: articles, stories, duplicates by kind, stories and articles per topic, source health; each
    figure says what it counts (the report counts stories; `--json` has the same under "units")."""
    path = database_location(db_path)
    with open_database(db_path) as con:
        figures = stats.collect_stats(con)
    if as_json:
        typer.echo(json.dumps(figures | {"units": stats.UNITS}, sort_keys=True))
        return
    table = Table(
        title=f"newswatch: {db.location_label(path)}",
        caption="A story counts once, however many articles (copies, other outlets) carry it. Reports count stories.",
    )
    for column in ("figure", "counts", "value"):
        table.add_column(column)
    for key, value in figures.items():
        if key not in stats.ALIASES:
            table.add_row(key, stats.UNITS[key], json.dumps(value) if isinstance(value, dict) else str(value))
    console.print(table)


app.command(name="retag")(retag_command)


@app.command(name="check-config")
def check_config(
    feeds: Annotated[Path | None, typer.Option(help="Sources file (default: seeds/feeds.toml).")] = None,
    topics: Annotated[Path | None, typer.Option(help="Taxonomy (default: seeds/topics.toml).")] = None,
    entities: Annotated[Path | None, typer.Option(help="Gazetteer (default: seeds/entities.toml).")] = None,
    relevance: Annotated[Path | None, typer.Option(help="Topic query (default: seeds/relevance.toml).")] = None,
) -> None:
    """Check the seed files against their schema, as every run does first: one line a problem, exit 2."""
    files = seed_paths(feeds=feeds, topics=topics, entities=entities, relevance=relevance)
    config_or_exit(files)
    for path in files.values():
        console.print(f"[green]ok[/] {path}", highlight=False)


app.command(name="report")(report_commands.report_command)
app.command(name="search")(search_commands.search_command)
app.command(name="browse")(browse_commands.browse_command)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the local Prefect server on 127.0.0.1.")] = 4200,
    browser_port: Annotated[
        int | None,
        typer.Option(
            min=1, max=65535, help="Story browser port on 127.0.0.1 (default: $NEWSWATCH_BROWSER_PORT, 8400)."
        ),
    ] = None,
    browser: Annotated[bool, typer.Option(help="Start the story browser beside the Prefect server.")] = True,
) -> None:
    """Start a Prefect server on 127.0.0.1, run the prefect.yaml schedules here, serve reports/ on the next
    port, and start the story browser beside them, until Ctrl-C."""
    from flows.ops.serve import serve_forever

    settings_or_exit()
    serve_forever(port, browser_port=browser_port, browser=browser)


@app.command()
def deploy(
    source: Annotated[Path, typer.Option(help="Project directory as the workers see it.")] = PROJECT_ROOT,
) -> None:
    """Register the prefect.yaml deployments on their work pool (PREFECT_API_URL names the server)."""
    from flows.ops.serve import deploy_to_pools, read_deployments

    specs = read_deployments()
    for spec, deployment_id in zip(specs, deploy_to_pools(specs, source), strict=True):
        console.print(f"deployed {spec.name} on work pool {spec.work_pool} ({deployment_id})")


if __name__ == "__main__":
    app()
