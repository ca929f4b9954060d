"""SSRF guard: decide which addresses the client may connect to, and pin each request to a vetted address.

A feed is untrusted input: its links may point at the metadata service, the LAN or this machine. Every
request (and every redirect hop) is resolved once, each address is checked, and the connection goes to
the checked address, so a DNS answer that changes between check and connect (rebinding) cannot slip past.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from flows.http.special_addresses import Embedded, IPAddress, classify, embedded_ipv4

Resolver = Callable[[str, int], list[str]]

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    }
)
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.azure.com", "instance-data"})


class RefusedHost(httpx.RequestError):
    """The guard refused to connect to this host or address."""


@dataclass(frozen=True, kw_only=True)
class AddressPolicy:
    loopback_only: bool = False
    allow_loopback: bool = False
    allow_private: bool = False
    allow_link_local: bool = False

    def refusal(self, address: str) -> str | None:
        """Why this address may not be contacted, or None when it may."""
        ip = ipaddress.ip_address(address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # the socket talks IPv4 to it
        if self.loopback_only:
            return None if ip.is_loopback else f"loopback-only mode refuses {ip}"
        if isinstance(ip, ipaddress.IPv6Address) and (embedded := embedded_ipv4(ip)) is not None:
            return self._wrapper_refusal(ip, embedded)
        return self._refusal(ip)

    def _wrapper_refusal(self, ip: ipaddress.IPv6Address, embedded: Embedded) -> str | None:
        for inner in embedded.addresses:
            # A tunnelled or translated loopback address never reaches this machine: allow_loopback is moot.
            why = f"{inner} is a loopback address" if inner.is_loopback else self._refusal(inner)
            if why is not None:
                return f"{ip} wraps {inner} ({embedded.form}): {why}"
        if embedded.local_use and not self.allow_private:
            return f"{ip} is a private address (local-use NAT64)"
        return None

    def _refusal(self, ip: IPAddress) -> str | None:
        if ip in METADATA_ADDRESSES and not self.allow_link_local:
            return f"{ip} is a cloud metadata address"
        special = classify(ip)
        if special is None:
            return None
        kind, label = special
        allowed = {"loopback": self.allow_loopback, "link-local": self.allow_link_local, "private": self.allow_private}
        if allowed.get(kind, False):
            return None
        detail = f" ({label})" if label else ""
        return f"{ip} is a {'special-purpose' if kind == 'special' else kind} address{detail}"


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def vet_host(host: str, port: int, policy: AddressPolicy, resolver: Resolver, *, system: bool) -> str:
    """The address to connect to for host, or raise RefusedHost. No lookup happens for refused names."""
    name = host.lower().rstrip(".")
    if name in METADATA_NAMES and not policy.allow_link_local:
        raise RefusedHost(f"{host} is a cloud metadata host")
    literal = _literal_address(name)
    if literal is None and name == "localhost":
        literal = "127.0.0.1"
    if literal is None and policy.loopback_only and system:
        # Resolving would already send a DNS query off the machine.
        raise RefusedHost(f"loopback-only mode refuses {host}")
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = resolver(name, port)
        except (OSError, UnicodeError) as exc:
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpx.ConnectError(f"cannot resolve {host}: no addresses")
    for address in addresses:
        why = policy.refusal(address)
        if why is not None:
            raise RefusedHost(f"{host}: {why}")
    return addresses[0]


def origin_of(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


class GuardedTransport(httpx.BaseTransport):
    """Vets and pins every request; origins in `trusted` (our own capture server) pass unchecked."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: AddressPolicy,
        resolver: Resolver | None = None,
        trusted: Iterable[str] = (),
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.resolver = resolver or system_resolver
        self.system = resolver is None
        self.trusted = set(trusted)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if origin_of(url) in self.trusted:
            return self.inner.handle_request(request)
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            address = vet_host(url.host, port, self.policy, self.resolver, system=self.system)
        except httpx.RequestError as exc:
            exc.request = request
            raise
        if _literal_address(url.host) == address:
            return self.inner.handle_request(request)
        pinned = httpx.Request(
            request.method,
            url.copy_with(host=address),
            headers=request.headers,  # keeps the Host header of the original name
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": url.host},
        )
        return self.inner.handle_request(pinned)

    def close(self) -> None:
        self.inner.close()
