"""Hostile network input, judged by pure code: addresses only, never a connection."""

from __future__ import annotations

import io
import logging
import re
import sys

import pytest

from extractors.records import FeedResult
from extractors.sources.poll_policy import failure_weight
from flows.http.address_guard import AddressPolicy, RefusedHost, vet_host
from flows.http.politeness import backoff_error
from flows.ops.log_redaction import RedactPasswords
from flows.settings import SettingsError, load_settings, pass_location_privately
from warehouse import db
from warehouse.backend import redact

DEFAULT = AddressPolicy()
EVERYTHING_ALLOWED = AddressPolicy(allow_loopback=True, allow_private=True, allow_link_local=True)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        # IPv6 forms that carry an IPv4 address inside them: the IPv4 address is judged.
        ("2002:a9fe:a9fe::1", "wraps 169.254.169.254 (6to4): 169.254.169.254 is a cloud metadata address"),
        ("2002:0a00:0001::1", "wraps 10.0.0.1 (6to4): 10.0.0.1 is a private address"),
        ("2002:7f00:0001::1", "(6to4): 127.0.0.1 is a loopback address"),
        # Teredo: server in bits 32-63, client inverted in the last 32 bits (~169.254.169.254 = 5601:5601).
        ("2001:0:4136:e378:8000:63bf:5601:5601", "wraps 169.254.169.254 (Teredo)"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "wraps 10.0.0.1 (Teredo)"),
        ("64:ff9b::a9fe:a9fe", "wraps 169.254.169.254 (NAT64)"),
        ("64:ff9b::7f00:1", "wraps 127.0.0.1 (NAT64)"),
        ("64:ff9b:1::c0a8:101", "wraps 192.168.1.1 (local-use NAT64)"),
        ("64:ff9b:1::5db8:d822", "private address (local-use NAT64)"),
        ("::ffff:169.254.169.254", "169.254.169.254 is a cloud metadata address"),
        ("::ffff:10.1.2.3", "10.1.2.3 is a private address"),
        ("::169.254.169.254", "wraps 169.254.169.254 (IPv4-compatible)"),
        ("::ffff:0:a9fe:a9fe", "wraps 169.254.169.254 (IPv4-translated)"),
        # IPv6 special-purpose ranges.
        ("fec0::1", "private address (site-local"),
        ("fd00::1", "private address (unique local)"),
        ("fe80::1", "link-local address"),
        ("100::1", "special-purpose address (discard-only)"),
        ("2001:db8::1", "special-purpose address (documentation)"),
        ("3fff::1", "special-purpose address (documentation)"),
        ("2001:2::1", "special-purpose address (IETF protocol assignments)"),
        ("5f00::1", "special-purpose address (SRv6"),
        ("ff02::1", "special-purpose address (multicast)"),
        ("::", "special-purpose address (unspecified)"),
        ("::1", "loopback address"),
        ("4000::1", "outside global unicast"),
        # IPv4 special-purpose ranges.
        ("100.64.0.1", "private address (shared address space"),
        ("100.127.255.254", "private address (shared address space"),
        ("192.0.0.1", "special-purpose address (IETF protocol assignments)"),
        ("192.0.0.9", "special-purpose address (IETF protocol assignments)"),
        ("192.0.2.1", "special-purpose address (documentation"),
        ("198.18.0.1", "special-purpose address (benchmarking)"),
        ("198.19.255.255", "special-purpose address (benchmarking)"),
        ("198.51.100.7", "special-purpose address (documentation"),
        ("203.0.113.7", "special-purpose address (documentation"),
        ("192.88.99.1", "special-purpose address (6to4 relay"),
        ("240.0.0.1", "special-purpose address (reserved"),
        ("255.255.255.255", "special-purpose address (reserved"),
        ("224.0.0.1", "special-purpose address (multicast)"),
        ("0.1.2.3", "special-purpose address ('this network')"),
    ],
)
def test_special_and_wrapped_addresses_are_refused_by_default(address: str, reason: str) -> None:
    why = DEFAULT.refusal(address)
    assert why is not None and reason in why


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "2606:2800:220:1:248:1893:25c8:1946",
        "2002:5db8:d822::1",  # 6to4 wrapping a public address
        "2001:0:4136:e378:8000:63bf:a247:27dd",  # Teredo client 93.184.216.34
        "64:ff9b::5db8:d822",  # NAT64 of a public address
        "::ffff:93.184.216.34",
        "100.63.255.255",  # just below the shared address space
        "100.128.0.0",  # just above it
        "198.17.255.255",
        "198.20.0.0",
    ],
)
def test_global_addresses_pass(address: str) -> None:
    assert DEFAULT.refusal(address) is None


