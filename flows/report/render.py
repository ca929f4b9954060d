"""Render report data as a self-contained HTML page (the digest is flows/report/digest.py). Pure functions."""

from __future__ import annotations

from datetime import datetime
from html import escape

from flows.report import charts
from flows.report.digest import stories_by_topic
from flows.report.labels import SEED_CORPUS, first_seen_note, period_label, plural
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


def _link(url: str, text: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url)}">{escape(text)}</a>'
    return f'{escape(text)} <span class="muted">({escape(url)})</span>'


def _carried_by(s: StoryRow) -> str:
    names = escape(", ".join(s.outlet_names))
    if not s.has_seed:
        return names
    if not names:
        return f'<span class="muted">only in {SEED_CORPUS}</span>'
    return f'{names}; <span class="muted">also in {SEED_CORPUS}</span>'


def _story_page(story: StoryRow, browser_url: str | None) -> str:
    """The story's page in the story browser, when the report knows where it runs."""
    if browser_url is None:
        return ""
    return f' <a class="story-page" href="{escape(browser_url)}/story/{escape(story.story_id)}">story page</a>'


def _story_table(stories: list[StoryRow], browser_url: str | None) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{_link(s.url, s.title or s.url)}{_story_page(s, browser_url)}</td>"
        f'<td class="date">{s.story_date:%Y-%m-%d} <span class="muted">{s.date_source}</span></td>'
        f'<td class="num">{s.outlets}</td>'
        f"<td>{_carried_by(s)}</td>"
        f'<td class="num">{s.articles}</td>'
        f'<td class="date">{s.last_update_at:%Y-%m-%d %H:%M}</td>'
        "</tr>"
        for s in stories
    )
    return (
        '<table class="stories"><tr><th>Story</th><th>Date</th><th>Outlets</th><th>Carried by</th>'
        f"<th>Articles</th><th>Last article seen</th></tr>{rows}</table>"
    )


def _health_row(h: SourceHealthRow) -> str:
    rate = "–" if h.poll_success_rate_7d is None else f"{h.poll_success_rate_7d:.0%}"
    css = ' class="bad"' if h.last_error else ""
    last_ok = f"{h.last_success_at:%Y-%m-%d %H:%M}" if h.last_success_at else "never"
    return (
        f"<tr{css}><td>{escape(h.source)}</td><td>{escape(h.kind)}</td>"
        f'<td class="num">{h.polls_7d}</td><td class="num">{h.failed_polls_7d}</td>'
        f'<td class="num">{rate}</td><td class="num">{h.consecutive_failures}</td>'
        f"<td>{last_ok}</td><td>{escape(h.last_error or '')}</td></tr>"
    )


def _figure(chart_id: str, svg: str, caption: str) -> str:
    return f'<figure class="chart" id="{chart_id}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def _cards(data: ReportData) -> str:
    t = data.totals
    return "".join(
        f'<div class="card"><b>{value}</b>{label}</div>'
        for label, value in (
            ("stories in period", t.stories),
            ("articles first seen", t.articles),
            (f"from {SEED_CORPUS}", t.seeds),
            ("new from outlets", t.new_articles),
            ("duplicates", t.duplicates),
            ("sources ok", t.sources_ok),
            ("sources failing", t.sources_failing),
        )
    )


def _topic_charts(data: ReportData) -> list[str]:
    if not data.daily:
        return ['<p class="muted" id="no-stories">No stories were seen in this period.</p>']
    parts = [
        _figure(
            "chart-daily",
            charts.topic_bars(data.daily, chart_id="chart-daily", title="Stories in the period, by story date"),
            "Each story counted once per topic, on its earliest publication date. " + first_seen_note(data.daily),
        )
    ]
    if data.weekly:
        svg = charts.topic_bars(
            data.weekly,
            chart_id="chart-weekly",
            title=f"Stories per topic per week (the latest weeks up to {data.until:%Y-%m-%d})",
            axis="week starting (story date)",
        )
        caption = "Weeks start on Monday; each story counted once, on its story date. " + first_seen_note(data.weekly)
        parts.append(_figure("chart-weekly", svg, caption))
    return parts


