"""The Markdown digest and the rows of the top-stories table artifact. Pure functions.

Everything quoted from the sources (titles, URLs, source names, errors) goes through
flows/report/markdown_text.py, as the HTML report escapes it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flows.report.labels import (
    DIGEST_FAILING_SOURCES,
    SEED_CORPUS,
    more_line,
    outlets_label,
    period_label,
    plural,
    story_date_label,
)
from flows.report.markdown_text import markdown_link, markdown_text
from warehouse.report_data import ReportData, StoryRow, Totals


def stories_by_topic(data: ReportData) -> dict[str, list[StoryRow]]:
    grouped: dict[str, list[StoryRow]] = defaultdict(list)
    for story in data.top_stories:
        grouped[story.topic].append(story)
    return dict(sorted(grouped.items()))


def totals_line(t: Totals) -> str:
    """One sentence whose figures add up: articles first seen = seeds + new + duplicates."""
    seeds = f"{t.seeds} from {SEED_CORPUS}, " if t.seeds else ""
    return (
        f"{plural(t.stories, 'story', 'stories')} from {plural(t.articles, 'article')} first seen in the period "
        f"({seeds}{t.new_articles} new, {plural(t.duplicates, 'duplicate')}); "
        f"sources ok {t.sources_ok}, failing {t.sources_failing}."
    )


def render_markdown(data: ReportData) -> str:
    lines = [f"# newswatch digest: {period_label(data.since, data.until)}", "", totals_line(data.totals)]
    grouped = stories_by_topic(data)
    if not grouped:
        lines += ["", "_No stories were seen in this period._"]
    for topic, stories in grouped.items():
        lines += ["", f"## {markdown_text(topic)}", ""]
        for i, s in enumerate(stories, 1):
            headline = markdown_link(s.url, s.title or s.url)
            lines.append(f"{i}. {headline} — {story_date_label(s)}, {markdown_text(outlets_label(s))}")
    failing = [h for h in data.source_health if h.last_error]
    if failing:
        shown = failing[:DIGEST_FAILING_SOURCES]
        lines += ["", "## Failing sources", ""]
        lines += [f"- {markdown_text(h.source)}: {markdown_text(h.last_error or '')}" for h in shown]
        more = more_line(len(shown), len(failing), "failing sources (all in the HTML report's source health)")
        if more:
            lines.append(f"- {more}")
    return "\n".join(lines) + "\n"


def story_table_rows(data: ReportData) -> list[dict[str, Any]]:
    """Rows of the table artifact; Prefect renders its cells as Markdown, so quoted text is escaped here too."""
    return [
        {
            "topic": markdown_text(s.topic),
            "title": markdown_text(s.title),
            "url": markdown_link(s.url, s.url),  # a web address as a link, so it stays one in the table
            "date": f"{s.story_date:%Y-%m-%d}",
            "date_is": s.date_source,
            "outlets": s.outlets,
            "carried_by": markdown_text(outlets_label(s)),
            "articles": s.articles,
            "last_article_seen": f"{s.last_update_at:%Y-%m-%d %H:%M}",
        }
        for s in data.top_stories
    ]
