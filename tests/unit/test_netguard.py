"""The SSRF guard's address policy alone (the guarded client is tested in tests/integration)."""

from flows.http.address_guard import AddressPolicy


def test_configuration_allows_private_and_link_local_separately() -> None:
    policy = AddressPolicy(allow_private=True)
    assert policy.refusal("10.1.2.3") is None
    assert policy.refusal("169.254.169.254") is not None
    assert policy.refusal("127.0.0.1") is not None
    assert AddressPolicy(allow_link_local=True).refusal("169.254.10.10") is None
    assert AddressPolicy().refusal("93.184.216.34") is None
    assert AddressPolicy().refusal("0.0.0.0") is not None
    assert AddressPolicy(loopback_only=True).refusal("93.184.216.34") is not None
