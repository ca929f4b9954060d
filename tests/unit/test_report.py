"""Report periods (the report flow itself is tested in tests/integration)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from flows.report.markdown_text import markdown_link
from flows.report.periods import parse_since


def test_periods() -> None:
    now = datetime(2026, 11, 22, 12, 0)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("24h", now) == now - timedelta(hours=24)
    assert parse_since("2w", now) == now - timedelta(weeks=2)
    assert parse_since("90m", now) == now - timedelta(minutes=90)
    assert parse_since("2026-11-01", now) == datetime(2026, 11, 1)
    with pytest.raises(ValueError, match="not a period"):
        parse_since("last tuesday", now)


@pytest.mark.parametrize(
    "url, text, expected",
    [
        ("https://example.org/a_(b)", "A *title*", "[A \\*title\\*](https://example.org/a_%28b%29)"),
        ("seed://corpus/003.txt", "A seed", "A seed (seed://corpus/003.txt)"),
        ("javascript:alert(1)", "x", "x (javascript:alert\\(1\\))"),
    ],
)
def test_markdown_links_only_for_web_addresses(url: str, text: str, expected: str) -> None:
    assert markdown_link(url, text) == expected
