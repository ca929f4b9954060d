"""Passwords stay out of a flow run's logs: Prefect ships log lines to its API (its database keeps them and
the dashboard shows them), so each handler of the run's loggers gets a filter that redacts connection-string
passwords (warehouse.backend.redact) from every message and traceback first."""

from __future__ import annotations

import logging

from warehouse.backend import redact

# The loggers Prefect gives handlers to in a flow run: the console (root), and the API.
RUN_LOGGERS = ("", "prefect.flow_runs", "prefect.task_runs", "prefect.extra")


class RedactPasswords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = redact(message)
        if shown != message:
            record.msg, record.args = shown, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback every handler prints is this one.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def redact_run_logs() -> None:
    """Add the filter to every handler of the run loggers, once. Call it inside a flow run: Prefect sets
    up its handlers when the first run starts."""
    for name in RUN_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactPasswords) for f in handler.filters):
                handler.addFilter(RedactPasswords())
