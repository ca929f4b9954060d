"""Counting the steps code takes: a test of how work grows with its input that does not depend on the
machine's speed (no timer)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from tests.support.paths import PROJECT

PROJECT_CODE = str(PROJECT / "extractors")


class StepBudgetExceeded(BaseException):
    """Past the step budget; a BaseException, so that no `except Exception` in the code under test hides it."""


@contextmanager
def project_line_budget(limit: int) -> Iterator[list[int]]:
    """Counts the lines of extractors/ code executed (generator expressions included), and stops the code
    under test once it passes `limit`: a step count, not a timer, so it is the same on any machine."""
    steps = [0]

    def local(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            steps[0] += 1
            if steps[0] > limit:
                raise StepBudgetExceeded(f"more than {limit} lines of extractors/ code")
        return local

    def global_trace(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PROJECT_CODE) else None

    previous = sys.gettrace()
    sys.settrace(global_trace)
    try:
        yield steps
    finally:
        sys.settrace(previous)
