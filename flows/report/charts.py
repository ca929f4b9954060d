"""Report charts drawn with matplotlib into SVG text, to inline in HTML (no scripts, opens offline)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from warehouse.report_data import EntityRow, SourceRatio, TopicCount

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: smaller files, selectable, searchable
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
TOPIC_COLOURS = ("#1f5f99", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#5d6d7e", "#17a589", "#a04000")


def topic_colour(topics: Sequence[str], topic: str) -> str:
    return TOPIC_COLOURS[sorted(topics).index(topic) % len(TOPIC_COLOURS)]


def _svg(fig: Figure, chart_id: str) -> str:
    buffer = io.StringIO()
    # A distinct salt per chart keeps element ids unique when several SVGs share one HTML page.
    with matplotlib.rc_context({"svg.hashsalt": chart_id}):
        fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


# Every date shows its year: a corpus can span years, and a story's date can be a year older than the report.
DATE_FORMAT = "%d %b %Y"


def _legend_below(fig: Figure, ax: Axes, *, inches: float, ncols: int = 1) -> None:
    """The legend under the x axis label, a fixed distance whatever the chart's height, so it never hides a bar."""
    below = offset_copy(ax.transAxes, fig=fig, y=-inches, units="inches")
    ax.legend(frameon=False, ncols=ncols, loc="upper left", bbox_to_anchor=(0, 0), bbox_transform=below)


def topic_bars(
    counts: Sequence[TopicCount], *, chart_id: str, title: str, axis: str = "story date (publication, else first seen)"
) -> str:
    """Stacked bars: stories per topic for each day (or week)."""
    topics = sorted({c.topic for c in counts})
    days: list[date] = sorted({c.day for c in counts})
    by_topic: dict[str, dict[date, int]] = defaultdict(dict)
    for c in counts:
        by_topic[c.topic][c.day] = c.stories
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.add_subplot()
    positions = list(range(len(days)))
    bottoms = [0] * len(days)
    for topic in topics:
        heights = [by_topic[topic].get(d, 0) for d in days]
        ax.bar(positions, heights, bottom=bottoms, label=topic, color=topic_colour(topics, topic), width=0.7)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    ax.set_xticks(positions, [d.strftime(DATE_FORMAT) for d in days], rotation=45 if len(days) > 6 else 0)
    ax.set_xlabel(axis)
    ax.set_ylabel("stories")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, loc="left")
    if topics:
        _legend_below(fig, ax, inches=1.15 if len(days) > 6 else 0.5, ncols=min(len(topics), 4))
    return _svg(fig, chart_id)


def source_ratio_bars(ratios: Sequence[SourceRatio], *, chart_id: str, limit: int = 15) -> str:
    """Horizontal stacked bars: new articles and duplicates per outlet (the caller leaves the seed corpus out)."""
    shown = list(ratios[:limit])[::-1]
    fig = Figure(figsize=(7.5, 0.8 + 0.32 * max(len(shown), 1)))
    ax = fig.add_subplot()
    names = [r.source for r in shown]
    new = [r.new_articles for r in shown]
    dups = [r.duplicates for r in shown]
    ax.barh(names, new, color="#1f5f99", label="new")
    ax.barh(names, dups, left=new, color="#d5a6a0", label="duplicate")
    ax.set_xlabel("articles")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("New and duplicate articles per outlet (all time)", loc="left")
    ax.legend(frameon=False, loc="lower right")
    return _svg(fig, chart_id)


def entity_bars(entities: Sequence[EntityRow], *, chart_id: str, labels: tuple[str, str]) -> str:
    """Horizontal bars: stories per entity in the report's period beside the period before it.
    labels: the legend of the two periods, (this one, the one before)."""
    shown = list(entities)[::-1]
    fig = Figure(figsize=(7.5, 0.8 + 0.32 * max(len(shown), 1)))
    ax = fig.add_subplot()
    positions = list(range(len(shown)))
    ax.barh(
        [p + 0.2 for p in positions],
        [e.stories_in_period for e in shown],
        height=0.4,
        color="#1f5f99",
        label=labels[0],
    )
    ax.barh(
        [p - 0.2 for p in positions],
        [e.stories_before for e in shown],
        height=0.4,
        color="#aab7c4",
        label=labels[1],
    )
    ax.set_yticks(positions, [f"{e.entity} ({e.kind})" for e in shown])
    ax.set_xlabel("stories")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Top entities: stories mentioning them, this period and the one before", loc="left")
    _legend_below(fig, ax, inches=0.45)
    return _svg(fig, chart_id)
