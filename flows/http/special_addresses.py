"""Special-purpose IP ranges (IANA's IPv4 and IPv6 special-purpose registries) and the IPv4 address an IPv6
address carries inside it (IPv4-mapped, -compatible, -translated, 6to4, Teredo, NAT64).

Pure: the address guard (`address_guard.py`) decides, from these, what a policy lets the client contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network
from typing import Literal

# loopback, link-local and private each have a policy switch; "special" is refused whatever the policy.
Kind = Literal["loopback", "link-local", "private", "special"]
IPAddress = IPv4Address | IPv6Address


@dataclass(frozen=True)
class SpecialRange:
    network: IPv4Network | IPv6Network
    kind: Kind
    label: str


def _ranges(rows: tuple[tuple[str, Kind, str], ...]) -> tuple[SpecialRange, ...]:
    return tuple(SpecialRange(ip_network(cidr), kind, label) for cidr, kind, label in rows)


# Listed explicitly, so the verdict does not hang on which Python patch release runs (is_private and
# is_global changed within 3.11 and 3.12); the ipaddress flags are the fallback for anything missed here.
# A few sub-ranges IANA marks globally reachable (anycast services in 192.0.0.0/24 and 2001::/23) are
# refused with their block: no news site lives there.
IPV4_SPECIAL = _ranges(
    (
        ("0.0.0.0/8", "special", "'this network'"),
        ("10.0.0.0/8", "private", ""),
        ("100.64.0.0/10", "private", "shared address space, carrier-grade NAT"),
        ("127.0.0.0/8", "loopback", ""),
        ("169.254.0.0/16", "link-local", ""),
        ("172.16.0.0/12", "private", ""),
        ("192.0.0.0/24", "special", "IETF protocol assignments"),
        ("192.0.2.0/24", "special", "documentation, TEST-NET-1"),
        ("192.88.99.0/24", "special", "6to4 relay anycast, deprecated"),
        ("192.168.0.0/16", "private", ""),
        ("198.18.0.0/15", "special", "benchmarking"),
        ("198.51.100.0/24", "special", "documentation, TEST-NET-2"),
        ("203.0.113.0/24", "special", "documentation, TEST-NET-3"),
        ("224.0.0.0/4", "special", "multicast"),
        ("240.0.0.0/4", "special", "reserved, and limited broadcast"),
    )
)
IPV6_SPECIAL = _ranges(
    (
        ("::/128", "special", "unspecified"),
        ("::1/128", "loopback", ""),
        ("100::/64", "special", "discard-only"),
        ("100:0:0:1::/64", "special", "dummy prefix"),
        ("2001::/23", "special", "IETF protocol assignments"),
        ("2001:db8::/32", "special", "documentation"),
        ("3fff::/20", "special", "documentation"),
        ("5f00::/16", "special", "SRv6 segment identifiers"),
        ("fc00::/7", "private", "unique local"),
        ("fe80::/10", "link-local", ""),
        ("fec0::/10", "private", "site-local, deprecated"),
        ("ff00::/8", "special", "multicast"),
    )
)
GLOBAL_UNICAST = IPv6Network("2000::/3")
NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = IPv6Network("64:ff9b:1::/48")
LOW_32_BITS = 0xFFFFFFFF


def classify(ip: IPAddress) -> tuple[Kind, str] | None:
    """The kind of special-purpose range ip lies in, with its label, or None for a global unicast address.

    An IPv6 address is judged as it stands; unwrap the IPv4 address it may carry with `embedded_ipv4` first.
    """
    table = IPV4_SPECIAL if isinstance(ip, IPv4Address) else IPV6_SPECIAL
    for special in table:
        if ip in special.network:
            return special.kind, special.label
    if isinstance(ip, IPv6Address) and ip not in GLOBAL_UNICAST:
        return "special", "outside global unicast 2000::/3"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "special", "reserved"
    if ip.is_loopback:
        return "loopback", ""
    if ip.is_link_local:
        return "link-local", ""
    if ip.is_private or (isinstance(ip, IPv6Address) and ip.is_site_local):
        return "private", ""
    if not ip.is_global:
        return "special", "not globally reachable"
    return None


@dataclass(frozen=True)
class Embedded:
    form: str
    addresses: tuple[IPv4Address, ...]
    local_use: bool = False  # the wrapper itself is a local-use prefix (64:ff9b:1::/48)


def embedded_ipv4(ip: IPv6Address) -> Embedded | None:
    """The IPv4 address(es) an IPv6 address wraps, by the standard embeddings, or None."""
    value = int(ip)
    low = IPv4Address(value & LOW_32_BITS)
    if ip.ipv4_mapped is not None:
        return Embedded("IPv4-mapped", (ip.ipv4_mapped,))
    if ip in NAT64_WELL_KNOWN:
        return Embedded("NAT64", (low,))
    if ip in NAT64_LOCAL_USE:
        # RFC 6052 lets a local prefix embed at several lengths; the /96 form puts it in the low 32 bits.
        return Embedded("local-use NAT64", (low,), local_use=True)
    if ip.sixtofour is not None:
        return Embedded("6to4", (ip.sixtofour,))
    if ip.teredo is not None:
        server, client = ip.teredo  # ipaddress un-inverts the client's bits
        return Embedded("Teredo", (client, server))
    if value >> 32 == 0xFFFF0000:
        return Embedded("IPv4-translated", (low,))
    if value >> 32 == 0 and value > 1:  # :: and ::1 are themselves
        return Embedded("IPv4-compatible", (low,))
    return None
