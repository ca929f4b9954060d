"""Render report data as a self-contained HTML page and a Markdown digest. Pure functions."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from html import escape
from typing import Any

from flows.report import charts
from flows.report.markdown_text import markdown_link, markdown_text
from warehouse.report_data import ReportData, SourceHealthRow, StoryRow

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1c2833; margin: 2rem auto;
       max-width: 62rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d5d8dc; }
.period { color: #5d6d7e; margin-top: 0; }
.cards { display: flex; gap: .8rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #d5d8dc; border-radius: 6px; padding: .5rem .9rem; min-width: 8rem; }
.card b { display: block; font-size: 1.4rem; }
figure.chart { margin: 1rem 0; } figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eaecee; vertical-align: top; }
th { background: #f4f6f7; } td.date { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: #b03a2e; } .muted { color: #7f8c8d; } a { color: #1f5f99; }
"""


def period_label(since: datetime, until: datetime) -> str:
    return f"{since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M}"


def stories_by_topic(data: ReportData) -> dict[str, list[StoryRow]]:
    grouped: dict[str, list[StoryRow]] = defaultdict(list)
    for story in data.top_stories:
        grouped[story.topic].append(story)
    return dict(sorted(grouped.items()))


def _link(url: str, text: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url)}">{escape(text)}</a>'
    return f'{escape(text)} <span class="muted">({escape(url)})</span>'


def _story_table(stories: list[StoryRow]) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{_link(s.url, s.title or s.url)}</td>"
        f'<td class="date">{s.story_date:%Y-%m-%d}</td>'
        f'<td class="num">{s.outlets}</td>'
        f"<td>{escape(', '.join(s.outlet_names))}</td>"
        f'<td class="num">{s.articles}</td>'
        f'<td class="date">{s.last_update_at:%Y-%m-%d %H:%M}</td>'
        "</tr>"
        for s in stories
    )
    return (
        '<table class="stories"><tr><th>Story</th><th>Date</th><th>Outlets</th><th>Carried by</th>'
        f"<th>Articles</th><th>Last update</th></tr>{rows}</table>"
    )


def _health_row(h: SourceHealthRow) -> str:
    rate = "–" if h.feed_success_rate_7d is None else f"{h.feed_success_rate_7d:.0%}"
    css = ' class="bad"' if h.last_error else ""
    last_ok = f"{h.last_success_at:%Y-%m-%d %H:%M}" if h.last_success_at else "never"
    return (
        f"<tr{css}><td>{escape(h.source)}</td><td>{escape(h.kind)}</td>"
        f'<td class="num">{h.feed_fetches_7d}</td><td class="num">{h.feed_failures_7d}</td>'
        f'<td class="num">{rate}</td><td class="num">{h.consecutive_failures}</td>'
        f"<td>{last_ok}</td><td>{escape(h.last_error or '')}</td></tr>"
    )


