"""Offline, at the gate: a request queued behind a host that is found unreachable (or told to back off) is not
held for the host's interval, since it will not be sent. Waits are counted as the gate books them; the hour-long
interval only makes a wait that should not happen impossible to miss."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from flows.http.politeness import HostGate

HOUR = 3600.0


class CountingGate(HostGate):
    """A HostGate that records every wait it books, and says when a request has been booked."""

    def __init__(self) -> None:
        super().__init__(min_interval=HOUR, per_host=2, global_cap=4)
        self.waits: list[float] = []
        self.booked = threading.Event()

    def _reserve(self, host: str, spaced: bool) -> float:
        wait = super()._reserve(host, spaced)
        if wait > 0:
            self.waits.append(wait)
        self.booked.set()
        return wait


def _admit_in_thread(gate: HostGate, host: str) -> threading.Thread:
    def admitted() -> None:
        with gate.admit(host):
            pass

    # A daemon: on the code before the fix it sleeps out the hour, and must not keep the test run alive.
    thread = threading.Thread(target=admitted, daemon=True)
    thread.start()
    return thread


def _mark_down(gate: HostGate) -> None:
    gate.mark_down("news.example.invalid", "ConnectError: cannot resolve news.example.invalid")


def _back_off(gate: HostGate) -> None:
    gate.back_off("news.example.invalid", HOUR)


@pytest.mark.parametrize("stop_host", [_mark_down, _back_off], ids=["marked down", "backing off"])
def test_a_request_to_a_host_already_stopped_books_no_wait(stop_host: Callable[[HostGate], None]) -> None:
    gate = CountingGate()
    with gate.admit("news.example.invalid"):  # the host's first request: the next may start in an hour
        pass
    stop_host(gate)
    gate.booked.clear()
    thread = _admit_in_thread(gate, "news.example.invalid")
    gate.booked.wait()
    assert gate.waits == []
    thread.join()


@pytest.mark.parametrize("stop_host", [_mark_down, _back_off], ids=["marked down", "backing off"])
def test_a_request_waiting_for_its_host_is_let_go_when_the_host_stops(stop_host: Callable[[HostGate], None]) -> None:
    gate = CountingGate()
    with gate.admit("news.example.invalid"):
        pass
    gate.booked.clear()
    thread = _admit_in_thread(gate, "news.example.invalid")
    gate.booked.wait()
    assert len(gate.waits) == 1 and gate.waits[0] > HOUR - 60  # it is waiting out the interval
    stop_host(gate)
    # A guard against hanging, far under the hour the request would otherwise sleep: not a speed check.
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_mark_down_says_whether_it_was_the_first() -> None:
    gate = HostGate(min_interval=0.0, per_host=1, global_cap=1)
    assert gate.mark_down("h", "first reason") is True
    assert gate.mark_down("h", "second reason") is False
    assert gate.down_reason("h") == "first reason"
