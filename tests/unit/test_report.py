"""Report periods (the report flow itself is tested in tests/integration)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

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