def _figure(chart_id: str, svg: str, caption: str) -> str:
    return f'<figure class="chart" id="{chart_id}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def render_html(data: ReportData, *, generated_at: datetime, database: str) -> str:
    t = data.totals
    cards = "".join(
        f'<div class="card"><b>{value}</b>{label}</div>'
        for label, value in (
            ("stories in period", t.stories),
            ("articles seen", t.articles),
            ("flagged duplicates", t.duplicates),
            ("sources ok", t.sources_ok),
            ("sources failing", t.sources_failing),
        )
    )
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newswatch report {data.until:%Y-%m-%d}</title><style>{CSS}</style></head><body>",
        "<h1>newswatch: India–Russia relations</h1>",
        f'<p class="period">Stories first seen or updated {escape(period_label(data.since, data.until))}</p>',
        f'<div class="cards">{cards}</div>',
        "<h2>Stories per topic</h2>",
    ]
    if data.daily:
        svg = charts.topic_bars(data.daily, chart_id="chart-daily", title="Stories in the period, by publication day")
        parts.append(_figure("chart-daily", svg, "Each story counted once per topic, on its earliest publication day."))
    else:
        parts.append('<p class="muted" id="no-stories">No stories were seen in this period.</p>')
    if data.weekly:
        svg = charts.topic_bars(
            data.weekly,
            chart_id="chart-weekly",
            title="Stories per topic per week (latest weeks)",
            date_format="%d %b %y",
        )
        parts.append(_figure("chart-weekly", svg, "Weeks start on Monday; each story counted once."))
    parts.append("<h2>Top stories per topic</h2>")
    grouped = stories_by_topic(data)
    if not grouped:
        parts.append('<p class="muted">Nothing to list for this period.</p>')
    for topic, stories in grouped.items():
        parts.append(f'<h3 id="topic-{escape(topic)}">{escape(topic)}</h3>{_story_table(stories)}')
    parts.append("<h2>Sources: new and duplicate articles</h2>")
    if data.source_ratios:
        parts.append(
            _figure(
                "chart-sources",
                charts.source_ratio_bars(data.source_ratios, chart_id="chart-sources"),
                "Duplicates are syndicated or near copies of a story stored earlier.",
            )
        )
        rows = "".join(
            f"<tr><td>{escape(r.source)}</td><td class='num'>{r.articles}</td><td class='num'>{r.new_articles}</td>"
            f"<td class='num'>{r.duplicates}</td>"
            f"<td class='num'>{'–' if r.new_to_duplicate is None else f'{r.new_to_duplicate:.2f}'}</td></tr>"
            for r in data.source_ratios
        )
        parts.append(
            "<table><tr><th>Source</th><th>Articles</th><th>New</th><th>Duplicates</th>"
            f"<th>New : duplicate</th></tr>{rows}</table>"
        )
    parts.append("<h2>Entities</h2>")
    if data.entities:
        parts.append(
            _figure(
                "chart-entities",
                charts.entity_bars(data.entities, chart_id="chart-entities"),
                "Stories mentioning each entity; trend compares the last 7 days with the 7 before.",
            )
        )
    else:
        parts.append('<p class="muted">No entity counts yet: the entity tagger has not filled article_entities.</p>')
    parts.append("<h2>Source health (last 7 days)</h2>")
    parts.append(
        "<table><tr><th>Source</th><th>Kind</th><th>Feed fetches</th><th>Failures</th><th>Success</th>"
        "<th>Failing in a row</th><th>Last success</th><th>Last error</th></tr>"
        + "".join(_health_row(h) for h in data.source_health)
        + "</table>"
    )
    parts.append(
        f'<p class="muted">Generated {generated_at:%Y-%m-%d %H:%M} from {escape(database)} by newswatch. '
        "Every figure comes from the views in warehouse/views.</p></body></html>"
    )
    return "\n".join(parts)


def render_markdown(data: ReportData) -> str:
    """The digest. Everything quoted from the sources (titles, URLs, source names, errors) goes through
    flows/report/markdown_text.py, as the HTML report escapes it."""
    t = data.totals
    lines = [
        f"# newswatch digest: {period_label(data.since, data.until)}",
        "",
        f"{t.stories} stories ({t.articles} articles seen, {t.duplicates} flagged as duplicates); "
        f"sources ok {t.sources_ok}, failing {t.sources_failing}.",
    ]
    grouped = stories_by_topic(data)
    if not grouped:
        lines += ["", "_No stories were seen in this period._"]
    for topic, stories in grouped.items():
        lines += ["", f"## {markdown_text(topic)}", ""]
        for i, s in enumerate(stories, 1):
            headline = markdown_link(s.url, s.title or s.url)
            outlets = markdown_text(", ".join(s.outlet_names))
            lines.append(f"{i}. {headline} — {s.story_date:%Y-%m-%d}, {s.outlets} outlet(s): {outlets}")
    failing = [h for h in data.source_health if h.last_error]
    if failing:
        lines += ["", "## Failing sources", ""]
        lines += [f"- {markdown_text(h.source)}: {markdown_text(h.last_error or '')}" for h in failing[:15]]
    return "\n".join(lines) + "\n"


def story_table_rows(data: ReportData) -> list[dict[str, Any]]:
    """Rows of the table artifact; Prefect renders its cells as Markdown, so quoted text is escaped here too."""
    return [
        {
            "topic": markdown_text(s.topic),
            "title": markdown_text(s.title),
            "url": markdown_link(s.url, s.url),  # a web address as a link, so it stays one in the table
            "date": f"{s.story_date:%Y-%m-%d}",
            "outlets": s.outlets,
            "articles": s.articles,
            "last_update": f"{s.last_update_at:%Y-%m-%d %H:%M}",
        }
        for s in data.top_stories
    ]
