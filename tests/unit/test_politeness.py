"""Backoff delays and Retry-After parsing (the polite client itself is tested in tests/integration)."""

from datetime import UTC, datetime

from flows.http.politeness import backoff_delay, parse_retry_after


def test_backoff_is_exponential_with_full_jitter() -> None:
    assert [backoff_delay(a, base=1, cap=5, rng=lambda: 1.0) for a in range(5)] == [1, 2, 4, 5, 5]
    assert backoff_delay(3, base=1, cap=60, rng=lambda: 0.25) == 2.0
    assert parse_retry_after("120") == 120.0
    now = datetime(2025, 12, 2, 10, 0, tzinfo=UTC)
    assert parse_retry_after("Tue, 02 Dec 2025 10:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
