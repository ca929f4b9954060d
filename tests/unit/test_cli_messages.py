"""What the command line prints about itself: an internal error on one line, the commands `make serve` prints,
and the links it may print (only to servers that outlive the command)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from flows.cli.errors import internal_error_lines
from flows.ops.prefect_server import ChosenApi
from flows.ops.report_server import reports_port
from flows.ops.serve import read_deployments, runner_deployments, trigger_commands
from flows.settings import use_prefect_api


def test_an_internal_error_is_one_line_naming_it() -> None:
    error = RuntimeError("first line\nsecond line\n  traceback-ish detail")
    assert internal_error_lines(error, None) == [
        "newswatch: internal error: RuntimeError: first line (run again with --debug for the traceback)"
    ]
    assert internal_error_lines(KeyError(), None)[0].startswith("newswatch: internal error: KeyError (run again")
    long_line = internal_error_lines(ValueError("x" * 1000), None)[0]
    assert len(long_line) < 400 and "x…" in long_line


def test_an_internal_error_says_where_the_flow_run_log_is() -> None:
    error = RuntimeError("boom")
    own = internal_error_lines(error, ChosenApi("http://127.0.0.1:5555/api", own_server=True))
    assert len(own) == 2 and "`make serve` shows it" in own[1] and "5555" not in own[1]  # that server is gone
    served = internal_error_lines(error, ChosenApi("http://127.0.0.1:4200/api", own_server=False))
    assert served[1].endswith("on the dashboard at http://127.0.0.1:4200")


def test_reports_are_served_on_the_port_after_a_local_prefect_server() -> None:
    assert reports_port("http://127.0.0.1:4200/api") == 4201
    assert reports_port("http://localhost:4300/api") == 4301
    assert reports_port("https://prefect.example.org/api") is None  # not this machine: never asked
    assert reports_port("http://127.0.0.1:65535/api") is None
    assert reports_port("http://127.0.0.1:notaport/api") is None
    assert reports_port(None) is None


def test_the_commands_serve_prints_name_each_deployment_by_its_full_name() -> None:
    commands = trigger_commands("http://127.0.0.1:4200/api", runner_deployments(read_deployments()))
    assert len(commands) == 3
    names = [
        "newswatch-ingest/ingest-every-30-min",
        "newswatch-report/daily-report",
        "newswatch-lake-maintenance/lake-maintenance",
    ]
    for command, name in zip(commands, names, strict=True):
        words = shlex.split(command)
        assert words[0] == "PREFECT_API_URL=http://127.0.0.1:4200/api"
        assert Path(words[1]).is_absolute() and Path(words[1]).name == "prefect" and Path(words[1]).exists()
        assert words[2:] == ["deployment", "run", name]


def test_a_server_that_stops_with_the_command_gets_no_dashboard_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_UI_URL", raising=False)
    use_prefect_api("http://127.0.0.1:5555/api", dashboard=False)
    assert os.environ["PREFECT_UI_URL"] == ""  # Prefect then builds no "View at" link
    use_prefect_api(None)
    assert "PREFECT_UI_URL" not in os.environ and "PREFECT_API_URL" not in os.environ
    monkeypatch.setenv("PREFECT_UI_URL", "https://ui.example.org")  # the user's own: left alone
    use_prefect_api("http://127.0.0.1:4200/api")
    use_prefect_api(None)
    assert os.environ["PREFECT_UI_URL"] == "https://ui.example.org"