@pytest.mark.parametrize(
    ("address", "policy"),
    [
        ("fec0::1", AddressPolicy(allow_private=True)),
        ("100.64.0.1", AddressPolicy(allow_private=True)),
        ("fd12:3456::1", AddressPolicy(allow_private=True)),
        ("64:ff9b:1::5db8:d822", AddressPolicy(allow_private=True)),
        ("2002:0a00:0001::1", AddressPolicy(allow_private=True)),
        ("fe80::1", AddressPolicy(allow_link_local=True)),
        ("2002:a9fe:a9fe::1", AddressPolicy(allow_link_local=True)),
        ("::1", AddressPolicy(allow_loopback=True)),
        ("::ffff:127.0.0.1", AddressPolicy(allow_loopback=True)),
        ("127.0.0.1", AddressPolicy(loopback_only=True)),
        ("::ffff:127.0.0.1", AddressPolicy(loopback_only=True)),
        ("::1", AddressPolicy(loopback_only=True)),
    ],
)
def test_policy_switches_still_open_their_ranges(address: str, policy: AddressPolicy) -> None:
    assert policy.refusal(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:0001::1",  # a tunnelled loopback goes off the machine, to a relay
        "64:ff9b::7f00:1",
        "::127.0.0.1",
        "198.18.0.1",
        "192.0.2.1",
        "100::1",
        "ff02::1",
        "240.0.0.1",
    ],
)
def test_no_switch_opens_special_ranges_or_wrapped_loopback(address: str) -> None:
    assert EVERYTHING_ALLOWED.refusal(address) is not None


@pytest.mark.parametrize("address", ["2002:7f00:0001::1", "64:ff9b::7f00:1", "fec0::1", "93.184.216.34"])
def test_loopback_only_refuses_all_but_this_machine(address: str) -> None:
    why = AddressPolicy(loopback_only=True).refusal(address)
    assert why is not None and "loopback-only" in why


@pytest.mark.parametrize("answer", ["2002:a9fe:a9fe::1", "fec0::1", "64:ff9b::a9fe:a9fe", "198.18.0.1"])
def test_a_name_resolving_to_a_wrapped_or_special_address_is_refused(answer: str) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", answer]

    with pytest.raises(RefusedHost, match=re.escape(f"news.test: {answer} ")):
        vet_host("news.test", 80, DEFAULT, resolver, system=False)


def test_a_feed_whose_host_is_backing_off_scores_as_passing_trouble() -> None:
    # Like the 429 that started it, not like a feed that is gone (weight 1).
    held = FeedResult(source="s", url="https://news.test/feed", status=None, error=backoff_error(300, 298))
    assert failure_weight(held) == 0.5


SECRET = "s3cret-Pa55"
LIBPQ = f"ducklake:postgres:dbname=nw host=127.0.0.1 user=nw password={SECRET}"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (LIBPQ, "ducklake:postgres:dbname=nw host=127.0.0.1 user=nw password=***"),
        (f"dbname=nw password = '{SECRET} x\\' y' host=h", "dbname=nw password = *** host=h"),
        (
            f"ducklake:postgres:postgresql://nw:{SECRET}@127.0.0.1:5432/nw",
            "ducklake:postgres:postgresql://nw:***@127.0.0.1:5432/nw",
        ),
        (
            f"postgresql://nw@h/db?password={SECRET}&sslmode=require",
            "postgresql://nw@h/db?password=***&sslmode=require",
        ),
        (f"sslpassword={SECRET} passfile=/home/nw/.pgpass", "sslpassword=*** passfile=/home/nw/.pgpass"),
        # As DuckDB's PostgreSQL extension quotes a location in its errors.
        (
            f'Unable to connect to Postgres at "dbname=nw password={SECRET}": refused',
            'Unable to connect to Postgres at "dbname=nw password=*** refused',
        ),
        ("/srv/data/newswatch.duckdb", "/srv/data/newswatch.duckdb"),
        ("http://host:8080/a@b", "http://host:8080/a@b"),
    ],
)
def test_connection_string_passwords_are_redacted(text: str, shown: str) -> None:
    assert redact(text) == shown
    assert SECRET not in redact(text)


def test_location_label_shows_no_password() -> None:
    assert SECRET not in db.location_label(LIBPQ)
    assert (
        db.location_label(f"ducklake:postgres:postgresql://nw:{SECRET}@h/nw")
        == "ducklake:postgres:postgresql://nw:***@h/nw"
    )


def test_a_redacted_flow_parameter_stands_for_the_configured_location(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_DB", "")  # restored after the test
    shown = pass_location_privately(LIBPQ)
    assert shown == redact(LIBPQ) and SECRET not in shown
    env = load_settings()  # what the flow run reads
    assert env.resolve_location(shown) == LIBPQ
    assert env.resolve_location(None) == LIBPQ
    assert env.resolve_location("/tmp/other.duckdb") == "/tmp/other.duckdb"
    with pytest.raises(SettingsError, match="redacted"):
        env.resolve_location(redact(LIBPQ.replace("dbname=nw", "dbname=other")))


def test_a_location_without_a_password_is_passed_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_DB", "")
    assert pass_location_privately("ducklake:/tmp/cat.ducklake") == "ducklake:/tmp/cat.ducklake"
    assert load_settings().db is None


def test_run_log_records_lose_their_passwords() -> None:
    try:
        raise OSError(f'Unable to connect to Postgres at "{LIBPQ}"')
    except OSError:
        record = logging.LogRecord(
            "prefect.flow_runs", logging.ERROR, __file__, 1, "opening %s", (LIBPQ,), sys.exc_info()
        )
    assert RedactPasswords().filter(record)
    handler = logging.StreamHandler(io.StringIO())
    assert SECRET not in handler.format(record) and "password=***" in handler.format(record)