def _sources(data: ReportData) -> list[str]:
    seeds = (
        f"{SEED_CORPUS.capitalize()} ({plural(data.seed_articles, 'article')}) is reference text, not an outlet,"
        " and is left out."
        if data.seed_articles
        else ""
    )
    if not data.source_ratios:
        return [f'<p class="muted">No articles from any outlet yet. {escape(seeds)}</p>']
    rows = "".join(
        f"<tr><td>{escape(r.source)}</td><td class='num'>{r.articles}</td><td class='num'>{r.new_articles}</td>"
        f"<td class='num'>{r.duplicates}</td>"
        f"<td class='num'>{'–' if r.new_to_duplicate is None else f'{r.new_to_duplicate:.2f}'}</td></tr>"
        for r in data.source_ratios
    )
    return [
        _figure(
            "chart-sources",
            charts.source_ratio_bars(data.source_ratios, chart_id="chart-sources"),
            f"Duplicates are syndicated or near copies of a story stored earlier. {seeds}".strip(),
        ),
        "<table><tr><th>Outlet</th><th>Articles</th><th>New</th><th>Duplicates</th>"
        f"<th>New : duplicate</th></tr>{rows}</table>",
    ]


def _entities(data: ReportData) -> list[str]:
    if not data.entities:
        if data.entities_known:
            return ['<p class="muted">No story of this period or the one before mentions a known entity.</p>']
        return ['<p class="muted">No entity counts yet: the entity tagger has not filled article_entities.</p>']
    now, before = period_label(data.since, data.until), period_label(data.before, data.since)
    labels = (f"this period, {now}", f"the period before, {before}")
    svg = charts.entity_bars(data.entities, chart_id="chart-entities", labels=labels)
    caption = (
        "Stories mentioning each entity, first seen or updated in this period against the period of the same "
        "length before it."
    )
    return [_figure("chart-entities", svg, caption)]


def render_html(data: ReportData, *, generated_at: datetime, database: str, browser_url: str | None = None) -> str:
    """`browser_url`: where the story browser runs; each story then links to its page there."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newswatch report {data.until:%Y-%m-%d}</title><style>{CSS}</style></head><body>",
        "<h1>newswatch: India–Russia relations</h1>",
        f'<p class="period">Stories first seen or updated {escape(period_label(data.since, data.until))}</p>',
        f'<div class="cards">{_cards(data)}</div>',
        "<h2>Stories per topic</h2>",
        *_topic_charts(data),
        "<h2>Top stories per topic</h2>",
    ]
    grouped = stories_by_topic(data)
    if not grouped:
        parts.append('<p class="muted">Nothing to list for this period.</p>')
    if grouped and browser_url is not None:
        parts.append(
            f'<p class="muted">"story page" opens a story\'s timeline, copies and evidence in the story browser at '
            f"{escape(browser_url)}, while it runs (<code>make serve</code> or <code>newswatch browse</code>).</p>"
        )
    for topic, stories in grouped.items():
        parts.append(f'<h3 id="topic-{escape(topic)}">{escape(topic)}</h3>{_story_table(stories, browser_url)}')
    parts.append(
        '<p class="muted">Date: the earliest publication date of the story\'s articles ("published"), else the '
        'day newswatch first saw it ("first seen"). Outlets leave out the seed corpus.</p>'
    )
    parts += ["<h2>Outlets: new and duplicate articles</h2>", *_sources(data), "<h2>Entities</h2>", *_entities(data)]
    parts.append("<h2>Source health (polls in the last 7 days)</h2>")
    parts.append(
        '<p class="muted">A poll is one read of a source by a run: one request for a feed, more for a sitemap '
        "or a GDELT query. Failed in a row counts polls too.</p>"
    )
    parts.append(
        "<table><tr><th>Source</th><th>Kind</th><th>Polls</th><th>Failed</th><th>Success</th>"
        "<th>Failed in a row</th><th>Last success</th><th>Last error</th></tr>"
        + "".join(_health_row(h) for h in data.source_health)
        + "</table>"
    )
    parts.append(
        f'<p class="muted">Generated {generated_at:%Y-%m-%d %H:%M} from {escape(database)} by newswatch. '
        "Every figure comes from the views in warehouse/views.</p></body></html>"
    )
    return "\n".join(parts)
