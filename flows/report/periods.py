"""Report periods from the command line: `7d`, `24h`, `2w`, `90m`, or a start date `2026-11-01`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$", re.IGNORECASE)


def parse_since(text: str, now: datetime) -> datetime:
    """The start of the period: `now` minus a duration, or the start of a given day."""
    match = DURATION.match(text)
    if match:
        return now - float(match.group(1)) * UNITS[match.group(2).lower()]
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a period: {text!r} (use e.g. 7d, 24h, 2w, 90m or 2026-11-01)") from None
