"""The unit tier stays pure: a unit test that opens a connection, starts a server or opens a DuckDB file fails,
and belongs in tests/integration."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

import duckdb
import pytest


class NotAUnitTest(AssertionError):
    pass


def _refused_in(thread: threading.Thread, real: Callable[..., Any], what: str) -> Callable[..., Any]:
    """`real`, except in the test's own thread. Threads left running by other tiers' session fixtures (the
    Prefect harness) share the process and keep their connections."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is thread:
            raise NotAUnitTest(f"a unit test {what}: move it to tests/integration")
        return real(*args, **kwargs)

    return guarded


@pytest.fixture(autouse=True)
def _pure(monkeypatch: pytest.MonkeyPatch) -> None:
    test = threading.current_thread()
    for owner, name, what in (
        (socket.socket, "connect", "opened a network connection"),
        (socket.socket, "connect_ex", "opened a network connection"),
        (socket, "create_connection", "opened a network connection"),
        (socket.socket, "bind", "started a server"),
    ):
        monkeypatch.setattr(owner, name, _refused_in(test, getattr(owner, name), what))
    real_connect = duckdb.connect

    def memory_only(database: Any = ":memory:", *args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        if str(database) not in {":memory:", ""} and threading.current_thread() is test:
            raise NotAUnitTest(f"a unit test opened the DuckDB file {database}: move it to tests/integration")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", memory_only)
