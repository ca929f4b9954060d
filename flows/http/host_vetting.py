"""The check each request passes before it is queued for its host (before robots.txt and the host's interval).

A URL the client cannot use, a host the address guard refuses, a host already found unreachable and a host
whose name does not resolve all stop here, without a request. Each host is vetted once per run: the verdict is
kept, and a host's first URLs arriving together wait for the one lookup in flight instead of making their
own. So a name that does not resolve is looked up once; that failure marks the host down in the gate, and
each of its other URLs fails at once (no lookup, no wait for the host's interval, no request). Keeping a
passing verdict lets nothing through the guard would refuse: the transport vets every connection itself
(flows/http/address_guard.py `GuardedTransport`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import httpx

from flows.http.address_guard import AddressPolicy, RefusedHost, Resolver, system_resolver, vet_host
from flows.http.politeness import HostGate


@dataclass(frozen=True, kw_only=True)
class Stop:
    """Why a request is not sent. refused: nothing was asked (guard, a host known down); else the failure."""

    error: str
    refused: bool


@dataclass(frozen=True, kw_only=True)
class HostVerdict:
    refusal: str | None = None  # the guard refuses the host
    unresolved: str | None = None  # its name did not resolve


def describe(exc: BaseException) -> str:
    """One line for a failure: the exception's type and the first line of its message."""
    text = str(exc) or exc.__class__.__doc__ or ""
    return f"{type(exc).__name__}: {text.strip().splitlines()[0] if text.strip() else ''}".rstrip(": ")


def unreachable_earlier(reason: str) -> str:
    return f"host unreachable earlier in this run ({reason})"


class HostVetting:
    """Thread-safe; one per fetcher (one per run), sharing the fetcher's gate."""

    def __init__(self, gate: HostGate, policy: AddressPolicy, resolver: Resolver | None) -> None:
        self.gate = gate
        self.policy = policy
        self.resolver = resolver or system_resolver
        self.system = resolver is None
        self._verdicts: dict[tuple[str, int], HostVerdict] = {}
        self._locks: dict[tuple[str, int], threading.Lock] = {}
        self._lock = threading.Lock()

    def stop(self, target: str, host_key: str) -> Stop | None:
        """Why a request to target must not be queued, or None when it may."""
        try:
            parsed = httpx.URL(target)
        except httpx.InvalidURL as exc:
            return Stop(error=f"InvalidURL: {exc}", refused=True)
        if parsed.scheme not in {"http", "https"} or not parsed.host:
            return Stop(error=f"UnsupportedProtocol: {target[:80]}", refused=True)
        if down := self.gate.down_reason(host_key):
            return Stop(error=unreachable_earlier(down), refused=True)
        verdict = self.verdict(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
        if verdict.refusal is not None:
            return Stop(error=verdict.refusal, refused=True)
        if verdict.unresolved is not None:
            if self.gate.mark_down(host_key, verdict.unresolved):
                return Stop(error=verdict.unresolved, refused=False)  # the host's first failure, as it came
            return Stop(error=unreachable_earlier(self.gate.down_reason(host_key) or verdict.unresolved), refused=True)
        return None

    def verdict(self, host: str, port: int) -> HostVerdict:
        """The host's verdict for this run, vetting it (one lookup) the first time it is asked for."""
        key = (host.lower().rstrip("."), port)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._verdicts:
                self._verdicts[key] = self._vet(host, port)
            return self._verdicts[key]

    def _vet(self, host: str, port: int) -> HostVerdict:
        try:
            vet_host(host, port, self.policy, self.resolver, system=self.system)
        except RefusedHost as exc:
            return HostVerdict(refusal=describe(exc))
        except httpx.ConnectError as exc:
            return HostVerdict(unresolved=describe(exc))
        return HostVerdict()
